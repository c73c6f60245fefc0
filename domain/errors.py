"""The errors a clerk can meet, each saying which request, which rule and what to do.

GongkaiError
├── RefusedError            an impossible step: nothing was recorded
│   ├── UnknownRequestError the request (or case) has not been received
│   ├── UnknownAgencyError  an agency code the store does not hold (adding one is an explicit act)
│   └── ClosedYearError     the step would change a closed year's tables
├── InvalidInputError       a line or option does not fit the import format
└── CalendarYearUnknown     a working-day deadline needs a year nobody has added

A `Problem` is one bad line of an input, as a value (line, field, reason): printed as one line for a clerk,
given to a program as `{"line": …, "field": …, "reason": …}`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypedDict


class ProblemJson(TypedDict):
    """One problem as a JSON object: `{"line": 3, "field": "date", "reason": "…"}`."""

    line: int | None
    field: str | None
    reason: str


class GongkaiError(Exception):
    """Base of every error gongkai reports to a clerk."""


class RefusedError(GongkaiError):
    """A step the rules of DOMAIN.md §4 refuse; nothing is recorded."""

    def __init__(self, subject: str, rule: str, advice: str = "", field: str = "event") -> None:
        self.subject, self.rule, self.advice, self.field = subject, rule, advice, field
        message = f"{subject}: {rule}"
        super().__init__(f"{message}. {advice}" if advice else message)


class UnknownRequestError(RefusedError):
    """An event names a request or case that was never received."""


class UnknownAgencyError(RefusedError):
    """A command names an agency code the store does not hold; it never creates one."""


class ClosedYearError(RefusedError):
    """An event would change the tables of a year that has been closed."""


@dataclass(frozen=True)
class Problem:
    """One bad line of an input: its number (None when the whole input is at fault), the field, and why."""

    line: int | None
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = [f"line {self.line}"] if self.line is not None else []
        where += [f"field {self.field}"] if self.field is not None else []
        return f"{', '.join(where)}: {self.reason}" if where else self.reason

    def to_json(self) -> ProblemJson:
        """Return the problem as the JSON object `import --format json` prints."""
        return {"line": self.line, "field": self.field, "reason": self.reason}


class InvalidInputError(GongkaiError):
    """Input that does not fit the format: which line, which field, why."""

    def __init__(self, problems: Sequence[str | Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in problems))


class CalendarYearUnknown(GongkaiError):
    """A working-day count reaches a year whose holiday arrangement is unknown."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"the working-day calendar for {year} is not known yet; add it from the State Council's notice: "
            f"gongkai calendar add {year} --holidays … --workdays … --source 国办发明电〔…〕"
        )
