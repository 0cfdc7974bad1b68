from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AidConfig(AppConfig):
    name = "pomochi.aid"
    label = "aid"
    verbose_name = _("Mutual aid")

    def ready(self):
        from pomochi.aid.sentences import register as register_sentences

        register_sentences()
        # What waits for a coordinator or the committee, on the home page (web.attention).
        from pomochi.aid.attention import register as register_attention

        register_attention()
        # One-click buttons in e-mail: answer a promise, confirm it arrived, approve a round.
        from pomochi.aid.links import register as register_links

        register_links()
        # A reversed delivery no longer fulfils a promise nor meets a need.
        from pomochi.aid.rounds import allocation_delivery_reversed
        from pomochi.aid.services import commitment_delivery_reversed
        from pomochi.ledger.services import on_reversal

        on_reversal("commitment", commitment_delivery_reversed)
        on_reversal("allocation", allocation_delivery_reversed)
