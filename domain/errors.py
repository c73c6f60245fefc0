"""The errors a clerk can meet, each saying which request, which rule and what to do.

GongkaiError
├── RefusedError            an impossible step: nothing was recorded
│   ├── UnknownRequestError the request (or case) has not been received
│   ├── UnknownAgencyError  an agency code the store does not hold (adding one is an explicit act)
│   └── ClosedYearError     the step would change a closed year's tables
├── InvalidInputError       lines or options that do not fit the import format: a list of `Problem`s
└── CalendarYearUnknown     a working-day deadline needs a year nobody has added

A `Problem` is one bad line of an input, as a value (line, field, reason): printed for a clerk as a line of a
file (an import) or as an option (a single command), given to a program as `{"line": …, "field": …, "reason": …}`.
Every message is Chinese first, then English (domain/messages.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypedDict

from domain.messages import Message, joined, zh_en

# Fields that are not options of a clerk's command: the event itself, or its argument (as the clerk calls it).
# `year` is an argument (close-year YYYY …) whose reasons name it; `text` comes from a file or $EDITOR.
_NOT_OPTIONS = frozenset({"event", "line", "year", "text"})
_ARGUMENTS = {
    "request": ("受理编号", "application number"),
    "case": ("案号", "case number"),
    "month": ("月份", "month"),
}


class ProblemJson(TypedDict):
    """One problem as a JSON object: `{"line": 3, "field": "date", "reason": "…"}`."""

    line: int | None
    field: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class Problem:
    """One bad line of an input: its number (None when the whole input is at fault), the field, and why."""

    line: int | None
    field: str | None
    reason: str

    def in_file(self) -> str:
        """Render the problem for an import: the line number and the field, then the reason."""
        if self.line is None:
            return self.reason
        if self.field is None:
            return _placed(f"第 {self.line} 行", f"line {self.line}", self.reason)
        return _placed(f"第 {self.line} 行，字段 {self.field}", f"line {self.line}, field {self.field}", self.reason)

    def on_command_line(self) -> str:
        """Render the problem for a single command: the option it concerns (never a line of an unseen file)."""
        if self.field is None or self.field in _NOT_OPTIONS:
            return self.reason
        if self.field in _ARGUMENTS:
            return _placed(*_ARGUMENTS[self.field], self.reason)
        option = f"--{self.field.replace('_', '-')}"
        return _placed(option, option, self.reason)

    def __str__(self) -> str:
        return self.in_file()

    def to_json(self) -> ProblemJson:
        """Return the problem as the JSON object `import --format json` prints."""
        return {"line": self.line, "field": self.field, "reason": str(self.reason)}


class GongkaiError(Exception):
    """Base of every error gongkai reports to a clerk."""


def _placed(where_zh: str, where_en: str, reason: str) -> str:
    """Put where a problem is before its reason: in each half of a Chinese-first message, else once before it."""
    if isinstance(reason, Message):
        return f"{where_zh}：{reason.zh} / {where_en}: {reason.en}"
    return f"{where_zh} / {where_en}: {reason}"


class RefusedError(GongkaiError):
    """A step the rules of docs/refusals.md refuse; nothing is recorded."""

    def __init__(self, subject: str, rule: str, advice: str = "", field: str = "event") -> None:
        self.subject, self.rule, self.advice, self.field = subject, rule, advice, field
        words = joined(rule, advice)
        self.message = (
            Message(f"{subject}：{words.zh}", f"{subject}: {words.en}")
            if isinstance(words, Message)
            else f"{subject}：{words}"
        )
        super().__init__(self.message)


class UnknownRequestError(RefusedError):
    """An event names a request or case that was never received."""


class UnknownAgencyError(RefusedError):
    """A command names an agency code the store does not hold; it never creates one."""


class ClosedYearError(RefusedError):
    """An event would change the tables of a year that has been closed."""


class InvalidInputError(GongkaiError):
    """Input that does not fit the format or the rules: its problems, each with its line, field and reason."""

    def __init__(self, problems: Sequence[Problem | str]) -> None:
        self.problems = [p if isinstance(p, Problem) else Problem(None, None, p) for p in problems]
        super().__init__("\n".join(p.in_file() for p in self.problems))


class CalendarYearUnknown(GongkaiError):
    """A working-day count reaches a year whose holiday arrangement is unknown."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            zh_en(
                f"工作日历尚无 {year} 年：请按国务院办公厅的节假日安排通知补录："
                f"gongkai calendar add {year} --holidays … --workdays … --source 国办发明电〔…〕",
                f"the working-day calendar for {year} is not known yet; add it from the State Council's notice "
                "with the command above",
            )
        )
