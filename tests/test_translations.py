"""The Russian catalogue is complete and its compiled form is current (users need no gettext)."""

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import pomochi

LOCALE = Path(pomochi.__file__).parent / "locale" / "ru" / "LC_MESSAGES"


def po_entries(path: Path) -> list[tuple[str, list[str], bool]]:
    """(msgid, translations, fuzzy) per entry of a .po file, header excluded.

    A plural entry has one translation per plural form (three in Russian).
    """
    entries = []
    for block in path.read_text().split("\n\n"):
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in block.splitlines())
        parts: dict[str, list[str]] = {}
        field = None
        for line in block.splitlines():
            if m := re.match(r"^(msgid|msgid_plural|msgstr(?:\[\d\])?) (\".*\")$", line):
                field = m.group(1)
                parts.setdefault(field, []).append(ast.literal_eval(m.group(2)))
            elif line.startswith('"') and field:
                parts[field].append(ast.literal_eval(line))
        msgid = "".join(parts.get("msgid", []))
        if not msgid:
            continue
        if "msgid_plural" in parts:
            forms = sorted(k for k in parts if k.startswith("msgstr["))
            translations = ["".join(parts[k]) for k in forms]
        else:
            translations = ["".join(parts.get("msgstr", []))]
        entries.append((msgid, translations, fuzzy))
    return entries


def test_every_message_has_a_russian_translation():
    entries = po_entries(LOCALE / "django.po")
    assert len(entries) > 300
    untranslated = [msgid for msgid, forms, fuzzy in entries if fuzzy or not all(forms)]
    assert untranslated == []


def test_the_compiled_catalogue_matches_the_source():
    with open(LOCALE / "django.mo", "rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog
    for msgid, forms, _ in po_entries(LOCALE / "django.po"):
        if len(forms) == 1:
            assert catalog.get(msgid) == forms[0], msgid
        else:
            assert [catalog.get((msgid, i)) for i in range(len(forms))] == forms, msgid


def test_every_message_in_the_code_is_in_the_catalogue(tmp_path):
    """makemessages over a copy of the code finds no string the catalogue lacks.

    The tests above check only what is already in the catalogue; a string added to the code and
    never extracted passed them, and Russian readers saw it in English. This runs Django's own
    extraction (xgettext) into a copy, so the real catalogue is never touched.
    """
    if not shutil.which("xgettext"):
        pytest.skip("GNU gettext is missing (make test installs it where it can)")
    source = Path(pomochi.__file__).parent
    copy = tmp_path / "pomochi"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "*.mo"))
    (tmp_path / "extract_settings.py").write_text(
        f"from pomochi.settings import *  # noqa: F403\nLOCALE_PATHS = [{str(copy / 'locale')!r}]\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "extract_settings", "PYTHONPATH": str(tmp_path)}
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "ru", "--no-obsolete"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    extracted = po_entries(copy / "locale" / "ru" / "LC_MESSAGES" / "django.po")
    missing = [msgid for msgid, forms, fuzzy in extracted if fuzzy or not all(forms)]
    assert missing == [], f"{len(missing)} strings in the code lack a Russian translation"
