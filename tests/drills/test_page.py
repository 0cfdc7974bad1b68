"""The drill page: for coordinators and the committee, a shock in, the weeks out, nothing
written."""

import re

import pytest
from django.apps import apps
from django.urls import reverse

from pomochi.audit.models import AuditEntry
from pomochi.ledger.models import Event, Holding
from tests.conftest import bylaws_with

URL = "/c/village/drill/"


def shock(v, **changes) -> dict:
    """Half the stores lost, 8 of the recent 12.5 kg a week still coming in, 1 kg of grain a
    person a week, 30 weeks: the stores go down 2 kg a week from 50 kg and last 25 weeks."""
    return {
        "stock_loss": "50",
        "inflow_loss": "36",
        "demand": "0",
        "weeks": "30",
        f"ration_{v.grain.id}": "1",
    } | changes


def text(response) -> str:
    """The page's words, tags gone and spaces folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def get_as(client, membership, data=None):
    client.force_login(membership.user)
    return client.get(URL, data or {})


@pytest.mark.parametrize("role", ["alice", "vera", "olga"])
def test_it_shows_coordinators_and_the_committee_the_weeks(stocked_village, client, role):
    v = stocked_village
    response = get_as(client, getattr(v, role), shock(v))

    assert response.status_code == 200
    page = text(response)
    assert "This is a drill: nothing is recorded." in page
    assert "4 households, shared by max-min fairness." in page
    assert "The stores cover everyone for 25 weeks. They run empty in week 25." in page
    assert "In store now 100 kg · 50 kg after the loss" in page
    assert "Ration per person per week 1 kg as given" in page
    assert "Asked each week 10 kg" in page and "Coming in each week 8 kg" in page
    assert "2 households run short; first: Ivanovs, week 26 Petrovs, week 26" in page
    ((report, chart),) = response.context["rows"]
    assert (report.weeks_covered, report.weeks_until_empty) == (25, 25)
    assert str(chart) in response.content.decode()
    points = re.search(r'<polyline points="([^"]+)"', str(chart)).group(1)
    assert points.startswith("0,18 10.7,21.9 ") and points.endswith(" 320,116")


def test_a_member_is_refused(stocked_village, client):
    response = get_as(client, stocked_village.bob, shock(stocked_village))
    assert response.status_code == 403
    assert "Petrovs" not in response.content.decode()


def test_another_communitys_coordinator_does_not_see_it(stocked_village, hamlet, client):
    assert get_as(client, hamlet.charlie).status_code == 404
    client.force_login(stocked_village.alice.user)
    assert client.get("/c/hamlet/drill/").status_code == 404


def test_anonymous_is_sent_to_log_in(stocked_village, client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={URL}"


def test_a_first_visit_asks_for_a_ration_the_bylaws_do_not_set(stocked_village, client):
    response = get_as(client, stocked_village.alice)
    assert response.status_code == 200
    form = response.context["form"]
    assert form["weeks"].value() == "52" and form["stock_loss"].value() == "0"
    # No standard ration in the bylaws: nothing is drilled, and nothing reassures.
    page = text(response)
    assert "The stores cover everyone" not in page
    assert response.context["rows"] == []
    assert "Not drilled: grain, potatoes. The bylaws set no standard ration for them" in page
    assert "The bylaws set no standard ration: give one to drill it." in page


def test_a_first_visit_drills_at_the_bylaws_standard_ration(stocked_village, client):
    v = stocked_village
    bylaws_with(v, standard_rations={"grain": "2.5"})
    response = get_as(client, v.alice)
    page = text(response)
    # 100 kg, 12.5 kg a week coming in, 10 people × 2.5 kg = 25 kg asked: 12.5 kg a week down.
    assert "Ration per person per week 2.5 kg the standard ration of the bylaws" in page
    assert "Asked each week 25 kg" in page
    assert "The stores cover everyone for 8 weeks. They run empty in week 8." in page
    help_text = response.context["form"][f"ration_{v.grain.id}"].help_text
    assert help_text == "Empty: the bylaws' standard ration, 2.5 kg."
    assert "Not drilled: potatoes." in page
    ((report, _chart),) = response.context["rows"]
    assert report.ration_source == "bylaws" and not report.ration_given


def test_demand_raises_what_is_asked(stocked_village, client):
    v = stocked_village
    response = get_as(client, v.alice, shock(v, demand="100", weeks="10"))
    page = text(response)
    # 20 kg asked, 8 kg in: 50 kg go down 12 kg a week; in week 5 only 2 + 8 kg are left,
    # and from then on the Sidorovs' 2 kg is within anyone's equal share.
    assert "Asked each week 20 kg" in page
    assert "The stores cover everyone for 4 weeks. They run empty in week 5." in page
    assert "3 households run short; first: Ivanovs, week 5 Orlovs, week 5 Petrovs, week 5" in page


def test_a_blockade_stops_the_inflow(stocked_village, client):
    v = stocked_village
    page = text(get_as(client, v.alice, shock(v, inflow_loss="100")))
    assert "Coming in each week 0 kg" in page
    assert "The stores cover everyone for 5 weeks. They run empty in week 5." in page
    assert "4 households run short; first: Ivanovs, week 6 Orlovs, week 6" in page


def test_the_bylaws_rule_decides_who_runs_short(stocked_village, client):
    from pomochi.communities.bylaws import default_rules
    from pomochi.communities.services import bylaws_change

    v = stocked_village
    bylaws_change(
        actor=v.olga,
        community=v.community,
        rules=default_rules() | {"allocation_rule": "priority_tiers"},
        reason="the vulnerable first",
    )
    page = text(get_as(client, v.alice, shock(v)))
    assert "4 households, shared by priority tiers." in page
    assert "1 household runs short; first: Petrovs, week 26" in page
    assert "Ivanovs, week" not in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("stock_loss", "-5", "Enter a percentage between 0 and 100."),
        ("stock_loss", "150", "Enter a percentage between 0 and 100."),
        ("inflow_loss", "100.5", "Enter a percentage between 0 and 100."),
        ("demand", "-10", "Enter a percentage between 0 and 900."),
        ("demand", "1000", "Enter a percentage between 0 and 900."),
        ("demand", "half", "Enter a number."),
        ("weeks", "0", "Enter a number of weeks between 1 and 104."),
        ("weeks", "500", "Enter a number of weeks between 1 and 104."),
        ("weeks", "", "This field is required."),
        ("ration", "lots", "“lots” is not a number."),
        ("ration", "-1", "The quantity cannot be negative."),
        ("ration", "0.0001", "kg are recorded to 3 decimal places"),
    ],
)
def test_bad_input_is_explained_next_to_its_field_and_runs_nothing(
    stocked_village, client, field, value, message
):
    v = stocked_village
    name = f"ration_{v.grain.id}" if field == "ration" else field
    response = get_as(client, v.alice, shock(v, **{name: value}))

    assert response.status_code == 422
    errors = response.context["form"].errors
    assert list(errors) == [name] and message in errors[name][0]
    html = response.content.decode()
    error = re.search(rf'<p class="error" id="id_{name}-error" role="alert">([^<]*)</p>', html)
    assert error and message in error.group(1)
    assert re.search(
        rf'id="id_{name}"[^>]*aria-describedby="[^"]*id_{name}-error"', html
    ) or re.search(rf'aria-describedby="[^"]*id_{name}-error"[^>]*id="id_{name}"', html)
    assert response.context["rows"] == [] and response.context["inputs"] is None
    assert "The stores cover" not in html


def everything_counted() -> dict:
    counts = {m._meta.label: m.objects.count() for m in apps.get_models()}
    counts["holdings"] = sorted(Holding.objects.values_list("id", "quantity"))
    return counts


def test_the_drill_writes_nothing(stocked_village, client):
    v = stocked_village
    client.force_login(v.alice.user)
    client.get(URL)  # the session exists before counting
    events, entries = Event.objects.count(), AuditEntry.objects.count()
    before = everything_counted()

    for data in (shock(v), shock(v, inflow_loss="100", demand="900", weeks="104"), {}):
        assert client.get(URL, data).status_code == 200

    assert Event.objects.count() == events and AuditEntry.objects.count() == entries
    assert everything_counted() == before
    assert Holding.objects.get(pool=v.granary, resource=v.grain).quantity == 100_000


def test_the_community_home_links_it_for_those_who_may_run_it(stocked_village, client):
    v = stocked_village
    link = f'href="{URL}"'
    for membership, shown in ((v.alice, True), (v.vera, True), (v.bob, False)):
        client.force_login(membership.user)
        assert (link in client.get("/c/village/").content.decode()) == shown, membership


def test_stores_too_small_for_one_week_say_so(stocked_village, client):
    v = stocked_village
    page = text(get_as(client, v.alice, shock(v, **{f"ration_{v.grain.id}": "20"})))
    # 200 kg asked a week, 50 + 8 kg to give.
    assert "The stores do not cover everyone even in the first week. They run empty in week 1." in (
        page
    )
    assert "4 households run short; first: Ivanovs, week 1 Orlovs, week 1" in page
