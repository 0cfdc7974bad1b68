"""The drill's question: which shock, over how many weeks, at which rations. Percentages as a
person writes them; rations in each resource's unit, read exactly."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from pomochi.communities.bylaws import standard_ration
from pomochi.communities.models import ResourceType
from pomochi.communities.quantities import parse_quantity_localized
from pomochi.drills.arguments import shock_from_percent
from pomochi.errors import InvalidInput
from pomochi.ledger.cover import ration_text
from pomochi.ledger.forms import QuantityField
from pomochi.sim.drill import Shock

MAX_WEEKS = 104  # two years; the CLI may look further


def percent_field(label, *, maximum: int, message, help_text="") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        required=False,
        min_value=0,
        max_value=maximum,
        max_digits=5,
        decimal_places=1,
        error_messages={"min_value": message, "max_value": message},
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )


class DrillForm(forms.Form):
    stock_loss = percent_field(
        _("Stores lost (%)"), maximum=100, message=_("Enter a percentage between 0 and 100.")
    )
    inflow_loss = percent_field(
        _("Inflow lost (%)"),
        maximum=100,
        message=_("Enter a percentage between 0 and 100."),
        help_text=_("A blockade is 100: nothing comes in."),
    )
    demand = percent_field(
        _("Demand up by (%)"),
        maximum=900,
        message=_("Enter a percentage between 0 and 900."),
        help_text=_("50 means every household asks for half as much again."),
    )
    weeks = forms.IntegerField(
        label=_("Weeks ahead"),
        min_value=1,
        max_value=MAX_WEEKS,
        error_messages={
            "min_value": _("Enter a number of weeks between 1 and 104."),
            "max_value": _("Enter a number of weeks between 1 and 104."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    # A first visit: the community as it is, over a year, with no shock.
    DEFAULTS = {"stock_loss": "0", "inflow_loss": "0", "demand": "0", "weeks": "52"}

    def __init__(self, *args, resources: list[ResourceType], rules: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.resources = {self.ration_field(r): r for r in resources}
        for name, resource in self.resources.items():
            standard = standard_ration(rules or {}, resource.name)
            if standard is None:
                help_text = _("The bylaws set no standard ration: give one to drill it.")
            else:
                help_text = _("Empty: the bylaws' standard ration, %(ration)s.") % {
                    "ration": ration_text(standard, resource)
                }
            self.fields[name] = QuantityField(
                label=_("%(resource)s per person per week (%(unit)s)")
                % {"resource": resource.name, "unit": resource.unit},
                help_text=help_text,
                required=False,
            )
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "field")
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}-help"

    @property
    def shock_fields(self) -> list:
        return [self[name] for name in ("stock_loss", "inflow_loss", "demand", "weeks")]

    @property
    def ration_fields(self) -> list:
        return [self[name] for name in self.resources]

    @staticmethod
    def ration_field(resource: ResourceType) -> str:
        return f"ration_{resource.id}"

    def clean(self):
        cleaned = super().clean()
        rations = {}
        for name, resource in self.resources.items():
            text = (cleaned.get(name) or "").strip()
            if not text:
                continue
            try:
                rations[resource.name] = parse_quantity_localized(
                    text, decimal_places=resource.decimal_places, unit=resource.unit
                )
            except InvalidInput as exc:
                self.add_error(name, exc.message)
        cleaned["rations"] = rations
        return cleaned

    def add_error(self, field, error):
        super().add_error(field, error)
        if field in self.fields:
            described = [f"id_{field}-error"]
            if self.fields[field].help_text:
                described.insert(0, f"id_{field}-help")
            self.fields[field].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": " ".join(described)}
            )

    @property
    def shock(self) -> Shock:
        d = self.cleaned_data

        def percent(name: str) -> float:
            return float(d.get(name) or Decimal(0))

        return shock_from_percent(
            stock_loss=percent("stock_loss"),
            inflow_loss=percent("inflow_loss"),
            demand_up=percent("demand"),
        )
