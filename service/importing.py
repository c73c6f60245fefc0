"""The import use case (`gongkai import`): read a file of events, check every line, then record all or nothing.

What the file is (JSON Lines, a CSV written by `export --format csv`, or something to name and refuse), the
parallel read, the empty-store path (this process books its part of the lines while a child reads the rest),
the paused garbage collector and the retries (in `Tracker.record`) live here; the CLI parses and prints.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO, NotRequired, TypedDict

from domain.errors import InvalidInputError, Problem, ProblemJson
from domain.filing import FilingChanges
from domain.messages import zh_en
from service.reading import bounded_lines, is_export_csv, sniff_format
from storage.parallel_read import read_parts

if TYPE_CHECKING:
    from domain.lines import Line
    from service.loaded_book import LoadedBook
    from service.tracker import Tracker

# Given the number of events about to be saved; returns what to call with each saved batch's size, or None.
ProgressStart = Callable[[int], Callable[[int], None] | None]


class ImportJson(TypedDict):
    """The one object `import --format json` prints: what was recorded, or every problem (nothing recorded)."""

    recorded: int
    already_recorded: int
    skipped: int
    lines: NotRequired[int]
    problems: list[ProblemJson]


@dataclass(frozen=True)
class ImportResult:
    """What an import did: events recorded, lines the store already held, event lines read, blank lines skipped."""

    recorded: int
    already: int
    lines: int
    skipped: int
    seconds: float
    changed_filings: tuple[FilingChanges, ...] = ()  # filed months whose figures the import changed (a warning)

    def to_json(self) -> ImportJson:
        """Return the object `import --format json` prints (an accepted import has no problems)."""
        return {
            "recorded": self.recorded,
            "already_recorded": self.already,
            "skipped": self.skipped,
            "lines": self.lines,
            "problems": [],
        }


def refused_json(problems: Sequence[str | Problem]) -> ImportJson:
    """Return the object `import --format json` prints for a refused import: nothing recorded, every problem."""
    values = [problem if isinstance(problem, Problem) else Problem(None, None, problem) for problem in problems]
    return {"recorded": 0, "already_recorded": 0, "skipped": 0, "problems": [value.to_json() for value in values]}


def import_events(
    tracker: Tracker, stream: BinaryIO, *, name: str, progress: ProgressStart | None = None
) -> ImportResult:
    """Check every line of an open file, then record them all; raise InvalidInputError (nothing written) if any is bad.

    `name` says which file it is in a refusal of the whole file (a path, or - for stdin).
    """
    with _without_gc():
        return _import(tracker, stream, name, progress)


def _import(tracker: Tracker, stream: BinaryIO, name: str, progress: ProgressStart | None) -> ImportResult:
    started = time.perf_counter()
    problems: list[Problem] = []
    lines, book, skipped = _read(tracker, stream, name, problems)
    if not lines and not problems:
        raise InvalidInputError(
            [Problem(None, None, zh_en(f"{name} 是空文件，没有事项行", f"{name}: empty: no event lines"))]
        )
    if book is None:
        book = tracker.check(lines, problems)
    if problems:
        problems.sort(key=lambda problem: problem.line or 0)
        raise InvalidInputError(problems)
    events = sum(len(aggregate.pending_events) for aggregate in book.changed())
    # Retried on the aggregates as they are now if another clerk saves the same ones meanwhile.
    recorded = tracker.record(lines, progress(events) if progress else None, checked=book)
    seconds = time.perf_counter() - started
    return ImportResult(recorded.recorded, recorded.already, len(lines), skipped, seconds, recorded.changed_filings)


def _read(
    tracker: Tracker, stream: BinaryIO, name: str, problems: list[Problem]
) -> tuple[list[tuple[int, Line]], LoadedBook | None, int]:
    """Return the file's good lines, the book that checked them if it did while reading, and the blank lines."""
    head = stream.peek(512)[:512] if hasattr(stream, "peek") else b""
    if is_export_csv(head):  # a file written by `export --format csv`
        from service.export import csv_lines  # only then: it imports the renderers (openpyxl …)

        return csv_lines(stream.read(), problems), None, 0
    if (kind := sniff_format(head)) is not None:
        raise InvalidInputError([Problem(None, None, f"{name}: {kind}")])
    data = list(bounded_lines(stream))
    lines, book = _read_and_check(tracker, data, problems)
    return lines, book, len(data) - len(lines)  # blank lines, when no line is bad (else nothing is recorded)


def _read_and_check(
    tracker: Tracker, data: list[bytes], problems: list[Problem]
) -> tuple[list[tuple[int, Line]], LoadedBook | None]:
    """Return the file's good lines, and the book that checked them if it was checked while being read.

    Into an empty store nothing needs looking up, so this process books each part of the lines as it comes while
    the child checks the next; otherwise the book is made once every line is read.
    """
    lines: list[tuple[int, Line]] = []
    book = tracker.book_for_empty_store()
    for part in read_parts(data, problems, streamed=book is not None):
        lines += part
        if book is not None:
            tracker.check_more(book, part, problems)
    return lines, book


@contextlib.contextmanager
def _without_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while importing.

    An import builds hundreds of thousands of objects that live to its end, and every full collection walks
    them all (a quarter of a 200,000-event import). Afterwards they are frozen (left out of collections), or the
    first collection, and the one at exit, would walk them once more; refcounting still frees them.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
