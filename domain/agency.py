"""The agency aggregate: its name and the documents it hands in (monthly filings, annual reports), closed years."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Annotated, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import BaseAggregate, CanInitAggregate
from pydantic import BeforeValidator, Field, StrictInt

from domain.changes import Include, Merge, Put, Set
from domain.closing import YearClose
from domain.codes import TableFormat
from domain.errors import RefusedError
from domain.event import AggregateEvent, KeepsHistory
from domain.filing import FiledFigures, FiledMonth
from domain.imported_reports import ImportedReport
from domain.messages import zh_en
from domain.proactive import Figures, check_figures
from domain.reminders import ReminderFields
from domain.report_checks import check_report
from domain.report_sections import TextSection, check_section_text
from domain.values import Amount, Code, Month, Text, month_bounds, name_id

_SHA256 = r"^[0-9a-f]{64}$"
# A table of a report JSON as imported: row (or group) -> column -> count; check_report says what else must hold.
_Table = dict[str, dict[str, StrictInt]]
# A report section's text: checked as text (clean, not blank) when a line is read (domain/report_sections.py).
SectionText = Annotated[str, BeforeValidator(check_section_text)]


@functools.lru_cache(maxsize=1 << 17)  # an import names each aggregate on many lines
def agency_id(agency: str) -> UUID:
    """Return the aggregate id of an agency code."""
    return name_id(f"gongkai:agency:{agency}")


class Agency(KeepsHistory, BaseAggregate[UUID]):
    """An agency's own facts, which belong to no single application."""

    class Event(AggregateEvent):
        """An event of this aggregate."""

    class Opened(Event, CanInitAggregate[UUID]):
        """The first fact recorded for an agency (implicit: no import line)."""

        name = "agency_opened"

        def evolve(self, agency: Agency) -> None:
            agency.code = self.agency

    class Named(Event):
        name = "agency_named"
        agency_name: Text
        changes = (Set("name", "agency_name"),)

    class Recoded(Event):
        """The placeholder agency was given its real code (`gongkai agency-code`); its events keep the placeholder.

        Aggregate ids are derived from the agency code, so nothing is renamed: the real code is an alias that every
        reader resolves (service/reports.py). Not an import line: an export writes the real code on every line.
        """

        name = "agency_recoded"
        code: Code

        def evolve(self, agency: Agency) -> None:
            agency.recoded_as = self.code

    class MonthlyFilingSubmitted(Event):
        """The month's two tables were filed; `figures` keeps what was filed (docs/tables.md: a filed month)."""

        name = "monthly_filing_submitted"
        # Version 2 added `figures` (issue 11); filings stored before hold version 1 (docs/evolving-events.md).
        class_version: ClassVar[int] = 2
        month: Month
        figures: FiledFigures | None = None  # None: filed before figures were kept, or by a line without them
        changes = (Include("filed_months", "month"),)

        def evolve(self, agency: Agency) -> None:
            before = agency.filings.get(self.month)
            if before is not None and before.first is not None:
                agency.filings[self.month] = FiledMonth(before.first, self.figures, before.first_on)
            else:
                agency.filings[self.month] = FiledMonth(self.figures, self.figures, self.date if self.figures else None)

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Give a filing stored before `figures` existed the figures it then kept: none."""
            state["figures"] = None

    class FiledMonthChanged(Event):
        """A recording changed a filed month's figures (noticed by the store, not an import line): re-file it."""

        name = "filed_month_changed"
        month: Month
        figures: FiledFigures  # the month's figures as the change left them

        def evolve(self, agency: Agency) -> None:
            filed = agency.filings.get(self.month)
            if filed is not None:
                changed_on = filed.changed_on or self.date
                first, last, first_on = filed.first, filed.last, filed.first_on
                agency.filings[self.month] = FiledMonth(first, last, first_on, changed_on, self.figures)

    class AnnualReportPublished(Event):
        name = "annual_report_published"
        year: int = Field(ge=2008, le=2200, strict=True)
        changes = (Include("published_years", "year"),)

    class ProactiveFiguresRecorded(Event):
        """Table 二's figures of a report year, from the offices that hold them: each row it names replaces one."""

        name = "proactive_figures_recorded"
        year: int = Field(ge=2008, le=2200, strict=True)
        figures: dict[str, object]  # row -> column -> figure: `check_line` checks it against the year's layout
        changes = (Merge("proactive", "year", "figures"),)

        @staticmethod
        def check_line(fields: dict[str, Any]) -> None:
            """Refuse figures that do not fit the year's table 二 (a line's check: stored events read as they are)."""
            fields["figures"] = check_figures(fields["year"], fields["figures"])

    class ReportTextRecorded(Event):
        """The office's own text of a report section (一 overview, 五 problems, 六 other): the latest one wins."""

        name = "report_text_recorded"
        year: int = Field(ge=2008, le=2200, strict=True)
        section: TextSection
        text: SectionText
        changes = (Put("report_texts", ("year", "section"), "text"),)

    class YearClosed(Event):
        """The year's tables were declared final (年度结账): `report` is their contract JSON, `sha256` its hash."""

        name = "year_closed"
        year: int = Field(ge=2008, le=2200, strict=True)
        sha256: str = Field(pattern=_SHA256)
        report: dict[str, Any]
        # The hash chain's head as the close found it (position, link): `verify` compares it with the log, so an
        # edit before the close shows even when every later link was rewritten. None in closes made before.
        chain_position: int | None = Field(default=None, ge=1, strict=True)
        chain_hash: str | None = Field(default=None, pattern=_SHA256)

        def evolve(self, agency: Agency) -> None:
            agency.closed_years[self.year] = YearClose(self.year, self.date, self.sha256, self.report)

    class YearReopened(Event):
        """A closed year was reopened, with the reason (every later change stays visible in the history)."""

        name = "year_reopened"
        year: int = Field(ge=2008, le=2200, strict=True)
        reason: Text

        def evolve(self, agency: Agency) -> None:
            agency.closed_years.pop(self.year, None)

    class PreviousReportImported(Event):
        """A previous year's published tables (`import-report`), for the first year on gongkai; never counted.

        A later import for the same year replaces the earlier one (a typing mistake is put right by importing
        again); the history keeps both.
        """

        name = "previous_report_imported"
        year: int = Field(ge=2008, le=2200, strict=True)
        format: TableFormat
        applications: _Table
        appeals: _Table
        fees_collected: Amount | None = None
        source: Text  # the file it was read from, as named on the command line

        def tables(self) -> dict[str, object]:
            """Return the report JSON (docs/tables.md) the event keeps."""
            kept = self.model_dump(mode="json", include={"year", "format", "applications", "appeals", "fees_collected"})
            return {key: value for key, value in kept.items() if value is not None}

        def evolve(self, agency: Agency) -> None:
            agency.imported_reports[self.year] = ImportedReport(self.year, self.date, self.source, self.tables())

    class ReminderSending(Event, ReminderFields):
        """The scheduler claimed a reminder about a monthly filing or annual report (not an import line)."""

        name = "reminder_sending"

    class ReminderSent(Event, ReminderFields):
        name = "reminder_sent"

    class ReminderFailed(Event, ReminderFields):
        name = "reminder_failed"

    def __init__(self) -> None:
        self.history: list[Agency.Event] = []
        self.code = ""
        self.name: str | None = None  # the agency's name (agency_named)
        self.recoded_as: str | None = None  # the placeholder's real code (agency_recoded)
        self.filed_months: set[str] = set()
        self.filings: dict[str, FiledMonth] = {}  # month -> what was filed of it, and any change since
        self.published_years: set[int] = set()
        self.closed_years: dict[int, YearClose] = {}
        self.proactive: dict[int, Figures] = {}  # report year -> table 二's recorded rows
        self.report_texts: dict[tuple[int, str], str] = {}  # (report year, section) -> the latest text
        self.imported_reports: dict[int, ImportedReport] = {}  # previous_report_imported, the latest per year

    def files_unchanged(self, name: str, fields: dict[str, Any]) -> bool:
        """Tell whether a filing repeats the month's last filing, figures and all: "already recorded", any day."""
        if name != "monthly_filing_submitted" or fields.get("figures") is None:
            return False
        filed = self.filings.get(fields["month"])
        last = filed.last if filed is not None else None
        return last is not None and last.model_dump(mode="json") == fields["figures"]

    def check_step(self, name: str, date: dt.date, fields: dict[str, Any]) -> None:
        """Refuse a filing dated within its own month, or a report within its own year."""
        if name == "monthly_filing_submitted" and date <= month_bounds(fields["month"])[1]:
            raise RefusedError(
                f"机关 {self.code}",
                zh_en(
                    f"{fields['month']} 的月报报送日期 {date} 仍在该月之内",
                    f"the filing for {fields['month']} is dated {date}, within that month",
                ),
                zh_en("月报在该月结束后报送", "a monthly filing is submitted after its month ends"),
                "date",
            )
        if name == "annual_report_published" and date.year <= fields["year"]:
            raise RefusedError(
                f"机关 {self.code}",
                zh_en(
                    f"{fields['year']} 年度报告的发布日期 {date} 仍在该年之内",
                    f"the annual report for {fields['year']} is dated {date}, within that year",
                ),
                zh_en("年度报告在该年结束后发布", "an annual report is published after its year ends"),
                "date",
            )
        if name in ("year_closed", "year_reopened"):
            self.check_closing(name, date, fields["year"])
        if name in ("proactive_figures_recorded", "report_text_recorded") and fields["year"] > date.year:
            raise RefusedError(
                f"机关 {self.code}",
                zh_en(
                    f"{fields['year']} 年度报告的内容不能在 {date} 记录：该年尚未开始",
                    f"the {fields['year']} report's figures or text cannot be recorded on {date}, before that year",
                ),
                zh_en("请检查年份", "check the year"),
                "year",
            )
        if name == "previous_report_imported":
            self.check_imported_report(date, fields)

    def check_imported_report(self, date: dt.date, fields: dict[str, Any]) -> None:
        """Refuse a previous year's report imported within its own year, or one that breaks a rule of its tables."""
        year = fields["year"]
        if date.year <= year:
            raise RefusedError(
                f"{year} 年度报告",
                zh_en(
                    f"{year} 年度尚未结束（导入日期 {date}），只能导入以前年度的报告",
                    f"{year} has not ended on {date}: only a previous year's report can be imported",
                ),
                "",
                "date",
            )
        problems = check_report(fields)
        if problems:
            raise RefusedError(
                f"{year} 年度报告",
                zh_en(
                    f"报告不符合表三、表四的规则（{len(problems)} 处），第一处：{problems[0].message.zh}",
                    f"the report breaks the rules of tables 三 and 四 ({len(problems)}), first: "
                    + problems[0].message.en,
                ),
                zh_en("请先用 gongkai check-report 检查并改正", "check it with `gongkai check-report` and correct it"),
                "event",
            )

    def check_closing(self, name: str, date: dt.date, year: int) -> None:
        """Refuse closing a year before it ends or twice, and reopening a year that is not closed."""
        closed = self.closed_years.get(year)
        if name == "year_closed" and date.year <= year:
            raise RefusedError(
                f"机关 {self.code}",
                zh_en(
                    f"{year} 年尚未结束，不能在 {date} 结账",
                    f"{year} cannot be closed on {date}: the year has not ended",
                ),
                "",
                "date",
            )
        if name == "year_closed" and closed is not None:
            raise RefusedError(
                f"机关 {self.code}",
                zh_en(f"{year} 年已于 {closed.closed_on} 结账", f"{year} was already closed on {closed.closed_on}"),
                zh_en(
                    f"如需重新结账，请先 gongkai reopen-year {year} --reason …",
                    f"to close it again, first `gongkai reopen-year {year} --reason …`",
                ),
                "year",
            )
        if name == "year_reopened" and closed is None:
            raise RefusedError(
                f"机关 {self.code}",
                zh_en(f"{year} 年尚未结账，无需重新打开", f"{year} is not closed; there is nothing to reopen"),
                "",
                "year",
            )
        if name == "year_reopened" and date < closed.closed_on:  # type: ignore[union-attr]
            raise RefusedError(
                f"机关 {self.code}",
                zh_en(
                    f"重新打开的日期 {date} 早于 {year} 年的结账日期",
                    f"the reopening is dated {date}, before {year} was closed",
                ),
                "",
                "date",
            )


AGENCY_EVENT_CLASSES: dict[str, type[Agency.Event]] = {
    cls.name: cls
    for cls in (
        Agency.Named,
        Agency.MonthlyFilingSubmitted,
        Agency.AnnualReportPublished,
        Agency.ProactiveFiguresRecorded,
        Agency.ReportTextRecorded,
        Agency.YearClosed,
        Agency.YearReopened,
        Agency.PreviousReportImported,
    )
}
