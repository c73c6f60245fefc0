"""Structured logs on stderr: readable on a terminal, JSON lines elsewhere; stdout stays for output.

structlog is configured here but imported only when the first line at an enabled level is written
(service/logs.py): most commands log nothing and should not pay for it (and for rich, which it imports).
"""

from __future__ import annotations

import functools
import logging
import os
import sys

from service.logs import defer_configuration, load_structlog


class StructlogHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes every record to stderr through structlog's formatter, which is built for the first record."""

    def __init__(self, as_json: bool) -> None:
        super().__init__(sys.stderr)
        self.as_json = as_json

    def format(self, record: logging.LogRecord) -> str:
        """Format a record with structlog's renderer (JSON or console), loading structlog if need be."""
        if self.formatter is None:
            load_structlog()  # the deferred configuration gives this handler its formatter
            if self.formatter is None:  # configured for another handler since: build this one's
                _configure_structlog(self)
        return super().format(record)


def configure_logging(verbosity: int = 0) -> None:
    """Route every log line to stderr at the chosen level; configure structlog once a line is written."""
    as_json = os.environ.get("GONGKAI_LOG_FORMAT") == "json" or not sys.stderr.isatty()
    level = logging.WARNING - 10 * verbosity
    handler = StructlogHandler(as_json)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(max(level, logging.DEBUG))
    defer_configuration(functools.partial(_configure_structlog, handler))


def _configure_structlog(handler: StructlogHandler) -> None:
    """Configure structlog for the standard library's loggers and give the handler structlog's formatter."""
    import structlog

    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: structlog.typing.Processor
    if handler.as_json:
        shared.append(structlog.processors.dict_tracebacks)
        renderer = structlog.processors.JSONRenderer(ensure_ascii=False)
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=True)
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
