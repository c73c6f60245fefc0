"""What each application counts in tables 三 and 四: the one statement of it (pure, light: reports import it).

The view keeps monthly counts per agency; a table of any period sums them (projections/tables.py). What one
application adds is `count_into`: the catch-up's facts (projections/facts.py `contributions`), the replay's and
the import's rows (projections/plain_fold.py `freeze`) and the closed-year and filed-month checks (their footprints,
domain/footprint.py) call it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

# A count key: (agency, month, row, column). Rows are `new`, the outcome codes and `fees_fen`.
CountKey = tuple[str, str, str, str]
FEES_ROW = "fees_fen"


def count_into(
    counts: Counter[CountKey],
    agency: str,
    received_month: str,
    applicant_type: str,
    closed_month: str | None,
    outcome: str | None,
    fees: Iterable[tuple[str, int]],
) -> None:
    """Add what one live application counts in the monthly tables (docs/counting.md; a voided one counts nothing).

    `new` in its month of receipt, its outcome in its month of closing, both in its applicant type's column;
    each fee paid, in fen, in its month.
    """
    counts[(agency, received_month, "new", applicant_type)] += 1
    if closed_month is not None and outcome is not None:
        counts[(agency, closed_month, outcome, applicant_type)] += 1
    for month, fen in fees:
        counts[(agency, month, FEES_ROW, "total")] += fen
