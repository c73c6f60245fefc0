"""An appeal case's deadline of docs/deadlines.md: the reconsideration reply or the litigation defence (pure)."""

from __future__ import annotations

import datetime as dt

from domain.appeal import AppealCase
from domain.calendar import WorkingCalendar
from domain.codes import AppealKind, Procedure
from domain.deadlines import Deadline, DeadlineKind, DeadlineRules, after_working_days, build_deadline


def case_deadlines(case: AppealCase, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar) -> list[Deadline]:
    """Return a case's reply or defence deadline until the agency responds or the case is decided."""
    events = [event for event in case.history if event.date <= as_of]
    if not events or any(isinstance(e, AppealCase.Responded | AppealCase.Decided) for e in events):
        return []
    appealed = events[0]
    assert isinstance(appealed, AppealCase.Appealed)
    if appealed.kind is AppealKind.RECONSIDERATION:
        return [reconsideration_deadline(appealed, as_of, rules, calendar)]
    return [litigation_deadline(appealed, as_of, rules, calendar)]


def reconsideration_deadline(
    appealed: AppealCase.Appealed, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar
) -> Deadline:
    """Return the reconsideration reply deadline: 10 working days, 5 if simplified (行政复议法 第四十八、五十四条)."""
    simplified = appealed.procedure is Procedure.SIMPLIFIED

    def compute(steps: list[str]) -> dt.date:
        steps.append(f"{appealed.date} 收到行政复议申请书副本（案件 {appealed.case}，申请 {appealed.request}）")
        if simplified:
            days, basis = rules.reconsideration_simplified_working_days, "行政复议法 第五十四条，简易程序"
        else:
            days, basis = rules.reconsideration_working_days, "行政复议法 第四十八条"
        return after_working_days(calendar, steps, appealed.date, days, f"{basis}；第八十八条：工作日")

    return build_deadline(DeadlineKind.RECONSIDERATION_REPLY, compute, as_of, case=appealed.case)


def litigation_deadline(
    appealed: AppealCase.Appealed, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar
) -> Deadline:
    """Return the defence deadline: 15 calendar days, a non-working last day moved on (行政诉讼法 第六十七条)."""

    def compute(steps: list[str]) -> dt.date:
        steps.append(f"{appealed.date} 收到起诉状副本（案件 {appealed.case}，申请 {appealed.request}）")
        days = rules.litigation_calendar_days
        last = appealed.date + dt.timedelta(days=days)
        steps.append(f"+{days} 日 → {last}（行政诉讼法 第六十七条）")
        due = calendar.next_working_day_on_or_after(last)
        if due != last:
            steps.append(f"{last} 不是工作日，顺延至 {due}（行政诉讼法 第一百零一条，适用民事诉讼法关于期间的规定）")
        return due

    return build_deadline(DeadlineKind.LITIGATION_DEFENCE, compute, as_of, case=appealed.case)
