"""What every command shares: the settings, the open store, and turning known errors into exit codes."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, ParamSpec, TypeVar

import click

from domain.errors import GongkaiError, InvalidInputError, Problem, RefusedError
from domain.messages import zh_en

if TYPE_CHECKING:
    from domain.filing import FilingChanges
    from service.reports import Reports
    from service.settings import Settings
    from service.tracker import Tracker

P = ParamSpec("P")
R = TypeVar("R")
EXIT_REFUSED = 1


def _settings(ctx: click.Context) -> Settings:
    """Return the settings, with the global options given on the command line."""
    from service.settings import load_settings

    options = ctx.find_root().params
    return load_settings(db=options.get("db"), agency=options.get("agency"), clerk=options.get("clerk"))


@contextmanager
def tracker(ctx: click.Context, *, adds_agency: bool = False) -> Iterator[Tracker]:
    """Open the store the global options name, and close it afterwards.

    An agency code the store does not hold is refused, except by the commands that add one explicitly
    (`agency-name`; `import`, whose lines that name their agency add it).
    """
    from service.tracker import Tracker

    opened = Tracker(_settings(ctx))
    try:
        opened.lines_must_name_new_agency = True  # the command line's rule, for every command that records
        if not adds_agency:
            opened.check_agency()
        yield opened
    finally:
        opened.close()


def require_store(ctx: click.Context) -> None:
    """Refuse a SQLite store that does not exist, for a command that only reads (it would create an empty one)."""
    from domain.errors import RefusedError

    settings = _settings(ctx)
    if settings.is_postgres or Path(settings.db).expanduser().exists():
        return
    raise RefusedError(
        f"存储 {settings.db}",
        "这个存储不存在，未新建任何文件 / no store at this path; nothing was created",
        "请检查 --db 或 GONGKAI_DB 的路径 / check --db or GONGKAI_DB",
        "db",
    )


@contextmanager
def reports(ctx: click.Context, fmt: str) -> Iterator[Reports]:
    """Open what a report reads: its tables directly when they are caught up (table, json, markdown), else the store."""
    if fmt in ("table", "json", "markdown"):
        from storage.view_reader import open_caught_up

        reader = open_caught_up(_settings(ctx))
        if reader is not None:
            try:
                reader.check_agency()
                yield reader
            finally:
                reader.close()
            return
    with tracker(ctx) as opened:
        yield opened


NOTHING_RECORDED = zh_en("未记录任何内容", "nothing was recorded")


def fail(message: str) -> NoReturn:
    """Print a refusal on stderr and exit with status 1."""
    click.echo(f"错误 / error: {message}", err=True)
    sys.exit(EXIT_REFUSED)


def _print_problems(problems: list[Problem], *, in_file: bool) -> None:
    """Print what was wrong: with line numbers for a file, with the option for a single command."""
    if in_file:
        count = len(problems)
        click.echo(f"{NOTHING_RECORDED.zh}，共 {count} 个问题 / {NOTHING_RECORDED.en}; {count} problem(s):", err=True)
        for problem in problems:
            click.echo(f"  {problem.in_file()}", err=True)
        return
    click.echo(f"{NOTHING_RECORDED}:", err=True)
    for problem in problems:
        click.echo(f"  {problem.on_command_line()}", err=True)


def _refusing(func: Callable[P, R], *, in_file: bool) -> Callable[P, R]:
    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except InvalidInputError as error:
            _print_problems(error.problems, in_file=in_file)
            sys.exit(EXIT_REFUSED)
        except RefusedError as error:
            _print_problems([Problem(None, error.field, error.message)], in_file=False)
            sys.exit(EXIT_REFUSED)
        except GongkaiError as error:
            fail(str(error))
        except ValueError as error:  # two have a message; any other keeps its traceback
            from eventsourcing.persistence import MapperDeserialisationError

            from domain.lines import LineError

            if isinstance(error, LineError):  # an option value that does not fit its line field
                _print_problems([Problem(None, error.field, error.reason)], in_file=False)
                sys.exit(EXIT_REFUSED)
            if isinstance(error, MapperDeserialisationError):
                fail(damaged_event_message(error))
            raise

    return wrapper


def damaged_event_message(error: BaseException) -> str:
    """Return what to tell a clerk about a stored event that cannot be read."""
    return (
        f"{error}: 存储的事件已损坏，无法读取；请运行 `gongkai verify` 找出被改动的事件，并从备份恢复 / "
        "the stored event is damaged and cannot be read; run `gongkai verify` to find what was changed, and restore "
        "the store from a backup"
    )


def refusals(func: Callable[P, R]) -> Callable[P, R]:
    """Turn gongkai's known errors into a message on stderr and exit status 1 (a single command: no line numbers)."""
    return _refusing(func, in_file=False)


def file_refusals(func: Callable[P, R]) -> Callable[P, R]:
    """Turn gongkai's known errors into a message on stderr and exit status 1, naming each bad line of a file."""
    return _refusing(func, in_file=True)


def warn_changed_filings(changed: Sequence[FilingChanges]) -> None:
    """Say on stderr which filed months a recording changed, and what changed (docs/tables.md: re-file them)."""
    for changes in changed:
        click.echo(changes.message(), err=True)
