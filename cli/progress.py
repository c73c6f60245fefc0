"""A progress bar on stderr for the long commands (import, replay), when stderr is a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import NamedTuple


class Bar(NamedTuple):
    """A running progress bar: advance it by a number of events, stop it at the end."""

    advance: Callable[[int], None]
    stop: Callable[[], None]


ProgressBar = Callable[[str, "int | None"], "Bar | None"]


def progress_bar(label: str, total: int | None) -> Bar | None:
    """Start a rich progress bar on a terminal; return None elsewhere (rich is imported only then)."""
    if not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import Progress

    bar = Progress(transient=True, console=Console(stderr=True))
    bar.start()
    task = bar.add_task(label, total=total)
    return Bar(lambda n: bar.advance(task, n), bar.stop)
