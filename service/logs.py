"""Structured logs that cost nothing until a line is written: structlog (which imports rich) loads on first use.

A clerk's command usually logs nothing, yet `import structlog` alone takes ~60 ms (its `structlog.dev` imports
rich's traceback and pretty-printer). Modules therefore log through `get_logger`, whose methods first ask the
standard library whether the level is enabled, and only then import structlog, let the entry point configure
it (`defer_configuration`), and hand the line on. Without an entry point (a library user, a test), every line
goes straight to structlog, as `structlog.get_logger` would.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from structlog.typing import BindableLogger

_configure: Callable[[], None] | None = None  # the entry point's structlog configuration, not yet applied
_configured = False


def defer_configuration(configure: Callable[[], None]) -> None:
    """Apply this structlog configuration when the first line at an enabled level is written."""
    global _configure, _configured
    _configure, _configured = configure, False


def load_structlog() -> ModuleType:
    """Import structlog, configured by the entry point if it asked to be; return the module."""
    global _configured
    import structlog

    if _configure is not None and not _configured:
        _configured = True
        _configure()
    return structlog


def bound_contextvars(**values: object) -> AbstractContextManager[None]:
    """Return structlog's context manager that binds values to every line logged inside it (this thread)."""
    manager: AbstractContextManager[None] = load_structlog().contextvars.bound_contextvars(**values)
    return manager


class Logger:
    """A named logger with structlog's methods; structlog itself is loaded by the first line that is written."""

    __slots__ = ("_name", "_stdlib", "_structlog")

    def __init__(self, name: str) -> None:
        self._name = name
        self._stdlib = logging.getLogger(name)
        self._structlog: BindableLogger | None = None

    def _emit(self, level: int, method: str, event: str, fields: dict[str, object]) -> None:
        if _configure is not None and not self._stdlib.isEnabledFor(level):
            return  # the entry point set the levels: a line below them would be dropped by structlog anyway
        if self._structlog is None:
            self._structlog = load_structlog().get_logger(self._name)
        getattr(self._structlog, method)(event, **fields)

    def debug(self, event: str, **fields: object) -> None:
        """Log at debug level."""
        self._emit(logging.DEBUG, "debug", event, fields)

    def info(self, event: str, **fields: object) -> None:
        """Log at info level."""
        self._emit(logging.INFO, "info", event, fields)

    def warning(self, event: str, **fields: object) -> None:
        """Log at warning level."""
        self._emit(logging.WARNING, "warning", event, fields)

    def error(self, event: str, **fields: object) -> None:
        """Log at error level."""
        self._emit(logging.ERROR, "error", event, fields)

    def exception(self, event: str, **fields: object) -> None:
        """Log at error level with the exception being handled."""
        self._emit(logging.ERROR, "exception", event, fields)


def get_logger(name: str) -> Logger:
    """Return the logger of this name (structlog's `get_logger`, loaded on first use)."""
    return Logger(name)
