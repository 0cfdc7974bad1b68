"""The text rule is the services' guarantee: a command, the demo or an import that calls a
service directly cannot store a NUL, a broken character or an over-long note, any more than a
form or the API can. Each service that stores free text refuses it, naming the field, with the
same limit as its form and schema, and changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from pomochi.accounts.models import User
from pomochi.aid import rounds
from pomochi.aid.models import AllocationShare
from pomochi.aid.services import (
    commitment_decline,
    commitment_fail,
    commitment_make,
    need_edit,
    need_post,
    offer_edit,
    offer_post,
)
from pomochi.audit.models import AuditEntry
from pomochi.communities import invitations
from pomochi.communities.models import Community
from pomochi.communities.selectors import rules_current
from pomochi.communities.services import (
    bylaws_change,
    community_create,
    household_create,
    household_update,
    resource_create,
)
from pomochi.errors import InvalidInput
from pomochi.ledger import services as ledger
from pomochi.ledger.models import Event
from pomochi.text import LINE_LENGTH, NOTE_LENGTH, text_or_refuse
from tests.aid import conftest as aid_fixtures

needy_village = aid_fixtures.needy_village  # 100 kg of grain; needs of three households


def _commitment(v):
    return commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.petrovs,
        giver_pool=v.granary,
        resource=v.grain,
        quantity=1_000,
        due_on=timezone.localdate() + timedelta(days=3),
        need=v.need_petrovs,
    )


def _round(v):
    return rounds.round_open(
        actor=v.alice,
        pool=v.granary,
        resource=v.grain,
        quantity=60_000,
        needs=[v.need_petrovs, v.need_sidorovs, v.need_orlovs],
    )


def _executed_share(v):
    round_ = _round(v)
    rounds.round_decide(actor=v.vera, round=round_, approve=True)
    rounds.round_decide(actor=v.olga, round=round_, approve=True)
    round_ = rounds.round_execute(actor=v.alice, round=round_)
    return AllocationShare.objects.get(round=round_, household=v.petrovs)


def _appeal(v):
    return rounds.appeal_file(actor=v.bob, share=_executed_share(v), reason="we are five")


def _signup(v):
    code = invitations.invitation_create(actor=v.alice, community=v.community).code
    return lambda field, text: invitations.account_create_and_accept(
        code=code, username="dmitri", password="a-long-pass-2026", **{field: text}
    )


# name: (set-up returning a call of the service with the text, field, limit, one line?)
NOTE, LINE = (NOTE_LENGTH, True), (LINE_LENGTH, False)
CASES = {
    "ledger.event_contribute": (
        lambda v: (
            lambda t: ledger.event_contribute(
                actor=v.alice,
                household=v.ivanovs,
                pool=v.granary,
                resource=v.grain,
                quantity=1,
                note=t,
            )
        ),
        "note",
        *NOTE,
    ),
    "ledger.event_work": (
        lambda v: (
            lambda t: ledger.event_work(
                actor=v.alice,
                worker=v.ivanovs,
                beneficiary=v.petrovs,
                resource=v.labour,
                quantity=60,
                note=t,
            )
        ),
        "note",
        *NOTE,
    ),
    "ledger.event_adjust": (
        lambda v: (
            lambda t: ledger.event_adjust(
                actor=v.vera, pool=v.granary, resource=v.grain, change=-1, reason=t
            )
        ),
        "reason",
        *NOTE,
    ),
    "ledger.event_reverse": (
        lambda v: (
            lambda t: ledger.event_reverse(
                actor=v.olga, event=Event.objects.filter(community=v.community).first(), reason=t
            )
        ),
        "reason",
        *NOTE,
    ),
    "ledger.events_distribute_batch": (
        lambda v: (
            lambda t: ledger.events_distribute_batch(
                actor=v.alice,
                pool=v.granary,
                resource=v.grain,
                lines=[ledger.Line(household=v.petrovs, quantity=1, note=t)],
            )
        ),
        "note",
        *NOTE,
    ),
    "ledger.pool_create": (
        lambda v: lambda t: ledger.pool_create(actor=v.olga, community=v.community, name=t),
        "name",
        200,
        False,
    ),
    "aid.need_post": (
        lambda v: (
            lambda t: need_post(
                actor=v.bob,
                community=v.community,
                household=v.petrovs,
                resource=v.grain,
                quantity=1,
                note=t,
            )
        ),
        "note",
        *NOTE,
    ),
    "aid.need_edit": (
        lambda v: lambda t: need_edit(actor=v.bob, need=v.need_petrovs, note=t),
        "note",
        *NOTE,
    ),
    "aid.offer_post skill": (
        lambda v: (
            lambda t: offer_post(
                actor=v.alice,
                community=v.community,
                household=v.ivanovs,
                resource=v.labour,
                quantity=60,
                skill=t,
            )
        ),
        "skill",
        *LINE,
    ),
    "aid.offer_post note": (
        lambda v: (
            lambda t: offer_post(
                actor=v.alice,
                community=v.community,
                household=v.ivanovs,
                resource=v.grain,
                quantity=1,
                note=t,
            )
        ),
        "note",
        *NOTE,
    ),
    "aid.offer_edit": (
        lambda v: (lambda offer: lambda t: offer_edit(actor=v.alice, offer=offer, note=t))(
            offer_post(
                actor=v.alice,
                community=v.community,
                household=v.ivanovs,
                resource=v.grain,
                quantity=1,
            )
        ),
        "note",
        *NOTE,
    ),
    "aid.commitment_decline": (
        lambda v: (lambda c: lambda t: commitment_decline(actor=v.alice, commitment=c, reason=t))(
            _commitment(v)
        ),
        "reason",
        *NOTE,
    ),
    "aid.commitment_fail": (
        lambda v: (
            lambda c: (
                lambda t: commitment_fail(actor=v.alice, commitment=c, excused=False, reason=t)
            )
        )(_commitment(v)),
        "reason",
        *NOTE,
    ),
    "aid.round_open": (
        lambda v: (
            lambda t: rounds.round_open(
                actor=v.alice,
                pool=v.granary,
                resource=v.grain,
                quantity=60_000,
                needs=[v.need_petrovs],
                note=t,
            )
        ),
        "note",
        *NOTE,
    ),
    "aid.round_decide": (
        lambda v: (
            lambda r: lambda t: rounds.round_decide(actor=v.vera, round=r, approve=False, note=t)
        )(_round(v)),
        "note",
        *NOTE,
    ),
    "aid.appeal_file": (
        lambda v: (lambda s: lambda t: rounds.appeal_file(actor=v.bob, share=s, reason=t))(
            _executed_share(v)
        ),
        "reason",
        *NOTE,
    ),
    "aid.appeal_decide": (
        lambda v: (
            lambda a: lambda t: rounds.appeal_decide(actor=v.vera, appeal=a, upheld=True, note=t)
        )(_appeal(v)),
        "note",
        *NOTE,
    ),
    "communities.community_create": (
        lambda v: (lambda founder: lambda t: community_create(slug="new", name=t, founder=founder))(
            User.objects.create_user(username="dmitri")
        ),
        "name",
        200,
        False,
    ),
    "communities.household_create": (
        lambda v: lambda t: household_create(actor=v.olga, community=v.community, name=t),
        "name",
        200,
        False,
    ),
    "communities.household_update": (
        lambda v: lambda t: household_update(actor=v.olga, household=v.sidorovs, name=t),
        "name",
        200,
        False,
    ),
    "communities.bylaws_change": (
        lambda v: (
            lambda t: bylaws_change(
                actor=v.olga,
                community=v.community,
                rules=rules_current(community_id=v.community.id),
                reason=t,
            )
        ),
        "reason",
        *NOTE,
    ),
    "communities.resource_create name": (
        lambda v: (
            lambda t: resource_create(
                actor=v.olga, community=v.community, name=t, unit="kg", kind="consumable"
            )
        ),
        "name",
        *LINE,
    ),
    "communities.resource_create unit": (
        lambda v: (
            lambda t: resource_create(
                actor=v.olga, community=v.community, name="salt", unit=t, kind="consumable"
            )
        ),
        "unit",
        20,
        False,
    ),
    "invitations.invitation_create": (
        lambda v: (
            lambda t: invitations.invitation_create(actor=v.alice, community=v.community, email=t)
        ),
        "email",
        254,
        False,
    ),
    "invitations.account_create_and_accept display_name": (
        lambda v: (lambda signup: lambda t: signup("display_name", t))(_signup(v)),
        "display_name",
        150,
        False,
    ),
    "invitations.account_create_and_accept email": (
        lambda v: (lambda signup: lambda t: signup("email", t))(_signup(v)),
        "email",
        254,
        False,
    ),
}


def bad_texts(max_length: int, multiline: bool) -> dict[str, str]:
    texts = {
        "NUL": "a\x00b",
        "lone surrogate": "a\ud800b",
        "control character": "a\x1bb",
        "too long": "x" * (max_length + 1),
    }
    if not multiline:
        texts["line break"] = "a\nb"
    return texts


def state(v) -> tuple:
    """What a refused call must leave as it was."""
    return (
        AuditEntry.objects.count(),
        Event.objects.count(),
        Community.objects.count(),
        User.objects.count(),
    )


@pytest.mark.parametrize("name", CASES)
def test_every_service_refuses_text_the_rule_refuses_changing_nothing(needy_village, name):
    v = needy_village
    setup, field, max_length, multiline = CASES[name]
    call = setup(v)
    before = state(v)
    for kind, text in bad_texts(max_length, multiline).items():
        with pytest.raises(InvalidInput) as refused:
            call(text)
        assert refused.value.field == field, (name, kind)
        assert state(v) == before, (name, kind)


def test_the_refusal_says_what_is_wrong(needy_village):
    v = needy_village
    post = CASES["aid.need_post"][0](v)
    with pytest.raises(InvalidInput, match=r"control character \(U\+0000\)"):
        post("the children\x00")
    with pytest.raises(InvalidInput, match="at most 500 characters"):
        post("x" * 501)
    name = CASES["communities.household_create"][0](v)
    with pytest.raises(InvalidInput, match="on one line"):
        name("Belovs\nKozlovs")


def test_text_within_the_rule_is_stored_trimmed(needy_village):
    v = needy_village
    need = need_post(
        actor=v.bob,
        community=v.community,
        household=v.petrovs,
        resource=v.grain,
        quantity=1,
        note="  for the children\n\tand grandmother  ",
    )
    assert need.note == "for the children\n\tand grandmother"
    event = ledger.event_contribute(
        actor=v.alice,
        household=v.ivanovs,
        pool=v.granary,
        resource=v.grain,
        quantity=1,
        note="x" * NOTE_LENGTH,
    )
    assert len(event.note) == NOTE_LENGTH
    assert household_create(actor=v.olga, community=v.community, name=" Belovs ").name == "Belovs"


def test_the_helper_names_the_field():
    with pytest.raises(InvalidInput) as refused:
        text_or_refuse("a\x00", field="note")
    assert refused.value.field == "note"
    assert text_or_refuse(" a ", field="note") == "a"
    assert text_or_refuse("", field="note") == ""
