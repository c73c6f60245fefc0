"""The reports of the maintained tables, whether the store is opened in full (Tracker) or its tables read directly.

Both `service.tracker.Tracker` and `storage.view_reader.ViewReader` are `Reports`: they differ in how they bring
the tables up to date (`catch_up`) and find a closed year (`year_close`). Nothing here imports pydantic or
eventsourcing, so a report read straight from the tables starts fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from domain.closing import YearClose, tables_hash
from domain.codes import TableFormat
from domain.errors import GongkaiError
from domain.messages import zh_en
from projections.district import roll_up_differences
from projections.tables import Period, build_report
from service.settings import PLACEHOLDER_AGENCY, PLACEHOLDER_NAME, Settings

if TYPE_CHECKING:
    from storage.protocols import ReportView


class Reports:
    """Reports of one agency, of every agency, and of the district, from `view` after `catch_up`."""

    settings: Settings
    view: ReportView  # the maintained view (Tracker), or its tables read directly (ViewReader)

    def catch_up(self) -> int:
        """Bring the maintained tables up to the end of the log; return how many events were applied."""
        raise NotImplementedError

    def year_close(self, year: int) -> YearClose | None:
        """Return the close of a year by the agency commands act for, None while it is open."""
        raise NotImplementedError

    @property
    def agency(self) -> str:
        """Return the agency commands act for: the setting, else the store's only agency, else a placeholder."""
        if self.settings.agency:
            return self.settings.agency
        known = [a.agency for a in self.view.agencies()]
        return known[0] if len(known) == 1 else PLACEHOLDER_AGENCY

    def agency_name(self, code: str) -> str:
        """Return an agency's recorded name, or the placeholder."""
        return next((a.name for a in self.view.agencies() if a.agency == code and a.name), PLACEHOLDER_NAME)

    def report(
        self,
        period: str,
        *,
        table_format: TableFormat | None = None,
        agency: str | None = None,
        include_earlier_pending: bool = False,
    ) -> dict[str, Any]:
        """Return the contract report of a year ("2024") or month ("2024-03") for one agency."""
        self.catch_up()
        code = agency or self.agency
        chosen = table_format or TableFormat.for_year(int(period[:4]))
        return build_report(
            self.view.month_counts(code),
            self.view.cases(code),
            Period(period),
            chosen,
            agency=self.agency_name(code),
            agency_code=code,
            include_earlier_pending=include_earlier_pending,
        )

    def reports_by_agency(
        self, period: str, *, table_format: TableFormat | None = None, include_earlier_pending: bool = False
    ) -> list[dict[str, Any]]:
        """Return one contract report per agency in the store, sorted by agency code."""
        self.catch_up()
        codes = sorted(a.agency for a in self.view.agencies())
        return [
            self.report(period, agency=code, table_format=table_format, include_earlier_pending=include_earlier_pending)
            for code in codes
        ]

    def district_report(
        self, period: str, *, table_format: TableFormat | None = None, include_earlier_pending: bool = False
    ) -> dict[str, Any]:
        """Return the district's roll-up of every agency, checked equal to the sum of their reports."""
        agencies = self.reports_by_agency(
            period, table_format=table_format, include_earlier_pending=include_earlier_pending
        )
        chosen = table_format or TableFormat.for_year(int(period[:4]))
        roll_up = build_report(
            self.view.month_counts(None),
            self.view.cases(None),
            Period(period),
            chosen,
            agency=self.settings.district_name,
            agency_code=self.settings.district,
            include_earlier_pending=include_earlier_pending,
        )
        if found := roll_up_differences(roll_up, agencies):
            raise GongkaiError(
                zh_en(
                    f"全区汇总不等于各机关之和：{'; '.join(found[:5])}",
                    "the district roll-up is not the sum of its agencies (see above)",
                )
            )
        roll_up["agencies"] = [{"agency_code": r["agency_code"], "agency": r["agency"]} for r in agencies]
        return roll_up


@dataclass(frozen=True)
class ClosedStatus:
    """A closed year, and whether the current tables still equal the closed ones."""

    close: YearClose
    current_sha256: str

    @property
    def equal(self) -> bool:
        """Tell whether the current tables equal the closed ones."""
        return self.current_sha256 == self.close.sha256

    def to_json(self) -> dict[str, Any]:
        """Return the `closed_year` key added to the report JSON."""
        return {
            "closed_on": self.close.closed_on.isoformat(),
            "sha256": self.close.sha256,
            "current_sha256": self.current_sha256,
            "equal": self.equal,
        }

    def message(self) -> str:
        """Return a one-line note for the clerk."""
        head = f"{self.close.year} 年度已结账 closed on {self.close.closed_on} (sha256 {self.close.sha256[:12]}…)"
        if self.equal:
            return f"{head}; 当前表格与结账时一致 the current tables equal the closed ones"
        return (
            f"{head}; 注意：当前表格与结账时不一致 WARNING: the current tables differ from the closed ones "
            f"(now sha256 {self.current_sha256[:12]}…); see `gongkai show`/`export --year {self.close.year}`"
        )


def closed_status(reports: Reports, year: int) -> ClosedStatus | None:
    """Return the close of a year and whether today's tables (same format) still equal it; None if open."""
    close = reports.year_close(year)
    if close is None:
        return None
    fmt = TableFormat(str(close.report.get("format") or TableFormat.for_year(year).value))
    current = reports.report(str(year), table_format=fmt)
    return ClosedStatus(close, tables_hash(current))
