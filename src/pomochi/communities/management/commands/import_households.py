from django.core.management.base import BaseCommand, CommandError

from pomochi.communities import imports, policy
from pomochi.communities.models import Community, Membership
from pomochi.errors import DomainError


class Command(BaseCommand):
    help = (
        "Create households from a CSV file: all rows or none. Without --commit, only show what "
        "would be created and every bad line (exit status 1 if there is one)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV in UTF-8 with a header row; `,` or `;` between cells")
        parser.add_argument("--community", required=True, metavar="SLUG")
        parser.add_argument(
            "--actor", required=True, metavar="USERNAME", help="a coordinator of the community"
        )
        parser.add_argument("--commit", action="store_true", help="create the households")

    def handle(self, *args, file, community, actor, commit, **options):
        place = Community.objects.filter(slug=community).first()
        if place is None:
            raise CommandError(f"no community with the short name {community!r}")
        membership = (
            Membership.objects.filter(community=place, user__username=actor, is_active=True)
            .select_related("household")
            .first()
        )
        if membership is None:
            raise CommandError(f"{actor!r} is not a member of {place.slug}")
        if not policy.can(membership, "household.create", place):
            raise CommandError(f"{actor!r} may not add households to {place.slug}")
        try:
            # Read a chunk at a time: a file over a limit is refused before it is all read.
            with open(file, "rb") as f:
                preview = imports.households_preview(community=place, data=f)
        except OSError as e:
            raise CommandError(f"cannot read {file}: {e.strerror}") from None

        if not preview.ok:
            for problem in preview.problems:
                self.stderr.write(str(problem))
            if preview.unlisted:
                self.stderr.write(f"… and {preview.unlisted} more problem(s)")
            raise CommandError(f"nothing imported: {len(preview.problems)} problem(s) in {file}")
        if not commit:
            for row in preview.rows:
                self.stdout.write(_describe(row))
            self.stdout.write(
                f"{len(preview.rows)} household(s) would be created in {place.slug}; "
                "run again with --commit to create them"
            )
            return
        try:
            created = imports.households_import(
                actor=membership, community=place, rows=preview.rows
            )
        except imports.ImportRefused as e:
            for problem in e.problems:
                self.stderr.write(str(problem))
            raise CommandError(e.message) from None
        except DomainError as e:
            raise CommandError(e.message) from None
        self.stdout.write(f"created {len(created)} household(s) in {place.slug}")


def _describe(row: imports.HouseholdRow) -> str:
    flags = [
        label
        for label, on in (
            ("children", row.has_children),
            ("elderly", row.has_elderly),
            ("ill or disabled", row.has_ill_or_disabled),
        )
        if on
    ]
    extra = f" ({', '.join(flags)})" if flags else ""
    return f"line {row.line}: {row.name}, {row.size} people{extra}"
