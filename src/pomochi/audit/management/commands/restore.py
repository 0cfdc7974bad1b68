from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from pomochi.audit.backup import BackupError, backup_read, restore


class Command(BaseCommand):
    help = _(
        "Put a backup made by `pomochi backup` in place of everything in the database, all or "
        "nothing: it is kept only if every community's audit chain verifies and ends where the "
        "backup says."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument(
            "--replace",
            action="store_true",
            help=_("the database holds data: replace all of it with the backup"),
        )

    def handle(self, *args, file, replace=False, **options):
        try:
            document = backup_read(Path(file))
            verdicts = restore(document, replace=replace)
        except BackupError as e:
            raise CommandError(_("Nothing was restored: %(error)s") % {"error": e}) from None
        self.stdout.write(
            _("restored %(path)s, made %(when)s") % {"path": file, "when": document["created_at"]}
        )
        for slug, verdict in verdicts:
            self.stdout.write(
                _("  %(slug)s: OK: %(n)d entries, head %(hash)s")
                % {"slug": slug, "n": verdict.entries, "hash": verdict.head}
            )
