"""A book that remembers the aggregates it loaded, to tell a clerk what other clerks recorded meanwhile."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TypedDict, Unpack
from uuid import UUID

from domain.book import Aggregate, Book, Loader
from domain.errors import Problem
from domain.messages import joined, zh_en
from storage.concurrency import describe_meanwhile


class BookOptions(TypedDict):
    """What a book takes from the settings and the store (Book's keyword arguments)."""

    today: dt.date
    agency: str
    clerk: str
    unheld_agency: tuple[str, str] | None
    stored_codes: dict[str, str]


class LoadedBook(Book):
    """A book that remembers the aggregates it loaded, to tell a clerk what others changed meanwhile."""

    def __init__(self, load: Loader, **options: Unpack[BookOptions]) -> None:
        self.loaded: dict[UUID, Aggregate | None] = {}
        self.versions: dict[UUID, int] = {}  # as loaded: a failed save has emptied the pending events

        def remember(aggregate_id: UUID) -> Aggregate | None:
            self.loaded[aggregate_id] = found = load(aggregate_id)
            self.versions[aggregate_id] = found.version if found is not None else 0
            return found

        super().__init__(remember, **options)


def with_meanwhile(problems: list[Problem], first: LoadedBook | None, now: LoadedBook) -> list[Problem]:
    """Add to each refusal what other clerks recorded on the same aggregates since this command began."""
    if first is None:
        return problems
    events = []
    for aggregate_id, aggregate in now.loaded.items():
        version = first.versions.get(aggregate_id, 0)
        if aggregate is not None:
            events += [e for e in aggregate.history if e.originator_version > version]
    if not events:
        return problems
    meanwhile = describe_meanwhile(events)
    note = zh_en(f"期间他人已记录：{meanwhile}", f"changed meanwhile: {meanwhile}")
    return [replace(problem, reason=joined(problem.reason, note, " — ", " — ")) for problem in problems]
