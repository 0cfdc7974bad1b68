"""The batch path renders payloads from a template: byte-identical to entry_payload, always."""

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from pomochi.audit.chain import PayloadTemplate, entry_payload

texts = st.text()  # any text: quotes, backslashes, control characters, surrogates excluded
values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    texts,
    st.lists(st.one_of(texts, st.integers(), st.booleans(), st.none()), max_size=3),
    st.tuples(texts, st.integers()).map(list),  # a cause: [type, id]
    st.tuples(texts, st.integers()),  # a cause as the batch passes it: (type, id)
)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@given(
    verb=st.sampled_from(["event.distribute", "event.work"]),
    actor=st.one_of(st.none(), st.integers(1, 10**9)),
    at=moments,
    shared=st.dictionaries(
        st.sampled_from(["action", "pool", "recorded_at", "reverses"]), values, max_size=4
    ),
    rows=st.lists(
        st.tuples(
            st.integers(1, 10**12), st.one_of(st.none(), st.integers(1, 10**9)), values, values
        ),
        min_size=1,
        max_size=5,
    ),
)
def test_it_renders_exactly_what_entry_payload_writes(verb, actor, at, shared, rows):
    data = shared | {"quantity": rows[0][2], "note": rows[0][3]}
    template = PayloadTemplate(
        verb=verb,
        object_type="event",
        actor_id=actor,
        at=at,
        data=data,
        varying=("quantity", "note"),
    )
    for object_id, household, quantity, note in rows:
        expected = entry_payload(
            verb=verb,
            object_type="event",
            object_id=object_id,
            actor_id=actor,
            household_id=household,
            at=at,
            data=shared | {"quantity": quantity, "note": note},
        )
        rendered = template.render(
            {"object_id": object_id, "household_id": household, "quantity": quantity, "note": note}
        )
        assert rendered == expected
        assert template.render_row((object_id, household, quantity, note)) == expected
