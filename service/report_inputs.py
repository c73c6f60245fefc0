"""What the annual report takes from the office besides the tables: table 二 and the office's text (docs/tables.md).

`annual_inputs` reads them from the agency's aggregate: its state holds the year's figures (each row as last
recorded) and the latest text of each section, as the events' `changes` say; its history holds every record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.agency import Agency
from domain.codes import TableFormat
from domain.proactive import Figure, Figures, filled, format_for
from domain.report_sections import TextSection

if TYPE_CHECKING:
    from service.tracker import Tracker


@dataclass(frozen=True, slots=True)
class InputRecord:
    """One record of table 二 figures or of a section's text: when, by whom, what."""

    date: dt.date  # the business date of the record
    recorded_at: dt.datetime  # when it was stored (metadata)
    clerk: str
    event: str  # proactive_figures_recorded or report_text_recorded
    figures: Mapping[str, Mapping[str, Figure]] | None = None  # the rows it named
    section: TextSection | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class AnnualInputs:
    """The office's part of a year's annual report.

    `proactive` is the whole table 二 of the year's format in the §8 JSON shape (row -> column -> figure, 0 where
    nothing is recorded); `texts` the latest text of each section that has one; `history` every record, oldest first.
    """

    year: int
    table_format: TableFormat
    proactive: Figures
    texts: dict[TextSection, str]
    history: tuple[InputRecord, ...]

    @property
    def proactive_recorded(self) -> bool:
        """Tell whether any table 二 figure of the year was recorded (else the table reads all zeros)."""
        return any(record.figures is not None for record in self.history)


def inputs_of(agency: Agency | None, year: int) -> AnnualInputs:
    """Return a year's table 二 and texts as the agency's state holds them, with the records of that year (pure)."""
    table_format = format_for(year)
    if agency is None:
        return AnnualInputs(year, table_format, filled(table_format, {}), {}, ())
    texts = {TextSection(section): text for (held, section), text in agency.report_texts.items() if held == year}
    return AnnualInputs(
        year,
        table_format,
        filled(table_format, agency.proactive.get(year, {})),
        {section: texts[section] for section in TextSection if section in texts},
        tuple(_records(agency, year)),
    )


def _records(agency: Agency, year: int) -> list[InputRecord]:
    found = []
    for event in agency.history:
        if isinstance(event, Agency.ProactiveFiguresRecorded) and event.year == year:
            figures: dict[str, dict[str, Figure]] = {
                row: dict(values) for row, values in event.figures.items() if isinstance(values, dict)
            }
            found.append(InputRecord(event.date, event.timestamp, event.clerk, event.name, figures=figures))
        elif isinstance(event, Agency.ReportTextRecorded) and event.year == year:
            found.append(
                InputRecord(
                    event.date, event.timestamp, event.clerk, event.name, section=event.section, text=event.text
                )
            )
    return found


def annual_inputs(tracker: Tracker, year: int) -> AnnualInputs:
    """Return the year's table 二 (every row and column) and the office's text, for the agency commands act for."""
    from service.closing import agency_book

    return inputs_of(agency_book(tracker), year)
