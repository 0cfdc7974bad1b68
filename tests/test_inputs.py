"""Every input is refused cleanly, the same way at every door (issue 9, sections 2 and 5).

- One text type (pomochi.text): valid Unicode, no NUL or control characters but newline and
  tab, one limit per field, trimmed; every API schema and every form uses it (walked below).
- One quantity parser: a decimal string or a JSON number, read exactly; never `true`.
- Every unhandled error in the API answers its JSON error shape.

Each bad text is posted to every free-text field of every write endpoint, on whichever database
the tests run on (SQLite by default, PostgreSQL with DATABASE_URL).
"""

import importlib
import json
import pkgutil
from datetime import timedelta

import pytest
from django import forms
from django.apps import apps
from django.contrib.auth.forms import UsernameField
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

import pomochi
from pomochi.accounts.models import TokenScope
from pomochi.accounts.tokens import token_create
from pomochi.aid import rounds
from pomochi.aid.models import AllocationShare, Need
from pomochi.aid.services import commitment_make, need_post, offer_post
from pomochi.api.common import AMOUNT_MARKER
from pomochi.api.v1 import api
from pomochi.ledger.models import Event
from pomochi.ledger.waiting import contribution_submit
from pomochi.text import (
    LINE_LENGTH,
    NOTE_LENGTH,
    SCHEMA_MARKER,
    TextField,
    TextInvalid,
    text_clean,
)
from tests.api.conftest import ApiClient  # noqa: E402

DOCUMENT = api.get_openapi_schema(path_prefix="/api/v1/")
WRITES = ("post", "patch", "put", "delete")


@pytest.fixture
def api_as():
    return ApiClient


# ---------------------------------------------------------------------------------------------
# The rule itself


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("\ud800", "The text has a broken character (not valid Unicode); please type it again."),
        ("sack\x00of grain", "The text has a control character (U+0000) that cannot be stored"),
        ("bell\x07", "The text has a control character (U+0007) that cannot be stored"),
        ("C1\x85", "The text has a control character (U+0085) that cannot be stored"),
        ("x" * (NOTE_LENGTH + 1), "Write at most 500 characters (this has 501)."),
    ],
)
def test_text_is_refused_with_a_reason(text, message):
    with pytest.raises(TextInvalid) as refused:
        text_clean(text)
    assert refused.value.message.startswith(message)


def test_text_keeps_newlines_and_tabs_and_is_trimmed():
    assert text_clean("  two sacks\n\tof rye \n") == "two sacks\n\tof rye"
    assert text_clean("x" * NOTE_LENGTH) == "x" * NOTE_LENGTH


def test_a_single_line_refuses_line_breaks():
    with pytest.raises(TextInvalid, match="on one line"):
        text_clean("carpentry\nand roofs", max_length=LINE_LENGTH, multiline=False)


def test_a_text_field_reads_a_browsers_line_breaks_as_newlines():
    assert TextField().clean("first\r\nsecond") == "first\nsecond"
    with pytest.raises(ValidationError, match="U\\+0000"):
        TextField().clean("sack\x00")


# ---------------------------------------------------------------------------------------------
# A world in which every write endpoint would succeed, had its text been good


@pytest.fixture
def world(stocked_village):
    v = stocked_village
    v.need_petrovs = need_post(
        actor=v.bob,
        community=v.community,
        household=v.petrovs,
        resource=v.grain,
        quantity=30_000,
    )
    v.need_sidorovs = need_post(
        actor=v.alice,
        community=v.community,
        household=v.sidorovs,
        resource=v.grain,
        quantity=10_000,
    )
    v.need_orlovs = need_post(
        actor=v.olga, community=v.community, household=v.orlovs, resource=v.grain, quantity=80_000
    )
    v.offer = offer_post(
        actor=v.bob, community=v.community, household=v.petrovs, resource=v.labour, quantity=300
    )
    v.commitment = commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.petrovs,
        giver_pool=v.granary,
        resource=v.grain,
        quantity=5_000,
        due_on=timezone.localdate() + timedelta(days=3),
        need=v.need_petrovs,
    )
    # alice matches bob's labour to the Sidorovs: proposed to the Petrovs, not yet owed
    v.proposed = commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.sidorovs,
        giver_household=v.petrovs,
        resource=v.labour,
        quantity=100,
        due_on=timezone.localdate() + timedelta(days=3),
    )
    done = rounds.round_open(
        actor=v.alice,
        pool=v.granary,
        resource=v.grain,
        quantity=20_000,
        needs=[v.need_sidorovs, v.need_orlovs],
    )
    rounds.round_decide(actor=v.vera, round=done, approve=True)
    rounds.round_decide(actor=v.olga, round=done, approve=True)
    rounds.round_execute(actor=v.alice, round=done)
    shares = AllocationShare.objects.filter(round=done)
    v.share_sidorovs = shares.get(household=v.sidorovs)
    v.share_orlovs = shares.get(household=v.orlovs)
    v.appeal = rounds.appeal_file(actor=v.olga, share=v.share_orlovs, reason="we are two")
    v.draft = rounds.round_open(
        actor=v.alice, pool=v.granary, resource=v.grain, quantity=5_000, needs=[v.need_orlovs]
    )
    v.need_potatoes = need_post(
        actor=v.bob, community=v.community, household=v.petrovs, resource=v.potatoes, quantity=50
    )
    v.plough_given = Event.objects.get(community=v.community, resource=v.plough)
    v.waiting = contribution_submit(
        actor=v.bob, household=v.petrovs, pool=v.granary, resource=v.grain, quantity=2_000
    )
    return v


def soon() -> str:
    return (timezone.localdate() + timedelta(days=3)).isoformat()


# Every write operation: who calls it, its path's ids, and a body it would accept.
CASES = {
    "POST /api/v1/communities": lambda v: (
        v.alice,
        {},
        {"name": "Upper Village", "slug": "upper", "starter": "village"},
    ),
    "POST /api/v1/communities/{slug}/contributions": lambda v: (
        v.alice,
        {},
        {"household": v.petrovs.id, "pool": v.granary.id, "resource": v.grain.id, "quantity": "1"},
    ),
    "POST /api/v1/communities/{slug}/distributions": lambda v: (
        v.alice,
        {},
        {"pool": v.granary.id, "household": v.petrovs.id, "resource": v.grain.id, "quantity": "1"},
    ),
    "POST /api/v1/communities/{slug}/transfers": lambda v: (
        v.alice,
        {},
        {
            "from_household": v.ivanovs.id,
            "to_household": v.petrovs.id,
            "resource": v.grain.id,
            "quantity": "1",
        },
    ),
    "POST /api/v1/communities/{slug}/work": lambda v: (
        v.alice,
        {},
        {
            "worker": v.petrovs.id,
            "beneficiary": v.ivanovs.id,
            "resource": v.labour.id,
            "quantity": "1",
        },
    ),
    "POST /api/v1/communities/{slug}/adjustments": lambda v: (
        v.vera,
        {},
        {"pool": v.granary.id, "resource": v.grain.id, "change": "-1", "reason": "mice"},
    ),
    "POST /api/v1/communities/{slug}/reversals": lambda v: (
        v.alice,
        {},
        {"event": v.plough_given.id, "reason": "typo"},
    ),
    "POST /api/v1/communities/{slug}/needs": lambda v: (
        v.bob,
        {},
        {"resource": v.potatoes.id, "quantity": "1"},
    ),
    "PATCH /api/v1/communities/{slug}/needs/{need_id}": lambda v: (
        v.bob,
        {"need_id": v.need_potatoes.id},
        {"quantity": "4"},
    ),
    "POST /api/v1/communities/{slug}/needs/{need_id}/withdraw": None,
    "POST /api/v1/communities/{slug}/offers": lambda v: (
        v.bob,
        {},
        {"resource": v.labour.id, "quantity": "2", "skill": "roofs"},
    ),
    "POST /api/v1/communities/{slug}/offers/{offer_id}/withdraw": None,
    "POST /api/v1/communities/{slug}/commitments": lambda v: (
        v.alice,
        {},
        {
            "receiver": v.petrovs.id,
            "resource": v.grain.id,
            "quantity": "1",
            "due_on": soon(),
            "giver_pool": v.granary.id,
            "need": v.need_petrovs.id,
        },
    ),
    "POST /api/v1/communities/{slug}/commitments/{commitment_id}/fulfilments": lambda v: (
        v.bob,
        {"commitment_id": v.commitment.id},
        {"quantity": "1"},
    ),
    "POST /api/v1/communities/{slug}/commitments/{commitment_id}/acceptance": lambda v: (
        v.bob,
        {"commitment_id": v.proposed.id},
        {},
    ),
    "POST /api/v1/communities/{slug}/commitments/{commitment_id}/decline": lambda v: (
        v.bob,
        {"commitment_id": v.proposed.id},
        {"reason": "we are away that week"},
    ),
    "POST /api/v1/communities/{slug}/commitments/{commitment_id}/fail": lambda v: (
        v.alice,
        {"commitment_id": v.commitment.id},
        {"excused": True, "reason": "the road flooded"},
    ),
    "POST /api/v1/communities/{slug}/rounds": lambda v: (
        v.alice,
        {},
        {
            "pool": v.granary.id,
            "resource": v.grain.id,
            "quantity": "10",
            "needs": [v.need_petrovs.id],
        },
    ),
    "POST /api/v1/communities/{slug}/rounds/{round_id}/decisions": lambda v: (
        v.vera,
        {"round_id": v.draft.id},
        {"decision": "approve"},
    ),
    "POST /api/v1/communities/{slug}/rounds/{round_id}/revisions": lambda v: (
        v.alice,
        {"round_id": v.draft.id},
        {"quantity": "4"},
    ),
    "POST /api/v1/communities/{slug}/rounds/{round_id}/execution": None,
    "POST /api/v1/communities/{slug}/rounds/{round_id}/cancel": None,
    "POST /api/v1/communities/{slug}/shares/{share_id}/appeals": lambda v: (
        v.alice,
        {"share_id": v.share_sidorovs.id},
        {"reason": "the Sidorovs are three now"},
    ),
    # Invitations take no free text: the e-mail is an address (format email), checked apart.
    "POST /api/v1/communities/{slug}/invitations": lambda v: (
        v.alice,
        {},
        {"household": v.sidorovs.id, "email": "nina@example.org"},
    ),
    "POST /api/v1/communities/{slug}/invitations/{invitation_id}/revoke": None,
    "POST /api/v1/invitations/{code}/accept": None,
    "POST /api/v1/communities/{slug}/pools": lambda v: (
        v.alice,
        {},
        {"name": "Kitchen", "kind": "kitchen", "description": "", "resources": [v.potatoes.id]},
    ),
    "PATCH /api/v1/communities/{slug}/pools/{pool_id}": lambda v: (
        v.alice,
        {"pool_id": v.tools.id},
        {"name": "Tool shed", "description": "behind the mill"},
    ),
    "POST /api/v1/communities/{slug}/pools/{pool_id}/archive": None,
    "POST /api/v1/communities/{slug}/resources": lambda v: (
        v.alice,
        {},
        {"name": "firewood", "unit": "bundle", "kind": "consumable"},
    ),
    "PATCH /api/v1/communities/{slug}/resources/{resource_id}": lambda v: (
        v.alice,
        {"resource_id": v.potatoes.id},
        {"name": "spuds", "unit": "kg"},
    ),
    "POST /api/v1/communities/{slug}/households": lambda v: (
        v.alice,
        {},
        {"name": "Belovs", "size": 2},
    ),
    "PATCH /api/v1/communities/{slug}/households/{household_id}": lambda v: (
        v.alice,
        {"household_id": v.sidorovs.id},
        {"name": "Sidorovs-Petrovs"},
    ),
    "POST /api/v1/communities/{slug}/households/{household_id}/merge": None,
    "POST /api/v1/communities/{slug}/households/{household_id}/archive": None,
    "POST /api/v1/communities/{slug}/memberships/me/leave": None,
    "POST /api/v1/communities/{slug}/memberships/{membership_id}/remove": lambda v: (
        v.vera,
        {"membership_id": v.bob.id},
        {"reason": "took from the Granary at night"},
    ),
    "POST /api/v1/communities/{slug}/waiting-records/{record_id}/confirm": None,
    "POST /api/v1/communities/{slug}/notifications/read": None,
    # No free text: kinds, deliveries and the digest are enums, refused by the service or schema.
    "PUT /api/v1/communities/{slug}/notifications/settings": lambda v: (
        v.bob,
        {},
        {"kinds": {"need.urgent": "app"}, "digest": "daily", "no_mail": False},
    ),
    "POST /api/v1/communities/{slug}/waiting-records/{record_id}/decline": lambda v: (
        v.alice,
        {"record_id": v.waiting.id},
        {"reason": "nothing came"},
    ),
    "POST /api/v1/communities/{slug}/appeals/{appeal_id}/decision": lambda v: (
        v.vera,
        {"appeal_id": v.appeal.id},
        {"upheld": True, "note": "size updated"},
    ),
}


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _body_schema(operation: dict) -> dict:
    content = operation.get("requestBody", {}).get("content", {})
    return _resolve(content["application/json"]["schema"]) if content else {}


def _write_operations():
    for path, item in DOCUMENT["paths"].items():
        for method, operation in item.items():
            if method in WRITES:
                yield f"{method.upper()} {path}", operation


def _variants(schema: dict) -> list[dict]:
    schema = _resolve(schema)
    return [_resolve(s) for s in schema.get("anyOf", [schema])]


def _fields(marker: str):
    """(operation, field, its schema) for every body property carrying the marker."""
    for label, operation in _write_operations():
        for name, prop in _body_schema(operation).get("properties", {}).items():
            for variant in [_resolve(prop), *_variants(prop)]:
                if variant.get(marker):
                    yield label, name, variant
                    break


def _call(v, label, path_ids, body):
    who, _ids, _body = CASES[label](v)
    method, path = label.split(" ", 1)
    path = path.replace("{slug}", "village")
    for name, value in path_ids.items():
        path = path.replace(f"{{{name}}}", str(value))
    _token, secret = token_create(user=who.user, name="inputs", scope=TokenScope.WRITE)
    client = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {secret}"})
    data = body if isinstance(body, str) else json.dumps(body)
    return getattr(client, method.lower())(path, data, content_type="application/json")


def _rows() -> dict[str, int]:
    """How many rows each model of the apps that record things holds."""
    return {
        model._meta.label: model._default_manager.count()
        for app in ("ledger", "aid", "audit", "communities", "notify")
        for model in apps.get_app_config(app).get_models()
    }


def test_every_write_operation_has_a_case():
    """A new write endpoint must be added to CASES, so that its inputs are tried below."""
    assert {label for label, _op in _write_operations()} == set(CASES)


BAD_TEXTS = {
    "a lone surrogate": lambda limit: "\ud800",
    "a NUL": lambda limit: "sack\x00of grain",
    "a control character": lambda limit: "ring\x07the bell",
    "one character too many": lambda limit: "x" * (limit + 1),
}
TEXT_FIELDS = [
    pytest.param(label, name, schema, id=f"{label.split('/')[-1]} {name}")
    for label, name, schema in _fields(SCHEMA_MARKER)
]


@pytest.mark.parametrize("bad", list(BAD_TEXTS))
@pytest.mark.parametrize(("label", "field", "schema"), TEXT_FIELDS)
def test_bad_text_in_every_free_text_field_is_a_422_and_writes_nothing(
    world, label, field, schema, bad
):
    v = world
    who, path_ids, body = CASES[label](v)
    assert _call(v, label, path_ids, body | {field: "fine"}).status_code < 300  # the text's fault
    before = _rows()
    notes = dict(Need.objects.values_list("id", "note"))
    text = BAD_TEXTS[bad](schema["maxLength"])
    response = _call(v, label, path_ids, body | {field: text})
    assert response.status_code == 422, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert list(response.json()["fields"]) == [field]
    assert _rows() == before
    assert dict(Need.objects.values_list("id", "note")) == notes


AID_TEXTS = [
    ("POST /api/v1/communities/{slug}/needs", "note"),
    ("PATCH /api/v1/communities/{slug}/needs/{need_id}", "note"),
    ("POST /api/v1/communities/{slug}/offers", "note"),
    ("POST /api/v1/communities/{slug}/offers", "skill"),
    ("POST /api/v1/communities/{slug}/commitments/{commitment_id}/fail", "reason"),
    ("POST /api/v1/communities/{slug}/commitments/{commitment_id}/decline", "reason"),
    ("POST /api/v1/communities/{slug}/rounds", "note"),
    ("POST /api/v1/communities/{slug}/rounds/{round_id}/decisions", "note"),
    ("POST /api/v1/communities/{slug}/shares/{share_id}/appeals", "reason"),
    ("POST /api/v1/communities/{slug}/appeals/{appeal_id}/decision", "note"),
]


@pytest.mark.parametrize("text", ["\ud800", "nul\x00", "x" * 2_000])
@pytest.mark.parametrize(("label", "field"), AID_TEXTS)
def test_the_aid_api_refuses_what_it_used_to_store_or_answer_500_to(world, label, field, text):
    """Named one by one, so this fails on the code before the shared type (plain `str`)."""
    v = world
    _who, path_ids, body = CASES[label](v)
    before = _rows()
    response = _call(v, label, path_ids, body | {field: text})
    assert response.status_code == 422, response.content[:300]
    assert field in response.json()["fields"]
    assert _rows() == before


def test_a_note_has_the_same_limit_on_the_page_and_in_the_api(village):
    from pomochi.aid.forms import NeedForm
    from pomochi.ledger.forms import ContributeForm

    schemas = DOCUMENT["components"]["schemas"]
    assert ContributeForm.base_fields["note"].max_length == NOTE_LENGTH
    assert schemas["ContributionIn"]["properties"]["note"]["maxLength"] == NOTE_LENGTH
    assert NeedForm.base_fields["note"].max_length == NOTE_LENGTH
    assert _variants(schemas["NeedIn"]["properties"]["note"])[0]["maxLength"] == NOTE_LENGTH


# ---------------------------------------------------------------------------------------------
# The walk: every API input and every form field of free text uses the shared type

# Strings that are not free text: path identifiers (an invitation's code is one: normalised, and
# any that is not a working code is a 404) and the opaque retry key of a header.
NOT_TEXT = {("path", "slug"), ("path", "code"), ("header", "Idempotency-Key")}


def _untyped_strings(schema: dict, where: str):
    schema = _resolve(schema)
    if schema.get(SCHEMA_MARKER) or schema.get(AMOUNT_MARKER):
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for part in schema.get(key, []):
            yield from _untyped_strings(part, where)
    if schema.get("type") == "string" and not (
        "enum" in schema or "const" in schema or "format" in schema
    ):
        yield where
    if schema.get("type") == "array" and "items" in schema:
        yield from _untyped_strings(schema["items"], f"{where}[]")
    for name, prop in schema.get("properties", {}).items():
        yield from _untyped_strings(prop, f"{where}.{name}")


def test_every_string_an_api_operation_reads_is_the_shared_text_type():
    untyped = []
    for path, item in DOCUMENT["paths"].items():
        for method, operation in item.items():
            label = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                if (parameter["in"], parameter["name"]) in NOT_TEXT:
                    continue
                untyped += _untyped_strings(parameter["schema"], f"{label} {parameter['name']}")
            if body := _body_schema(operation):
                untyped += _untyped_strings(body, f"{label} body")
    assert untyped == []


def _form_classes() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(pomochi.__path__, "pomochi."):
        if any(part in module.name for part in ("forms", "views", ".api")):
            importlib.import_module(module.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.startswith("pomochi."):
            found.append(cls)
    return found


def _is_not_free_text(field: forms.Field) -> bool:
    """A password is a secret, never trimmed nor shown; a log-in name is Django's own field; an
    e-mail address has its own validator, which refuses every control character."""
    return isinstance(field.widget, forms.PasswordInput) or isinstance(
        field, UsernameField | forms.EmailField
    )


# Forms of other work in progress (issue 9), which must adopt TextField too.
PENDING = {"pomochi.accounts.views.TokenForm"}


def _untyped_fields(form_fields: dict, label: str) -> list[str]:
    return [
        f"{label}.{name}"
        for name, field in form_fields.items()
        if isinstance(field, forms.CharField)
        and not isinstance(field, TextField)
        and not _is_not_free_text(field)
    ]


def test_every_text_field_of_every_form_is_the_shared_text_field(village):
    classes = _form_classes()
    assert len(classes) > 20  # the walk found the project's forms
    untyped = []
    for cls in classes:
        label = f"{cls.__module__}.{cls.__qualname__}"
        if label not in PENDING:
            untyped += _untyped_fields(cls.base_fields, label)
    # Fields added when a form is made: the drill's ration per resource.
    from pomochi.drills.forms import DrillForm

    drill = DrillForm(resources=[village.grain, village.labour])
    untyped += _untyped_fields(drill.fields, "DrillForm()")
    assert untyped == []


def test_the_pending_forms_are_still_pending():
    """When TokenForm adopts TextField, take it out of PENDING so it stays checked."""
    for cls in _form_classes():
        label = f"{cls.__module__}.{cls.__qualname__}"
        if label in PENDING:
            assert _untyped_fields(cls.base_fields, label)


# ---------------------------------------------------------------------------------------------
# Quantities: one parser, the same in every endpoint

AMOUNT_FIELDS = [
    pytest.param(label, name, id=f"{label.split('/')[-1]} {name}")
    for label, name, _schema in _fields(AMOUNT_MARKER)
]


@pytest.mark.parametrize("value", [True, False, [], {}, "1e999999"], ids=repr)
@pytest.mark.parametrize(("label", "field"), AMOUNT_FIELDS)
def test_a_quantity_that_is_not_a_number_is_a_422_everywhere(world, label, field, value):
    v = world
    _who, path_ids, body = CASES[label](v)
    before = _rows()
    response = _call(v, label, path_ids, body | {field: value})
    assert response.status_code == 422, response.content[:300]
    assert field in response.json()["fields"]
    assert _rows() == before


def test_every_quantity_of_the_api_is_an_amount():
    assert len(AMOUNT_FIELDS) == 12


def test_json_true_is_not_a_kilogram_of_grain(stocked_village, api_as):
    v = stocked_village
    events = Event.objects.count()
    response = api_as(v.alice.user).post(
        "/communities/village/contributions",
        {"household": v.petrovs.id, "pool": v.granary.id, "resource": v.grain.id, "quantity": True},
    )
    assert response.status_code == 422
    assert response.json()["fields"]["quantity"] == ["Write the quantity as a number, e.g. “12.5”."]
    assert Event.objects.count() == events


@pytest.mark.parametrize(
    ("written", "recorded"), [('"12.5"', 12_500), ("12.5", 12_500), ("2", 2_000), ("1E1", 10_000)]
)
def test_a_quantity_is_a_decimal_string_or_a_json_number_read_exactly(
    stocked_village, api_as, written, recorded
):
    v = stocked_village
    body = (
        f'{{"household": {v.petrovs.id}, "pool": {v.granary.id}, '
        f'"resource": {v.grain.id}, "quantity": {written}}}'
    )
    response = api_as(v.alice.user).client.post(
        "/api/v1/communities/village/contributions",
        body,
        content_type="application/json",
        headers=api_as(v.alice.user).headers,
    )
    assert response.status_code == 201, response.content
    assert response.json()["quantity"] == recorded


def test_a_json_number_is_never_rounded_on_the_way_in(stocked_village, api_as):
    """As a binary float 1.0000000000000001 is 1.0; read exactly it has 16 decimal places."""
    v = stocked_village
    body = (
        f'{{"household": {v.petrovs.id}, "pool": {v.granary.id}, '
        f'"resource": {v.grain.id}, "quantity": 1.0000000000000001}}'
    )
    client = api_as(v.alice.user)
    response = client.client.post(
        "/api/v1/communities/village/contributions",
        body,
        content_type="application/json",
        headers=client.headers,
    )
    assert response.status_code == 422
    assert response.json()["fields"]["quantity"][0].startswith("kg are recorded to 3 decimal")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(stocked_village, api_as, constant):
    v = stocked_village
    client = api_as(v.alice.user)
    body = (
        f'{{"household": {v.petrovs.id}, "pool": {v.granary.id}, '
        f'"resource": {v.grain.id}, "quantity": {constant}}}'
    )
    response = client.client.post(
        "/api/v1/communities/village/contributions",
        body,
        content_type="application/json",
        headers=client.headers,
    )
    assert response.status_code == 400
    assert set(response.json()) == {"message", "fields"}
    assert not Event.objects.filter(receiver_pool=v.granary, provider_household=v.petrovs)


# ---------------------------------------------------------------------------------------------
# Errors nobody planned for answer in the API's shape


@pytest.mark.parametrize(
    ("raised", "status"),
    [
        (RuntimeError("a bug"), 500),
        (PermissionDenied(), 403),
        (ValidationError({"note": ["too odd"]}), 422),
    ],
    ids=["a bug", "PermissionDenied", "ValidationError"],
)
def test_an_unhandled_error_answers_the_apis_json_error_shape(
    village, api_as, monkeypatch, caplog, raised, status
):
    def fail(**kwargs):
        raise raised

    monkeypatch.setattr("pomochi.ledger.api.movements_listed", fail)
    response = api_as(village.bob.user).get("/communities/village/events")
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"message", "fields"}
    if status == 500:
        assert body == {
            "message": "Something went wrong on the server. It has been logged; "
            "please try again later.",
            "fields": {},
        }
        assert "a bug" in caplog.text and "Traceback" in caplog.text
    if status == 422:
        assert body["fields"] == {"note": ["too odd"]}
