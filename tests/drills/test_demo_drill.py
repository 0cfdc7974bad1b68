"""The demo's drill at its defaults: the bylaws' standard rations, something real to see."""

from io import StringIO

import pytest
from django.core.management import call_command

from pomochi.communities.models import Community
from pomochi.drills.report import drill_report
from pomochi.drills.selectors import drill_input
from pomochi.ledger.cover import community_covers
from pomochi.sim.drill import run_drill


@pytest.mark.django_db
def test_the_demo_drills_at_its_standard_rations():
    call_command("seed_demo", households=30, seed=7, stdout=StringIO())
    community = Community.objects.get(slug="demo")
    inputs = drill_input(community=community)
    assert inputs.rations_from_bylaws == {"grain", "potatoes", "firewood"}
    assert inputs.rations_missing == ("seed potatoes",)  # sown, not eaten: the page asks
    reports = {r.name: r for r in drill_report(outcome=run_drill(inputs), inputs=inputs)}
    assert reports["grain"].ration == "2 kg" and reports["grain"].ration_source == "bylaws"
    # A village of 30 households eating 2 kg a person a week does not last a whole year on
    # what the demo's granary holds: the drill says when, no false all-clear.
    assert not reports["grain"].lasts_the_horizon
    assert all(
        c.ration is not None
        for c in community_covers(community=community)
        if c.resource.name in ("grain", "potatoes", "firewood")
    )
