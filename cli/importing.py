"""`gongkai import`: read the whole file, check every line, then record all of it or nothing."""

from __future__ import annotations

import contextlib
import gc
import io
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

import click

from domain.errors import InvalidInputError, Problem
from domain.messages import zh_en
from service.reading import sniff_format
from storage.parallel_read import BOOKING_CHILD_SHARE, CHILD_SHARE, read_parts


def _open(file: str) -> BinaryIO:
    if file == "-":
        stdin = sys.stdin.buffer
        # A buffered stream can be peeked at, so stdin is sniffed (CSV? XLSX?) like a file.
        return stdin if hasattr(stdin, "peek") else io.BufferedReader(stdin)  # type: ignore[type-var]
    try:
        return open(file, "rb")
    except OSError as error:
        raise InvalidInputError(
            [Problem(zh_en(f"无法读取文件 {file}（{error.strerror}）", f"{file}: cannot be read ({error.strerror})"))]
        ) from None


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


def _read_and_check(tracker: Any, stream: BinaryIO, problems: list[Problem]) -> tuple[list[Any], Any]:
    """Return the file's good lines, and the book that checked them if it was checked while being read.

    Into an empty store nothing needs looking up, so this process checks its part of the lines on the book while
    the child reads the rest; otherwise the book is made once every line is read.
    """
    lines: list[Any] = []
    book = tracker.book_for_empty_store()
    for part in read_parts(stream, problems, CHILD_SHARE if book is None else BOOKING_CHILD_SHARE):
        lines += part
        if book is not None:
            tracker.check_more(book, part, problems)
    return lines, book


def import_file(tracker: Any, file: str, progress: Callable[[str, int | None], Any]) -> None:
    """Validate a JSON Lines file completely, then record it in batches; print a summary on stderr."""
    with _without_gc():
        _import_file(tracker, file, progress)


def _import_file(tracker: Any, file: str, progress: Callable[[str, int | None], Any]) -> None:
    started = time.perf_counter()
    problems: list[Problem] = []
    with _open(file) as stream:
        head = stream.peek(512)[:512] if hasattr(stream, "peek") else b""
        from service.export import csv_lines, is_export_csv

        book = None
        if is_export_csv(head):  # a file written by `export --format csv`
            lines = csv_lines(stream.read(), problems)
        elif (kind := sniff_format(head)) is not None:
            raise InvalidInputError([Problem(f"{file}: {kind}")])
        else:
            lines, book = _read_and_check(tracker, stream, problems)
    if not lines and not problems:
        raise InvalidInputError([Problem(zh_en(f"{file} 是空文件，没有事项行", f"{file}: empty: no event lines"))])
    if book is None:
        book = tracker.check(lines, problems)
    if problems:
        problems.sort(key=lambda p: p.line or 0)
        raise InvalidInputError(problems)
    events = sum(len(a.pending_events) for a in book.changed())
    bar = progress("导入 importing", events)
    try:
        # Retried on the aggregates as they are now if another clerk saves the same ones meanwhile.
        result = tracker.record(lines, bar.advance_task if bar else None, checked=book)
    finally:
        if bar:
            bar.stop()
    seconds = time.perf_counter() - started
    click.echo(
        zh_en(
            f"已导入：记录 {result.recorded} 条，{result.already} 条已在库中，"
            f"共 {len(lines)} 行，用时 {seconds:.1f} 秒",
            f"imported: {result.recorded} events recorded, {result.already} already in the store, "
            f"{len(lines)} lines, {seconds:.1f} s",
        ),
        err=True,
    )
