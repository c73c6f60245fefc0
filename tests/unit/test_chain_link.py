"""The chain's inline hashing of the usual row types gives exactly the general `link` (so `verify` agrees)."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.persistence import StoredEvent
from hypothesis import given
from hypothesis import strategies as st

from storage.chain import _link_of, chain_rows, link

events = st.builds(
    StoredEvent,
    originator_id=st.uuids(),
    originator_version=st.integers(min_value=-(2**63), max_value=2**63 - 1),
    topic=st.text(),
    state=st.binary(max_size=600),
)


@given(st.binary(min_size=32, max_size=32), st.integers(min_value=0, max_value=2**62), events)
def test_inline_link_equals_the_general_link(previous: bytes, position: int, event: StoredEvent) -> None:
    general = link(previous, position, event.originator_id, event.originator_version, event.topic, event.state)
    assert _link_of(previous, position, event) == general


@given(st.lists(events, max_size=5))
def test_chain_rows_continue_the_general_links(stored: list[StoredEvent]) -> None:
    previous = bytes(32)
    for (position, originator_id, version, chained), event in zip(
        chain_rows(previous, range(1, len(stored) + 1), stored), stored, strict=True
    ):
        previous = link(previous, position, event.originator_id, version, event.topic, event.state)
        assert (UUID(originator_id), chained) == (event.originator_id, previous.hex())


def test_other_row_types_still_hash_by_type() -> None:
    text_id = StoredEvent("not-a-uuid", 1, "topic", b"state")
    assert _link_of(bytes(32), 1, text_id) == link(bytes(32), 1, "not-a-uuid", 1, "topic", b"state")
    as_text = StoredEvent(UUID(int=1), 1, "topic", "state")  # type: ignore[arg-type]
    assert _link_of(bytes(32), 1, as_text) != _link_of(bytes(32), 1, StoredEvent(UUID(int=1), 1, "topic", b"state"))
