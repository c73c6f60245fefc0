"""The reply clock of 条例 第三十、三十三条: 20 working days from receipt (or the 补正), paused, extended (pure)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from domain.calendar import WorkingCalendar
from domain.deadlines import Compute, Deadline, DeadlineKind, DeadlineRules, after_working_days, build_deadline
from domain.labels import PARTY_LABELS
from domain.request import Consultation, RequestState


def receipt_step(facts: RequestState) -> str:
    """Return the first step of a request deadline's explanation: the receipt, and who moved its date."""
    if facts.received_corrected is not None:
        return f"{facts.received} 收到申请（{facts.received_corrected} 更正的收到日期，条例 第三十一条）"
    return f"{facts.received} 收到申请"


def consultation_label(consultation: Consultation) -> str:
    """Return what a consultation is called in the steps (向第三方征求意见 …)."""
    return f"向{PARTY_LABELS[consultation.party]}征求意见" if consultation.party else "征求意见"


@dataclass(frozen=True)
class _Pause:
    """The reply clock stands still in (start, end]."""

    start: dt.date
    end: dt.date
    reasons: tuple[str, ...]
    running: bool  # not over on the as-of date, which stands in for its end


def _pauses(facts: RequestState, rules: DeadlineRules, as_of: dt.date) -> list[_Pause]:
    """Return the clock stops of 条例 第三十三条 (and, by setting, the fee wait); a running one ends on `as_of`."""
    stops = [(c.start, c.end, consultation_label(c)) for c in facts.consultations]
    if rules.fee_wait_pauses_reply:
        stops += [(fee.notified, fee.paid, "等待缴费") for fee in facts.fees]
    return [_Pause(start, end or as_of, (reason,), running=end is None) for start, end, reason in stops]


def _union(pauses: list[_Pause], start: dt.date) -> list[_Pause]:
    """Return the union of the intervals (pause start, pause end] that lie after `start`, in date order."""
    merged: list[_Pause] = []
    for pause in sorted(pauses, key=lambda p: p.start):
        pause = replace(pause, start=max(pause.start, start))
        if pause.end <= pause.start:
            continue
        if merged and pause.start <= merged[-1].end:
            last = merged[-1]
            reasons = last.reasons + tuple(r for r in pause.reasons if r not in last.reasons)
            merged[-1] = _Pause(last.start, max(last.end, pause.end), reasons, last.running or pause.running)
        else:
            merged.append(pause)
    return merged


def reply_deadline(facts: RequestState, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar) -> Deadline:
    """Return the reply deadline: 20 working days, restarted by a 补正, paused, extended (条例 第三十、三十三条)."""
    if facts.awaiting_correction:
        compute, paused = _awaiting_correction(facts, as_of, rules, calendar), True
    else:
        compute = _running_reply(facts, as_of, rules, calendar)
        paused = any(pause.running for pause in _pauses(facts, rules, as_of))
    return build_deadline(DeadlineKind.REPLY, compute, as_of, request=facts.number, paused=paused)


def _awaiting_correction(
    facts: RequestState, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar
) -> Compute:
    def compute(steps: list[str]) -> dt.date:
        steps.append(receipt_step(facts))
        steps.append(f"{facts.correction_requested} 要求补正，尚未收到补正：暂停计时")
        steps.append(f"假定 {as_of} 收到补正后的申请，重新起算（条例 第三十条）")
        return after_working_days(calendar, steps, as_of, rules.reply_working_days, "条例 第三十三条")

    return compute


def _running_reply(facts: RequestState, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar) -> Compute:
    start = facts.correction_received or facts.received
    pauses = _union(_pauses(facts, rules, as_of), start)

    def compute(steps: list[str]) -> dt.date:
        steps.append(receipt_step(facts))
        if facts.correction_received is not None:
            steps.append(f"{start} 收到补正后的申请，重新起算（条例 第三十条）")
        due = after_working_days(calendar, steps, start, rules.reply_working_days, "条例 第三十三条")
        return _apply_clock_steps(facts, start, pauses, due, as_of, calendar, steps)

    return compute


def _apply_clock_steps(
    facts: RequestState,
    start: dt.date,
    pauses: list[_Pause],
    due: dt.date,
    as_of: dt.date,
    calendar: WorkingCalendar,
    steps: list[str],
) -> dt.date:
    """Move the reply deadline by each pause and the extension, in date order (extension first on a tie)."""
    extension = (facts.extended, facts.extension_days or 0) if facts.extended is not None else None
    items: list[tuple[dt.date, int, _Pause | None]] = [(p.start, 1, p) for p in pauses]
    if extension is not None and extension[0] >= start:
        items.append((extension[0], 0, None))
    elif extension is not None:
        steps.append(f"{extension[0]} 的延期早于重新起算，不计入（从严计算）")
    for _day, _order, pause in sorted(items, key=lambda item: item[:2]):
        if pause is None:
            assert extension is not None
            due = _extend(extension, due, calendar, steps)
        else:
            due = _pause(pause, due, calendar, steps)
    return due


def _extend(extension: tuple[dt.date, int], due: dt.date, calendar: WorkingCalendar, steps: list[str]) -> dt.date:
    day, days = extension
    late = f"（晚于当时的期限 {due}）" if day > due else ""
    extended = calendar.add_working_days(due, days)
    steps.append(f"{day} 延期 {days} 个工作日{late} → {extended}（条例 第三十三条）")
    return extended


def _pause(pause: _Pause, due: dt.date, calendar: WorkingCalendar, steps: list[str]) -> dt.date:
    span = f"{pause.start} 至 {pause.end}{'（查询日，尚未结束）' if pause.running else ''} {'、'.join(pause.reasons)}"
    if pause.start >= due:
        steps.append(f"{span}，开始时期限已届满，不影响期限")
        return due
    days = calendar.working_days_between(pause.start, pause.end)
    moved = calendar.add_working_days(due, days)
    steps.append(f"{span}，暂停 {days} 个工作日 → {moved}（条例 第三十三条）")
    return moved
