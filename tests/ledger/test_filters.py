"""Movements filtered (ledger.filters): one definition for the pages and the API, the same set
through both doors, and nothing learnt by filtering of who received what: a household or words
of a note match only what the member sees of each movement (ledger.presenters.event_view)."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pomochi.communities.models import Community
from pomochi.errors import InvalidInput
from pomochi.ledger.filters import (
    NO_MOVEMENT_CRITERIA,
    MovementFilterForm,
    MovementQuery,
    movement_criteria,
)
from pomochi.ledger.models import Event
from pomochi.ledger.presenters import event_view
from pomochi.ledger.selectors import (
    hidden_households,
    households_seen,
    movements_listed,
    nothing_hidden_q,
    receivers_public,
)
from pomochi.ledger.services import (
    event_contribute,
    event_distribute,
    event_reverse,
    event_transfer,
    event_work,
)
from tests.api.conftest import ApiClient

T0 = datetime(2026, 5, 1, 20, 0, tzinfo=UTC)  # 2 May already on a clock seven hours ahead


@pytest.fixture
def moves(stocked_village, hamlet):
    """Movements of every kind around the Sidorovs (nobody's household): a contribution they
    gave, aid they received, a neighbour's gift and work they received, a reversal of aid to
    them; aid to bob's Petrovs; an event of the hamlet. Notes in two languages."""
    v = stocked_village
    v.hamlet = hamlet
    day = lambda n: T0 + timedelta(days=n)  # noqa: E731
    v.from_sidorovs = event_contribute(
        actor=v.alice,
        household=v.sidorovs,
        pool=v.granary,
        resource=v.grain,
        quantity=5_000,
        occurred_at=day(0),
        note="Зерно нового урожая",
    )
    v.to_sidorovs = event_distribute(
        actor=v.alice,
        pool=v.granary,
        household=v.sidorovs,
        resource=v.grain,
        quantity=2_000,
        occurred_at=day(1),
        note="Для бабушки: ЗЕРНО на кашу",
    )
    v.to_petrovs = event_distribute(
        actor=v.alice,
        pool=v.granary,
        household=v.petrovs,
        resource=v.grain,
        quantity=1_000,
        occurred_at=day(2),
        note="зерно для Петровых",
    )
    v.gift = event_transfer(
        actor=v.olga,
        from_household=v.orlovs,
        to_household=v.sidorovs,
        resource=v.potatoes,
        quantity=50,
        occurred_at=day(3),
        note="картошка бабушке",
    )
    v.work = event_work(
        actor=v.alice,
        worker=v.petrovs,
        beneficiary=v.sidorovs,
        resource=v.labour,
        quantity=300,
        occurred_at=day(4),
    )
    mistaken = event_distribute(
        actor=v.alice,
        pool=v.granary,
        household=v.sidorovs,
        resource=v.grain,
        quantity=500,
        occurred_at=day(5),
    )
    v.reversal = event_reverse(
        actor=v.alice, event=mistaken, reason="wrong household", occurred_at=day(6)
    )
    v.mistaken = mistaken
    v.hamlet_event = event_contribute(
        actor=hamlet.charlie,
        household=hamlet.kuznetsovs,
        pool=hamlet.store,
        resource=hamlet.grain,
        quantity=5,
        note="зерно",
    )
    return v


def members(v):
    return {"bob": v.bob, "alice": v.alice, "vera": v.vera, "olga": v.olga}


def listed(v, actor, **query) -> list[int]:
    criteria = movement_criteria(actor=actor, community=v.community, **query)
    return [e.id for e in movements_listed(actor=actor, community=v.community, criteria=criteria)]


def views(v, actor) -> list[dict]:
    events = Event.objects.filter(community=v.community).order_by("-occurred_at", "-id")
    return [event_view(actor=actor, obj=e) for e in events]


def events_url(query: dict) -> str:
    return "/communities/village/events?" + urlencode(query)


def names(view: dict, household) -> bool:
    return household.id in (view.get("provider_household"), view.get("receiver_household"))


# ---------------------------------------------------------------------------------------------
# What a filter tells: exactly what the member sees, no more


def test_bob_filtering_by_the_sidorovs_gets_only_what_he_sees_them_give(moves):
    v = moves
    assert listed(v, v.bob, household=v.sidorovs.id) == [v.from_sidorovs.id]
    # Everyone who sees receivers gets the Sidorovs' whole history.
    whole = [v.reversal.id, v.mistaken.id, v.work.id, v.gift.id, v.to_sidorovs.id]
    assert listed(v, v.alice, household=v.sidorovs.id) == [*whole, v.from_sidorovs.id]
    assert listed(v, v.vera, household=v.sidorovs.id) == [*whole, v.from_sidorovs.id]


@pytest.mark.parametrize("who", ["bob", "alice", "vera", "olga"])
def test_a_household_filter_matches_exactly_where_the_member_sees_it_named(moves, who):
    v = moves
    actor = members(v)[who]
    seen = views(v, actor)
    for household in (v.sidorovs, v.petrovs, v.orlovs, v.ivanovs):
        expected = [view["id"] for view in seen if names(view, household)]
        assert listed(v, actor, household=household.id) == expected, household.name


@pytest.mark.parametrize("who", ["bob", "alice", "vera", "olga"])
def test_words_match_exactly_the_notes_the_member_reads_in_any_case(moves, who):
    v = moves
    actor = members(v)[who]
    seen = views(v, actor)
    for words in ("зерно", "БАБУШК", "Петровых", "wrong", "nothing like it"):
        expected = [
            view["id"]
            for view in seen
            if view.get("note") and words.casefold() in view["note"].casefold()
        ]
        assert listed(v, actor, note=words) == expected, words


def test_bob_finds_grain_in_the_notes_he_reads_and_not_in_the_grandmothers(moves):
    v = moves
    assert listed(v, v.bob, note="зерно") == [v.to_petrovs.id, v.from_sidorovs.id]
    assert listed(v, v.alice, note="зерно") == [
        v.to_petrovs.id,
        v.to_sidorovs.id,
        v.from_sidorovs.id,
    ]


@pytest.mark.parametrize("who", ["bob", "alice", "vera", "olga"])
def test_the_list_condition_agrees_with_the_presenters_hidden_fields(moves, who):
    v = moves
    actor = members(v)[who]
    public = receivers_public(actor=actor, community=v.community)
    seen = households_seen(actor=actor, community=v.community)
    events = Event.objects.filter(community=v.community)
    nothing_hidden = set(events.filter(nothing_hidden_q(seen)).values_list("id", flat=True))
    assert nothing_hidden == {
        e.id for e in events if not hidden_households(actor=actor, event=e, public=public)
    }


def test_the_api_count_and_pages_for_bob_tell_no_more_than_he_sees(moves):
    v = moves
    api = ApiClient(v.bob.user)
    body = api.get(events_url({"household": v.sidorovs.id, "per_page": 1})).json()
    assert body["meta"] == {"count": 1, "page": 1, "pages": 1, "per_page": 1}
    assert [e["id"] for e in body["items"]] == [v.from_sidorovs.id]
    found = api.get(events_url({"note": "бабушк"})).json()
    assert found["meta"]["count"] == 0 and found["items"] == []


def test_the_page_for_bob_lists_no_more_than_he_sees(moves, client):
    v = moves
    client.force_login(v.bob.user)
    response = client.get(
        reverse("movements", kwargs={"slug": "village"}), {"household": v.sidorovs.id}
    )
    assert response.status_code == 200
    assert [e["id"] for e in response.context["events"]] == [v.from_sidorovs.id]
    assert response.context["page"].paginator.count == 1
    # The household choice is not offered beside a list whose receivers bob does not see.
    assert "household" in response.context["filters"].withheld
    assert 'name="household"' not in response.content.decode()


# ---------------------------------------------------------------------------------------------
# The criteria and the form


def test_unknown_or_foreign_ids_are_refused_naming_the_field(moves):
    v, h = moves, moves.hamlet
    cases = [
        ({"pool": h.store.id}, "pool"),
        ({"resource": h.grain.id}, "resource"),
        ({"household": h.kuznetsovs.id}, "household"),
        ({"household": 999_999}, "household"),
        ({"action": "theft"}, "action"),
        ({"since": T0, "until": T0}, "until"),
    ]
    for query, field in cases:
        with pytest.raises(InvalidInput) as refused:
            movement_criteria(actor=v.alice, community=v.community, **query)
        assert refused.value.field == field, query


def test_the_first_visit_is_the_whole_list(moves):
    v = moves
    form = MovementFilterForm({"page": "2"}, actor=v.bob, community=v.community)
    assert not form.is_bound and form.is_valid()
    assert form.criteria == NO_MOVEMENT_CRITERIA
    assert form.status == 200 and form.query() == ""


def test_the_forms_days_are_whole_days_on_the_communitys_clock(moves):
    v = moves
    Community.objects.filter(pk=v.community.pk).update(timezone="Asia/Novosibirsk")
    community = Community.objects.get(pk=v.community.pk)

    def ids(since, until):
        form = MovementFilterForm(
            {"since": since, "until": until}, actor=v.alice, community=community
        )
        assert form.is_valid(), form.errors
        return [
            e.id
            for e in movements_listed(actor=v.alice, community=community, criteria=form.criteria)
        ]

    assert ids("2026-05-02", "2026-05-02") == [v.from_sidorovs.id]  # 20:00 UTC on 1 May
    assert ids("2026-05-01", "2026-05-01") == []
    assert ids("2026-05-03", "2026-05-04") == [v.to_petrovs.id, v.to_sidorovs.id]


def test_the_form_refuses_as_the_api_does(moves):
    v = moves
    form = MovementFilterForm({"resource": v.hamlet.grain.id}, actor=v.alice, community=v.community)
    assert not form.is_valid() and form.status == 422
    assert form.errors["resource"] == ["There is no such resource in this community."]
    form = MovementFilterForm(
        {"since": "2026-05-03", "until": "2026-05-02"}, actor=v.alice, community=v.community
    )
    assert not form.is_valid() and set(form.errors) == {"until"}


def test_a_store_or_household_page_fixes_its_own_and_offers_the_rest(moves):
    v = moves
    form = MovementFilterForm(
        {"resource": v.grain.id}, actor=v.alice, community=v.community, fixed={"pool": v.tools}
    )
    assert "pool" not in form.fields and "household" in form.fields
    assert form.is_valid() and form.criteria.pool == v.tools


def test_the_query_schema_and_the_form_have_the_same_fields():
    form_fields = set(MovementFilterForm.base_fields)
    assert form_fields == set(MovementQuery.model_fields)


# ---------------------------------------------------------------------------------------------
# The doors: the same set on the page and in the API; htmx gets the list alone; pages


QUERIES = [
    {},
    {"action": "distribute"},
    {"resource": "grain"},
    {"pool": "granary", "action": "reverse"},
    {"household": "sidorovs"},
    {"household": "petrovs", "note": "зерно"},
]


def resolved(v, query: dict) -> dict:
    named = {"grain": v.grain, "granary": v.granary, "sidorovs": v.sidorovs, "petrovs": v.petrovs}
    return {k: named[val].id if val in named else val for k, val in query.items()}


@pytest.mark.parametrize("who", ["bob", "alice"])
@pytest.mark.parametrize("query", QUERIES, ids=lambda q: ",".join(q) or "nothing")
def test_the_page_and_the_api_list_the_same(moves, client, who, query):
    v = moves
    actor = members(v)[who]
    query = resolved(v, query)
    client.force_login(actor.user)
    page = client.get(reverse("movements", kwargs={"slug": "village"}), query)
    assert page.status_code == 200
    api = ApiClient(actor.user).get(events_url(query)).json()
    assert [e["id"] for e in page.context["events"]] == [e["id"] for e in api["items"]]
    assert [e["id"] for e in api["items"]] == listed(v, actor, **query)


def test_htmx_gets_the_list_alone(moves, client):
    v = moves
    client.force_login(v.alice.user)
    url = reverse("pool", kwargs={"slug": "village", "pool_id": v.granary.id})
    response = client.get(url, {"action": "distribute"}, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert response.status_code == 200
    assert text.lstrip().startswith("<div") and "<html" not in text
    assert 'id="movements-list"' in text
    assert [e["action"] for e in response.context["events"]] == ["distribute"] * 3
    whole = client.get(url, {"action": "distribute"}).content.decode()
    assert "<html" in whole and 'id="movements-list"' in whole and 'hx-get="' in whole


def test_a_households_history_is_paged_with_its_filters(stocked_village, client):
    v = stocked_village
    for n in range(32):
        event_contribute(
            actor=v.alice,
            household=v.petrovs,
            pool=v.granary,
            resource=v.grain,
            quantity=100 + n,
            occurred_at=T0 + timedelta(hours=n),
        )
    client.force_login(v.bob.user)
    url = reverse("household", kwargs={"slug": "village", "household_id": v.petrovs.id})
    first = client.get(url, {"resource": v.grain.id})
    assert len(first.context["events"]) == 30
    assert first.context["page"].paginator.num_pages == 2
    assert f"?resource={v.grain.id}&amp;page=2" in first.content.decode()
    second = client.get(url, {"resource": v.grain.id, "page": "2"})
    assert [e["quantity"] for e in second.context["events"]] == [101, 100]
    # Another store's resource: nothing of the Petrovs' in ploughs.
    none = client.get(url, {"resource": v.plough.id})
    assert (
        none.context["events"] == []
        and "No movements match these filters." in none.content.decode()
    )


def test_a_bad_filter_on_a_page_is_a_422_naming_the_field(moves, client):
    v = moves
    client.force_login(v.bob.user)
    response = client.get(
        reverse("movements", kwargs={"slug": "village"}), {"pool": v.hamlet.store.id}
    )
    assert response.status_code == 422
    assert "There is no such" in response.content.decode()
    assert response.context["events"] == []


# ---------------------------------------------------------------------------------------------
# Bounded queries: as many for forty movements as for four


def _queries(client, url, query) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, query).status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["bob", "alice"])
def test_the_movements_page_reads_a_fixed_number_of_times(stocked_village, client, who):
    v = stocked_village
    actor = members(v)[who]
    client.force_login(actor.user)
    url = reverse("movements", kwargs={"slug": "village"})
    query = {"household": v.sidorovs.id, "note": "grain"}

    def add(n):
        for i in range(n):
            event_distribute(
                actor=v.alice,
                pool=v.granary,
                household=[v.sidorovs, v.petrovs][i % 2],
                resource=v.grain,
                quantity=10,
                note="grain",
            )
            event_contribute(
                actor=v.alice,
                household=v.sidorovs,
                pool=v.granary,
                resource=v.grain,
                quantity=10,
                note="grain back",
            )

    add(2)
    few = _queries(client, url, query)
    add(18)
    assert _queries(client, url, query) == few
