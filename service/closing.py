"""Year-end close (年度结账): freeze a year's tables with their hash, reopen with a reason, compare later tables.

When a year may be closed (decided here, documented in the README):
- not before it has ended (the domain refuses that too);
- not while December's monthly filing is still open: until it is submitted or its due day (the 2nd of
  January by default) has passed, late entries for December are expected and the tables are not final;
- never with tables that break a balance rule (a bug, said loudly);
- never with tables that disagree with a fold of the log (edited behind gongkai's back): replay first.
Deadlines of single applications (报备, replies running into January) do not hold a close back: those steps
are dated in the new year and change only its tables.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from eventsourcing.application import AggregateNotFoundError

from domain.agency import Agency, agency_id
from domain.closing import tables_hash
from domain.deadlines import DeadlineRules
from domain.errors import RefusedError
from domain.lines import parse_object
from domain.messages import zh_en
from projections.render.balance import check_balance
from service.integrity import tables_disagree, tables_message
from storage.chain_verify import chain_head

if TYPE_CHECKING:
    from projections.tables import ReportJson
    from service.tracker import Tracker


def agency_book(tracker: Tracker) -> Agency | None:
    """Return the Agency aggregate of the agency commands act for, if anything was recorded for it."""
    try:
        found: object = tracker.app.repository.get(agency_id(tracker.agency))
    except AggregateNotFoundError:
        return None
    return found if isinstance(found, Agency) else None


def _check_december_filing(book: Agency | None, year: int, today: dt.date, rules: DeadlineRules) -> None:
    december = f"{year}-12"
    due = dt.date(year + 1, 1, rules.filing_day_of_month)
    if today <= due and (book is None or december not in book.filed_months):
        raise RefusedError(
            f"{year} 年度",
            zh_en(
                f"今天（{today}）还不能结账：12 月月报（{december}）应于 {due} 前报送，尚未记录，12 月的报表还可能变化",
                f"cannot be closed on {today}: December's monthly filing ({december}) is due on {due} and not yet "
                "submitted, so December's tables may still change",
            ),
            zh_en(
                f"报送后用 gongkai file-monthly {december} 记录，或在 {due} 之后再结账",
                f"record `gongkai file-monthly {december}` once it is filed, or close the year after {due}",
            ),
            "year",
        )


def close_year(tracker: Tracker, year: int, *, rules: DeadlineRules | None = None) -> tuple[str, ReportJson]:
    """Record a year's final tables and their sha256 (all or nothing); return the hash and the tables."""
    today = tracker.settings.today
    if today <= dt.date(year, 12, 31):
        raise RefusedError(
            f"{year} 年度",
            zh_en(f"该年度尚未结束，今天（{today}）不能结账", f"cannot be closed on {today}: the year has not ended"),
            "",
            "year",
        )
    _check_december_filing(agency_book(tracker), year, today, rules or DeadlineRules())
    differing = tables_disagree(tracker)
    if differing:  # never freeze figures the log does not give
        raise RefusedError(
            f"{year} 年度", tables_message(differing), zh_en("再重新结账", "then close the year again"), "year"
        )
    report = tracker.report(str(year), code_as_stored=True)  # the hash rests on the code the events carry
    check_balance(report)
    digest = tables_hash(report)
    line = {"event": "year_closed", "year": year, "sha256": digest, "report": report, "date": today.isoformat()}
    head = chain_head(tracker.app)
    if head is not None:
        line |= {"chain_position": head[0], "chain_hash": head[1]}
    tracker.record([(1, parse_object(line))])
    return digest, report


def reopen_year(tracker: Tracker, year: int, reason: str) -> None:
    """Record that a closed year is reopened, with the reason."""
    line = {"event": "year_reopened", "year": year, "reason": reason, "date": tracker.settings.today.isoformat()}
    tracker.record([(1, parse_object(line))])
