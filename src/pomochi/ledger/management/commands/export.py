import csv
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pomochi.communities.models import Community, Membership
from pomochi.csvcells import csv_cell
from pomochi.ledger import exports


class Command(BaseCommand):
    help = (
        "Export a community's events, holdings and households: three CSV files, or one "
        "ValueFlows-style JSON-LD document. Shows what the member named by --as may see; "
        "without it, what any plain member sees (no receivers of aid, no vulnerability flags)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--community", required=True, metavar="SLUG")
        # No `dest` here: call_command only passes a required option whose dest is its name.
        parser.add_argument("--format", required=True, choices=["csv", "json"])
        parser.add_argument(
            "--as",
            dest="viewer",
            metavar="USERNAME",
            help="take this member's view (a coordinator or the committee sees everything)",
        )
        parser.add_argument(
            "--out",
            metavar="DIR",
            help="folder to write into (created if missing); "
            "CSV defaults to the current folder, JSON to standard output",
        )

    def handle(self, *args, community, viewer=None, out=None, **options):
        fmt = options["format"]
        if fmt not in ("csv", "json"):
            raise CommandError(f"unknown format {fmt!r}: use csv or json")
        place = Community.objects.filter(slug=community).first()
        if place is None:
            raise CommandError(f"no community with the short name {community!r}")
        if viewer:
            membership = (
                Membership.objects.filter(community=place, user__username=viewer, is_active=True)
                .select_related("household")
                .first()
            )
            if membership is None:
                raise CommandError(f"{viewer!r} is not a member of {place.slug}")
        else:
            membership = exports.public_viewer(community=place)
        folder = self._folder(out if out is not None else ("." if fmt == "csv" else None))

        if fmt == "json":
            text = json.dumps(
                exports.valueflows_document(community=place, viewer=membership),
                ensure_ascii=False,
                indent=2,
            )
            if folder is None:
                self.stdout.write(text)
            else:
                path = folder / "export.jsonld"
                path.write_text(text + "\n", encoding="utf-8")
                self.stdout.write(f"wrote {path}")
            return
        for name, (columns, rows) in exports.csv_tables(community=place, viewer=membership).items():
            path = folder / name
            # With a byte-order mark, Excel reads the file as UTF-8 (Cyrillic names intact).
            with path.open("w", newline="", encoding="utf-8-sig") as f:
                writer = csv.DictWriter(f, fieldnames=columns)
                writer.writeheader()
                writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
            self.stdout.write(f"wrote {path}: {len(rows)} rows")

    def _folder(self, out: str | None) -> Path | None:
        if out is None:
            return None
        folder = Path(out)
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"--out {out} is a file, not a folder")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise CommandError(f"cannot create the folder {out}: {e.strerror}") from None
        return folder
