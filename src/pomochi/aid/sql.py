"""An allocation round's per-share writes in plain SQL, portable between SQLite (≥ 3.35) and
PostgreSQL, the way ledger/sql.py writes a batch's events.

A round of 10,000 shares spent most of its time building model objects for the shares and the
notifications, not in the statements (benchmarks/rounds.py). The same tests cover this module as
the rest of the rounds.
"""

from pomochi.aid.models import AllocationShare, Need
from pomochi.communities.models import Household
from pomochi.ledger.sql import ids_subquery  # noqa: F401 (defined once, below both apps)
from pomochi.notify.models import Notification

NEEDS = Need._meta.db_table
HOUSEHOLDS = Household._meta.db_table
SHARES = AllocationShare._meta.db_table
NOTIFICATIONS = Notification._meta.db_table


def _json_type(cursor) -> str:
    """The column type of a JSONField here (jsonb on PostgreSQL, text on SQLite): what a VALUES
    row's text is cast to, as VALUES columns carry no type of their own."""
    return cursor.db.data_types["JSONField"]


def shares_insert_many(
    cursor, *, round_id: int, revision: int, rows: list[tuple], chunk: int = 1000
) -> None:
    """Insert a revision's shares: rows of (need id, household id, asked, share, explanation as
    JSON text). The round and revision are sent once per statement, the rest once per row.

    On PostgreSQL the rows go as one JSON array in one parameter (jsonb_array_elements): binding
    five parameters a row cost more than the INSERT itself there (0.7 s against 0.3 s for
    10,000 shares). On SQLite, multi-row VALUES are the faster of the two."""
    if cursor.db.vendor == "postgresql":
        cursor.execute(
            f"INSERT INTO {SHARES} (round_id, revision, need_id, household_id, asked, share,"
            " explanation) SELECT %s, %s, CAST(e->>0 AS BIGINT), CAST(e->>1 AS BIGINT),"
            " CAST(e->>2 AS BIGINT), CAST(e->>3 AS BIGINT), e->4"
            " FROM jsonb_array_elements(CAST(%s AS jsonb)) AS e",  # in the array's order
            [
                round_id,
                revision,
                "["
                + ",".join(
                    f"[{need},{household},{asked},{share},{why}]"
                    for need, household, asked, share, why in rows
                )
                + "]",
            ],
        )
        return
    json_type = _json_type(cursor)
    row_marks = "(%s, %s, %s, %s, %s)"
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        cursor.execute(
            f"INSERT INTO {SHARES} (round_id, revision, need_id, household_id, asked, share,"
            " explanation) SELECT %s, %s, CAST(v.column1 AS BIGINT), CAST(v.column2 AS BIGINT),"
            " CAST(v.column3 AS BIGINT), CAST(v.column4 AS BIGINT),"
            f" CAST(v.column5 AS {json_type})"
            f" FROM (VALUES {', '.join([row_marks] * len(part))}) AS v",
            [round_id, revision, *(value for row in part for value in row)],
        )


def share_notifications_insert(
    cursor,
    *,
    round_id: int,
    revision: int,
    kind: str,
    params_head: str,
    membership_table: str,
    created_at,
) -> None:
    """One notification per active member of each household with a share in this revision, in
    one INSERT … SELECT: its params are `params_head` (a JSON object's text without its closing
    brace, e.g. '{"pool": "Granary"') followed by the share's id and amount. The explanation is
    the share's, read with it: not a copy per member (a few hundred bytes each, 10,000 times)."""
    text = "CAST(%s AS TEXT)"
    params = " || ".join([text, "CAST(s.id AS TEXT)", text, "CAST(s.share AS TEXT)", text])
    cursor.execute(
        f"INSERT INTO {NOTIFICATIONS}"
        " (community_id, recipient_id, kind, params, url, about, about_id, created_at)"
        f" SELECT m.community_id, m.id, %s, CAST({params} AS {_json_type(cursor)}), '',"
        " 'round', %s, %s"
        f" FROM {SHARES} s JOIN {membership_table} m ON m.household_id = s.household_id"
        " WHERE s.round_id = %s AND s.revision = %s AND m.is_active = %s"
        " ORDER BY s.id, m.id",
        [
            kind,
            params_head + ', "share": ',
            ', "amount": ',
            "}",
            round_id,
            created_at,
            round_id,
            revision,
            True,
        ],
    )


def round_needs_lock(cursor, *, round_id: int, revision: int) -> list[tuple]:
    """Lock the needs of a revision's shares above 0 and read them with their shares, in one
    statement: rows of (share id, need id, household id, share, asked, met), in the needs'
    order (the order every writer locks needs in). A need withdrawn since asks no more than it
    has been given: it can take nothing."""
    lock = " FOR UPDATE OF n" if cursor.db.features.has_select_for_update_of else ""
    cursor.execute(
        f"SELECT s.id, s.need_id, s.household_id, s.share,"
        f" CASE WHEN n.withdrawn_at IS NULL THEN n.quantity ELSE n.quantity_met END,"
        f" n.quantity_met"
        f" FROM {SHARES} s JOIN {NEEDS} n ON n.id = s.need_id"
        f" WHERE s.round_id = %s AND s.revision = %s AND s.share > 0 ORDER BY n.id{lock}",
        [round_id, revision],
    )
    return cursor.fetchall()


# What needs_lock_read may read of a need beyond its figures, by the name _check_needs gives it
# (the rule's columns: a household's size and flags, a need's urgency).
NEED_COLUMNS = {
    "household__size": "h.size",
    "urgency": "n.urgency",
    "household__has_children": "h.has_children",
    "household__has_elderly": "h.has_elderly",
    "household__has_ill_or_disabled": "h.has_ill_or_disabled",
}


def needs_lock_read(
    cursor,
    *,
    community_id: int,
    named,
    resource_id: int,
    today,
    columns: tuple[str, ...] = (),
) -> list[tuple]:
    """Lock the needs named (`named`: ids_subquery's RawSQL) of this community and read them in
    one statement, in the needs' order (the order every writer locks them in): rows of
    (need id, household id, quantity, met, fits, *columns), where fits is 1 when the need is
    for this resource and open (Need.state "open" or "partly_met" on `today`), else 0.

    The checks in SQL and plain rows: building 10,000 rows through the ORM (its converters and
    a namespace per row for Need.state) cost more than the statement itself."""
    lock = " FOR UPDATE OF n" if cursor.db.features.has_select_for_update_of else ""
    extra = "".join(f", {NEED_COLUMNS[c]}" for c in columns)
    cursor.execute(
        "SELECT n.id, n.household_id, n.quantity, n.quantity_met,"
        " CASE WHEN n.resource_id = %s AND n.withdrawn_at IS NULL"
        " AND n.quantity_met < n.quantity AND (n.needed_by IS NULL OR n.needed_by >= %s)"
        f" THEN 1 ELSE 0 END{extra}"
        f" FROM {NEEDS} n JOIN {HOUSEHOLDS} h ON h.id = n.household_id"
        f" WHERE n.community_id = %s AND n.id IN ({named.sql}) ORDER BY n.id{lock}",
        [resource_id, cursor.db.ops.adapt_datefield_value(today), community_id, *named.params],
    )
    return cursor.fetchall()


def needs_met_add_shares(cursor, *, round_id: int, revision: int) -> int:
    """Add to each need its share above 0 in this revision of the round, in one UPDATE … FROM
    the shares themselves (nothing sent): a revision has one share per need."""
    cursor.execute(
        f"UPDATE {NEEDS} SET quantity_met = {NEEDS}.quantity_met + s.share FROM {SHARES} s"
        f" WHERE s.round_id = %s AND s.revision = %s AND s.share > 0 AND {NEEDS}.id = s.need_id",
        [round_id, revision],
    )
    return cursor.rowcount
