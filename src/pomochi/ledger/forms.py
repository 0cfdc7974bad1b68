"""Forms for recording movements: choices limited to the community (and to what the member may
use), quantities read in the resource's unit. The rules themselves stay in the services."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pomochi.communities import policy
from pomochi.communities.models import Household, Membership, ResourceKind, ResourceType
from pomochi.communities.quantities import format_quantity, parse_quantity_localized
from pomochi.errors import DomainError, InvalidInput
from pomochi.ledger.inputs import (
    ADJUSTMENT,
    CONTRIBUTION,
    DISTRIBUTION,
    LABOUR,
    REVERSAL,
    TRANSFER,
    WORK,
    Movement,
    confirmation_token,
    movement_doubts,
)
from pomochi.ledger.models import Pool
from pomochi.ledger.selectors import holding_quantity
from pomochi.text import TextField

GOODS = [ResourceKind.CONSUMABLE, ResourceKind.DURABLE]  # what a pool holds


class ResourceField(forms.ModelChoiceField):
    """Shows the unit beside the name, so "How much" is never ambiguous: "grain (kg)"."""

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.unit})"


class QuantityField(TextField):
    """An amount as typed ("12,5 kg", "1 234,5"): one line of text, read by the form in its
    resource's unit with communities.quantities in the page's language (parse_quantity_localized,
    the API's parser after the language's grouping). A text input, not type="number" (which
    would refuse "12,5 kg" and a grouping space), asking a phone for its number keyboard."""

    def __init__(self, **kwargs):
        super().__init__(max_length=32, multiline=False, **kwargs)

    def widget_attrs(self, widget):
        return super().widget_attrs(widget) | {"inputmode": "decimal"}


def note_field(label=None, **kwargs) -> TextField:
    """A note: optional, NOTE_LENGTH characters, as in the API."""
    return TextField(label=label or _("Note"), required=False, **kwargs)


def reason_field(label=None, **kwargs) -> TextField:
    """A reason: required, NOTE_LENGTH characters, as in the API."""
    return TextField(label=label or _("Reason"), **kwargs)


def key_field() -> TextField:
    """The idempotency key a page carries, so a double-submitted form records once."""
    return TextField(widget=forms.HiddenInput, max_length=64, multiline=False)


class RecordForm(forms.Form):
    """Base: knows the community and the actor; turns a typed amount into the smallest unit."""

    quantity_field = "quantity"
    signed = False
    idempotency_key = key_field()

    def __init__(self, *args, actor: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        community = actor.community
        # An archived household (it left, or was merged) is offered in no form: history only.
        self.households = Household.objects.filter(
            community=community, archived_at__isnull=True
        ).order_by("name")
        self.own_households = (
            self.households
            if policy.can(actor, "ledger.record_for_any_household", community)
            else self.households.filter(pk=actor.household_id)
        )
        # An archived store is history: offered in no form.
        self.pools = Pool.objects.filter(community=community, archived_at__isnull=True).order_by(
            "name"
        )
        self.resources = ResourceType.objects.filter(community=community).order_by("name")
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "field")

    def clean(self):
        cleaned = super().clean()
        resource = cleaned.get("resource")
        text = cleaned.get(self.quantity_field)
        if resource is not None and text:
            try:
                cleaned["amount"] = parse_quantity_localized(
                    text,
                    decimal_places=resource.decimal_places,
                    unit=resource.unit,
                    signed=self.signed,
                )
            except InvalidInput as exc:
                self.add_error(self.quantity_field, exc.message)
        return cleaned

    def add_error(self, field, error):
        super().add_error(field, error)
        # Let screen readers tie the message to its field.
        if field in self.fields:
            self.fields[field].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": f"id_{field}-error"}
            )

    def add_domain_error(self, exc: DomainError) -> None:
        field = exc.field if exc.field in self.fields else None
        if exc.field == "quantity" and self.quantity_field in self.fields:
            field = self.quantity_field
        self.add_error(field, exc.message)


class OccurredAtField(forms.DateTimeField):
    """When it happened, typed in the community's time zone (a phone's date-and-time picker);
    empty means now. The service refuses a time in the future, or one before the entry a
    reversal reverses, and the page shows that next to this field."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]

    def __init__(self, **kwargs):
        super().__init__(input_formats=self.input_formats, required=False, **kwargs)
        self.zone = None

    def to_python(self, value):
        with timezone.override(self.zone):
            return super().to_python(value)


class MovementForm(RecordForm):
    """A form made from a ledger movement's binding (ledger.inputs): see movement_form."""

    movement: Movement

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for party in self.movement.parties:
            if party.offered is not None:
                self.fields[party.name].queryset = getattr(self, party.offered)
        if self.movement.resource_kinds is not None:
            self.fields["resource"].queryset = self.resources.filter(
                kind__in=self.movement.resource_kinds
            )
        self._preselect_own_household()
        occurred_at = self.fields["occurred_at"]
        occurred_at.zone = self.actor.community.zone
        occurred_at.help_text = _("Leave empty for now. Time zone: %(zone)s.") % {
            "zone": self.actor.community.timezone
        }
        occurred_at.widget.attrs["aria-describedby"] = "id_occurred_at-help"

    def _preselect_own_household(self) -> None:
        """A member who records only for their own household finds it chosen already."""
        if self.is_bound or self.own_households is self.households:
            return
        for party in self.movement.parties:
            if party.offered == "own_households" and self.actor.household_id:
                self.initial.setdefault(party.name, self.actor.household_id)

    def clean(self):
        cleaned = super().clean()
        self.doubts, self.confirmation = [], ""
        if not self.errors and self.movement.quantity and "amount" in cleaned:
            values = self.values()
            self.doubts = movement_doubts(self.movement, values)
            self.confirmation = confirmation_token(self.movement, values)
        return cleaned

    @property
    def awaiting_confirmation(self) -> bool:
        """Valid but unusual (ledger.plausibility), and not yet confirmed for these inputs: the
        page shows the doubts and asks "Record 10,000 kg?" instead of recording."""
        return bool(getattr(self, "doubts", None)) and (
            self.data.get("confirm") != self.confirmation
        )

    def question(self) -> str:
        amount = self.cleaned_data["amount"]
        return _("Record %(amount)s?") % {
            "amount": format_quantity(
                amount, resource=self.cleaned_data["resource"], signed=self.signed and amount < 0
            )
        }

    def stock_shown(self) -> str | None:
        """What the chosen store holds of the chosen resource ("Granary holds 100 kg of
        grain."), for the movements that take from or put into a store; None until both are
        chosen. Read from the sent form, else from the address (?pool=…&resource=…)."""
        if "pool" not in self.fields or "resource" not in self.fields:
            return None
        pool, resource = self._chosen("pool"), self._chosen("resource")
        if pool is None or resource is None:
            return None
        return _("%(pool)s holds %(amount)s of %(resource)s.") % {
            "pool": pool.name,
            "amount": format_quantity(
                holding_quantity(pool=pool, resource=resource), resource=resource
            ),
            "resource": resource.name,
        }

    def _chosen(self, name: str):
        value = self.data.get(name) if self.is_bound else self.initial.get(name)
        if value in (None, ""):
            return None
        try:
            return self.fields[name].clean(value)
        except ValidationError:
            return None

    def values(self, **fixed) -> dict:
        """The bound inputs for ledger.inputs.movement_record; `fixed` are named by the page's
        address (the event a reversal reverses)."""
        d = self.cleaned_data
        values = {name: d[name] for name in self.movement.fields if name in d} | fixed
        if self.movement.quantity:
            values[self.movement.quantity] = d["amount"]
        return values


def movement_form(movement: Movement) -> type[MovementForm]:
    """The page's form for a movement, field for field as the API's schema."""
    fields: dict = {}
    for party in movement.parties:
        if party.offered is not None:
            fields[party.name] = forms.ModelChoiceField(
                queryset=(Pool if party.model is Pool else Household).objects.none(),
                label=party.label,
            )
    if movement.resource_kinds is not None:
        label = _("Kind of work") if movement.resource_kinds == LABOUR else _("What")
        fields["resource"] = ResourceField(queryset=ResourceType.objects.none(), label=label)
    if movement.quantity:
        fields[movement.quantity] = QuantityField(label=movement.quantity_label)
    fields["occurred_at"] = OccurredAtField(label=_("When (optional)"))
    fields[movement.text] = (
        reason_field(movement.text_label)
        if movement.text_required
        else note_field(movement.text_label)
    )
    attributes = {
        "movement": movement,
        "quantity_field": movement.quantity or "quantity",
        "signed": movement.signed,
        "__module__": __name__,
        **fields,
    }
    name = f"{movement.action.capitalize()}Form"
    return type(name, (MovementForm,), attributes)


ContributeForm = movement_form(CONTRIBUTION)
DistributeForm = movement_form(DISTRIBUTION)
TransferForm = movement_form(TRANSFER)
WorkForm = movement_form(WORK)
AdjustForm = movement_form(ADJUSTMENT)
ReverseForm = movement_form(REVERSAL)
FORMS = {
    form.movement.action: form
    for form in (ContributeForm, DistributeForm, TransferForm, WorkForm, AdjustForm)
}
