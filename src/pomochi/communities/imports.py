"""Households from a spreadsheet: read a CSV file, check every row, then create all or none.

`households_preview` reads and checks without writing; `households_import` is the service that
writes. Between the two, the upload page carries the checked rows in a signed token, so the
confirming request needs no file and cannot slip in rows the preview did not show.
"""

import codecs
import csv
import io
import itertools
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import astuple, dataclass
from typing import BinaryIO, NamedTuple

from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pomochi.communities import policy
from pomochi.communities.models import Community, Household, Membership
from pomochi.communities.services import household_create
from pomochi.errors import InvalidInput
from pomochi.text import TextInvalid, text_clean

# Work per file is bounded: the file is read a chunk at a time and refused at the first limit
# it passes, so a huge or strange file costs a worker little and renders a short page.
MAX_ROWS = 5000
MAX_BYTES = 1024 * 1024  # 5000 households of a few columns each take a fraction of this
MAX_COLUMNS = 20  # five are known; a spreadsheet adds a few empty ones
MAX_CELL = 1000  # characters: a name is at most NAME_LENGTH, any other cell a word
MAX_PROBLEMS = 100  # listed; those after are counted, not listed
PREVIEW_ROWS = 200  # shown on the preview page; those after are counted (and all imported)
MAX_SIZE = 100
NAME_LENGTH = Household._meta.get_field("name").max_length
SHOWN_LENGTH = 60  # characters of a cell quoted back in a message
_CHUNK = 64 * 1024

# Each column and the headers that name it, compared in lower case with spaces and hyphens
# read as underscores. Russian headers are welcome: most groups keep their lists in Russian.
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "название"),
    "size": ("size", "людей"),
    "children": ("children", "has_children", "дети"),
    "elderly": ("elderly", "has_elderly", "пожилые"),
    "ill_or_disabled": ("ill_or_disabled", "has_ill_or_disabled", "больные"),
}
REQUIRED = ("name", "size")
HEADERS = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}
FLAGS = {
    "children": "has_children",
    "elderly": "has_elderly",
    "ill_or_disabled": "has_ill_or_disabled",
}
# "х" is the Cyrillic letter: what a tick typed on a Russian keyboard layout looks like.
YES = {"yes", "1", "true", "да", "x", "х"}
NO = {"no", "0", "false", "нет", ""}


@dataclass(frozen=True)
class HouseholdRow:
    """One household to create, with the line of the file it came from."""

    line: int
    name: str
    size: int
    has_children: bool = False
    has_elderly: bool = False
    has_ill_or_disabled: bool = False

    def fields(self) -> dict:
        return {
            "name": self.name,
            "size": self.size,
            "has_children": self.has_children,
            "has_elderly": self.has_elderly,
            "has_ill_or_disabled": self.has_ill_or_disabled,
        }


class Problem(NamedTuple):
    """Why a line (or, with no line, the whole file) cannot be imported."""

    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class Preview:
    """What an import would create, and the problems that stop it (the first MAX_PROBLEMS;
    `unlisted` counts the others). Nothing is written."""

    rows: list[HouseholdRow]
    problems: list[Problem]
    unlisted: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


class ImportRefused(InvalidInput):
    """Some rows are bad, so no household was created. `problems` says which and why."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = sorted(problems, key=_line_order)
        super().__init__(
            ngettext(
                "Nothing was imported: %(n)d problem to fix first.",
                "Nothing was imported: %(n)d problems to fix first.",
                len(self.problems),
            )
            % {"n": len(self.problems)}
        )


class PreviewInvalid(InvalidInput):
    """A signed preview that was altered, has expired, or belongs to someone else."""


def households_preview(*, community: Community, data: bytes | BinaryIO) -> Preview:
    """Read a CSV file of households (bytes, or a binary file read a chunk at a time) and check
    every row against the file and the community. A file over a limit is refused as soon as
    that is known, without reading the rest."""
    file = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    size = getattr(file, "size", None)  # an upload knows its size before it is read
    if size is not None and size > MAX_BYTES:
        return Preview(rows=[], problems=[Problem(None, _too_large())])
    existing = set(community.households.values_list("name", flat=True))
    return parse_households(_lines(file), existing=existing)


def parse_households(
    source: str | Iterable[str], *, existing: Collection[str] = frozenset()
) -> Preview:
    """Check a CSV text, or its lines with their line ends; `existing` are the names the
    community already has. Stops at the first limit passed (rows, columns, a cell's length)."""
    try:
        return _parse(source, existing)
    except _FileProblem as exc:
        return Preview(rows=[], problems=[Problem(exc.line, exc.message)])


def _parse(source: str | Iterable[str], existing: Collection[str]) -> Preview:
    lines = iter(io.StringIO(source, newline="") if isinstance(source, str) else source)
    head: list[str] = []  # the lines up to the header, which decides the delimiter
    for text in lines:
        head.append(text)
        if text.strip():
            break
    reader = csv.reader(
        itertools.chain(head, lines), delimiter=_delimiter(head[-1] if head else "")
    )
    records = _records(reader)
    try:
        header_line, header = next(records)
    except StopIteration:
        return Preview(rows=[], problems=[Problem(None, _("The file is empty."))])
    except csv.Error as exc:
        return Preview(rows=[], problems=[Problem(reader.line_num, str(exc))])
    columns, problems = _read_header(header, header_line)
    if problems:
        return Preview(rows=[], problems=problems)

    rows: list[HouseholdRow] = []
    first_line_of: dict[str, int] = {}
    count = 0
    try:
        for line, cells in records:
            count += 1
            if count > MAX_ROWS:
                message = _(
                    "The file has more than %(max)d households; split it into smaller files."
                ) % {"max": MAX_ROWS}
                return Preview(rows=[], problems=[Problem(None, message)])
            row, row_problems = _read_row(line, cells, columns, header)
            name = row.get("name")
            if name:
                if name in first_line_of:
                    row_problems.append(
                        Problem(
                            line,
                            _("“%(name)s” is already on line %(first)d.")
                            % {"name": name, "first": first_line_of[name]},
                        )
                    )
                else:
                    first_line_of[name] = line
                if name in existing:
                    row_problems.append(Problem(line, _already_here(name)))
            if row_problems:
                problems.extend(row_problems)
            else:
                rows.append(HouseholdRow(line=line, **row))
    except csv.Error as exc:
        problems.append(Problem(reader.line_num, str(exc)))
    if not rows and not problems:
        problems.append(Problem(None, _("The file has a header but no households.")))
    listed, unlisted = problems_listed(problems)
    return Preview(rows=rows, problems=listed, unlisted=unlisted)


def problems_listed(problems: Sequence[Problem]) -> tuple[list[Problem], int]:
    """The problems worth listing (the first MAX_PROBLEMS) and how many more there are."""
    return list(problems[:MAX_PROBLEMS]), max(0, len(problems) - MAX_PROBLEMS)


def check_rows(rows: Sequence[HouseholdRow], *, existing: Collection[str]) -> list[Problem]:
    """The rules again, for rows that were read earlier: the community may have changed since."""
    problems = []
    seen: dict[str, int] = {}
    for row in rows:
        try:
            name = text_clean(row.name, max_length=NAME_LENGTH, multiline=False)
        except TextInvalid as exc:
            problems.append(Problem(row.line, exc.message))
            continue
        if not name or len(name) > NAME_LENGTH:
            problems.append(Problem(row.line, _("The name is missing or too long.")))
        elif name in seen:
            problems.append(
                Problem(
                    row.line,
                    _("“%(name)s” is already on line %(first)d.")
                    % {"name": name, "first": seen[name]},
                )
            )
        elif name in existing:
            problems.append(Problem(row.line, _already_here(name)))
        seen.setdefault(name, row.line)
        if not 1 <= row.size <= MAX_SIZE:
            problems.append(Problem(row.line, _size_message(str(row.size))))
    if len(rows) > MAX_ROWS:
        problems.append(
            Problem(
                None, _("At most %(max)d households can be imported at once.") % {"max": MAX_ROWS}
            )
        )
    return problems


@transaction.atomic
def households_import(
    *, actor: Membership, community: Community, rows: Sequence[HouseholdRow]
) -> list[Household]:
    """Create every household of a checked file, each with its audit entry, or none at all.

    Refuses with ImportRefused, changing nothing, if any row is bad, including a name that
    another coordinator added to the community after the preview was made.
    """
    policy.require(actor, "household.create", community)
    if not rows:
        raise ImportRefused([Problem(None, _("There are no households to import."))])
    existing = set(Household.objects.filter(community=community).values_list("name", flat=True))
    if problems := check_rows(rows, existing=existing):
        raise ImportRefused(problems)
    return [household_create(actor=actor, community=community, **row.fields()) for row in rows]


SIGNING_SALT = "pomochi.communities.households-import"
PREVIEW_MAX_AGE = 60 * 60  # seconds: a preview left open longer is read again from the file


def rows_sign(*, rows: Sequence[HouseholdRow], community: Community, actor: Membership) -> str:
    """A token carrying checked rows to the confirming request, bound to this actor and place."""
    payload = {"c": community.id, "a": actor.id, "r": [list(astuple(row)) for row in rows]}
    return signing.dumps(payload, salt=SIGNING_SALT, compress=True)


def rows_unsign(token: str, *, community: Community, actor: Membership) -> list[HouseholdRow]:
    """The rows of a token from `rows_sign`; PreviewInvalid if it was altered or is stale."""
    try:
        payload = signing.loads(token, salt=SIGNING_SALT, max_age=PREVIEW_MAX_AGE)
        if payload["c"] != community.id or payload["a"] != actor.id:
            raise ValueError("another community or actor")
        return [_row_from_list(values) for values in payload["r"]]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise PreviewInvalid(
            _(
                "This preview could not be confirmed: it was changed or is more than an hour "
                "old. Please upload the file again."
            )
        ) from None


def _row_from_list(values: list) -> HouseholdRow:
    line, name, size, children, elderly, ill = values
    if not (isinstance(line, int) and isinstance(name, str) and isinstance(size, int)):
        raise TypeError("malformed row")
    return HouseholdRow(line, name, size, bool(children), bool(elderly), bool(ill))


class _FileProblem(Exception):
    def __init__(self, message: str, line: int | None = None):
        self.message, self.line = message, line


def _too_large() -> str:
    return _("The file is larger than %(mb)d MB; split it into smaller files.") % {
        "mb": MAX_BYTES // (1024 * 1024)
    }


def _not_text() -> str:
    return _(
        "This is not a text (CSV) file in UTF-8. In the spreadsheet, choose "
        "“Save as” → “CSV UTF-8” and upload that file."
    )


def _lines(file: BinaryIO) -> Iterator[str]:
    """The lines of a binary file as text with their ends (as csv reads them), read a chunk at
    a time: refused (_FileProblem) as soon as it proves larger than MAX_BYTES or not UTF-8
    text, before the rest is read. A byte-order mark, as Excel writes, is dropped."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    pending, read = "", 0
    while True:
        chunk = file.read(min(_CHUNK, MAX_BYTES + 1 - read))
        read += len(chunk)
        if read > MAX_BYTES:
            raise _FileProblem(_too_large())
        if b"\x00" in chunk:
            raise _FileProblem(_not_text())
        try:
            pending += decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError:
            raise _FileProblem(_not_text()) from None
        if not chunk:
            yield from io.StringIO(pending, newline="")
            return
        # Complete lines only; a last "\r" may be the first half of "\r\n".
        searched = pending[:-1] if pending.endswith("\r") else pending
        cut = max(searched.rfind("\n"), searched.rfind("\r")) + 1
        if cut:
            yield from io.StringIO(pending[:cut], newline="")
            pending = pending[cut:]


def _delimiter(header: str) -> str:
    """Semicolon or comma, judged on the header line, whose names never contain either.

    Spreadsheets set to Russian write `;` (the comma is their decimal separator). The header is
    a surer guide than csv.Sniffer, which guesses from the rows, where names may hold commas.
    """
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _records(reader):
    """(line where the record starts, cells), skipping records with nothing in them; stops the
    file (_FileProblem) at a record wider than MAX_COLUMNS or a cell longer than MAX_CELL."""
    previous_end = 0
    for cells in reader:
        start, previous_end = previous_end + 1, reader.line_num
        if len(cells) > MAX_COLUMNS:
            raise _FileProblem(
                _(
                    "This line has %(n)d cells, and a list of households has at most %(max)d "
                    "columns; delete the extra columns in the spreadsheet."
                )
                % {"n": len(cells), "max": MAX_COLUMNS},
                line=start,
            )
        if any(len(cell) > MAX_CELL for cell in cells):
            raise _FileProblem(
                _("A cell on this line is longer than %(max)d characters; is this the right file?")
                % {"max": MAX_CELL},
                line=start,
            )
        if any(cell.strip() for cell in cells):
            yield start, cells


def _shown(value: str) -> str:
    """A cell as quoted back in a message: its beginning, if it is long."""
    return value if len(value) <= SHOWN_LENGTH else value[: SHOWN_LENGTH - 1] + "…"


def _normalise_header(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def _read_header(header: list[str], line: int) -> tuple[list[str | None], list[Problem]]:
    """The column each cell of the header names (None: an unnamed, ignored column)."""
    columns: list[str | None] = []
    unknown, problems = [], []
    for cell in header:
        key = _normalise_header(cell)
        if not key:
            columns.append(None)
        elif key in HEADERS:
            column = HEADERS[key]
            if column in columns:
                problems.append(
                    Problem(
                        line,
                        _("The column “%(column)s” appears twice in the header.")
                        % {"column": column},
                    )
                )
            columns.append(column)
        else:
            unknown.append(cell.strip())
            columns.append(None)
    if unknown:
        problems.append(
            Problem(
                line,
                _(
                    "Unknown columns: %(unknown)s. The columns are: name, size, children, "
                    "elderly, ill_or_disabled (or название, людей, дети, пожилые, больные)."
                )
                % {"unknown": ", ".join(f"“{_shown(u)}”" for u in unknown)},
            )
        )
    for column in REQUIRED:
        if column not in columns:
            problems.append(
                Problem(line, _("The header has no “%(column)s” column.") % {"column": column})
            )
    return columns, problems


def _read_row(
    line: int, cells: list[str], columns: list[str | None], header: list[str]
) -> tuple[dict, list[Problem]]:
    values: dict[str, str] = {}
    problems: list[Problem] = []
    stray: list[tuple[int, str]] = []  # (column number, cell) of cells under no header
    for i, cell in enumerate(cells):
        column = columns[i] if i < len(columns) else None
        if column is not None:
            values[column] = cell.strip()
        elif cell.strip():
            stray.append((i + 1, cell.strip()))
    if stray:
        (n, value), more = stray[0], len(stray) - 1
        first = {"value": _shown(value), "n": n, "more": more}
        if more:
            message = ngettext(
                "“%(value)s” is in column %(n)d, which has no header, and so is %(more)d more "
                "cell on this line.",
                "“%(value)s” is in column %(n)d, which has no header, and so are %(more)d more "
                "cells on this line.",
                more,
            )
        else:
            message = _("“%(value)s” is in column %(n)d, which has no header.")
        problems.append(Problem(line, message % first))
    row: dict = {}
    name = values.get("name", "")
    if not name:
        problems.append(Problem(line, _("The household has no name.")))
    elif len(name) > NAME_LENGTH:
        problems.append(
            Problem(
                line,
                _("The name is longer than %(max)d characters.") % {"max": NAME_LENGTH},
            )
        )
    else:
        try:
            row["name"] = text_clean(name, max_length=NAME_LENGTH, multiline=False)
        except TextInvalid as exc:
            problems.append(Problem(line, exc.message))
    size = values.get("size", "")
    if re.fullmatch(r"\d{1,3}", size) and 1 <= int(size) <= MAX_SIZE:
        row["size"] = int(size)
    else:
        problems.append(Problem(line, _size_message(size)))
    for column, field in FLAGS.items():
        value = values.get(column, "").lower()
        if value in YES or value in NO:
            row[field] = value in YES
        else:
            written = header[columns.index(column)].strip()
            problems.append(
                Problem(
                    line,
                    _(
                        "“%(value)s” under “%(column)s” is not yes or no "
                        "(write yes, no, да, нет, 1, 0 or x)."
                    )
                    % {"value": _shown(values[column]), "column": _shown(written)},
                )
            )
    return row, problems


def _size_message(size: str) -> str:
    if not size:
        return _("The number of people is missing.")
    return _("The number of people must be a whole number from 1 to %(max)d, not “%(size)s”.") % {
        "max": MAX_SIZE,
        "size": size,
    }


def _already_here(name: str) -> str:
    return _("There is already a household called “%(name)s” here.") % {"name": name}


def _line_order(problem: Problem) -> int:
    return -1 if problem.line is None else problem.line
