"""`gongkai import`: open the file, call the import use case, print what it did (or every problem)."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, BinaryIO

import click

from cli.context import warn_changed_filings
from domain.errors import InvalidInputError, Problem
from domain.messages import zh_en

if TYPE_CHECKING:
    from cli.progress import ProgressBar
    from service.tracker import Tracker


def _open(file: str) -> BinaryIO:
    if file == "-":
        stdin = sys.stdin.buffer
        # A buffered stream can be peeked at, so stdin is sniffed (CSV? XLSX?) like a file.
        return stdin if hasattr(stdin, "peek") else io.BufferedReader(stdin)  # type: ignore[type-var]
    try:
        return open(file, "rb")
    except OSError as error:
        raise InvalidInputError(
            [
                Problem(
                    None,
                    None,
                    zh_en(f"无法读取文件 {file}（{error.strerror}）", f"{file}: cannot be read ({error.strerror})"),
                )
            ]
        ) from None


def import_file(tracker: Tracker, file: str, fmt: str, progress: ProgressBar) -> None:
    """Import a file all or nothing; print a summary on stderr, and with `json` one object on stdout."""
    from service.importing import import_events, refused_json

    stops: list[Callable[[], None]] = []

    def start(events: int) -> Callable[[int], None] | None:
        bar = progress("导入 importing", events)
        if bar is None:
            return None
        stops.append(bar.stop)
        return bar.advance

    try:
        with _open(file) as stream:
            result = import_events(tracker, stream, name=file, progress=start)
    except InvalidInputError as error:
        if fmt == "json":
            click.echo(json.dumps(refused_json(error.problems), ensure_ascii=False))
        raise
    finally:
        for stop in stops:
            stop()
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), ensure_ascii=False))
    click.echo(
        zh_en(
            f"已导入：记录 {result.recorded} 条，{result.already} 条已在库中，"
            f"共 {result.lines} 行，用时 {result.seconds:.1f} 秒",
            f"imported: {result.recorded} events recorded, {result.already} already in the store, "
            f"{result.lines} lines, {result.seconds:.1f} s",
        ),
        err=True,
    )
    warn_changed_filings(result.changed_filings)
