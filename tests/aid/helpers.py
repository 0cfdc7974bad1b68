from datetime import timedelta

from django.utils import timezone

from pomochi.aid.services import commitment_make


def promise_petrovs_grain(v, quantity):
    """Alice promises the Petrovs grain from the granary against their need, due in 3 days."""
    return commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.petrovs,
        giver_pool=v.granary,
        resource=v.grain,
        quantity=quantity,
        due_on=timezone.localdate() + timedelta(days=3),
        need=v.need_petrovs,
    )
