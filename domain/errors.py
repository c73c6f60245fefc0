"""The errors a clerk can meet, each saying which request, which rule and what to do.

GongkaiError
├── RefusedError            an impossible step: nothing was recorded
│   ├── UnknownRequestError the request (or case) has not been received
│   ├── UnknownAgencyError  an agency code the store does not hold (adding one is an explicit act)
│   └── ClosedYearError     the step would change a closed year's tables
├── InvalidInputError       a line or option does not fit the import format
└── CalendarYearUnknown     a working-day deadline needs a year nobody has added
"""

from __future__ import annotations


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


class InvalidInputError(GongkaiError):
    """Input that does not fit the format: which line, which field, why."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class CalendarYearUnknown(GongkaiError):
    """A working-day count reaches a year whose holiday arrangement is unknown."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"the working-day calendar for {year} is not known yet; add it from the State Council's notice: "
            f"gongkai calendar add {year} --holidays … --workdays … --source 国办发明电〔…〕"
        )
