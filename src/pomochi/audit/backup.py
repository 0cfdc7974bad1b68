"""Backups a host can restore and prove: every row of pomochi's own tables in one snapshot, and
a restore that puts them back through the maintenance door, all or nothing, and refuses to
finish unless every community's audit chain verifies and ends where the backup said it did.

A backup is gzipped JSON, readable by any tool: {"format", "version", "created_at",
"migrations", "heads", "counts", "objects"}. It holds password hashes and API token digests:
keep it as carefully as the database itself.
"""

import gzip
import json
import re
from collections import Counter
from datetime import datetime, time
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from pomochi.audit.maintenance import maintenance_mode
from pomochi.audit.models import AuditHead
from pomochi.audit.verify import verify_community
from pomochi.communities.models import Community

FORMAT = "pomochi-backup"
VERSION = 1


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but moments keep their microseconds (it cuts them to milliseconds,
    and the audit chain hashed the full moment)."""

    def default(self, o):
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


class BackupError(Exception):
    """A backup that cannot be restored here; the message says why. Nothing was changed."""


def backup_models() -> list:
    """pomochi's own models, each after the models it points to."""
    own = [app.get_models() for app in apps.get_app_configs() if app.name.startswith("pomochi.")]
    return serializers.sort_dependencies([(None, list(models)) for models in own])


def _migrations() -> dict[str, str]:
    """The last migration applied for each of pomochi's apps: a backup loads only into the same
    schema."""
    labels = {m._meta.app_label for m in backup_models()}
    applied = MigrationRecorder(connection).applied_migrations()
    last: dict[str, str] = {}
    for app, name in sorted(applied):
        if app in labels:
            last[app] = max(last.get(app, ""), name)
    return last


def _heads() -> dict[str, dict]:
    heads = AuditHead.objects.select_related("community")
    return {h.community.slug: {"seq": h.seq, "hash": h.hash} for h in heads}


def backup_write(path: Path) -> dict:
    """Write every row of pomochi's tables, as of one moment, to path; return the manifest."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for every table: rows written meanwhile are all in or all out.
            # (SQLite's transaction reads one snapshot anyway.)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        objects = []
        counts = Counter()
        for model in backup_models():
            rows = model._default_manager.order_by("pk")
            serialized = serializers.serialize("python", rows, use_natural_foreign_keys=True)
            objects.extend(serialized)
            counts[model._meta.label] = len(serialized)
        document = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": timezone.now().isoformat(),
            "migrations": _migrations(),
            "heads": _heads(),
            "counts": dict(counts),
            "objects": objects,
        }
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with gzip.open(partial, "wt", encoding="utf-8") as f:
        json.dump(document, f, cls=_Encoder, ensure_ascii=False)
    partial.replace(path)  # a backup file is whole or absent
    return {k: v for k, v in document.items() if k != "objects"}


def backup_read(path: Path) -> dict:
    """The backup's document, checked to be one; BackupError otherwise."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            document = json.load(f)
    except FileNotFoundError:
        raise BackupError(_("%(path)s: no such file") % {"path": path}) from None
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BackupError(
            _("%(path)s is not a pomochi backup (%(error)s)") % {"path": path, "error": e}
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(_("%(path)s is not a pomochi backup") % {"path": path})
    if document.get("version") != VERSION:
        raise BackupError(
            _("%(path)s is a backup of format version %(v)s; this pomochi reads version %(ours)s")
            % {"path": path, "v": document.get("version"), "ours": VERSION}
        )
    for key in ("migrations", "heads", "objects"):
        if key not in document:
            raise BackupError(_("%(path)s lacks its %(key)s") % {"path": path, "key": key})
    return document


def database_is_empty() -> bool:
    from pomochi.accounts.models import User

    return not (Community.objects.exists() or User.objects.exists())


def restore(document: dict, *, replace: bool) -> list[tuple[str, object]]:
    """Put the backup's rows in place of everything in pomochi's tables, in one transaction.

    Refuses (BackupError, nothing changed) when the schema differs, when the database holds
    data and replace is False, or when any community's chain does not verify or does not end
    at the head the backup recorded. Returns (slug, verdict) per community.
    """
    ours = _migrations()
    if document["migrations"] != ours:
        raise BackupError(
            _(
                "The backup was made with another version of the database (migrations %(theirs)s; "
                "this one has %(ours)s). Restore it with the pomochi that made it."
            )
            % {"theirs": document["migrations"], "ours": ours}
        )
    if not replace and not database_is_empty():
        raise BackupError(
            _("The database is not empty. Restoring replaces everything in it: add --replace.")
        )
    models = backup_models()
    with maintenance_mode():
        _clear(models)
        try:
            # In dependency order, each row inserted as it was (no UPDATE is tried first)
            for obj in serializers.deserialize("python", document["objects"]):
                _refuse_unstorable(obj.object)
                try:
                    obj.save(force_insert=True)
                except Exception as e:  # a damaged file: this row does not load
                    raise BackupError(
                        _("%(row)s does not load: %(error)s")
                        % {"row": _row_name(obj.object), "error": e}
                    ) from None
        except BackupError:
            raise
        except Exception as e:  # a row that cannot even be read back into its model
            raise BackupError(
                _("A row of the backup does not load: %(error)s") % {"error": e}
            ) from None
        _reset_sequences(models)
        verdicts = []
        for community in Community.objects.order_by("slug"):
            verdict = verify_community(community.id)
            if not verdict.ok:
                raise BackupError(
                    _("%(slug)s: the audit chain does not verify (%(problem)s); nothing restored")
                    % {"slug": community.slug, "problem": verdict.problem}
                )
            expected = document["heads"].get(community.slug)
            if expected != {"seq": verdict.entries, "hash": verdict.head}:
                raise BackupError(
                    _("%(slug)s: the chain does not end where the backup says; nothing restored")
                    % {"slug": community.slug}
                )
            verdicts.append((community.slug, verdict))
    return verdicts


def _row_name(instance) -> str:
    return f"{instance._meta.label_lower} {instance.pk}"


def _refuse_unstorable(instance) -> None:
    """Refuse, naming model, key and field, a text this database cannot store: a lone surrogate
    (no database stores one), or a NUL on PostgreSQL. SQLite keeps a NUL that an older pomochi
    let in, so a backup restores there as it was (its audit chain hashed the note with it)."""
    nul_refused = connection.vendor == "postgresql"
    for field in instance._meta.concrete_fields:
        problem = _text_problem(getattr(instance, field.attname, None), nul_refused)
        if problem:
            raise BackupError(
                _("%(row)s, field %(field)s: %(problem)s")
                % {"row": _row_name(instance), "field": field.name, "problem": problem}
            )


def _text_problem(value, nul_refused: bool) -> str | None:
    """What is wrong with a text, or with any text in a JSON value; None if nothing."""
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list | tuple):
        return next((p for v in value if (p := _text_problem(v, nul_refused))), None)
    if not isinstance(value, str):
        return None
    if nul_refused and "\x00" in value:
        return _("holds a NUL character, which PostgreSQL cannot store")
    if _SURROGATE.search(value):
        return _("holds a broken character (not valid Unicode), which no database stores")
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _clear(models) -> None:
    """Delete every row of pomochi's tables, and what points at users from Django's own."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.sessions.models import Session

    for model in (LogEntry, Session, *reversed(models)):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(through._meta.db_table)}")


def _reset_sequences(models) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
