"""The sentences of the annual report drawn from its tables (docs/annual-report.md): pure, every number read from them.

Each sentence is written from the report's own cells, so that a number in the prose cannot differ from the table
it comes from: 三 (received, carried in, handled by outcome group, carried out, and the change in new applications
from last year when last year's tables are known), 四 (cases by kind and result) and 六 (the processing fees).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from domain.codes import AppealKind, Outcome
from domain.labels import APPEAL_COLUMN_LABELS, APPEAL_GROUP_LABELS, LITIGATION_LABEL, ORG_GROUP_LABEL
from projections.render.rows import Report

# The outcome groups of table 三, （一） to （六）, in both formats: the words a sentence uses and the rows summed.
OUTCOME_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("予以公开", (Outcome.DISCLOSED.value,)),
    ("部分公开", (Outcome.PARTIALLY_DISCLOSED.value,)),
    ("不予公开", tuple(o.value for o in Outcome if o.value.startswith("withheld_"))),
    ("无法提供", tuple(o.value for o in Outcome if o.value.startswith("unavailable_"))),
    ("不予处理", tuple(o.value for o in Outcome if o.value.startswith("rejected_"))),
    ("其他处理", tuple(o.value for o in Outcome if o.value.startswith("other"))),
)
RESULTS = ("upheld", "corrected", "other", "pending")
NO_FEES = "本年度未收取政府信息公开信息处理费。"
SUBJECT = "本机关"


def _cell(table: Report, row: str, column: str = "total") -> int:
    values = table.get(row)
    return int(values[column]) if isinstance(values, Mapping) and column in values else 0


def group_count(applications: Report, rows: Sequence[str]) -> int:
    """Return the total of an outcome group: its rows present in the table (a 2019 table has one `other` row)."""
    return sum(_cell(applications, row) for row in rows)


def applications_sentence(report: Report, previous: Report | None = None) -> str:
    """Return section 三's sentences: received (by applicant), carried in, handled by outcome group, carried out."""
    rows = report["applications"]
    new, persons = _cell(rows, "new"), _cell(rows, "new", "natural_person")
    text = (
        f"{report['year']}年度，{SUBJECT}新收政府信息公开申请{new}件"
        + (f"（其中自然人{persons}件，{ORG_GROUP_LABEL}{new - persons}件）" if new else "")
        + f"，上年结转{_cell(rows, 'carried_in')}件；办结{_cell(rows, 'total_handled')}件"
    )
    groups = [(words, group_count(rows, codes)) for words, codes in OUTCOME_GROUPS]
    found = [f"{words}{n}件" for words, n in groups if n]
    if found:
        text += "，其中" + "、".join(found)
    text += f"；结转下年度继续办理{_cell(rows, 'carried_out')}件。"
    if previous is not None:
        text += change_sentence(new, previous)
    return text


def change_sentence(new: int, previous: Report) -> str:
    """Return the sentence comparing this year's new applications with last year's."""
    before = _cell(previous["applications"], "new")
    if new == before:
        return f"新收申请数量与上年（{before}件）持平。"
    word = "增加" if new > before else "减少"
    return f"新收申请数量比上年（{before}件）{word}{abs(new - before)}件。"


def _results(values: Report) -> str:
    found = [f"{APPEAL_COLUMN_LABELS[r]}{values[r]}件" for r in RESULTS if values[r]]
    return f"（{'、'.join(found)}）" if found else ""


def appeals_sentence(report: Report) -> str:
    """Return section 四's sentence: the cases of each kind with their results."""
    appeals = report["appeals"]
    year = report["year"]
    if not any(_cell(appeals, kind.value) for kind in AppealKind):
        return f"{year}年度，{SUBJECT}无因政府信息公开被申请行政复议、被提起行政诉讼的情况。"
    reconsideration = appeals[AppealKind.RECONSIDERATION.value]
    direct = appeals[AppealKind.LITIGATION_DIRECT.value]
    after = appeals[AppealKind.LITIGATION_AFTER_RECONSIDERATION.value]
    suits = _cell(appeals, AppealKind.LITIGATION_DIRECT.value) + _cell(
        appeals, AppealKind.LITIGATION_AFTER_RECONSIDERATION.value
    )
    first = (
        f"被申请{APPEAL_GROUP_LABELS[AppealKind.RECONSIDERATION]}{reconsideration['total']}件{_results(reconsideration)}"
        if reconsideration["total"]
        else "未被申请行政复议"
    )
    second = (
        f"被提起{LITIGATION_LABEL}{suits}件，其中"
        f"{APPEAL_GROUP_LABELS[AppealKind.LITIGATION_DIRECT]}{direct['total']}件{_results(direct)}、"
        f"{APPEAL_GROUP_LABELS[AppealKind.LITIGATION_AFTER_RECONSIDERATION]}{after['total']}件{_results(after)}"
        if suits
        else f"未被提起{LITIGATION_LABEL}"
    )
    return f"{year}年度，{SUBJECT}因政府信息公开{first}；{second}。"


def fees_sentence(report: Report) -> str:
    """Return section 六's sentence on the processing fees collected (信息处理费), or that none were."""
    fees = str(report.get("fees_collected") or "0")
    if Decimal(fees) == 0:
        return NO_FEES
    return f"本年度收取政府信息公开信息处理费{fees}元。"
