"""The forms of the stores' and the resources' pages: what a store is and keeps, what a
resource is and which stores keep it. Nothing is ticked unless the coordinator ticks it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pomochi.communities.models import ResourceKind, ResourceType
from pomochi.ledger.models import Pool, PoolKind
from pomochi.text import LINE_LENGTH, TextField

POOL_NAME_LENGTH = Pool._meta.get_field("name").max_length
UNIT_LENGTH = ResourceType._meta.get_field("unit").max_length


def open_pools(community):
    """The stores a form offers: archived ones are history only."""
    return Pool.objects.filter(community=community, archived_at__isnull=True).order_by("name")


def goods(community):
    """What a store can keep: the community's goods (labour is a flow, never stock)."""
    return (
        ResourceType.objects.filter(community=community)
        .exclude(kind=ResourceKind.LABOUR)
        .order_by("name")
    )


class PoolForm(forms.Form):
    name = TextField(label=_("Name"), max_length=POOL_NAME_LENGTH, multiline=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=PoolKind.choices, initial=PoolKind.OTHER)
    description = TextField(label=_("Description"), required=False)
    resources = forms.ModelMultipleChoiceField(
        queryset=ResourceType.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("What it keeps"),
        help_text=_("Only what is ticked can be put into this store."),
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resources"].queryset = goods(community)


class ResourceForm(forms.Form):
    name = TextField(label=_("Name"), max_length=LINE_LENGTH, multiline=False)
    unit = TextField(
        label=_("Unit"),
        max_length=UNIT_LENGTH,
        multiline=False,
        help_text=_("kg, bundle, item, h …"),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ResourceKind.choices, initial=ResourceKind.CONSUMABLE
    )
    decimal_places = forms.IntegerField(
        label=_("Decimal places"),
        min_value=0,
        max_value=6,
        initial=0,
        help_text=_("1 for 12.5 kg, 0 for whole items. Fixed once something is recorded."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    pools = forms.ModelMultipleChoiceField(
        queryset=Pool.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Kept in these stores"),
        help_text=_("Only the stores ticked take it in. Labour is kept in none."),
    )

    def __init__(self, *args, community, fixed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pools"].queryset = open_pools(community)
        if fixed:  # something is recorded in it: kind and decimal places stay
            for name in ("kind", "decimal_places"):
                self.fields[name].disabled = True
