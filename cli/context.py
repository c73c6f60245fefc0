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


@contextmanager
def tracker(ctx: click.Context) -> Iterator[Any]:
    """Open the store the global options name, and close it afterwards."""
    from service.settings import load_settings
    from service.tracker import Tracker

    options = ctx.find_root().params
    settings = load_settings(db=options.get("db"), agency=options.get("agency"), clerk=options.get("clerk"))
    opened = Tracker(settings)
    try:
        yield opened
    finally:
        opened.close()


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

    return wrapper  # type: ignore[return-value]
