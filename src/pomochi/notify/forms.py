"""The preferences page's form: one choice per kind of news, the digest, no e-mail at all.
Its values are checked again by notify.services.preferences_set, which the API uses too."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pomochi.notify.kinds import KINDS
from pomochi.notify.models import Delivery, DigestFrequency

# The preferences page's sections, by the kind's audience (notify.kinds).
GROUPS = (
    (("household", "giver"), _("About your household")),
    (("people",), _("About what you asked, proposed or invited")),
    (("coordinators",), _("For coordinators")),
    (("committee",), _("For the committee")),
)


class PreferencesForm(forms.Form):
    no_mail = forms.BooleanField(
        label=_("No e-mail at all"),
        required=False,
        help_text=_("While this is on, nothing comes by e-mail, whatever is chosen below."),
    )
    digest = forms.ChoiceField(
        label=_("The digest comes"), choices=DigestFrequency.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, current: dict, **kwargs):
        """`current`: notify.selectors.preferences_current, whose choices the form starts from."""
        initial = {"digest": current["digest"], "no_mail": current["no_mail"]}
        super().__init__(*args, initial=initial, **kwargs)
        self.rows = current["kinds"]
        for row in self.rows:
            self.fields[row["kind"]] = forms.ChoiceField(
                label=row["label"], choices=Delivery.choices, initial=row["delivery"]
            )

    def groups(self) -> list[dict]:
        """The page's sections: [{title, heard, fields}]; `heard` whether the member hears that
        news now (the others are folded away, and kept as they are)."""
        found = []
        for audiences, title in GROUPS:
            rows = [row for row in self.rows if KINDS[row["kind"]].to in audiences]
            if rows:
                found.append(
                    {
                        "title": title,
                        "heard": any(row["heard"] for row in rows),
                        "fields": [self[row["kind"]] for row in rows],
                    }
                )
        return found

    def settings(self) -> dict:
        """The keyword arguments of preferences_set, from the cleaned form."""
        data = self.cleaned_data
        return {
            "deliveries": {row["kind"]: data[row["kind"]] for row in self.rows},
            "digest": data["digest"],
            "no_mail": data["no_mail"],
        }
