"""How one event changes one field of its aggregate's state: the words of the fold tables (pure).

Each event class states its changes once (`changes`, e.g. `Request.Answered`: `closed` ← the date, `outcome` ←
its outcome, `state` ← "answered"). Every fold reads that one statement: the aggregate (whose state the
refusals read), the deadline facts, the catch-up's frozen facts (projections/facts.py), the replay's and the
import's plain-JSON fold (projections/plain_fold.py) and the closed-year check (domain/footprint.py). Adding
an event field that changes the state is one `Change` next to the field: docs/adding-an-event-field.md.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

# A change's source that names the event's own business date.
DATE = "date"

SET, GIVEN, FIRST, COUNT, APPEND, INCLUDE = "set", "given", "first", "count", "append", "include"
PUT, MERGE = "put", "merge"
# A field's value is typed `Any` here: a change names its field and source by name, so each value has the type of
# the field it names (a date, a code, a count, a tuple of pairs …), checked by tests/unit/test_fold_rules.py.


class Dated(Protocol):
    """An event as the changes read it: its date, and the fields its changes name (read by name)."""

    @property
    def date(self) -> dt.date: ...


@dataclass(frozen=True, slots=True)
class Change:
    """One field of the state after one event: `op` says how, `source` which event field (or `value`) it takes.

    - set: the field takes the source (or the constant `value`);
    - given: the same, only when the event gives the source (a correction changes what it names);
    - first: the field takes the source only while it is still unset (the first 报备 counts);
    - count: the field (a number) moves by `value`, never below zero;
    - append: the field (a sequence) gains the pair (event date, source);
    - include: the field (a set) gains the source;
    - put: the field (a mapping) holds the source under the key the event's `value` fields name (the latest wins);
    - merge: the same, the source's items replacing only the items it names of the mapping held under that key.
    """

    op: str
    field: str
    source: str | None = None
    value: Any = None
    convert: Callable[[Any], Any] | None = None  # applied to the source's value (e.g. yuan → fen)

    def reads(self, event: object) -> Any:
        """Return what the change takes from an event (an object with the event's fields as attributes)."""
        if self.source is None:
            return self.value
        value = getattr(event, self.source)
        return value if value is None or self.convert is None else self.convert(value)


def Set(field: str, source: str | None = None, *, value: Any = None) -> Change:
    """The field takes the event's `source` field, or the constant `value`."""
    return Change(SET, field, source, value)


def Given(field: str, source: str) -> Change:
    """The field takes the event's `source` field when the event gives one."""
    return Change(GIVEN, field, source)


def First(field: str, source: str = DATE) -> Change:
    """The field takes the event's `source` field while it is unset."""
    return Change(FIRST, field, source)


def Count(field: str, by: int) -> Change:
    """The field moves by `by`, never below zero."""
    return Change(COUNT, field, None, by)


def Append(field: str, source: str, convert: Callable[[Any], Any] | None = None) -> Change:
    """The field gains (event date, the event's `source` field)."""
    return Change(APPEND, field, source, None, convert)


def Include(field: str, source: str) -> Change:
    """The field (a set) gains the event's `source` field."""
    return Change(INCLUDE, field, source)


def Put(field: str, key: str | tuple[str, ...], source: str) -> Change:
    """The field (a mapping) holds the event's `source` under the event's `key` field(s): the latest wins."""
    return Change(PUT, field, source, key)


def Merge(field: str, key: str | tuple[str, ...], source: str) -> Change:
    """The mapping the field holds under the event's `key` field(s) takes the items of the event's `source`."""
    return Change(MERGE, field, source, key)


def key_of(change: Change, event: Dated) -> object:
    """Return the key a put or merge names: one event field's value, or a tuple of several."""
    key = change.value
    return getattr(event, key) if isinstance(key, str) else tuple(getattr(event, name) for name in key)


def changed_value(change: Change, current: Any, event: Dated) -> tuple[bool, Any]:
    """Return whether a change applies to a field now holding `current`, and the field's new value."""
    op = change.op
    if op == SET:
        return True, change.reads(event)
    if op == GIVEN:
        value = change.reads(event)
        return value is not None, value
    if op == FIRST:
        return current is None, change.reads(event)
    if op == COUNT:
        return True, max(0, current + change.value)
    if op == APPEND:
        return True, (*current, (event.date, change.reads(event)))
    if op == INCLUDE:
        return True, current | {change.reads(event)}
    if op == PUT:
        return True, {**current, key_of(change, event): change.reads(event)}
    if op == MERGE:
        key = key_of(change, event)
        return True, {**current, key: {**current.get(key, {}), **change.reads(event)}}
    raise ValueError(f"unknown change {op!r}")


def compiled(changes: tuple[Change, ...]) -> Callable[[object, object], None]:
    """Return a function applying the changes to a mutable state object (the aggregate, `RequestState`).

    It sets what `changed_fields` returns (tests/unit/test_fold_rules.py holds the aggregate to the facts).

    A bulk import applies each of its events to its aggregate: a function written out once per event class
    (as `dataclasses` writes `__init__`) costs what a hand-written `evolve` did, where interpreting the changes
    cost ~10% of the import. Field and source names are the event classes' own identifiers, never input.
    """
    lines, names = ["def apply(s, e):"], dict[str, Any](max=max)
    for i, change in enumerate(changes):
        field, source = change.field, change.source
        if not (field.isidentifier() and (source is None or source.isidentifier())):
            raise ValueError(f"not a field name: {field!r} ← {source!r}")
        names[f"k{i}"], names[f"c{i}"] = change.value, change.convert
        value = f"k{i}" if source is None else f"e.{source}"
        if change.convert is not None and source is not None:
            lines.append(f"    v = e.{source}")
            value = f"(None if v is None else c{i}(v))"
        if change.op == SET:
            lines.append(f"    s.{field} = {value}")
        elif change.op == GIVEN:
            lines += [f"    v = {value}", f"    if v is not None: s.{field} = v"]
        elif change.op == FIRST:
            lines.append(f"    if s.{field} is None: s.{field} = {value}")
        elif change.op == COUNT:
            lines.append(f"    s.{field} = max(0, s.{field} + k{i})")
        elif change.op == APPEND:
            lines.append(f"    s.{field} = (*s.{field}, (e.date, {value}))")
        elif change.op == INCLUDE:
            lines.append(f"    s.{field} = s.{field} | {{{value}}}")
        elif change.op in (PUT, MERGE):
            names[f"key{i}"] = functools.partial(key_of, change)
            lines.append(f"    k = key{i}(e)")
            held = f"{{**s.{field}.get(k, {{}}), **{value}}}" if change.op == MERGE else value
            lines.append(f"    s.{field} = {{**s.{field}, k: {held}}}")
        else:
            raise ValueError(f"unknown change {change.op!r}")
    lines.append("    return None")
    exec("\n".join(lines), names)
    function: Callable[[object, object], None] = names["apply"]
    return function


def changed_fields(changes: Iterable[Change], current: Callable[[str], Any], event: Dated) -> dict[str, Any]:
    """Return the new values of the fields an event changes, reading each field's value with `current`."""
    new: dict[str, Any] = {}
    for change in changes:
        field = change.field
        applies, value = changed_value(change, new[field] if field in new else current(field), event)
        if applies:
            new[field] = value
    return new


def as_date(value: Any) -> dt.date | None:
    """Return a date field's value as a date (a line's fields hold ISO text, events hold dates)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value
