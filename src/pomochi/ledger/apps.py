from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "pomochi.ledger"
    label = "ledger"
    verbose_name = _("Ledger")

    def ready(self):
        from pomochi.ledger.sentences import register as register_sentences

        register_sentences()
        from pomochi.audit.verify import register_cross_check
        from pomochi.ledger.models import Event

        def event_rows(community_id: int):
            for event in Event.objects.filter(community_id=community_id).iterator(chunk_size=2000):
                yield event.id, event.audit_data()

        register_cross_check("event", event_rows)

        from pomochi.audit.verify import register_invariant
        from pomochi.ledger.selectors import holdings_off_their_events

        register_invariant(holdings_off_their_events)

        from pomochi.ledger.attention import register as register_attention

        register_attention()
