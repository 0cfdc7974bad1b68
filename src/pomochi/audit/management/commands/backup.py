from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from pomochi.audit.backup import backup_write


class Command(BaseCommand):
    help = _(
        "Write every community, household, event, audit entry and account to one gzipped JSON "
        "file, as of one moment. It holds password hashes: keep it as safe as the database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--out",
            metavar="FILE",
            help=_("where to write (default: data/backups/pomochi-<date>-<time>.json.gz)"),
        )

    def handle(self, *args, out=None, **options):
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        path = Path(out) if out else settings.DATA_DIR / "backups" / f"pomochi-{stamp}.json.gz"
        if path.is_dir():
            raise CommandError(_("--out %(path)s is a folder; name a file") % {"path": path})
        manifest = backup_write(path)
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            _("wrote %(path)s: %(rows)d rows, %(n)d communities")
            % {"path": path, "rows": rows, "n": len(manifest["heads"])}
        )
        for slug, head in sorted(manifest["heads"].items()):
            self.stdout.write(
                _("  %(slug)s: audit head %(seq)d %(hash)s")
                % {"slug": slug, "seq": head["seq"], "hash": head["hash"]}
            )
