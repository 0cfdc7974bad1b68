from django.core.management.base import BaseCommand, CommandError

from pomochi.accounts.models import User
from pomochi.communities.services import community_create
from pomochi.errors import DomainError


class Command(BaseCommand):
    help = "Found a community; the founder (an existing user) becomes coordinator and committee."

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True, help="short name used in addresses")
        parser.add_argument("--name", required=True)
        parser.add_argument("--founder", required=True, metavar="USERNAME")
        parser.add_argument("--timezone", default="UTC")
        parser.add_argument("--language", default="en", choices=["en", "ru"])

    def handle(self, *args, slug, name, founder, timezone, language, **options):
        user = User.objects.filter(username=founder).first()
        if user is None:
            raise CommandError(f"no user called {founder!r}; create it with createsuperuser")
        try:
            community = community_create(
                slug=slug, name=name, founder=user, timezone=timezone, language=language
            )
        except DomainError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(f"created {community.slug}: {community.name}, founder {user}")
