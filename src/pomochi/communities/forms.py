from django import forms
from django.utils.translation import gettext_lazy as _

from pomochi.accounts.forms import AccountForm, passwords_match
from pomochi.communities.bylaws import default_rules
from pomochi.communities.models import Household
from pomochi.text import TextField

NAME_LENGTH = Household._meta.get_field("name").max_length  # the import's limit too


class InvitationForm(forms.Form):
    """Whom to invite: into which household, where to mail the link (or none: paper), and the
    roles it grants, offered only to a coordinator who may grant them."""

    household = forms.ModelChoiceField(
        queryset=Household.objects.none(), required=False, label=_("Household")
    )
    email = forms.EmailField(
        label=_("E-mail (leave empty to print or read out the code)"), required=False
    )
    coordinator = forms.BooleanField(label=_("Make them a coordinator"), required=False)
    committee = forms.BooleanField(label=_("Elect them to the committee"), required=False)

    def __init__(self, *args, community, grants: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households_open(community)
        for role in ("coordinator", "committee"):
            if role not in grants:
                del self.fields[role]


class SlipsForm(forms.Form):
    """Households to print invitation slips for: ticked one by one, or all those without."""

    households = forms.ModelMultipleChoiceField(
        queryset=Household.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Households"),
    )
    without_member = forms.BooleanField(
        label=_("Every household with no member and no open invitation"), required=False
    )

    def __init__(self, *args, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["households"].queryset = households

    def clean(self):
        data = super().clean()
        if not data.get("households") and not data.get("without_member"):
            raise forms.ValidationError(_("Tick at least one household."))
        return data


class InvitationCodeForm(forms.Form):
    code = TextField(label=_("Invitation code"), max_length=40, multiline=False)


# One's own account, made through an invitation: the same fields and checks as at /signup/.
SignupForm = AccountForm


class NewPasswordForm(forms.Form):
    """A new password, set with a password code from a coordinator."""

    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput, max_length=128)
    password_again = forms.CharField(
        label=_("New password again"), widget=forms.PasswordInput, max_length=128
    )

    def clean(self):
        return passwords_match(self, super().clean())


class HouseholdForm(forms.Form):
    name = TextField(label=_("Name"), max_length=NAME_LENGTH, multiline=False)
    size = forms.IntegerField(label=_("People"), min_value=1, max_value=100, initial=1)
    has_children = forms.BooleanField(label=_("Children"), required=False)
    has_elderly = forms.BooleanField(label=_("Elderly"), required=False)
    has_ill_or_disabled = forms.BooleanField(label=_("Ill or disabled"), required=False)


def households_open(community):
    """The households a form may offer: not archived (one that left keeps only its history)."""
    return community.households.filter(archived_at__isnull=True).order_by("name")


class HouseholdMergeForm(forms.Form):
    into = forms.ModelChoiceField(
        queryset=Household.objects.none(), label=_("Merge into (the household that stays)")
    )

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = households_open(household.community).exclude(pk=household.pk)


class PlaceForm(forms.Form):
    """Which household a member lives in (or none)."""

    household = forms.ModelChoiceField(
        queryset=Household.objects.none(), required=False, label=_("Household")
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households_open(community)


class RemoveForm(forms.Form):
    reason = TextField(
        label=_("Why the committee removes them (kept private: coordinators and the committee)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


RULE_LABELS = {
    "allocation_rule": _("How scarce stock is shared by default"),
    "approval_quorum": _("Committee approvals needed for an allocation"),
    "loan_term_days": _("Default loan term (days)"),
    "loans_due_after_harvest": _("Loans are due after the harvest"),
    "harvest_month": _("Harvest month (1–12)"),
    "trust_decay_half_life_days": _("How fast old deeds fade from trust (half-life, days)"),
    "appeal_window_days": _("Days to appeal an allocation"),
    "households_commit_directly": _("Households may agree commitments without a coordinator"),
    "members_contributions_wait": _(
        "A member's contribution waits for a coordinator to confirm it"
    ),
    "standard_rations": _("Standard ration per person per week"),
    "cover_attention_weeks": _("A store needs attention when its cover is under (weeks)"),
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


def rations_text(rations: dict[str, str]) -> str:
    """The bylaws' standard rations as the form's lines: "grain = 2"."""
    return "\n".join(f"{name} = {value}" for name, value in rations.items())


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
    members_contributions_wait = forms.BooleanField(required=False)
    standard_rations = TextField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One a line, RESOURCE = QUANTITY in its unit: grain = 2"),
    )
    cover_attention_weeks = forms.IntegerField(min_value=0, max_value=104)
    needs_visible_to_members = forms.BooleanField(required=False)
    receivers_visible_to_members = forms.BooleanField(required=False)
    reason = TextField(label=_("Why the change"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, rules: dict, **kwargs):
        rules = default_rules() | rules  # a version older than a rule: the rule's default
        initial = {k: v for k, v in rules.items() if k != "privacy"} | rules["privacy"]
        initial["standard_rations"] = rations_text(rules.get("standard_rations", {}))
        super().__init__(*args, initial=initial, **kwargs)
        for name, label in RULE_LABELS.items():
            self.fields[name].label = label

    def clean_standard_rations(self) -> dict[str, str]:
        rations = {}
        for line in self.cleaned_data["standard_rations"].splitlines():
            if not line.strip():
                continue
            name, sep, value = line.rpartition("=")
            if not sep or not name.strip() or not value.strip():
                raise forms.ValidationError(
                    _("Write each ration as RESOURCE = QUANTITY, not %(line)r.")
                    % {"line": line.strip()}
                )
            rations[name.strip()] = value.strip().replace(",", ".")
        return rations

    def rules(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("reason")
        privacy = {
            k: data.pop(k) for k in ("needs_visible_to_members", "receivers_visible_to_members")
        }
        return data | {"privacy": privacy}
