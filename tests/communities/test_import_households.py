"""Households from a CSV file: all rows or none, every bad line named, a preview before writing."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from pomochi.audit.models import AuditEntry
from pomochi.audit.verify import verify_community
from pomochi.communities.imports import (
    MAX_ROWS,
    HouseholdRow,
    ImportRefused,
    households_import,
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
