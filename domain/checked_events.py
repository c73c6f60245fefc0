"""Build events from values their import line has already checked, without validating them a second time.

A line's model (domain/lines.py) holds the business fields of its event with the same types and validators, so
the line's values are the event's. What the event adds is checked here once: the agency and clerk a book fills in
(the first event with a new pair is validated in full), the envelope (made by the book), and the types of the
JSON-ready line values (an enum's code, a date's or an amount's text), turned back into what validation gives.
The result is the event `event_class(**values)` makes, attribute for attribute (tests/unit/test_checked_events.py).
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

from pydantic import BaseModel

from domain.event import ENVELOPE_FIELDS, RECORDER_FIELDS

E = TypeVar("E", bound=BaseModel)
Convert = Callable[[Any], Any]


class _Plan(typing.NamedTuple):
    names: tuple[str, ...]  # every field, in the order validation fills `__dict__`
    required: frozenset[str]
    optional: frozenset[str]
    defaults: dict[str, Any]
    converters: tuple[tuple[str, Convert], ...]  # fields whose line value is JSON text of another type
    shapes: dict[tuple[str, ...], tuple[set[str], dict[str, Any] | None]]  # see _shape


_PLANS: dict[type, _Plan | None] = {}
_RECORDERS: set[tuple[Any, Any]] = set()  # (agency, clerk) pairs an event has been validated with
_MAX_RECORDERS = 1024
_set = object.__setattr__
# Fields the book makes as the event's own values: the envelope, the business date, the recorder.
_MADE = ENVELOPE_FIELDS | RECORDER_FIELDS | {"date"}


def build_event(event_class: type[E], values: dict[str, Any]) -> E:
    """Return `event_class(**values)`, unvalidated: the line's checked fields and the book's envelope (see above)."""
    plan = _PLANS[event_class] if event_class in _PLANS else _plan(event_class)
    if plan is None or (values.get("agency"), values.get("clerk")) not in _RECORDERS:
        return _validated(event_class, values, plan)
    keys = tuple(values)
    shape = plan.shapes.get(keys) or _shape(plan, keys)
    if shape is _INVALID:
        return event_class(**values)  # a field unknown or missing: the error validation gives
    for name, convert in plan.converters:
        value = values.get(name)
        if value is not None:
            values[name] = convert(value)
    fields_set, tail = shape
    if tail is not None:  # optional fields left out: their defaults, in the fields' order
        values = {name: values[name] if name in values else tail[name] for name in plan.names}
    event = event_class.__new__(event_class)
    _set(event, "__dict__", values)
    _set(event, "__pydantic_fields_set__", fields_set)
    _set(event, "__pydantic_extra__", None)
    _set(event, "__pydantic_private__", None)
    return event


_INVALID: Any = (None, None)


def _shape(plan: _Plan, keys: tuple[str, ...]) -> tuple[set[str], dict[str, Any] | None]:
    """Return, for values with these fields in this order, their fields set and the defaults they lack (None: none)."""
    given = set(keys)
    if given - plan.optional - plan.required or plan.required - given:
        shape: tuple[set[str], dict[str, Any] | None] = _INVALID
    else:
        # One fields set per shape of event, shared: a frozen event never changes it.
        shape = (given, None) if keys == plan.names else (given, plan.defaults)
    plan.shapes[keys] = shape
    return shape


def _validated(event_class: type[E], values: dict[str, Any], plan: _Plan | None) -> E:
    """Validate an event in full, and remember its agency and clerk as checked."""
    event = event_class(**values)
    if plan is not None and len(_RECORDERS) < _MAX_RECORDERS:
        _RECORDERS.add((values.get("agency"), values.get("clerk")))
    return event


def _plan(event_class: type[BaseModel]) -> _Plan | None:
    """Return how to build an event class's events from checked values, or None to always validate them."""
    plan: _Plan | None = None
    decorators = event_class.__pydantic_decorators__
    own_checks = decorators.model_validators or decorators.field_validators  # a line model would not carry them
    if (
        not own_checks
        and event_class.__pydantic_post_init__ is None
        and event_class.model_config.get("extra") == "forbid"
    ):
        fields = event_class.model_fields
        converters = [(name, _converter(info.annotation)) for name, info in fields.items() if name not in _MADE]
        if all(convert is not _UNKNOWN for _, convert in converters) and not any(
            info.default_factory is not None for info in fields.values()
        ):
            plan = _Plan(
                tuple(fields),
                frozenset(name for name, info in fields.items() if info.is_required()),
                frozenset(name for name, info in fields.items() if not info.is_required()),
                {name: info.default for name, info in fields.items() if not info.is_required()},
                tuple((name, convert) for name, convert in converters if convert is not None),
                {},
            )
    _PLANS[event_class] = plan
    return plan


def _unknown(value: Any) -> Any:
    raise AssertionError("never called")  # pragma: no cover


_UNKNOWN: Convert = _unknown


def _converter(annotation: Any) -> Convert | None:
    """Return what turns a JSON-ready value into the field's value (None: it is the same), or _UNKNOWN."""
    kind = _base(annotation)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return {member.value: member for member in kind}.__getitem__
    if kind is dt.date:
        return dt.date.fromisoformat
    if isinstance(kind, type) and issubclass(kind, BaseModel):  # a nested model (a filing's figures): as validated
        return kind.model_validate
    if kind is Decimal:
        return Decimal
    if kind in (str, int, bool, dt.datetime, UUID) or typing.get_origin(kind) is dict:
        return None
    return _UNKNOWN


def _base(annotation: Any) -> Any:
    """Return a field's type without `Annotated` metadata and an optional `None`."""
    if typing.get_origin(annotation) is typing.Annotated:
        return _base(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        kinds = [kind for kind in typing.get_args(annotation) if kind is not type(None)]
        return _base(kinds[0]) if len(kinds) == 1 else _UNKNOWN
    return annotation
