"""The reports of the maintained tables, whether the store is opened in full (Tracker) or its tables read directly.

Both `service.tracker.Tracker` and `storage.view_reader.ViewReader` are `Reports`: they differ in how they bring
the tables up to date (`catch_up`) and find a closed year (`year_close`). Nothing here imports pydantic or
eventsourcing, so a report read straight from the tables starts fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.closing import YearClose, tables_hash
from domain.codes import TableFormat
from domain.errors import GongkaiError, UnknownAgencyError
from domain.imported_reports import ImportedReport
from domain.messages import zh_en
from projections.district import roll_up_differences
from projections.tables import Period, ReportJson, build_report
from service.settings import PLACEHOLDER_AGENCY, PLACEHOLDER_NAME, Settings

if TYPE_CHECKING:
    from storage.protocols import ReportView


class Reports:
    """Reports of one agency, of every agency, and of the district, from `view` after `catch_up`."""

    settings: Settings
    _aliases: dict[str, str] | None = None
    view: ReportView  # the maintained view (Tracker), or its tables read directly (ViewReader)

    def catch_up(self) -> int:
        """Bring the maintained tables up to the end of the log; return how many events were applied."""
        raise NotImplementedError

    def year_close(self, year: int) -> YearClose | None:
        """Return the close of a year by the agency commands act for, None while it is open."""
        raise NotImplementedError

    def placeholder_code(self) -> str | None:
        """Return the real code the placeholder agency was given (`agency-code`), None if it has none."""
        raise NotImplementedError

    def imported_reports(self) -> dict[int, ImportedReport]:
        """Return the previous years' reports imported for the agency commands act for (the latest per year)."""
        raise NotImplementedError

    def needs_whole_store(self, month: str) -> bool:
        """Tell whether a month's report needs the whole store, not only its tables (an amended month: 更正)."""
        return False

    def aliases(self) -> dict[str, str]:
        """Return the real code of each agency stored under another (the placeholder's, once given)."""
        cached = self._aliases
        if cached is None:
            held = {a.agency for a in self.view.agencies()}
            code = self.placeholder_code() if PLACEHOLDER_AGENCY in held else None
            cached = {PLACEHOLDER_AGENCY: code} if code else {}
            self._aliases = cached
        return cached

    def forget_aliases(self) -> None:
        """Read the aliases again (after `agency-code` recorded one)."""
        self._aliases = None

    def stored_code(self, code: str) -> str:
        """Return the code an agency's events carry: the placeholder for the real code it was given."""
        return next((stored for stored, real in self.aliases().items() if real == code), code)

    def display_code(self, code: str) -> str:
        """Return the code a reader sees: the real one; the placeholder, never given one, shows as ""."""
        real = self.aliases().get(code, code)
        return "" if real == PLACEHOLDER_AGENCY else real

    def held_codes(self) -> list[str]:
        """Return the agency codes the store holds, as a reader sees them (the placeholder as DEFAULT)."""
        return sorted(self.aliases().get(a.agency, a.agency) for a in self.view.agencies())

    def check_agency(self) -> None:
        """Refuse an agency code (--agency, GONGKAI_AGENCY) the store does not hold: naming one never adds it."""
        named = self.settings.agency
        if not named or named == PLACEHOLDER_AGENCY:
            return
        if self.holds(named):
            return
        held = {a.agency for a in self.view.agencies()}
        codes = "、".join(self.held_codes()) or "（无 none）"
        raise UnknownAgencyError(
            f"机关代码 {named}",
            f"本存储没有这个机关；已有的机关代码：{codes} / the store holds no agency {named}; it holds: {codes}",
            f"请核对 --agency 或 GONGKAI_AGENCY；新增机关请用 `gongkai --agency {named} agency-name 机关名称`"
            + (
                f"，或用 `gongkai agency-code {named}` 把占位代码改为真实代码"
                if held == {PLACEHOLDER_AGENCY} and not self.aliases()
                else ""
            )
            + " / check the code, or add the agency explicitly with `agency-name`",
            "agency",
        )

    def holds(self, code: str) -> bool:
        """Tell whether the store holds an agency code (its real code, for the placeholder given one)."""
        if self.stored_code(code) in {a.agency for a in self.view.agencies()}:
            return True
        if self.catch_up():  # the tables were behind the log: another clerk may just have added it
            self.forget_aliases()
            return self.stored_code(code) in {a.agency for a in self.view.agencies()}
        return False

    @property
    def agency(self) -> str:
        """Return the agency commands act for: the setting, else the store's only agency, else a placeholder."""
        if self.settings.agency:
            return self.stored_code(self.settings.agency)
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
        code_as_stored: bool = False,
    ) -> ReportJson:
        """Return the contract report of a year ("2024") or month ("2024-03") for one agency.

        `code_as_stored`: carry the code the events carry (the placeholder's, once given a real one), as the
        hash of a closed year does: giving the placeholder its code must not change a closed year's hash.
        """
        self.catch_up()
        code = agency or self.agency
        chosen = table_format or TableFormat.for_year(int(period[:4]))
        return build_report(
            self.view.month_counts(code),
            self.view.cases(code),
            Period(period),
            chosen,
            agency=self.agency_name(code),
            agency_code=code if code_as_stored else self.display_code(code),
            include_earlier_pending=include_earlier_pending,
        )

    def reports_by_agency(
        self, period: str, *, table_format: TableFormat | None = None, include_earlier_pending: bool = False
    ) -> list[ReportJson]:
        """Return one contract report per agency in the store, sorted by agency code."""
        self.catch_up()
        codes = sorted(a.agency for a in self.view.agencies())
        return [
            self.report(period, agency=code, table_format=table_format, include_earlier_pending=include_earlier_pending)
            for code in codes
        ]

    def district_report(
        self, period: str, *, table_format: TableFormat | None = None, include_earlier_pending: bool = False
    ) -> ReportJson:
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

    def to_json(self) -> dict[str, object]:
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
    current = reports.report(str(year), table_format=fmt, code_as_stored=True)
    return ClosedStatus(close, tables_hash(current))
