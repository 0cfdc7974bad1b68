"""The lists of needs, offers and rounds filtered and ordered: one definition (aid.filters), the
same set on the page and in the API for the same member, the same refusals, and nothing learnt
of another household's need by filtering."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from pomochi.aid.filters import (
    NeedFilterForm,
    NeedQuery,
    OfferFilterForm,
    OfferQuery,
    RoundFilterForm,
    RoundQuery,
)
from pomochi.aid.models import URGENCY_RANK, Need, Offer
from pomochi.aid.rounds import round_cancel, round_decide, round_open
from pomochi.aid.services import need_post, need_withdraw, offer_post, offer_withdraw
from pomochi.audit.models import AuditEntry
from pomochi.communities.selectors import rules_current
from pomochi.communities.services import bylaws_change, household_create
from tests.api.conftest import ApiClient

TODAY = timezone.localdate
CSRF = re.compile(rb"[A-Za-z0-9]{64}")  # the page's CSRF tokens, masked afresh on every page


@pytest.fixture
def api_as():
    return ApiClient


def page_url(name: str) -> str:
    return reverse(name, kwargs={"slug": "village"})


@pytest.fixture
def listed(stocked_village, hamlet):
    """Needs in every state, offers of three kinds, rounds in three states.

    Partly met, met and expired needs are set by hand (quantity_met, needed_by): reaching them
    through promises and deliveries is other tests' business; here only how they are listed."""
    v, today = stocked_village, TODAY()
    v.hamlet = hamlet

    def need(actor, household, resource, quantity, urgency="routine", needed_by=None):
        return need_post(
            actor=actor,
            community=v.community,
            household=household,
            resource=resource,
            quantity=quantity,
            urgency=urgency,
            needed_by=needed_by,
        )

    v.orlovs_grain = need(v.olga, v.orlovs, v.grain, 80_000)
    v.petrovs_grain = need(v.bob, v.petrovs, v.grain, 30_000, "soon")
    v.sidorovs_grain = need(v.alice, v.sidorovs, v.grain, 10_000, "urgent")
    v.orlovs_potatoes = need(v.olga, v.orlovs, v.potatoes, 50, "urgent", today + timedelta(10))
    v.petrovs_potatoes = need(v.bob, v.petrovs, v.potatoes, 50, "urgent", today + timedelta(2))
    v.sidorovs_partly = need(v.alice, v.sidorovs, v.potatoes, 100)
    Need.objects.filter(pk=v.sidorovs_partly.pk).update(quantity_met=20)
    v.ivanovs_met = need(v.alice, v.ivanovs, v.grain, 1_000)
    Need.objects.filter(pk=v.ivanovs_met.pk).update(quantity_met=1_000)
    v.orlovs_expired = need(v.olga, v.orlovs, v.grain, 2_000, needed_by=today + timedelta(1))
    Need.objects.filter(pk=v.orlovs_expired.pk).update(needed_by=today - timedelta(1))
    v.petrovs_withdrawn = need(v.bob, v.petrovs, v.plough, 1)
    need_withdraw(actor=v.bob, need=v.petrovs_withdrawn)

    def offer(actor, household, resource, quantity, skill="", until=None):
        return offer_post(
            actor=actor,
            community=v.community,
            household=household,
            resource=resource,
            quantity=quantity,
            skill=skill,
            available_until=until,
        )

    v.carpentry = offer(v.bob, v.petrovs, v.labour, 200, "carpentry")
    v.roofing = offer(v.alice, v.ivanovs, v.labour, 300, "Плотник, кровля")
    v.spare_grain = offer(v.olga, v.orlovs, v.grain, 5_000)
    v.gone = offer(v.alice, v.ivanovs, v.potatoes, 10)
    offer_withdraw(actor=v.alice, offer=v.gone)
    v.stale = offer(v.olga, v.orlovs, v.labour, 100, "Carpentry", until=today + timedelta(1))
    Offer.objects.filter(pk=v.stale.pk).update(available_until=today - timedelta(1))

    v.draft = round_open(
        actor=v.alice,
        pool=v.granary,
        resource=v.grain,
        quantity=10_000,
        needs=[v.orlovs_grain, v.sidorovs_grain],
    )
    v.approved = round_open(
        actor=v.alice, pool=v.granary, resource=v.grain, quantity=5_000, needs=[v.petrovs_grain]
    )
    for member in (v.vera, v.olga):
        round_decide(actor=member, round=v.approved, approve=True)
    v.cancelled = round_open(
        actor=v.alice, pool=v.granary, resource=v.grain, quantity=1_000, needs=[v.orlovs_grain]
    )
    v.cancelled = round_cancel(actor=v.alice, round=v.cancelled)
    return v


def page_ids(client, member, name: str, query: dict) -> list[int]:
    client.force_login(member.user)
    response = client.get(page_url(name), query)
    assert response.status_code == 200, response.content[:500]
    return [
        row[0]["id"] if isinstance(row[0], dict) else row[0].id for row in response.context["rows"]
    ]


def api_ids(api_as, member, path: str, query: dict) -> list[int]:
    response = api_as(member.user).get(f"/communities/village/{path}", **query)
    assert response.status_code == 200, response.content[:500]
    return [item["id"] for item in response.json()]


# ---------------------------------------------------------------------------------------------
# Needs

ALL_NEEDS = (
    "orlovs_grain",
    "petrovs_grain",
    "sidorovs_grain",
    "orlovs_potatoes",
    "petrovs_potatoes",
    "sidorovs_partly",
    "ivanovs_met",
    "orlovs_expired",
    "petrovs_withdrawn",
)


def expected_needs(v, member, query: dict) -> list[int]:
    """What the list should hold, worked out here from Need.state, apart from the selector:
    open first, most urgent, needed soonest (no date last), waited longest."""
    today = TODAY()
    needs = [Need.objects.get(pk=getattr(v, name).pk) for name in ALL_NEEDS]
    if member not in (v.olga, v.alice, v.vera):
        needs = [n for n in needs if n.household_id == member.household_id]
    state = query.get("state")
    if state:
        needs = [n for n in needs if n.state(today) == state]
    elif not query.get("include_closed"):
        needs = [n for n in needs if n.state(today) != "withdrawn"]
    if "resource" in query:
        needs = [n for n in needs if n.resource_id == query["resource"]]
    if "household" in query:
        needs = [n for n in needs if n.household_id == query["household"]]

    def key(n):
        waiting = n.state(today) in ("open", "partly_met")
        soonest = (n.needed_by is None, n.needed_by or today)
        return (not waiting, -URGENCY_RANK[n.urgency], soonest, n.created_at, n.id)

    return [n.id for n in sorted(needs, key=key)]


NEED_QUERIES = {
    "none": lambda v: {},
    "grain": lambda v: {"resource": v.grain.id},
    "potatoes": lambda v: {"resource": v.potatoes.id},
    "open": lambda v: {"state": "open"},
    "partly met": lambda v: {"state": "partly_met"},
    "met": lambda v: {"state": "met"},
    "expired": lambda v: {"state": "expired"},
    "withdrawn": lambda v: {"state": "withdrawn"},
    "closed too": lambda v: {"include_closed": "1"},
    "own household": lambda v: {"household": v.petrovs.id},
    "grain, open, closed too": lambda v: {
        "resource": v.grain.id,
        "state": "open",
        "include_closed": "1",
    },
}


@pytest.mark.parametrize("who", ["olga", "alice", "vera", "bob"])
@pytest.mark.parametrize("query", list(NEED_QUERIES))
def test_each_need_filter_gives_the_same_list_on_the_page_and_in_the_api(
    client, api_as, listed, who, query
):
    v = listed
    member, criteria = getattr(v, who), NEED_QUERIES[query](v)
    expected = expected_needs(
        v, member, criteria | {"include_closed": "include_closed" in criteria}
    )
    assert page_ids(client, member, "needs", criteria) == expected
    assert api_ids(api_as, member, "needs", criteria) == expected


def test_a_coordinator_filters_by_any_household(client, api_as, listed):
    v = listed
    query = {"household": v.sidorovs.id}
    expected = [v.sidorovs_grain.id, v.sidorovs_partly.id]
    assert page_ids(client, v.alice, "needs", query) == expected
    assert api_ids(api_as, v.alice, "needs", query) == expected


def test_needs_are_listed_open_first_then_most_urgent_then_needed_soonest(client, listed):
    v = listed
    order = [
        "petrovs_potatoes",  # urgent, needed in 2 days
        "orlovs_potatoes",  # urgent, needed in 10 days
        "sidorovs_grain",  # urgent, no date
        "petrovs_grain",  # soon
        "orlovs_grain",  # routine, posted first
        "sidorovs_partly",  # routine, partly met: still open
        "orlovs_expired",  # closed: expired yesterday
        "ivanovs_met",  # closed: met, no date
    ]
    assert page_ids(client, v.olga, "needs", {}) == [getattr(v, n).id for n in order]


def test_the_state_filter_gives_exactly_the_needs_shown_in_that_state(api_as, listed):
    v = listed
    for state in ("open", "partly_met", "met", "expired", "withdrawn"):
        response = api_as(v.olga.user).get("/communities/village/needs", state=state)
        shown = response.json()
        assert shown and {n["state"] for n in shown} == {state}


# ---------------------------------------------------------------------------------------------
# Refusals: a clear error, on both doors, and no list


NEED_REFUSALS = {
    "unknown resource": (lambda v: {"resource": 10**9}, "resource", 422),
    "another community's resource": (lambda v: {"resource": v.hamlet.grain.id}, "resource", 422),
    "unknown household": (lambda v: {"household": 10**9}, "household", 422),
    "another community's household": (
        lambda v: {"household": v.hamlet.kuznetsovs.id},
        "household",
        422,
    ),
    "unknown state": (lambda v: {"state": "lost"}, "state", 422),
    "resource not a number": (lambda v: {"resource": "grain"}, "resource", 422),
}


@pytest.mark.parametrize("case", list(NEED_REFUSALS))
def test_it_refuses_a_bad_need_filter_on_the_page_and_in_the_api(client, api_as, listed, case):
    v = listed
    make, field, status = NEED_REFUSALS[case]
    query = make(v)
    audit = AuditEntry.objects.count()
    client.force_login(v.alice.user)
    page = client.get(page_url("needs"), query)
    assert page.status_code == status
    assert page.context["rows"] == [] and page.context["page"] is None
    assert page.context["filters"].errors[field]
    assert 'role="alert"' in page.content.decode()
    response = api_as(v.alice.user).get("/communities/village/needs", **query)
    assert response.status_code == status
    assert list(response.json()["fields"]) == [field]
    assert AuditEntry.objects.count() == audit  # a read: nothing recorded either way


def test_an_unknown_resource_is_refused_in_the_same_words_on_both_doors(client, api_as, listed):
    v = listed
    client.force_login(v.alice.user)
    page = client.get(page_url("needs"), {"resource": v.hamlet.grain.id})
    api = api_as(v.alice.user).get("/communities/village/needs", resource=v.hamlet.grain.id)
    words = "There is no such resource in this community."
    assert page.context["filters"].errors["resource"] == [words]
    assert api.json()["fields"]["resource"] == [words]


def test_a_member_cannot_learn_of_another_households_need_by_filtering(client, api_as, listed):
    """To bob, a household that asked for help and one that never did are refused alike."""
    v = listed
    belovs = household_create(actor=v.olga, community=v.community, name="Belovs", size=2)
    client.force_login(v.bob.user)
    pages, answers = [], []
    for household in (v.sidorovs, belovs):  # one asked for help, one for nothing
        page = client.get(page_url("needs"), {"household": household.id})
        assert page.status_code == 403
        assert "Sidorovs" not in page.content.decode()
        # The page's own address (the language switch's "next") names the household asked.
        asked = f"household={household.id}".encode()
        pages.append(CSRF.sub(b"", page.content).replace(asked, b"household=?"))
        response = api_as(v.bob.user).get("/communities/village/needs", household=household.id)
        assert response.status_code == 403
        answers.append(response.json())
    assert pages[0] == pages[1]
    assert answers[0] == answers[1]
    assert answers[0]["fields"] == {
        "household": [
            "You see only your own household's needs: only coordinators and the committee "
            "choose another household."
        ]
    }
    # Every other filter keeps to his own household's needs: no state, no resource brings one.
    for query in NEED_QUERIES.values():
        shown = api_as(v.bob.user).get("/communities/village/needs", **query(v)).json()
        assert {n["household"] for n in shown} <= {v.petrovs.id}


def test_the_household_filter_is_offered_only_to_those_who_see_every_household(client, listed):
    v = listed
    client.force_login(v.bob.user)
    assert 'name="household"' not in client.get(page_url("needs")).content.decode()
    client.force_login(v.vera.user)
    page = client.get(page_url("needs")).content.decode()
    assert 'name="household"' in page and "Sidorovs" in page


def test_the_bylaws_that_open_needs_to_members_open_the_household_filter(client, api_as, listed):
    v = listed
    rules = rules_current(community_id=v.community.id)
    rules["privacy"]["needs_visible_to_members"] = True
    bylaws_change(actor=v.vera, community=v.community, rules=rules, reason="an open village")
    query = {"household": v.sidorovs.id}
    expected = [v.sidorovs_grain.id, v.sidorovs_partly.id]
    assert page_ids(client, v.bob, "needs", query) == expected
    assert api_ids(api_as, v.bob, "needs", query) == expected


# ---------------------------------------------------------------------------------------------
# Offers and rounds


OFFER_QUERIES = {
    "none": (lambda v: {}, ["spare_grain", "roofing", "carpentry"]),
    "labour": (lambda v: {"resource": v.labour.id}, ["roofing", "carpentry"]),
    "skill in another case": (lambda v: {"skill": "CARP"}, ["carpentry"]),
    "a Cyrillic skill in another case": (lambda v: {"skill": "пЛОТНИК"}, ["roofing"]),
    "closed too": (
        lambda v: {"include_closed": "on"},
        ["stale", "gone", "spare_grain", "roofing", "carpentry"],
    ),
    "skill, closed too": (
        lambda v: {"skill": "carpentry", "include_closed": "on"},
        ["stale", "carpentry"],
    ),
    "grain, skill": (lambda v: {"resource": v.grain.id, "skill": "carp"}, []),
}


@pytest.mark.parametrize("who", ["alice", "bob"])
@pytest.mark.parametrize("query", list(OFFER_QUERIES))
def test_each_offer_filter_gives_the_same_list_on_the_page_and_in_the_api(
    client, api_as, listed, who, query
):
    v = listed
    make, names = OFFER_QUERIES[query]
    expected = [getattr(v, n).id for n in names]
    assert page_ids(client, getattr(v, who), "offers", make(v)) == expected
    assert api_ids(api_as, getattr(v, who), "offers", make(v)) == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"resource": 10**9}, "resource"),
        ({"skill": "car\x00p"}, "skill"),
        ({"skill": "x" * 101}, "skill"),
    ],
)
def test_it_refuses_a_bad_offer_filter_on_the_page_and_in_the_api(
    client, api_as, listed, query, field
):
    v = listed
    client.force_login(v.bob.user)
    page = client.get(page_url("offers"), query)
    assert page.status_code == 422 and page.context["rows"] == []
    assert page.context["filters"].errors[field]
    response = api_as(v.bob.user).get("/communities/village/offers", **query)
    assert response.status_code == 422
    assert list(response.json()["fields"]) == [field]


ROUND_QUERIES = {
    "none": (None, ["cancelled", "approved", "draft"]),
    "draft": ("draft", ["draft"]),
    "approved": ("approved", ["approved"]),
    "cancelled": ("cancelled", ["cancelled"]),
    "executed": ("executed", []),
}


@pytest.mark.parametrize("who", ["alice", "bob", "vera"])
@pytest.mark.parametrize("query", list(ROUND_QUERIES))
def test_each_round_filter_gives_the_same_list_on_the_page_and_in_the_api(
    client, api_as, listed, who, query
):
    v = listed
    state, names = ROUND_QUERIES[query]
    criteria = {"state": state} if state else {}
    expected = [getattr(v, n).id for n in names]
    assert page_ids(client, getattr(v, who), "rounds", criteria) == expected
    assert api_ids(api_as, getattr(v, who), "rounds", criteria) == expected


def test_it_refuses_an_unknown_round_state_on_the_page_and_in_the_api(client, api_as, listed):
    v = listed
    client.force_login(v.bob.user)
    page = client.get(page_url("rounds"), {"state": "done"})
    assert page.status_code == 422 and page.context["rows"] == []
    response = api_as(v.bob.user).get("/communities/village/rounds", state="done")
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["state"]


# ---------------------------------------------------------------------------------------------
# One definition; the page's form, its pages and its fragment


@pytest.mark.parametrize(
    ("form", "query"),
    [(NeedFilterForm, NeedQuery), (OfferFilterForm, OfferQuery), (RoundFilterForm, RoundQuery)],
)
def test_the_page_and_the_api_take_the_same_criteria(form, query):
    assert list(form.base_fields) == list(query.model_fields)


def test_the_pages_keep_the_filters_across_pages(client, listed):
    v = listed
    for _ in range(32):
        need_post(
            actor=v.olga,
            community=v.community,
            household=v.orlovs,
            resource=v.potatoes,
            quantity=10,
        )
    client.force_login(v.olga.user)
    query = {"resource": v.potatoes.id, "state": "open"}
    first = client.get(page_url("needs"), query)
    link = f"resource={v.potatoes.id}&amp;state=open&amp;page=2"
    assert f'href="?{link}"' in first.content.decode()
    second = client.get(page_url("needs"), query | {"page": 2})
    shown = [n["id"] for n, _state in first.context["rows"] + second.context["rows"]]
    assert len(shown) == 34  # the 32, and the Orlovs' and the Petrovs' urgent potatoes
    assert all(Need.objects.get(pk=pk).resource_id == v.potatoes.id for pk in shown)
    assert len(set(shown)) == 34


def test_htmx_gets_the_list_alone_with_the_same_rows(client, listed):
    v = listed
    client.force_login(v.alice.user)
    query = {"resource": v.grain.id}
    whole = client.get(page_url("needs"), query)
    fragment = client.get(page_url("needs"), query, headers={"HX-Request": "true"})
    text = fragment.content.decode()
    assert fragment.status_code == 200
    assert text.lstrip().startswith('<div id="needs-list"') and "<html" not in text
    assert [n["id"] for n, _s in fragment.context["rows"]] == [
        n["id"] for n, _s in whole.context["rows"]
    ]
    assert 'hx-target="#needs-list"' in whole.content.decode()
    bad = client.get(page_url("needs"), {"state": "lost"}, headers={"HX-Request": "true"})
    assert bad.status_code == 422 and 'role="alert"' in bad.content.decode()


def test_the_filter_forms_work_without_javascript(client, listed):
    """Plain GET forms: the browser sends the fields as they are named, and the page reads
    them (a checkbox sends "on")."""
    v = listed
    client.force_login(v.alice.user)
    for name in ("needs", "offers", "rounds"):
        text = client.get(page_url(name)).content.decode()
        assert '<form method="get" class="filters"' in text
    shown = page_ids(
        client, v.alice, "offers", {"resource": "", "skill": "", "include_closed": "on"}
    )
    assert len(shown) == 5


def test_a_criteria_check_alone_refuses_what_the_doors_refuse(listed):
    """For any other caller (a command, a later door): the same checks without a form."""
    from pomochi.aid.filters import need_criteria, round_criteria
    from pomochi.errors import InvalidInput, NotAllowed

    v = listed
    with pytest.raises(NotAllowed):
        need_criteria(actor=v.bob, community=v.community, household=v.sidorovs.id)
    with pytest.raises(InvalidInput) as refused:
        need_criteria(actor=v.alice, community=v.community, state="lost")
    assert refused.value.field == "state"
    with pytest.raises(InvalidInput):
        round_criteria(actor=v.bob, community=v.community, state="lost")
    own = need_criteria(actor=v.bob, community=v.community, household=v.petrovs.id)
    assert own.household == v.petrovs
