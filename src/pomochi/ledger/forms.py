"""Forms for recording movements: choices limited to the community (and to what the member may
use), quantities read in the resource's unit. The rules themselves stay in the services."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from pomochi.communities.models import Household, Membership, ResourceKind, ResourceType
from pomochi.communities.quantities import parse_quantity
from pomochi.errors import DomainError, InvalidInput
from pomochi.ledger.models import Pool
from pomochi.text import TextField

GOODS = [ResourceKind.CONSUMABLE, ResourceKind.DURABLE]


class ResourceField(forms.ModelChoiceField):
    """Shows the unit beside the name, so "How much" is never ambiguous: "grain (kg)"."""

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.unit})"


class QuantityField(TextField):
    """An amount as typed ("12,5 kg"): one line of text, read by the form in its resource's
    unit with communities.quantities, as the API reads its Amount."""

    def __init__(self, **kwargs):
        super().__init__(max_length=32, multiline=False, **kwargs)


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
        self.households = Household.objects.filter(community=community).order_by("name")
        self.own_households = (
            self.households
            if actor.is_coordinator
            else self.households.filter(pk=actor.household_id)
        )
        self.pools = Pool.objects.filter(community=community).order_by("name")
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
                cleaned["amount"] = parse_quantity(
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


class ContributeForm(RecordForm):
    household = forms.ModelChoiceField(queryset=Household.objects.none(), label=_("From household"))
    pool = forms.ModelChoiceField(queryset=Pool.objects.none(), label=_("Into pool"))
    resource = ResourceField(queryset=ResourceType.objects.none(), label=_("What"))
    quantity = QuantityField(label=_("How much"))
    note = note_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = self.own_households
        self.fields["pool"].queryset = self.pools
        self.fields["resource"].queryset = self.resources.filter(kind__in=GOODS)


class DistributeForm(RecordForm):
    pool = forms.ModelChoiceField(queryset=Pool.objects.none(), label=_("From pool"))
    household = forms.ModelChoiceField(queryset=Household.objects.none(), label=_("To household"))
    resource = ResourceField(queryset=ResourceType.objects.none(), label=_("What"))
    quantity = QuantityField(label=_("How much"))
    note = note_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pool"].queryset = self.pools
        self.fields["household"].queryset = self.households
        self.fields["resource"].queryset = self.resources.filter(kind__in=GOODS)


class TransferForm(RecordForm):
    from_household = forms.ModelChoiceField(
        queryset=Household.objects.none(), label=_("From household")
    )
    to_household = forms.ModelChoiceField(
        queryset=Household.objects.none(), label=_("To household")
    )
    resource = ResourceField(queryset=ResourceType.objects.none(), label=_("What"))
    quantity = QuantityField(label=_("How much"))
    note = note_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_household"].queryset = self.own_households
        self.fields["to_household"].queryset = self.households
        self.fields["resource"].queryset = self.resources.filter(kind__in=GOODS)


class WorkForm(RecordForm):
    worker = forms.ModelChoiceField(
        queryset=Household.objects.none(), label=_("Work done by household")
    )
    beneficiary = forms.ModelChoiceField(
        queryset=Household.objects.none(), label=_("For household")
    )
    resource = ResourceField(queryset=ResourceType.objects.none(), label=_("Kind of work"))
    quantity = QuantityField(label=_("Hours"))
    note = note_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = self.households
        self.fields["beneficiary"].queryset = self.own_households
        self.fields["resource"].queryset = self.resources.filter(kind=ResourceKind.LABOUR)


class AdjustForm(RecordForm):
    quantity_field = "change"
    signed = True
    pool = forms.ModelChoiceField(queryset=Pool.objects.none(), label=_("Pool"))
    resource = ResourceField(queryset=ResourceType.objects.none(), label=_("What"))
    change = QuantityField(label=_("Change (negative takes stock out)"))
    reason = reason_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pool"].queryset = self.pools
        self.fields["resource"].queryset = self.resources.filter(kind__in=GOODS)


class ReverseForm(RecordForm):
    reason = reason_field(_("Why is this entry wrong?"))
