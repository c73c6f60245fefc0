"""Which months a change to one application or case can have changed: their figures or what their forms list (pure).

A filed month stays true (docs/tables.md): after a recording, only the filed months the recorded applications and
cases touch are compared with their filing. A month is touched when an application's footprint in it
(`domain.footprint:footprint` of its `contributions`: its cells of the month's table 三 and what it carries into
the month) or whether the 汇总表 lists it (`projections.ledger:is_active`) is not the same before and after; for a
case, its cell of the month's table 四 (`projections.tables:appeals_table`) or whether the 复议（诉讼）表 lists it
(`projections.ledger:case_is_active`); voiding an application touches the months its cases may be in too. The
touched months are a superset of the changed ones: each is then compared whole (`domain.filing:compare_filing`).
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.footprint import Footprint, footprint
from domain.months import month_of
from projections.facts import CaseFacts, CountKey, RequestFacts, contributions
from projections.ledger import case_is_active, is_active
from projections.tables import Period, Table, appeals_table

RequestMark = tuple[Footprint | None, bool]
CaseMark = tuple[Table, bool] | None


def request_months(before: RequestFacts | None, after: RequestFacts | None, months: Iterable[str]) -> set[str]:
    """Return the months, of those given, whose table 三 or 汇总表 the application's change can have changed."""
    received = [month_of(facts.received) for facts in (before, after) if facts is not None]
    if not received or before == after:
        return set()
    earliest = min(received)  # before its receipt an application is in no month's table or list
    counted_before, counted_after = contributions(before), contributions(after)
    return {
        month
        for month in months
        if month >= earliest
        and _request_mark(before, counted_before, month) != _request_mark(after, counted_after, month)
    }


def _request_mark(facts: RequestFacts | None, counts: dict[CountKey, int], month: str) -> RequestMark:
    period = Period(month)
    return footprint(counts, month), facts is not None and is_active(facts, period.first, period.last)


def case_months(before: CaseFacts | None, after: CaseFacts | None, months: Iterable[str]) -> set[str]:
    """Return the months, of those given, whose table 四 or 复议（诉讼）表 the case's change can have changed."""
    if before == after:
        return set()
    return {month for month in months if _case_mark(before, month) != _case_mark(after, month)}


def _case_mark(case: CaseFacts | None, month: str) -> CaseMark:
    if case is None:
        return None
    period = Period(month)
    table, shown = appeals_table([case], period), case_is_active(case, period.first, period.last)
    counted = any(n for columns in table.values() for n in columns.values())
    return (table, shown) if counted or shown else None  # None: in neither the month's table 四 nor its form


def voiding_months(states: Iterable[RequestFacts | None], months: Iterable[str]) -> set[str]:
    """Return the months, of those given, whose tables 三 and 四 and forms voiding the application can change.

    Voiding takes its cases off the 复议（诉讼）表 and out of table 四 too (the view leaves out the cases of a voided
    application). A case is appealed on or after its application's receipt, as it then stood: every month from
    the earliest day the application was ever received on (`states`: its facts after each of its events).
    """
    received = [facts.received for facts in states if facts is not None]
    if not received:
        return set()
    earliest = month_of(min(received))
    return {month for month in months if month >= earliest}


def is_voided(facts: RequestFacts | None) -> bool:
    """Tell whether an application is voided (one never received is not)."""
    return facts is not None and facts.voided
