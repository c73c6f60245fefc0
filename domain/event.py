"""The base of every domain event: an immutable, validated pydantic model (STYLE.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import CanMutateAggregate
from pydantic import BaseModel, ConfigDict

from domain.changes import Change, compiled
from domain.values import Code, IsoDate, Text

# Fields every stored event has that are not part of the import format.
ENVELOPE_FIELDS = frozenset({"originator_id", "originator_version", "timestamp", "originator_topic"})
# What an erased applicant's personal field reads as (storage/crypto.py).
ERASED_TEXT = "已删除"
# Fields that say who recorded an event, not what happened.
RECORDER_FIELDS = frozenset({"agency", "clerk"})


class DomainEvent(BaseModel):
    """A fact with its business date, the agency it belongs to and the clerk who recorded it."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)  # build a schema on first use

    name: ClassVar[str]  # the `event` value of the import format (docs/import-format.md)

    originator_id: UUID
    originator_version: int
    timestamp: dt.datetime  # when it was recorded: metadata, never a business date
    date: IsoDate
    agency: Code
    clerk: Text

    def business_fields(self) -> dict[str, Any]:
        """Return the fields of the import format besides `event`, `date` and the recorder."""
        data = self.model_dump(mode="json", exclude=set(ENVELOPE_FIELDS | RECORDER_FIELDS | {"date"}))
        return {key: value for key, value in data.items() if value is not None}

    def same_fact(self, name: str, date: dt.date, fields: dict[str, Any]) -> bool:
        """Tell whether this event records the given fact (docs/import-format.md: same type, date and fields)."""
        if self.name != name or self.date != date:
            return False
        held = self.business_fields()
        # Personal data erased (crypto-shredded) matches whatever a re-imported line says there.
        erased = {key for key, value in held.items() if value == ERASED_TEXT and key in fields}
        return {k: v for k, v in held.items() if k not in erased} == {
            k: v for k, v in fields.items() if k not in erased
        }


class AggregateEvent(DomainEvent, CanMutateAggregate[UUID]):
    """An event of one of gongkai's aggregates: it joins the aggregate's history, then changes its state."""

    # How the event changes its aggregate's state, field by field (domain/changes.py): the one statement every
    # fold reads. Many events only join the history.
    changes: ClassVar[tuple[Change, ...]] = ()
    apply_changes: ClassVar[Callable[[object, object], None]] = staticmethod(compiled(()))  # `changes`, written out

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "changes" in cls.__dict__:
            cls.apply_changes = staticmethod(compiled(cls.changes))

    def apply(self, aggregate: Any) -> None:
        """Append the event to the aggregate's history and let it change the state."""
        aggregate.history.append(self)
        type(self).apply_changes(aggregate, self)
        self.evolve(aggregate)

    def evolve(self, aggregate: Any) -> None:
        """Change what its `changes` cannot say (which open consultation a reply ends …)."""


class KeepsHistory:
    """An aggregate that keeps its events, so a repeated fact can be recognised (docs/import-format.md)."""

    history: list[Any]

    def holds(self, name: str, date: dt.date, fields: dict[str, Any]) -> bool:
        """Tell whether the history already records this fact (re-import records it once)."""
        return any(event.same_fact(name, date, fields) for event in self.history)
