"""Who may do or see what is decided in communities/policy.py alone.

A role checked by hand in a view, selector, form, API handler or export is a second rule that
can drift from the first (the review found five). This test fails on one.
"""

import re
from pathlib import Path

import pomochi

SOURCE = Path(pomochi.__file__).parent
# The doors and the reads: they ask the policy, they do not decide.
DOORS = ("views", "selectors", "forms", "api", "exports", "presenters", "inputs")
DOOR_SUFFIXES = tuple(f"_{door}" for door in DOORS)
ROLE_CHECK = re.compile(r"\b\w+\.is_(coordinator|committee)\b(?!\s*=)")


def door_modules():
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        # views.py, or a door of its own named for its noun (communities/invitation_views.py)
        if path.stem in DOORS or path.parent.name in DOORS or path.stem.endswith(DOOR_SUFFIXES):
            yield path


def test_no_door_checks_a_role_by_hand():
    found = []
    for path in door_modules():
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if ROLE_CHECK.search(line):
                found.append(f"{path.relative_to(SOURCE)}:{number}: {line.strip()}")
    assert found == []


def test_the_check_finds_a_role_checked_by_hand():
    assert ROLE_CHECK.search("if actor.is_coordinator or actor.is_committee:")
    assert not ROLE_CHECK.search("Membership.objects.filter(is_coordinator=True)")
    assert len(list(door_modules())) > 15
