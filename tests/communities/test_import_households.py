"""Households from a CSV file: all rows or none, every bad line named, a preview before writing."""

import io
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from pomochi.audit.models import AuditEntry
from pomochi.audit.verify import verify_community
from pomochi.communities.imports import (
    MAX_BYTES,
    MAX_CELL,
    MAX_COLUMNS,
    MAX_PROBLEMS,
    MAX_ROWS,
    PREVIEW_ROWS,
    HouseholdRow,
    ImportRefused,
    households_import,
    households_preview,
    parse_households,
    rows_sign,
)
from pomochi.errors import NotAllowed

GOOD = "name,size,children,elderly,ill_or_disabled\nBelovs,3,yes,no,\nKozlovs,1,0,1,true\n"
# Line 3: a size of none; line 5: "maybe" is not a yes or a no.
TWO_BAD = "name,size,children\nBelovs,3,no\nKozlovs,0,no\nMorozovs,2,\nZaitsevs,4,maybe\n"


def names(community) -> set[str]:
    return set(community.households.values_list("name", flat=True))


def audit_count(community) -> int:
    return AuditEntry.objects.filter(community=community).count()


def csv_file(tmp_path, text: str, encoding: str = "utf-8"):
    path = tmp_path / "households.csv"
    path.write_bytes(text.encode(encoding))
    return str(path)


def run(*args, **options):
    out, err = StringIO(), StringIO()
    call_command("import_households", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def run_refused(*args, **options) -> tuple[str, list[str]]:
    """The command's error and the lines it wrote to stderr before failing."""
    err = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_households", *args, stdout=StringIO(), stderr=err, **options)
    return str(refused.value), err.getvalue().splitlines()


# The command


def test_the_command_imports_a_valid_file_with_an_audit_entry_per_household(village, tmp_path):
    v = village
    before = audit_count(v.community)
    out, _ = run(csv_file(tmp_path, GOOD), community="village", actor="alice", commit=True)
    assert "created 2 household(s)" in out
    belovs = v.community.households.get(name="Belovs")
    kozlovs = v.community.households.get(name="Kozlovs")
    assert (belovs.size, belovs.has_children, belovs.has_elderly, belovs.has_ill_or_disabled) == (
        3,
        True,
        False,
        False,
    )
    assert (kozlovs.size, kozlovs.has_children, kozlovs.has_elderly) == (1, False, True)
    assert kozlovs.has_ill_or_disabled
    entries = AuditEntry.objects.filter(community=v.community, verb="household.create")
    assert {e.object_id for e in entries} >= {belovs.id, kozlovs.id}
    assert audit_count(v.community) == before + 2
    assert verify_community(v.community.id).ok


def test_without_commit_the_command_only_shows_what_would_be_created(village, tmp_path):
    before = audit_count(village.community)
    out, _ = run(csv_file(tmp_path, GOOD), community="village", actor="alice")
    assert "line 2: Belovs, 3 people (children)" in out
    assert "line 3: Kozlovs, 1 people (elderly, ill or disabled)" in out
    assert "2 household(s) would be created" in out
    assert "Belovs" not in names(village.community)
    assert audit_count(village.community) == before


def test_a_file_with_two_bad_rows_imports_nothing_and_names_both_lines(village, tmp_path):
    v = village
    before_names, before_audit = names(v.community), audit_count(v.community)
    for commit in (False, True):
        error, lines = run_refused(
            csv_file(tmp_path, TWO_BAD), community="village", actor="alice", commit=commit
        )
        assert error.startswith("nothing imported: 2 problem(s)")
        assert lines == [
            "line 3: The number of people must be a whole number from 1 to 100, not “0”.",
            "line 5: “maybe” under “children” is not yes or no "
            "(write yes, no, да, нет, 1, 0 or x).",
        ]
    assert names(v.community) == before_names
    assert audit_count(v.community) == before_audit


def test_the_command_refuses_a_plain_member_and_a_stranger(village, hamlet, tmp_path):
    path = csv_file(tmp_path, GOOD)
    for commit in (False, True):
        with pytest.raises(CommandError, match="'bob' may not add households to village"):
            run(path, community="village", actor="bob", commit=commit)
    with pytest.raises(CommandError, match="'charlie' is not a member of village"):
        run(path, community="village", actor="charlie", commit=True)
    with pytest.raises(CommandError, match="no community"):
        run(path, community="nowhere", actor="alice")
    with pytest.raises(CommandError, match="cannot read"):
        run(str(tmp_path / "missing.csv"), community="village", actor="alice")
    assert "Belovs" not in names(village.community)


# Reading the file


def test_semicolons_and_a_byte_order_mark_are_read_as_excel_writes_them(village, tmp_path):
    text = "\ufeffName;Size;Children\r\nBelovs;3;yes\r\nIvanov, Pyotr;2;no\r\n"
    out, _ = run(csv_file(tmp_path, text), community="village", actor="alice", commit=True)
    assert "created 2" in out
    assert village.community.households.get(name="Belovs").has_children
    assert "Ivanov, Pyotr" in names(village.community)


def test_russian_headers_and_answers_are_read():
    preview = parse_households(
        "Название;Людей;Дети;Пожилые;Больные\nБеловы;5;да;нет;х\nКозловы;2;НЕТ;Да;\n"
    )
    assert preview.ok
    assert preview.rows == [
        HouseholdRow(2, "Беловы", 5, True, False, True),
        HouseholdRow(3, "Козловы", 2, False, True, False),
    ]


@pytest.mark.parametrize(
    ("written", "meaning"),
    [
        ("yes", True),
        ("YES", True),
        ("1", True),
        ("true", True),
        ("да", True),
        ("x", True),
        ("no", False),
        ("0", False),
        ("false", False),
        ("нет", False),
        ("", False),
    ],
)
def test_a_yes_or_no_may_be_written_many_ways(written, meaning):
    preview = parse_households(f"name,size,elderly\nBelovs,3,{written}\n")
    assert preview.ok and preview.rows[0].has_elderly is meaning


def test_a_duplicate_name_points_at_the_line_that_had_it_first(village):
    from pomochi.communities.imports import households_preview

    text = "name,size\nBelovs,3\nPetrovs,2\nBelovs,4\n"
    preview = households_preview(community=village.community, data=text.encode())
    assert [tuple(p) for p in preview.problems] == [
        (3, "There is already a household called “Petrovs” here."),
        (4, "“Belovs” is already on line 2."),
    ]


def test_an_unknown_column_is_named_and_a_missing_one_asked_for():
    preview = parse_households("name,phone,notes\nBelovs,555,\n")
    messages = [str(p) for p in preview.problems]
    assert messages[0].startswith("line 1: Unknown columns: “phone”, “notes”.")
    assert messages[1] == "line 1: The header has no “size” column."
    assert preview.rows == []


def test_blank_lines_are_skipped_and_line_numbers_stay_those_of_the_file():
    preview = parse_households('name,size\n\n"Belovs",3\n,,\n"Multi\nline",x\n,,\n')
    assert [tuple(p) for p in preview.problems] == [
        # A name is one line, as on the household form: the quoted line break is refused.
        (5, "Write this on one line, without line breaks or tabs."),
        (5, "The number of people must be a whole number from 1 to 100, not “x”."),
    ]
    assert preview.rows[0].line == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text (CSV) file in UTF-8"),
        ("name,size\nБеловы,3\n".encode("cp1251"), "not a text (CSV) file in UTF-8"),
        (b"  \n\n", "The file is empty."),
        (b"name,size\n", "a header but no households"),
    ],
)
def test_a_file_that_is_not_a_list_of_households_is_refused(village, data, message):
    from pomochi.communities.imports import households_preview

    preview = households_preview(community=village.community, data=data)
    assert not preview.ok and preview.rows == []
    assert message in preview.problems[0].message


def test_more_than_the_maximum_number_of_rows_is_refused():
    text = "name,size\n" + "".join(f"H{i},1\n" for i in range(MAX_ROWS + 1))
    preview = parse_households(text)
    assert [p.message for p in preview.problems] == [
        "The file has more than 5000 households; split it into smaller files."
    ]
    assert parse_households(text.rsplit("\n", 2)[0] + "\n").ok  # exactly 5000


def test_the_service_refuses_bad_rows_changing_nothing(village):
    v = village
    before_names, before_audit = names(v.community), audit_count(v.community)
    rows = [HouseholdRow(2, "Belovs", 3), HouseholdRow(3, "Ivanovs", 2), HouseholdRow(4, "X", 0)]
    with pytest.raises(ImportRefused) as refused:
        households_import(actor=v.alice, community=v.community, rows=rows)
    assert [p.line for p in refused.value.problems] == [3, 4]
    with pytest.raises(NotAllowed):
        households_import(actor=v.bob, community=v.community, rows=rows[:1])
    assert names(v.community) == before_names
    assert audit_count(v.community) == before_audit


# The upload page


def upload(client, text: str | bytes, name: str = "households.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        reverse("households-import", args=["village"]),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def test_a_coordinator_previews_a_file_then_confirms_it(client, village):
    v = village
    client.force_login(v.alice.user)
    members = client.get(reverse("members", args=["village"])).content.decode()
    assert reverse("households-import", args=["village"]) in members
    assert client.get(reverse("households-import", args=["village"])).status_code == 200

    preview = upload(client, GOOD)
    assert preview.status_code == 200
    assert [r.name for r in preview.context["rows"]] == ["Belovs", "Kozlovs"]
    assert "2 households would be created" in preview.content.decode()
    assert "Belovs" not in names(v.community)  # nothing yet

    confirmed = client.post(
        reverse("households-import-confirm", args=["village"]),
        {"payload": preview.context["payload"]},
    )
    assert confirmed.status_code == 302 and confirmed["Location"].endswith("/members/")
    assert {"Belovs", "Kozlovs"} <= names(v.community)
    assert "2 households imported." in client.get(confirmed["Location"]).content.decode()
    assert verify_community(v.community.id).ok


def test_the_page_lists_every_bad_line_and_offers_no_confirmation(client, village):
    client.force_login(village.alice.user)
    response = upload(client, TWO_BAD)
    assert response.status_code == 422
    assert [p.line for p in response.context["problems"]] == [3, 5]
    page = response.content.decode()
    assert "line 3: The number of people must be a whole number" in page
    assert "line 5: “maybe” under “children”" in page
    assert "payload" not in response.context
    assert upload(client, b"\x00\x01binary", name="photo.jpg").status_code == 422
    no_file = client.post(reverse("households-import", args=["village"]))
    assert no_file.status_code == 422


def test_a_tampered_or_borrowed_preview_is_refused(client, village):
    v = village
    client.force_login(v.alice.user)
    payload = upload(client, GOOD).context["payload"]
    url = reverse("households-import-confirm", args=["village"])
    before_names, before_audit = names(v.community), audit_count(v.community)

    tampered = payload.replace(payload[5], "A" if payload[5] != "A" else "B", 1)
    response = client.post(url, {"payload": tampered})
    assert response.status_code == 400
    assert "could not be confirmed" in response.content.decode()
    assert client.post(url, {}).status_code == 400
    # Signed for olga, presented by alice: refused too.
    olgas = rows_sign(rows=[HouseholdRow(2, "Belovs", 3)], community=v.community, actor=v.olga)
    assert client.post(url, {"payload": olgas}).status_code == 400
    assert names(v.community) == before_names
    assert audit_count(v.community) == before_audit


def test_a_name_taken_after_the_preview_stops_the_whole_import(client, village):
    from pomochi.communities.services import household_create

    v = village
    client.force_login(v.alice.user)
    payload = upload(client, GOOD).context["payload"]
    household_create(actor=v.olga, community=v.community, name="Kozlovs")
    response = client.post(
        reverse("households-import-confirm", args=["village"]), {"payload": payload}
    )
    assert response.status_code == 422
    assert "Nothing was imported" in response.content.decode()
    assert "Belovs" not in names(v.community)


def test_a_plain_member_is_refused_the_import_pages(client, village):
    client.force_login(village.bob.user)
    assert client.get(reverse("households-import", args=["village"])).status_code == 403
    assert upload(client, GOOD).status_code == 403
    confirm = reverse("households-import-confirm", args=["village"])
    assert client.post(confirm, {"payload": "x"}).status_code == 403
    members = client.get(reverse("members", args=["village"])).content.decode()
    assert reverse("households-import", args=["village"]) not in members
    assert "Belovs" not in names(village.community)


def test_a_member_of_another_community_does_not_find_the_import_pages(client, village, hamlet):
    client.force_login(hamlet.charlie.user)
    assert client.get(reverse("households-import", args=["village"])).status_code == 404
    assert upload(client, GOOD).status_code == 404
    # Even with a preview signed in their own community, presented to the village.
    payload = rows_sign(
        rows=[HouseholdRow(2, "Belovs", 3)], community=hamlet.community, actor=hamlet.charlie
    )
    confirm = reverse("households-import-confirm", args=["village"])
    assert client.post(confirm, {"payload": payload}).status_code == 404
    assert "Belovs" not in names(village.community)


# Limits: the work a file costs is bounded, and so is the page that answers it


class CountingFile(io.BytesIO):
    """A binary file that remembers how many bytes were read from it."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def test_a_file_over_the_size_limit_is_refused_without_reading_it_all(village):
    huge = b"name,size\n" + b"".join(b"%d%s,3\n" % (i, b"B" * 900) for i in range(2000))
    file = CountingFile(huge)
    preview = households_preview(community=village.community, data=file)
    assert [p.message for p in preview.problems] == [
        "The file is larger than 1 MB; split it into smaller files."
    ]
    assert file.bytes_read == MAX_BYTES + 1 < len(huge)
    # An upload that says its size is refused before a byte is read.
    upload_ = SimpleUploadedFile("h.csv", huge)
    preview = households_preview(community=village.community, data=upload_)
    assert not preview.ok and upload_.tell() == 0


def test_a_line_with_too_many_columns_stops_the_file_there(village):
    text = "name,size\nBelovs,3\nKozlovs,1" + ",x" * 50_000 + "\nMorozovs,2\n"
    preview = parse_households(text)
    assert [tuple(p) for p in preview.problems] == [
        (
            3,
            "This line has 50002 cells, and a list of households has at most 20 columns; "
            "delete the extra columns in the spreadsheet.",
        )
    ]
    assert preview.rows == []
    assert parse_households("name,size" + "," * (MAX_COLUMNS - 2) + "\nBelovs,3\n").ok


def test_a_cell_longer_than_any_household_needs_stops_the_file():
    preview = parse_households(f"name,size\nBelovs,3\n{'B' * (MAX_CELL + 1)},2\n")
    assert [tuple(p) for p in preview.problems] == [
        (3, "A cell on this line is longer than 1000 characters; is this the right file?")
    ]
    # A long name within the cell limit is a problem of its row, as before.
    preview = parse_households(f"name,size\n{'B' * 201},2\n")
    assert [p.message for p in preview.problems] == ["The name is longer than 200 characters."]


def test_cells_without_a_header_are_one_problem_a_line_quoted_short():
    preview = parse_households("name,size\nBelovs,3," + "y" * 300 + ",x,x\nKozlovs,2,z\n")
    assert [tuple(p) for p in preview.problems] == [
        (
            2,
            f"“{'y' * 59}…” is in column 3, which has no header, "
            "and so are 2 more cells on this line.",
        ),
        (3, "“z” is in column 3, which has no header."),
    ]


def test_only_the_first_problems_are_listed_and_the_others_counted(client, village):
    text = "name,size\n" + "".join(f"H{i},0\n" for i in range(MAX_PROBLEMS + 50))
    preview = parse_households(text)
    assert len(preview.problems) == MAX_PROBLEMS and preview.unlisted == 50
    client.force_login(village.alice.user)
    response = upload(client, text)
    assert response.status_code == 422
    assert "… and 50 more problems, not listed here." in response.content.decode()


def test_the_preview_shows_the_first_rows_and_counts_the_others_but_imports_all(client, village):
    v = village
    client.force_login(v.alice.user)
    n = PREVIEW_ROWS + 30
    response = upload(client, "name,size\n" + "".join(f"H{i},1\n" for i in range(n)))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{n} households would be created" in page
    assert "… and 30 more households, not shown here, which will be created too." in page
    assert "H199<" in page and "H200<" not in page
    confirmed = client.post(
        reverse("households-import-confirm", args=["village"]),
        {"payload": response.context["payload"]},
    )
    assert confirmed.status_code == 302
    assert {f"H{i}" for i in range(n)} <= names(v.community)


def test_a_two_megabyte_file_of_stray_cells_is_answered_briefly(client, village):
    """Before the limits this file took 24 s of a worker and rendered a 69 MB page."""
    client.force_login(village.alice.user)
    stray = "name,size\nH,1" + ",x" * (MAX_BYTES - 10) + "\n"
    response = upload(client, stray)
    assert response.status_code == 422
    assert len(response.content) < 20_000
    assert "larger than 1 MB" in response.content.decode()
    within = "name,size\nH,1" + ",x" * (MAX_BYTES // 2 - 10) + "\n"
    response = upload(client, within)
    assert response.status_code == 422 and len(response.content) < 20_000
    assert "at most 20 columns" in response.content.decode()


def test_the_page_states_the_limits(client, village):
    client.force_login(village.alice.user)
    page = client.get(reverse("households-import", args=["village"])).content.decode()
    assert "At most 5000 households, 20 columns and 1 MB a file." in page
