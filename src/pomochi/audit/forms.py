from django import forms
from django.utils.translation import gettext_lazy as _

from pomochi.audit.selectors import head_normalise
from pomochi.text import TextField


class ChainFilterForm(forms.Form):
    """The chain page's filters: a plain GET form, so they work without JavaScript."""

    kind = forms.ChoiceField(
        label=_("Kind of entry"),
        required=False,
        choices=[
            ("", _("all entries")),
            ("stock", _("stores and movements")),
            ("aid", _("needs, offers and promises")),
            ("rounds", _("allocation rounds and appeals")),
            ("people", _("households and members")),
            ("rules", _("the community, its bylaws and resources")),
        ],
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("“From” must not be after “until”."))
        return data


class HeadForm(forms.Form):
    # multiline: a head pasted from an e-mail may carry a line break; head_normalise drops it.
    head = TextField(
        label=_("The head you noted"),
        max_length=200,
        multiline=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("64 letters and digits (0–9, a–f), from your notes or an e-mail digest."),
    )

    def clean_head(self):
        head = head_normalise(self.cleaned_data["head"])
        if head is None:
            raise forms.ValidationError(
                _(
                    "That is not a head of the chain: a head is 64 characters, the digits 0–9 "
                    "and the letters a–f. Check it for a missing or extra character."
                )
            )
        return head
