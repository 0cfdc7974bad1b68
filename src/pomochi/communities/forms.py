from django import forms
from django.utils.translation import gettext_lazy as _

from pomochi.communities.models import Household
from pomochi.text import TextField

NAME_LENGTH = Household._meta.get_field("name").max_length  # the import's limit too


class InvitationForm(forms.Form):
    """Whom to invite: into which household, and where to mail the link (or none: paper)."""

    household = forms.ModelChoiceField(
        queryset=Household.objects.none(), required=False, label=_("Household")
    )
    email = forms.EmailField(
        label=_("E-mail (leave empty to print or read out the code)"), required=False
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = community.households.order_by("name")


class InvitationCodeForm(forms.Form):
    code = TextField(label=_("Invitation code"), max_length=40, multiline=False)


class SignupForm(forms.Form):
    """One's own account, made through an invitation."""

    username = TextField(label=_("Username"), max_length=150, multiline=False)
    display_name = TextField(
        label=_("Name as neighbours know it"), required=False, max_length=150, multiline=False
    )
    email = forms.EmailField(label=_("E-mail (optional: for a forgotten password)"), required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=128)
    password_again = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput, max_length=128
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class HouseholdForm(forms.Form):
    name = TextField(label=_("Name"), max_length=NAME_LENGTH, multiline=False)
    size = forms.IntegerField(label=_("People"), min_value=1, max_value=100, initial=1)
    has_children = forms.BooleanField(label=_("Children"), required=False)
    has_elderly = forms.BooleanField(label=_("Elderly"), required=False)
    has_ill_or_disabled = forms.BooleanField(label=_("Ill or disabled"), required=False)


RULE_LABELS = {
    "allocation_rule": _("How scarce stock is shared by default"),
    "approval_quorum": _("Committee approvals needed for an allocation"),
    "loan_term_days": _("Default loan term (days)"),
    "loans_due_after_harvest": _("Loans are due after the harvest"),
    "harvest_month": _("Harvest month (1–12)"),
    "trust_decay_half_life_days": _("How fast old deeds fade from trust (half-life, days)"),
    "appeal_window_days": _("Days to appeal an allocation"),
    "households_commit_directly": _("Households may agree commitments without a coordinator"),
    "needs_visible_to_members": _("Members may see each other's needs"),
    "receivers_visible_to_members": _("Members may see who received aid"),
}
ALLOCATION_RULES = [
    ("max_min", _("max-min fair: the same share for all, capped at what each asked")),
    ("equal_per_household", _("equal per household")),
    ("per_person", _("per person")),
    ("proportional", _("in proportion to need")),
    ("priority_tiers", _("priority tiers: urgent and vulnerable first")),
]


class BylawsForm(forms.Form):
    """Each rule as a field; the bylaws schema (communities.bylaws) remains the judge."""

    allocation_rule = forms.ChoiceField(choices=ALLOCATION_RULES)
    approval_quorum = forms.IntegerField(min_value=1, max_value=100)
    loan_term_days = forms.IntegerField(min_value=1, max_value=3650)
    loans_due_after_harvest = forms.BooleanField(required=False)
    harvest_month = forms.IntegerField(min_value=1, max_value=12)
    trust_decay_half_life_days = forms.IntegerField(min_value=7, max_value=3650)
    appeal_window_days = forms.IntegerField(min_value=0, max_value=90)
    households_commit_directly = forms.BooleanField(required=False)
    needs_visible_to_members = forms.BooleanField(required=False)
    receivers_visible_to_members = forms.BooleanField(required=False)
    reason = TextField(label=_("Why the change"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, rules: dict, **kwargs):
        initial = {k: v for k, v in rules.items() if k != "privacy"} | rules["privacy"]
        super().__init__(*args, initial=initial, **kwargs)
        for name, label in RULE_LABELS.items():
            self.fields[name].label = label

    def rules(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("reason")
        privacy = {
            k: data.pop(k) for k in ("needs_visible_to_members", "receivers_visible_to_members")
        }
        return data | {"privacy": privacy}
