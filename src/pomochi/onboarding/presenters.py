"""What the founder sees of the first-run checklist (and nobody else sees at all)."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from pomochi.communities import policy
from pomochi.communities.models import Community, Membership
from pomochi.onboarding.selectors import setup_states

# Each step: what to do, why, and the page that does it (URL names tried in order: the stores'
# and resources' pages may not exist yet in every build; a step without a page still shows).
STEP_TEXT = {
    "stores": (
        _("Add your stores"),
        _("The granary, the seed bank, the tool library: where shared things are kept."),
        ("pools",),
    ),
    "resources": (
        _("Add what you keep"),
        _("Grain in kg, firewood in bundles, tools by the item, labour in hours."),
        ("resources",),
    ),
    "households": (
        _("Add households"),
        _("The households that give and receive: one by one, or from a spreadsheet."),
        ("household-add",),
    ),
    "invite": (
        _("Invite members"),
        _("By e-mail, or with a code to print or read out."),
        ("invitations",),
    ),
    "bylaws": (
        _("Read and adjust the bylaws"),
        _("How scarce stock is shared, who sees what, how long loans run."),
        ("bylaws",),
    ),
}
SKIP_LABEL = {"bylaws": _("They suit us")}


@dataclass(frozen=True)
class Step:
    name: str
    title: str
    help: str
    url: str | None
    skip_label: str
    state: str  # "todo", "done" or "skipped"


@dataclass(frozen=True)
class Checklist:
    steps: list[Step]

    @property
    def left(self) -> int:
        return sum(step.state == "todo" for step in self.steps)


def _url(names: tuple[str, ...], community: Community) -> str | None:
    for name in names:
        try:
            return reverse(name, args=[community.slug])
        except NoReverseMatch:
            continue
    return None


def checklist_view(*, actor: Membership, community: Community) -> Checklist | None:
    """The founder's checklist while any step is neither done nor skipped; None otherwise, and
    for everyone else."""
    if not policy.can(actor, "community.setup", community):
        return None
    states = setup_states(community=community)
    if "todo" not in states.values():
        return None
    steps = []
    for name, state in states.items():
        title, help_text, url_names = STEP_TEXT[name]
        steps.append(
            Step(
                name=name,
                title=str(title),
                help=str(help_text),
                url=_url(url_names, community),
                skip_label=str(SKIP_LABEL.get(name, _("Skip"))),
                state=state,
            )
        )
    return Checklist(steps=steps)
