import uuid
import zoneinfo
from functools import cache

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from pomochi.communities.models import Community, CommunityKind
from pomochi.ledger.forms import key_field
from pomochi.onboarding import starters
from pomochi.onboarding.selectors import STEPS
from pomochi.text import TextField

NAME_LENGTH = Community._meta.get_field("name").max_length
SLUG_LENGTH = Community._meta.get_field("slug").max_length
# The regions of the time-zone database whose zones are places (not aliases like "US/…").
REGIONS = (
    "Europe",
    "Asia",
    "Africa",
    "America",
    "Atlantic",
    "Indian",
    "Pacific",
    "Australia",
    "Antarctica",
    "Arctic",
)
# A first guess at the time zone from the language the page is read in; the founder changes it.
LIKELY_TIMEZONE = {"ru": "Europe/Moscow"}


@cache
def timezone_choices() -> list:
    """UTC, then the places of each region, grouped as a phone's list shows them."""
    zones = zoneinfo.available_timezones()
    grouped = [("UTC", "UTC")]
    for region in REGIONS:
        places = sorted(z for z in zones if z.startswith(f"{region}/"))
        grouped.append((region, [(z, z.split("/", 1)[1].replace("_", " ")) for z in places]))
    return grouped


def starter_choices() -> list:
    labels = dict(CommunityKind.choices)
    return [
        (name, labels.get(name, _("Nothing yet: I will add our own"))) for name in starters.STARTERS
    ]


class FoundForm(forms.Form):
    """A new community: its name and address, its kind, language and time zone, and the
    starter set of stores and resources it begins with."""

    name = TextField(label=_("Name"), max_length=NAME_LENGTH, multiline=False)
    slug = TextField(
        label=_("Short name, for its address"),
        help_text=_("Lowercase letters, digits and hyphens, e.g. “upper-village”."),
        max_length=SLUG_LENGTH,
        multiline=False,
    )
    kind = forms.ChoiceField(label=_("Kind of group"), choices=CommunityKind.choices)
    language = forms.ChoiceField(label=_("Language of the community"), choices=settings.LANGUAGES)
    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices)
    starter = forms.ChoiceField(
        label=_("Begin with"), choices=starter_choices, widget=forms.RadioSelect
    )
    idempotency_key = key_field()  # a double-tapped "Found" founds once

    def __init__(self, *args, language: str = "en", **kwargs):
        initial = {
            "kind": CommunityKind.VILLAGE,
            "language": language,
            "timezone": LIKELY_TIMEZONE.get(language, "UTC"),
            "starter": CommunityKind.VILLAGE,
            "idempotency_key": uuid.uuid4().hex,
        }
        super().__init__(*args, initial=initial | kwargs.pop("initial", {}), **kwargs)

    def contents_language(self) -> str:
        """The language the starter sets are shown in: the one chosen, once a choice is sent."""
        chosen = (self.data if self.is_bound else self.initial).get("language")
        return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class SkipForm(forms.Form):
    step = forms.ChoiceField(choices=[(step, step) for step in STEPS])
