"""`pomochi create_community`: the site admin founds a community from the shell.

It lives here, not in communities, because it applies a starter set (onboarding sits above the
ledger; communities imports nothing above it). The site setting POMOCHI_FOUNDING is for the web
and the API; whoever runs this command is the site admin.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pomochi.accounts.models import User
from pomochi.communities.models import CommunityKind
from pomochi.errors import DomainError
from pomochi.onboarding import starters
from pomochi.onboarding.services import community_establish


class Command(BaseCommand):
    help = (
        "Found a community; the founder (an existing user) becomes coordinator and committee. "
        "With --starter, it begins with that kind of group's stores and resources."
    )

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True, help="short name used in addresses")
        parser.add_argument("--name", required=True)
        parser.add_argument("--founder", required=True, metavar="USERNAME")
        parser.add_argument("--timezone", default="UTC", help="e.g. Europe/Moscow (default UTC)")
        parser.add_argument(
            "--language",
            default="en",
            choices=[code for code, _name in settings.LANGUAGES],
            help="the community's language: its starter set is named in it (default en)",
        )
        parser.add_argument(
            "--kind",
            default=CommunityKind.VILLAGE.value,
            choices=CommunityKind.values,
            help="the kind of group (default village)",
        )
        parser.add_argument(
            "--starter",
            default=starters.NONE,
            choices=starters.STARTER_NAMES,
            help="the starter set of stores and resources (default none)",
        )

    def handle(self, *args, slug, name, founder, timezone, language, kind, starter, **options):
        user = User.objects.filter(username=founder).first()
        if user is None:
            raise CommandError(f"no user called {founder!r}; create it with createsuperuser")
        try:
            community = community_establish(
                founder=user,
                slug=slug,
                name=name,
                timezone=timezone,
                language=language,
                kind=kind,
                starter=starter,
            )
        except DomainError as e:
            raise CommandError(f"{e.field or 'error'}: {e}" if e.field else str(e)) from None
        made = community.resources.count(), community.pools.count()
        self.stdout.write(
            f"created {community.slug}: {community.name}, founder {user}"
            + (f"; starter {starter}: {made[0]} resources, {made[1]} stores" if any(made) else "")
        )
