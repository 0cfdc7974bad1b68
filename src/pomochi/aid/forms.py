"""Forms for needs, offers, promises and rounds. Quantities are typed in the resource's unit and
read exactly by the ledger's RecordForm; choices are limited to the community and to what the
member may use. The rules themselves stay in the services."""

from django import forms
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from pomochi import fairshare
from pomochi.aid.explain import rule_description, rule_name
from pomochi.aid.models import Need, Urgency
from pomochi.communities.models import Household, ResourceType
from pomochi.ledger.forms import (
    GOODS,
    QuantityField,
    RecordForm,
    ResourceField,
    reason_field,
)
from pomochi.ledger.forms import note_field as _note_field
from pomochi.ledger.models import Pool
from pomochi.text import LINE_LENGTH, TextField


class DateInput(forms.DateInput):
    """A phone's own date picker; the value must be ISO whatever the page's language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label, *, required: bool = False) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput)


def note_field() -> TextField:
    return _note_field()


class AidForm(RecordForm):
    """A RecordForm for the aid services: no idempotency key (they take none), and the resource
    may be fixed by what the form is about (the need, the promise, the round)."""

    def __init__(self, *args, resource: ResourceType | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["idempotency_key"]
        self.fixed_resource = resource

    def clean(self):
        if self.fixed_resource is not None:
            self.cleaned_data["resource"] = self.fixed_resource
        return super().clean()

    def add_error(self, field, error):
        super().add_error(field, error)
        # Several forms share a page (one per match): tie the message to this form's field.
        if field in self.fields and self.auto_id:
            self.fields[field].widget.attrs["aria-describedby"] = f"{self[field].auto_id}-error"


class NeedForm(AidForm):
    household = forms.ModelChoiceField(queryset=Household.objects.none(), label=_("For household"))
    resource = ResourceField(queryset=ResourceType.objects.none(), label=_("What"))
    quantity = QuantityField(label=_("How much"))
    urgency = forms.ChoiceField(label=_("How urgent"), choices=Urgency.choices)
    needed_by = date_field(_("Needed by (optional)"))
    note = note_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = self.own_households
        self.fields["resource"].queryset = self.resources
        if self.actor.household_id and not self.is_bound:
            self.initial.setdefault("household", self.actor.household_id)


class NeedEditForm(AidForm):
    quantity = QuantityField(label=_("How much"))
    urgency = forms.ChoiceField(label=_("How urgent"), choices=Urgency.choices)
    needed_by = date_field(_("Needed by (optional)"))
    note = note_field()


class OfferForm(AidForm):
    household = forms.ModelChoiceField(queryset=Household.objects.none(), label=_("From household"))
    resource = ResourceField(queryset=ResourceType.objects.none(), label=_("What"))
    quantity = QuantityField(label=_("How much"))
    skill = TextField(
        label=_("Skill (for labour)"), required=False, max_length=LINE_LENGTH, multiline=False
    )
    available_from = date_field(_("Available from (optional)"))
    available_until = date_field(_("Available until (optional)"))
    note = note_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = self.own_households
        self.fields["resource"].queryset = self.resources
        if self.actor.household_id and not self.is_bound:
            self.initial.setdefault("household", self.actor.household_id)


class OfferEditForm(AidForm):
    quantity = QuantityField(label=_("How much"))
    available_until = date_field(_("Available until (optional)"))
    note = note_field()


class PromiseForm(AidForm):
    """Turn a match into a promise: from an offer or a pool, to the household in need."""

    offer = forms.IntegerField(widget=forms.HiddenInput, required=False)
    pool = forms.IntegerField(widget=forms.HiddenInput, required=False)
    quantity = QuantityField(label=_("How much"))
    due_on = date_field(_("To be delivered by"), required=True)


class FulfilForm(RecordForm):
    """A delivery against a promise; the ledger's idempotency key makes a double tap harmless."""

    quantity = QuantityField(label=_("How much was delivered"))

    def __init__(self, *args, resource: ResourceType, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_resource = resource

    def clean(self):
        self.cleaned_data["resource"] = self.fixed_resource
        return super().clean()


class DeclineForm(forms.Form):
    reason = reason_field(required=False)


class FailForm(forms.Form):
    excused = forms.TypedChoiceField(
        choices=[("0", _("broken")), ("1", _("excused"))], coerce=lambda v: v == "1"
    )
    reason = reason_field()


# The order a coordinator reads them in: the usual default first, then any rule added later.
RULE_ORDER = ["max_min", "equal_per_household", "per_person", "proportional", "priority_tiers"]


def rule_choices() -> list[tuple[str, str]]:
    """Each rule named and described in plain words, in the reader's language."""
    rules = sorted(fairshare.RULES, key=lambda r: (RULE_ORDER + [r]).index(r))
    return [(rule, f"{capfirst(rule_name(rule))}: {rule_description(rule)}") for rule in rules]


class RoundChooseForm(forms.Form):
    """Step one of a round: which store, and which of its resources."""

    pool = forms.ModelChoiceField(queryset=Pool.objects.none(), label=_("From pool"))
    resource = ResourceField(queryset=ResourceType.objects.none(), label=_("What to share"))

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pool"].queryset = Pool.objects.filter(
            community=community,
            archived_at__isnull=True,  # an archived store is history
        ).order_by("name")
        self.fields["resource"].queryset = ResourceType.objects.filter(
            community=community, kind__in=GOODS
        ).order_by("name")


class NeedChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, need: Need):
        parts = [
            need.household.name,
            need.resource.format(need.remaining),
            str(need.get_urgency_display()),
        ]
        if need.needed_by:
            parts.append(
                str(_("by %(date)s")) % {"date": date_format(need.needed_by, "DATE_FORMAT")}
            )
        return " · ".join(parts)


class RoundForm(AidForm):
    """Step two: how much to share, by which rule, among which needs."""

    quantity = QuantityField(label=_("How much to share"))
    rule = forms.ChoiceField(label=_("Rule"), widget=forms.RadioSelect)
    needs = NeedChoiceField(queryset=Need.objects.none(), label=_("Needs to share among"))
    note = note_field()

    def __init__(self, *args, needs, default_rule: str, edit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = rule_choices()
        self.fields["needs"].queryset = (
            Need.objects.filter(pk__in=[n.pk for n in needs])
            .select_related("household", "resource")
            .order_by("household__name", "id")
        )
        if edit:
            del self.fields["note"]
        if not self.is_bound:
            self.initial.setdefault("rule", default_rule)
            self.initial.setdefault("needs", [n.pk for n in needs])
        for name in ("rule", "needs"):
            self.fields[name].widget.attrs.pop("class", None)


class DecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("1", _("approve")), ("0", _("reject"))], coerce=lambda v: v == "1"
    )
    note = _note_field(_("Reason (needed to reject)"))


class AppealForm(forms.Form):
    reason = reason_field(_("Why is your share wrong?"), widget=forms.Textarea(attrs={"rows": 3}))


class AppealDecideForm(forms.Form):
    upheld = forms.TypedChoiceField(
        choices=[("1", _("uphold")), ("0", _("dismiss"))], coerce=lambda v: v == "1"
    )
    note = reason_field(_("Reasons for the decision"))
