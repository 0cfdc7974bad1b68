import pytest

from pomochi.aid.services import need_post


@pytest.fixture
def needy_village(stocked_village):
    """The stocked village with three open needs for grain (100 kg in the granary)."""
    v = stocked_village
    v.need_petrovs = need_post(
        actor=v.bob,
        community=v.community,
        household=v.petrovs,
        resource=v.grain,
        quantity=30_000,
        urgency="soon",
    )
    v.need_sidorovs = need_post(
        actor=v.alice,
        community=v.community,
        household=v.sidorovs,
        resource=v.grain,
        quantity=10_000,
        urgency="urgent",
    )
    v.need_orlovs = need_post(
        actor=v.olga, community=v.community, household=v.orlovs, resource=v.grain, quantity=80_000
    )
    return v
