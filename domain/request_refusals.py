"""What an application's history forbids: the refusals of a step (docs/refusals.md), read from its state.

`Request` (domain/request.py) takes these checks from `RequestRules`: each reads the state its events made
(`RequestState`, domain/request.py) and raises a `RefusedError` that names the application, the rule and what to do.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from domain.codes import Outcome
from domain.errors import RefusedError
from domain.labels import PARTY_LABELS, outcome_label, step_label
from domain.messages import zh_en
from domain.reminders import REMINDER_EVENT_NAMES

if TYPE_CHECKING:
    from domain.request import Request, RequestState

    _State = RequestState  # the checks read the state: `Request` has both
else:
    _State = object  # domain/request.py imports this module; the state is `Request`'s other base

# Steps that move the reply clock; one request's are in date order.
CLOCK_STEPS = frozenset(
    {
        "correction_requested",
        "correction_received",
        "consultation_started",
        "consultation_ended",
        "extended",
        "fee_notified",
        "fee_paid",
        "answered",
        "withdrawn",
    }
)
# Steps still possible once a request is closed or voided (docs/import-format.md).
AFTER_CLOSE = frozenset({"registered", "classified", "corrected"})
# How a closed application was closed, in the clerk's words.
_CLOSING = {"answered": "答复", "withdrawn": "撤回"}


class RequestRules(_State):
    """An application's state with the refusals it implies (the aggregate `Request` is one)."""

    history: list[Request.Event]
    corrected_fields: ClassVar[frozenset[str]]  # what a `corrected` can correct (domain.request:CORRECTED_FIELDS)

    def _refuse(self, rule: str, advice: str = "", field: str = "event") -> RefusedError:
        return RefusedError(f"申请 {self.number}", rule, advice, field)

    def check_step(self, name: str, date: dt.date) -> None:
        """Refuse a step dated before receipt, after the close, or out of order (docs/refusals.md)."""
        step = step_label(name)
        if date < self.received:
            raise self._refuse(
                zh_en(
                    f"{step}日期 {date} 早于收到申请的日期 {self.received}",
                    f"{name} is dated {date}, before the application was received on {self.received}",
                ),
                zh_en("请核对日期", "check the date"),
                "date",
            )
        if self.voided and name not in AFTER_CLOSE:
            raise self._refuse(
                zh_en(
                    f"该申请已于 {self.voided} 作废，只能再报备、更正申请人类别或更正",
                    f"the application was voided on {self.voided}; only register, classify and correct are possible",
                ),
            )
        if name == "answered" and self.closed:
            raise self._refuse(
                zh_en(
                    f"该申请已于 {self.closed} {_CLOSING.get(self.state, '办结')}，不能再次答复",
                    f"it was already closed on {self.closed} ({self.state}); a second answer is not possible",
                ),
                zh_en(
                    "如需更改办理结果或答复日期，请用 gongkai correct 申请号 --reason … --outcome …/--answered-date …",
                    "to change the outcome or the date, use `gongkai correct NUMBER --reason … --outcome …`",
                ),
            )
        if self.closed and name not in AFTER_CLOSE:
            raise self._refuse(
                zh_en(
                    f"该申请已于 {self.closed} {_CLOSING.get(self.state, '办结')}，"
                    "办结后只能报备、更正申请人类别或更正",
                    f"it was closed on {self.closed} ({self.state}); only register, classify and correct are "
                    "possible now",
                ),
                zh_en(
                    "如需更改已记录的内容，请用 gongkai correct 申请号 --reason …",
                    "to change a recorded value, use `gongkai correct NUMBER --reason …`",
                ),
            )
        if name in CLOCK_STEPS:
            last = max((e.date for e in self.history if e.name in CLOCK_STEPS), default=self.received)
            if date < last:
                raise self._refuse(
                    zh_en(
                        f"{step}日期 {date} 早于该申请上一步的日期 {last}",
                        f"{name} is dated {date}, before the request's previous step on {last}",
                    ),
                    zh_en("同一申请的各步骤请按日期先后记录", "record the steps of one request in date order"),
                    "date",
                )

    def check_outcome(self, outcome: Outcome) -> None:
        """Refuse an outcome whose preconditions the history lacks (docs/refusals.md)."""
        label = outcome_label(outcome)
        if outcome is Outcome.OTHER_NO_CORRECTION and not self.awaiting_correction:
            raise self._refuse(
                zh_en(
                    f"办理结果“{label}”需要一个尚未收到补正的补正通知",
                    "outcome other_no_correction needs a 补正 request that is still unanswered",
                ),
                zh_en(
                    "请先用 gongkai request-correction 记录补正通知，或选择其他办理结果",
                    "record it first with `gongkai request-correction`, or choose another outcome",
                ),
                "outcome",
            )
        if outcome is Outcome.OTHER_FEE_UNPAID and self.unpaid_fee() is None:
            raise self._refuse(
                zh_en(
                    f"办理结果“{label}”需要一份尚未缴费的收费通知",
                    "outcome other_fee_unpaid needs a fee notice that is still unpaid",
                ),
                zh_en(
                    "请先用 gongkai notify-fee 记录收费通知，或选择其他办理结果",
                    "record it first with `gongkai notify-fee`, or choose another outcome",
                ),
                "outcome",
            )
        if outcome is Outcome.UNAVAILABLE_STILL_UNCLEAR and not self.corrections_requested:
            raise self._refuse(
                zh_en(f"办理结果“{label}”需要先有补正通知", "outcome unavailable_still_unclear needs a 补正 request"),
                zh_en(
                    "请先用 gongkai request-correction 记录补正通知，或选择其他办理结果",
                    "record it first with `gongkai request-correction`, or choose another outcome",
                ),
                "outcome",
            )

    def check_fields(self, name: str, date: dt.date, fields: dict[str, Any]) -> None:
        """Refuse what a particular kind of step forbids."""
        if name == "answered":
            self.check_outcome(Outcome(fields["outcome"]))
        elif name == "extended" and self.extended:
            raise self._refuse(
                zh_en(f"该申请已于 {self.extended} 延期", f"it was already extended on {self.extended}"),
                zh_en("答复期限只能延长一次", "the reply time can be extended once"),
            )
        elif name == "consultation_ended" and self.open_consultation_index(fields.get("party")) < 0:
            party = fields.get("party")
            with_zh = f"（{PARTY_LABELS[party]}）" if party else ""
            with_en = f" with {party}" if party else ""
            raise self._refuse(
                zh_en(f"没有正在进行的征求意见{with_zh}可以结束", f"there is no open consultation{with_en} to end"),
                zh_en("请先用 gongkai consult 记录征求意见", "record it first with `gongkai consult`"),
            )
        elif name == "fee_paid" and self.unpaid_fee() is None:
            raise self._refuse(
                zh_en("没有未缴费的收费通知", "there is no unpaid fee notice"),
                zh_en("请先用 gongkai notify-fee 记录收费通知", "record it first with `gongkai notify-fee`"),
            )
        elif name == "received":
            raise self._refuse(
                zh_en(
                    f"这个受理编号已于 {self.received} 收到过", f"this number was already received on {self.received}"
                ),
                zh_en(
                    "同一机关的受理编号不能重复：请换一个编号，或用 gongkai correct 更正已记录的内容",
                    "application numbers are unique within an agency: use another number, or `gongkai correct`",
                ),
                "request",
            )
        elif name == "corrected":
            self.check_correction(date, fields)
        elif name == "voided" and self.voided:
            raise self._refuse(zh_en(f"该申请已于 {self.voided} 作废", f"it was already voided on {self.voided}"))
        elif name == "registered" and self.registered is not None and self.registered != date:
            raise self._refuse(
                zh_en(
                    f"已于 {self.registered} 报备，不能再记录另一个报备日期 {date}",
                    f"already registered (报备) on {self.registered}; a second 报备 with another date is refused",
                ),
                zh_en("报备只记录一次；若第一次的日期录错，请核对后联系管理员", "报备 is recorded once"),
                "date",
            )

    def check_correction(self, date: dt.date, fields: dict[str, Any]) -> None:
        """Refuse a correction that corrects nothing or would make the history impossible."""
        if not self.corrected_fields & fields.keys():
            raise self._refuse(
                zh_en(
                    "更正至少要给出一项更正后的值（--received-date、--channel、--applicant-type、--outcome 或 "
                    "--answered-date）",
                    "a correction must give at least one corrected value",
                ),
                "",
                "reason",
            )
        if ({"outcome", "answered_date"} & fields.keys()) and not self.closed:
            raise self._refuse(
                zh_en(
                    "办理结果和答复日期只能在申请办结后更正",
                    "outcome and answered_date can be corrected only once the application is closed",
                ),
                zh_en("尚未办结的申请请用 gongkai answer 记录答复", "use `gongkai answer` for an open application"),
                "outcome" if "outcome" in fields else "answered_date",
            )
        if "outcome" in fields:
            self.check_outcome(Outcome(fields["outcome"]))
        received = dt.date.fromisoformat(fields.get("received_date", self.received.isoformat()))
        answered_text = fields.get("answered_date")
        closed = dt.date.fromisoformat(answered_text) if answered_text else self.closed
        first_step = min((e.date for e in self.history[1:] if e.name not in REMINDER_EVENT_NAMES), default=date)
        if received > min(first_step, date):
            raise self._refuse(
                zh_en(
                    f"更正后的收到日期 {received} 会晚于该申请 {min(first_step, date)} 的步骤",
                    f"received_date {received} would fall after the request's step of {min(first_step, date)}",
                ),
                "",
                "received_date",
            )
        if closed is not None and not received <= closed <= date:
            raise self._refuse(
                zh_en(
                    f"答复日期 {closed} 应在收到日期（{received}）和本次更正（{date}）之间",
                    f"answered_date {closed} must lie between receipt ({received}) and this correction ({date})",
                ),
                "",
                "answered_date",
            )

    def prepare(self, name: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Fill in the defaults a step takes from the history (a fee paid is the notified amount)."""
        if name == "fee_paid" and "amount" not in fields:
            notice = self.unpaid_fee()
            if notice is not None:
                return {**fields, "amount": f"{notice.amount:.2f}"}
        return fields
