"""What every command shares: the settings, the open store, and turning known errors into exit codes."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from domain.errors import GongkaiError, InvalidInputError

F = TypeVar("F", bound=Callable[..., Any])
EXIT_REFUSED = 1


def _settings(ctx: click.Context) -> Any:
    """Return the settings, with the global options given on the command line."""
    from service.settings import load_settings

    options = ctx.find_root().params
    return load_settings(db=options.get("db"), agency=options.get("agency"), clerk=options.get("clerk"))


@contextmanager
def tracker(ctx: click.Context) -> Iterator[Any]:
    """Open the store the global options name, and close it afterwards."""
    from service.tracker import Tracker

    opened = Tracker(_settings(ctx))
    try:
        yield opened
    finally:
        opened.close()


@contextmanager
def reports(ctx: click.Context, fmt: str) -> Iterator[Any]:
    """Open what a report reads: its tables directly when they are caught up (table, json, markdown), else the store."""
    if fmt in ("table", "json", "markdown"):
        from storage.view_reader import open_caught_up

        reader = open_caught_up(_settings(ctx))
        if reader is not None:
            try:
                yield reader
            finally:
                reader.close()
            return
    with tracker(ctx) as opened:
        yield opened


def fail(message: str) -> None:
    """Print a refusal on stderr and exit with status 1."""
    click.echo(f"错误 error: {message}", err=True)
    sys.exit(EXIT_REFUSED)


def refusals(func: F) -> F:
    """Turn gongkai's known errors into a message on stderr and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InvalidInputError as error:
            noun = "problem" if len(error.problems) == 1 else "problems"
            click.echo(f"错误 error: nothing was recorded; {len(error.problems)} {noun}:", err=True)
            for problem in error.problems:
                click.echo(f"  {problem}", err=True)
            sys.exit(EXIT_REFUSED)
        except GongkaiError as error:
            fail(f"{error} (nothing was recorded)" if "recorded" not in str(error) else str(error))
        except ValueError as error:  # named below; any other keeps its traceback
            line_error, damaged = _named_value_errors()
            if isinstance(error, line_error):  # an option value that does not fit its line field
                click.echo("错误 error: nothing was recorded; 1 problem:", err=True)
                click.echo(f"  --{error.field.replace('_', '-')}: {error.reason}", err=True)
                sys.exit(EXIT_REFUSED)
            if isinstance(error, damaged):
                fail(damaged_event_message(error))
            raise

    return wrapper  # type: ignore[return-value]


def _named_value_errors() -> tuple[type[Any], type[Any]]:
    """Return the ValueErrors a command may end with that have a message: a bad line field, a damaged event."""
    from eventsourcing.persistence import MapperDeserialisationError

    from domain.lines import LineError

    return LineError, MapperDeserialisationError


def damaged_event_message(error: BaseException) -> str:
    """Return what to tell a clerk about a stored event that cannot be read."""
    return (
        f"{error}: 存储的事件已损坏，无法读取；请运行 `gongkai verify` 找出被改动的事件，并从备份恢复 / "
        "the stored event is damaged and cannot be read; run `gongkai verify` to find what was changed, and restore "
        "the store from a backup"
    )
