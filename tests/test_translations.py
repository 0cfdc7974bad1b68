"""The Russian catalogue is complete and its compiled form is current (users need no gettext)."""

import ast
import gettext
import re
from pathlib import Path

import pomochi

LOCALE = Path(pomochi.__file__).parent / "locale" / "ru" / "LC_MESSAGES"


def po_entries(path: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for each entry of a .po file, header excluded."""
    entries = []
    for block in path.read_text().split("\n\n"):
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in block.splitlines())
        parts, field = {"msgid": [], "msgstr": []}, None
        for line in block.splitlines():
            if m := re.match(r'^(msgid|msgstr) (".*")$', line):
                field = m.group(1)
                parts[field].append(ast.literal_eval(m.group(2)))
            elif line.startswith('"') and field:
                parts[field].append(ast.literal_eval(line))
            elif line.startswith("msgid_plural") or line.startswith("msgstr["):
                field = None
        msgid = "".join(parts["msgid"])
        if msgid:
            entries.append((msgid, "".join(parts["msgstr"]), fuzzy))
    return entries


def test_every_message_has_a_russian_translation():
    entries = po_entries(LOCALE / "django.po")
    assert len(entries) > 100
    untranslated = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert untranslated == []


def test_the_compiled_catalogue_matches_the_source():
    with open(LOCALE / "django.mo", "rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog
    for msgid, msgstr, _ in po_entries(LOCALE / "django.po"):
        assert catalog.get(msgid) == msgstr, msgid
