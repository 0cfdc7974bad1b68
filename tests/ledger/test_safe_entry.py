"""Safe entry on the ledger's pages: an unusual amount is confirmed before it is recorded, an
exponent is refused, the stock is shown, a member's household is chosen for them, a note's limit
is said, a negative adjustment keeps its sign, and a reversal reads as a correction."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pomochi.ledger.forms import FORMS, ReverseForm
from pomochi.ledger.models import Event, Holding
from pomochi.ledger.services import event_distribute, event_reverse

# A day of this year is named without its year (ledger.sentences.day).
DAY = "3 Dec" if timezone.now().year == 2026 else "3 Dec 2026"


def record_url(action):
    return reverse("record", args=["village", action])


def contribution(v, quantity, **more):
    return {
        "household": v.petrovs.id,
        "pool": v.granary.id,
        "resource": v.grain.id,
        "quantity": quantity,
        "note": "",
        "idempotency_key": "entry-1",
    } | more


def grain_in_granary(v) -> int:
    return Holding.objects.get(pool=v.granary, resource=v.grain).quantity


# ---------------------------------------------------------------------------------------------
# An unusual amount asks first


def test_an_unusual_amount_asks_for_a_confirmation_and_records_nothing(client, stocked_village):
    v = stocked_village
    client.force_login(v.alice.user)
    response = client.post(record_url("contribute"), contribution(v, "10000"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "That is 100 times the largest contribution of grain so far (100 kg)." in page
    assert "That is more than all the grain Granary holds now (100 kg)." in page
    assert "Record 10,000 kg?" in page
    assert "Yes, record it" in page
    assert grain_in_granary(v) == 100_000
    assert Event.objects.count() == 2


def test_confirming_records_it_once(client, stocked_village):
    v = stocked_village
    client.force_login(v.alice.user)
    asked = client.post(record_url("contribute"), contribution(v, "10000"))
    token = asked.context["form"].confirmation
    response = client.post(record_url("contribute"), contribution(v, "10000", confirm=token))
    assert response.status_code == 302
    assert grain_in_granary(v) == 10_100_000
    assert "Recorded: contribution 10,000 kg." in client.get(response["Location"]).content.decode()
    again = client.post(record_url("contribute"), contribution(v, "10000", confirm=token))
    assert again.status_code == 302  # the same form sent twice: the same key, recorded once
    assert grain_in_granary(v) == 10_100_000


def test_a_confirmation_is_for_the_amount_confirmed(client, stocked_village):
    v = stocked_village
    client.force_login(v.alice.user)
    token = (
        client.post(record_url("contribute"), contribution(v, "10000")).context["form"].confirmation
    )
    changed = client.post(record_url("contribute"), contribution(v, "20000", confirm=token))
    assert changed.status_code == 200
    assert "Record 20,000 kg?" in changed.content.decode()
    assert grain_in_granary(v) == 100_000


def test_a_usual_amount_is_recorded_without_a_question(client, stocked_village):
    v = stocked_village
    client.force_login(v.alice.user)
    response = client.post(record_url("contribute"), contribution(v, "50"))
    assert response.status_code == 302
    assert grain_in_granary(v) == 150_000


def test_an_invalid_form_shows_its_errors_not_a_question(client, stocked_village):
    v = stocked_village
    client.force_login(v.alice.user)
    response = client.post(record_url("contribute"), contribution(v, "10000", household=""))
    assert response.status_code == 422
    assert "Yes, record it" not in response.content.decode()


def test_a_large_negative_adjustment_asks_with_its_sign(client, stocked_village):
    v = stocked_village
    client.force_login(v.vera.user)
    data = {
        "pool": v.granary.id,
        "resource": v.grain.id,
        "change": "-2000",
        "reason": "recount",
        "idempotency_key": "adj",
    }
    asked = client.post(record_url("adjust"), data)
    assert asked.status_code == 200
    assert "Record −2,000 kg?" in asked.content.decode()


# ---------------------------------------------------------------------------------------------
# Exponents, signs, the member's household, a note's limit, the stock


def test_an_exponent_is_refused_next_to_the_field(client, stocked_village):
    v = stocked_village
    client.force_login(v.alice.user)
    response = client.post(record_url("contribute"), contribution(v, "1e3"))
    assert response.status_code == 422
    assert response.context["form"].errors["quantity"] == [
        "Write the number in full, without an exponent: “1e3” is not accepted."
    ]
    assert grain_in_granary(v) == 100_000


def test_a_negative_adjustment_keeps_its_sign_in_the_message(client, stocked_village):
    v = stocked_village
    client.force_login(v.vera.user)
    response = client.post(
        record_url("adjust"),
        {
            "pool": v.granary.id,
            "resource": v.grain.id,
            "change": "-2",
            "reason": "mice",
            "idempotency_key": "adj-1",
        },
    )
    assert response.status_code == 302
    assert "Recorded: adjustment −2 kg." in client.get(response["Location"]).content.decode()
    assert grain_in_granary(v) == 98_000


def test_a_positive_adjustment_says_plus(client, stocked_village):
    v = stocked_village
    client.force_login(v.vera.user)
    response = client.post(
        record_url("adjust"),
        {
            "pool": v.granary.id,
            "resource": v.grain.id,
            "change": "2",
            "reason": "recount",
            "idempotency_key": "adj-2",
        },
    )
    assert "Recorded: adjustment +2 kg." in client.get(response["Location"]).content.decode()


def test_a_members_contribution_form_has_their_household_chosen(client, village):
    client.force_login(village.bob.user)
    form = client.get(record_url("contribute")).context["form"]
    assert form["household"].value() == village.petrovs.id
    assert f'<option value="{village.petrovs.id}" selected>' in str(form["household"])


def test_a_coordinator_chooses_the_household_themselves(client, village):
    client.force_login(village.alice.user)
    form = client.get(record_url("contribute")).context["form"]
    assert form["household"].value() is None


@pytest.mark.parametrize("form_class", [*FORMS.values(), ReverseForm], ids=lambda f: f.__name__)
def test_every_note_of_the_ledger_says_its_limit_before_it_is_reached(village, form_class):
    form = form_class(actor=village.alice)
    text = form.movement.text
    html = str(form[text])
    assert 'maxlength="500"' in html
    assert form.fields[text].help_text == "Up to 500 characters."


def test_the_note_limit_is_shown_on_the_page(client, village):
    client.force_login(village.alice.user)
    page = client.get(record_url("contribute")).content.decode()
    assert 'maxlength="500"' in page
    assert '<p class="muted" id="id_note-help">Up to 500 characters.</p>' in page


def test_the_distribution_form_shows_what_the_chosen_store_holds(client, stocked_village):
    v = stocked_village
    client.force_login(v.alice.user)
    page = client.get(
        record_url("distribute"), {"pool": v.granary.id, "resource": v.grain.id}
    ).content.decode()
    assert "Granary holds 100 kg of grain." in page
    form = client.get(record_url("distribute")).context["form"]
    assert form.stock_shown() is None  # nothing chosen yet


def test_the_stock_is_shown_again_when_the_form_comes_back(client, stocked_village):
    v = stocked_village
    client.force_login(v.alice.user)
    response = client.post(
        record_url("distribute"),
        {
            "pool": v.granary.id,
            "household": v.petrovs.id,
            "resource": v.grain.id,
            "quantity": "200",
            "idempotency_key": "d1",
        },
    )
    assert response.status_code == 422  # not enough grain
    assert "Granary holds 100 kg of grain." in response.content.decode()


def test_the_adjustment_form_shows_the_stock_and_ignores_another_communitys_store(
    client, stocked_village, hamlet
):
    v = stocked_village
    client.force_login(v.vera.user)
    response = client.get(record_url("adjust"), {"pool": v.granary.id, "resource": v.grain.id})
    assert "Granary holds 100 kg of grain." in response.content.decode()
    foreign = client.get(record_url("adjust"), {"pool": hamlet.store.id, "resource": v.grain.id})
    assert foreign.context["stock"] is None


def test_the_stock_is_asked_for_by_htmx_on_the_same_page(client, stocked_village):
    v = stocked_village
    client.force_login(v.alice.user)
    page = client.get(record_url("distribute")).content.decode()
    assert 'id="stock"' in page and 'hx-select="#stock"' in page
    assert 'hx-trigger="change from:#id_pool, change from:#id_resource"' in page


# ---------------------------------------------------------------------------------------------
# A reversal reads as a correction of its original


@pytest.fixture
def corrected(stocked_village):
    v = stocked_village
    v.community.timezone = "UTC"
    v.community.save()
    v.gift = event_distribute(
        actor=v.alice,
        pool=v.granary,
        household=v.sidorovs,
        resource=v.grain,
        quantity=2_000,
        occurred_at=datetime(2026, 12, 3, 10, tzinfo=UTC),
    )
    v.undo = event_reverse(actor=v.alice, event=v.gift, reason="given twice")
    return v


CORRECTION = (
    f"Correction: the distribution of 2 kg of grain from Granary to Sidorovs on {DAY} "
    "was a mistake — given twice"
)
CORRECTION_HIDDEN = (
    f"Correction: the distribution of 2 kg of grain from Granary to a household on {DAY} "
    "was a mistake"
)


def test_a_reversal_reads_as_a_correction_on_its_page(client, corrected):
    v = corrected
    client.force_login(v.alice.user)
    page = client.get(reverse("event", args=["village", v.undo.id])).content.decode()
    assert CORRECTION in page


def test_a_reversal_reads_as_a_correction_in_the_lists(client, corrected):
    v = corrected
    client.force_login(v.alice.user)
    page = client.get(reverse("pool", args=["village", v.granary.id])).content.decode()
    assert CORRECTION in page


def test_a_hidden_receiver_stays_hidden_in_the_correction(client, corrected):
    v = corrected
    client.force_login(v.bob.user)
    page = client.get(reverse("event", args=["village", v.undo.id])).content.decode()
    assert CORRECTION_HIDDEN in page
    assert "Sidorovs" not in page and "given twice" not in page


def test_the_reverse_form_names_the_original(client, corrected):
    v = corrected
    first = Event.objects.filter(resource=v.grain, action="contribute").get()
    client.force_login(v.alice.user)
    page = client.get(reverse("event-reverse", args=["village", first.id])).content.decode()
    day = timezone.localtime(first.occurred_at, v.community.zone).strftime("%-d %b")
    assert (
        f"You are correcting the contribution of 100 kg of grain by Ivanovs to Granary on {day}."
        in page
    )


def test_a_correction_of_an_adjustment_keeps_its_sign(client, stocked_village):
    from pomochi.ledger.services import event_adjust

    v = stocked_village
    loss = event_adjust(actor=v.vera, pool=v.granary, resource=v.grain, change=-3_000, reason="x")
    undo = event_reverse(actor=v.alice, event=loss, reason="they were found")
    client.force_login(v.alice.user)
    page = client.get(reverse("event", args=["village", undo.id])).content.decode()
    day = timezone.localtime(loss.occurred_at, v.community.zone).strftime("%-d %b")
    assert (
        f"Correction: the adjustment of Granary by −3 kg of grain on {day} was a mistake"
        " — they were found"
    ) in page


def test_the_audit_chain_says_the_same_correction(client, corrected):
    v = corrected
    client.force_login(v.vera.user)  # the committee reads every payload
    sentences = [s for _, s in client.get("/c/village/audit/").context["rows"]]
    assert sentences[0] == f"alice: {CORRECTION}"
