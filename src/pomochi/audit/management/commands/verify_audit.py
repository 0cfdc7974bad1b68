from django.core.management.base import BaseCommand, CommandError

from pomochi.audit.models import AuditEntry
from pomochi.audit.selectors import head_normalise
from pomochi.audit.verify import verify_community, verify_triggers
from pomochi.communities.models import Community


class Command(BaseCommand):
    help = (
        "Recompute every community's audit chain, cross-check it against the ledger and check "
        "the protective triggers. Exit 0 only if all is intact."
    )

    def add_arguments(self, parser):
        parser.add_argument("--community", metavar="SLUG", help="verify only this community")
        parser.add_argument(
            "--head", metavar="HASH", help="a head seen earlier, which the chain must still contain"
        )

    def handle(self, *args, community=None, head=None, **options):
        communities = Community.objects.order_by("slug")
        if community:
            communities = communities.filter(slug=community)
            if not communities.exists():
                raise CommandError(f"no community with the short name {community!r}")
        missing = False
        if head:
            normal = head_normalise(head)
            if normal is None:
                raise CommandError(
                    f"{head!r} is not a head of the chain: a head is 64 hexadecimal digits"
                )
            found = (
                AuditEntry.objects.filter(community__in=communities, hash=normal)
                .select_related("community")
                .first()
            )
            if found:
                self.stdout.write(
                    f"FOUND: head {normal} is entry {found.seq} of {found.community.slug}"
                )
            else:
                missing = True
                where = f" of {community}" if community else ""
                self.stderr.write(f"NOT FOUND: head {normal} is not in the chain{where}")
        failed = False
        if problems := verify_triggers():
            failed = True
            self.stderr.write(f"FAIL: protective triggers: {'; '.join(problems)}")
        for c in communities:
            verdict = verify_community(c.id)
            if verdict.ok:
                # Not "OK" when the head asked about is missing: the answer is that it is not there.
                verdict_word = "the chain itself is intact" if missing else "OK"
                self.stdout.write(
                    f"{c.slug}: {verdict_word}: {verdict.entries} entries, head {verdict.head}"
                )
            else:
                failed = True
                where = f"seq {verdict.bad_seq}: " if verdict.bad_seq is not None else ""
                self.stderr.write(f"{c.slug}: FAIL: {where}{verdict.problem}")
        if failed:
            raise CommandError("the audit chain does not verify")
        if missing:
            raise CommandError("the earlier head was not found in the chain")
