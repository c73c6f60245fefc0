"""Events that evolve: read a state stored by an older version of its event class as the class is now.

An event class whose fields changed says so the way eventsourcing does (docs/evolving-events.md): `class_version = N`
and, for each earlier version K, a static `upcast_vK_vK+1(state)` that changes a stored state dict of version K into
one of version K+1 in place. A state stored by a class of version 2 or later holds `"class_version": N` (written by
storage/mapper.py); one without it is of version 1. Every reader of stored states upcasts here: the mapper for
whole events, `decode_state` for the fast paths that fold the raw JSON (projections/decode.py, replay.py,
storage/view_reader.py), so an old event reads the same everywhere.

This module imports no event class, nor eventsourcing: a report's fast reader starts without them. So
`VERSIONED_TOPICS` names the classes whose version is above 1, and the others are never resolved;
tests/unit/test_upcasting.py checks it against the classes themselves.
"""

from __future__ import annotations

import json
import json.scanner
from collections.abc import Callable
from typing import Any

# The C scanner of `json` on str: skips json.loads' encoding detection and whitespace checks (states are compact).
scan_json = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]
VERSION_KEY = "class_version"  # eventsourcing's key, written only by classes of version 2 or later
# The stored topics of the event classes of version 2 or later.
VERSIONED_TOPICS = frozenset({"domain.appeal:AppealCase.Appealed", "domain.agency:Agency.MonthlyFilingSubmitted"})
Upcaster = Callable[[dict[str, Any]], None]


def class_version(cls: type) -> int:
    """Return the version of an event class's fields (1 unless it says otherwise)."""
    version = getattr(cls, "class_version", 1)
    assert type(version) is int, f"{cls.__qualname__}.class_version is not an int"
    return version


def upcaster_of(cls: type) -> Upcaster | None:
    """Return what brings a stored state of any version of `cls` to its current fields; None for a first version."""
    current = class_version(cls)
    if current == 1:
        return None
    steps = [getattr(cls, f"upcast_v{version}_v{version + 1}") for version in range(1, current)]

    def upcast(state: dict[str, Any]) -> None:
        stored = state.pop(VERSION_KEY, 1)
        if type(stored) is not int or not 1 <= stored <= current:
            raise ValueError(
                f"存储的事件版本 {stored!r} 不是 {cls.__qualname__} 的已知版本（1–{current}），可能由更新的 gongkai "
                f"写入，请升级 gongkai / stored class_version {stored!r} of {cls.__qualname__} is not one this gongkai "
                f"knows (1-{current}): it was probably written by a newer gongkai; upgrade gongkai to read it"
            )
        for step in steps[stored - 1 :]:
            step(state)

    return upcast


_UPCASTERS: dict[str, Upcaster | None] = {}  # topic → its class's upcaster, found once per topic


def upcaster(topic: str) -> Upcaster | None:
    """Return the upcaster of a stored topic's class; None (without importing the class) for a first version."""
    try:
        return _UPCASTERS[topic]
    except KeyError:
        found = None
        if topic in VERSIONED_TOPICS:
            from eventsourcing.utils import resolve_topic  # only then: a report's start imports no eventsourcing

            found = upcaster_of(resolve_topic(topic))
        _UPCASTERS[topic] = found
        return found


def decode_state(topic: str, state: bytes | bytearray | memoryview | str) -> dict[str, Any]:
    """Return the fields of a plain-JSON stored state as its class has them now (upcast if stored by an older one).

    The one decode step of the fast readers: a dict lookup more than the JSON scan when no upcaster applies.
    """
    # SQLite's rows are bytes: the usual case first
    text = state.decode() if type(state) is bytes else state if isinstance(state, str) else bytes(state).decode()
    data: dict[str, Any] = scan_json(text, 0)[0]
    try:
        upcast = _UPCASTERS[topic]
    except KeyError:
        upcast = upcaster(topic)
    if upcast is not None:
        upcast(data)
    return data
