"""Write a realistic year of 政府信息公开申请 events as JSON Lines (the import format of docs/import-format.md).

    python bench/generate.py --applications 100000 --year 2025 --seed 1 -o year.jsonl \
        [--agencies N] [--expect expected.json] [--today 2026-11-25]

The same seed gives the same file. Lines are written in date order as they fall due, so memory holds only the
requests still open. Self-contained on purpose: `--expect` writes the annual table (and the twelve monthly ones)
counted here by the rules of docs/counting.md from the generator's own bookkeeping, never by the project's code, so
that tests can compare the two.
"""

from __future__ import annotations

import argparse
import datetime as dt
import heapq
import json
import random
import sys
import time
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any, TextIO

TODAY = dt.date(2026, 11, 25)

# 国务院办公厅 yearly holiday notices: days off, and the weekend days worked instead (调休), as MMDD or MMDD-MMDD.
# A year missing here falls back to Monday–Friday: good enough for test data, never for a deadline.
_DAYS_OFF = {
    2020: "0101 0124-0202 0404-0406 0501-0505 0625-0627 1001-1008",
    2021: "0101-0103 0211-0217 0403-0405 0501-0505 0612-0614 0919-0921 1001-1007",
    2022: "0101-0103 0131-0206 0403-0405 0430-0504 0603-0605 0910-0912 1001-1007 1231",
    2023: "0101-0102 0121-0127 0405 0429-0503 0622-0624 0929-1006 1230-1231",
    2024: "0101 0210-0217 0404-0406 0501-0505 0608-0610 0915-0917 1001-1007",
    2025: "0101 0128-0204 0404-0406 0501-0505 0531-0602 1001-1008",
    2026: "0101-0103 0215-0223 0404-0406 0501-0505 0619-0621 0925-0927 1001-1007",
}
_WEEKEND_WORKDAYS = {
    2020: "0119 0426 0509 0628 0927 1010",
    2021: "0207 0220 0425 0508 0918 0926 1009",
    2022: "0129 0130 0402 0424 0507 1008 1009",
    2023: "0128 0129 0423 0506 0625 1007 1008",
    2024: "0204 0218 0407 0428 0511 0914 0929 1012",
    2025: "0126 0208 0427 0928 1011",
    2026: "0104 0214 0228 0509 0920 1010",
}

APPLICANT_TYPES = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
)
OUTCOMES_2021 = (
    "disclosed",
    "partially_disclosed",
    "withheld_state_secret",
    "withheld_law_prohibited",
    "withheld_security_stability",
    "withheld_third_party_rights",
    "withheld_internal_affairs",
    "withheld_process_info",
    "withheld_enforcement_file",
    "withheld_administrative_inquiry",
    "unavailable_not_held",
    "unavailable_needs_creation",
    "unavailable_still_unclear",
    "rejected_petition_complaint",
    "rejected_repeat",
    "rejected_publication",
    "rejected_excessive",
    "rejected_confirmation",
    "other_no_correction",
    "other_fee_unpaid",
    "other",
)
OTHER_ROWS = frozenset({"other_no_correction", "other_fee_unpaid", "other"})
APPEAL_KINDS = ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
APPEAL_COLUMNS = ("upheld", "corrected", "other", "pending", "total")

# The plan drawn for each application: "withdrawn" closes it by withdrawal (counted in `other`).
_PLAN_WEIGHTS = {
    "disclosed": 34.0,
    "partially_disclosed": 8.0,
    "withheld_state_secret": 0.2,
    "withheld_law_prohibited": 0.5,
    "withheld_security_stability": 0.3,
    "withheld_third_party_rights": 1.2,
    "withheld_internal_affairs": 1.0,
    "withheld_process_info": 1.0,
    "withheld_enforcement_file": 0.4,
    "withheld_administrative_inquiry": 0.4,
    "unavailable_not_held": 25.0,
    "unavailable_needs_creation": 8.0,
    "unavailable_still_unclear": 0.5,
    "rejected_petition_complaint": 2.5,
    "rejected_repeat": 1.5,
    "rejected_publication": 0.5,
    "rejected_excessive": 0.5,
    "rejected_confirmation": 1.0,
    "other_no_correction": 3.0,
    "other_fee_unpaid": 0.3,
    "other": 2.2,
    "withdrawn": 3.0,
}
_TYPE_WEIGHTS = {
    "natural_person": 90.0,
    "commercial_enterprise": 7.0,
    "research_institution": 0.5,
    "social_welfare_org": 0.5,
    "legal_service_org": 1.2,
    "other_org": 0.8,
}
_CHANNEL_WEIGHTS = {
    "online": 52.0,
    "mail": 20.0,
    "in_person": 12.0,
    "email": 6.0,
    "ordinary_mail": 5.0,
    "fax": 1.0,
    "other": 4.0,
}
_MONTH_FACTORS = (0.9, 0.7, 1.1, 1.0, 1.0, 1.05, 1.0, 0.95, 1.0, 0.85, 1.1, 1.05)
_SIMPLE_OUTCOMES = ("disclosed", "partially_disclosed", "unavailable_not_held", "unavailable_needs_creation")
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
_ORG_KINDS = {
    "commercial_enterprise": ("科技有限公司", "房地产开发有限公司", "建设工程有限公司", "贸易有限公司", "物业有限公司"),
    "research_institution": ("研究院", "大学法学院", "研究所"),
    "social_welfare_org": ("公益基金会", "社会工作服务中心", "志愿者协会"),
    "legal_service_org": ("律师事务所", "法律服务所", "公证处"),
    "other_org": ("业主委员会", "村民委员会", "行业协会"),
}
_SUBJECTS = (
    "{place}征地补偿安置方案及批复文件",
    "{place}旧城改造项目房屋征收决定及评估报告",
    "{year}年度部门预算及“三公”经费明细",
    "{place}违法建筑拆除决定书及送达回证",
    "{place}人民调解委员会{year}年度调解案件统计",
    "{place}建设项目环境影响评价批复",
    "本人{year}年社会保险缴费基数核定依据",
    "{place}道路拓宽工程立项及规划许可文件",
    "{year}年度行政处罚案件数量及罚没收入",
    "{place}农村集体土地流转合同备案材料",
    "本人所在企业{year}年劳动保障监察投诉处理结果",
    "{place}学校划片招生范围及依据",
    "{year}年度法律援助经费使用情况",
    "{place}老旧小区加装电梯财政补助名单",
    "{place}拆迁安置房分配方案及公示名单",
    "{year}年度政府采购项目中标结果及合同",
)
_PLACES = ("东湖街道", "中河街道", "首南街道", "钟公庙街道", "下应街道", "姜山镇", "五乡镇", "邱隘镇", "云龙镇")
_CORRECTION_REASONS = ("办理结果录入有误，按答复书更正", "申请渠道录入有误")


class Calendar:
    """Working days (Monday–Friday, minus holidays, plus 调休) over a span of years, on date ordinals."""

    def __init__(self, first_year: int, last_year: int) -> None:
        start, end = dt.date(first_year, 1, 1).toordinal(), dt.date(last_year, 12, 31).toordinal()
        off, on = _parse_days(_DAYS_OFF), _parse_days(_WEEKEND_WORKDAYS)
        self.first, self.last = start, end
        self.days = [day for day in range(start, end + 1) if _is_working(day, off, on)]
        self.iso = {day: dt.date.fromordinal(day).isoformat() for day in range(start, end + 1)}

    def is_working(self, day: int) -> bool:
        """Tell whether a day is a working day."""
        index = bisect_right(self.days, day) - 1
        return index >= 0 and self.days[index] == day

    def count(self, day: int) -> int:
        """Return how many working days fall on or before a day."""
        return bisect_right(self.days, day)

    def add(self, day: int, n: int) -> int:
        """Return the n-th working day after a day (day 0 is the day itself; n < 0 counts back)."""
        if n == 0:
            return day
        position = self.count(day) + n - 1 if n > 0 else self.count(day - 1) + n
        return self.days[min(max(position, 0), len(self.days) - 1)]

    def between(self, start: int, end: int) -> int:
        """Return the number of working days in (start, end]."""
        return self.count(end) - self.count(start)


def _parse_days(table: dict[int, str]) -> set[int]:
    days: set[int] = set()
    for year, text in table.items():
        for item in text.split():
            first, _, last = item.partition("-")
            begin = dt.date(year, int(first[:2]), int(first[2:])).toordinal()
            stop = dt.date(year, int(last[:2]), int(last[2:])).toordinal() if last else begin
            days.update(range(begin, stop + 1))
    return days


def _is_working(day: int, off: set[int], on: set[int]) -> bool:
    return day in on or (day not in off and dt.date.fromordinal(day).weekday() < 5)


# -- one request's history --------------------------------------------------------------------------

Event = tuple[int, str, str | None, str | None, dict[str, Any]]  # (day, event, "request"/"case"/None, id, fields)


@dataclass(slots=True)
class Story:
    """The events of one request (and its appeal cases) as the generator plans them."""

    number: str
    agency: str | None
    events: list[Event] = field(default_factory=list)
    cases: list[list[Event]] = field(default_factory=list)

    def add(self, day: int, event: str, **fields: Any) -> None:
        """Append a step of the request."""
        self.events.append((day, event, "request", self.number, fields))


class Simulator:
    """Draw the history of one application after another from one seeded random generator."""

    def __init__(self, rng: random.Random, calendar: Calendar, year: int) -> None:
        self.rng, self.cal, self.year = rng, calendar, year
        self.case_numbers: Counter[tuple[str | None, str, int]] = Counter()
        self._plans, self._plan_cum = list(_PLAN_WEIGHTS), list(accumulate(_PLAN_WEIGHTS.values()))
        self._types, self._type_cum = list(_TYPE_WEIGHTS), list(accumulate(_TYPE_WEIGHTS.values()))
        self._channels, self._channel_cum = list(_CHANNEL_WEIGHTS), list(accumulate(_CHANNEL_WEIGHTS.values()))

    def story(self, number: str, agency: str | None, received: int) -> Story:
        """Return the planned events of one application received on a day."""
        rng = self.rng
        story = Story(number, agency)
        applicant_type = rng.choices(self._types, cum_weights=self._type_cum)[0]
        channel = rng.choices(self._channels, cum_weights=self._channel_cum)[0]
        plan = rng.choices(self._plans, cum_weights=self._plan_cum)[0]
        story.add(
            received,
            "received",
            channel=channel,
            applicant_type=applicant_type,
            applicant=self._applicant(applicant_type),
            subject=self._subject(received),
        )
        self._register(story, received)
        if rng.random() < 0.001:
            story.add(received + rng.randint(0, 3), "voided", reason="重复录入，与另一受理编号为同一申请")
            return story
        closed, outcome = self._handle(story, received, plan)
        self._aftermath(story, received, closed, outcome, applicant_type, channel)
        story.events.sort(key=lambda item: item[0])  # stable: same-day steps keep their order
        return story

    # -- drawing the parts ----------------------------------------------------------------------------

    def _applicant(self, applicant_type: str) -> str:
        if applicant_type == "natural_person":
            return self.rng.choice(_SURNAMES) + self.rng.choice(("某", "某某"))
        return self.rng.choice(_PLACES) + "某某" + self.rng.choice(_ORG_KINDS[applicant_type])

    def _subject(self, received: int) -> str:
        template = self.rng.choice(_SUBJECTS)
        return template.format(place=self.rng.choice(_PLACES), year=dt.date.fromordinal(received).year - 1)

    def _register(self, story: Story, received: int) -> None:
        lags = (0, 1, 1, 1, 1, 2) if self.cal.is_working(received) else (1, 1, 2)
        lag = self.rng.choice(lags)
        story.add(self.cal.add(received, lag), "registered")

    def _handle(self, story: Story, received: int, plan: str) -> tuple[int, str]:
        """Add the steps up to the close; return the closing day and the outcome row it counts in."""
        rng, cal = self.rng, self.cal
        start = last = received
        pause = 0
        if plan in ("other_no_correction", "unavailable_still_unclear") or rng.random() < 0.05:
            asked = cal.add(received, rng.randint(1, 7))
            until = cal.add(asked, rng.choice((10, 15, 15)))
            story.add(asked, "correction_requested", until=cal.iso[until])
            if plan == "other_no_correction":
                closed = cal.add(until, rng.randint(1, 5))
                story.add(closed, "answered", outcome=plan)
                return closed, plan
            start = last = cal.add(asked, rng.randint(1, 10))
            story.add(start, "correction_received")
        consulted = self._maybe_consult(story, plan, start, last)
        if consulted:
            pause, last = pause + cal.between(last, consulted), consulted
        if plan == "other_fee_unpaid" or (plan in _SIMPLE_OUTCOMES[:2] and rng.random() < 0.02):
            paid = self._fee(story, plan, start, last)
            if plan == "other_fee_unpaid":
                story.add(paid, "answered", outcome=plan)
                return paid, plan
            pause, last = pause + cal.between(last, paid), paid
        deadline = cal.add(start, 20 + pause)
        extra, last = self._maybe_extend(story, deadline, last, bool(consulted))
        if plan == "withdrawn":
            closed = max(cal.add(start, rng.randint(1, 15)), last)
            story.add(closed, "withdrawn", reason=rng.choice(("申请人书面撤回申请", "申请人已通过其他途径获取")))
            return closed, "other"
        closed = max(self._answer_day(start, pause, extra), cal.add(last, 1) if last != received else last)
        story.add(closed, "answered", outcome=plan)
        return closed, plan

    def _answer_day(self, start: int, pause: int, extra: int) -> int:
        rng = self.rng
        if rng.random() < 0.01:  # a few late answers, as in every real ledger
            return self.cal.add(start, 20 + pause + extra + rng.randint(1, 5))
        low = 21 if extra else rng.choice((1, 3, 5, 8))
        return self.cal.add(start, rng.randint(low, 20 + extra) + pause)

    def _maybe_consult(self, story: Story, plan: str, start: int, last: int) -> int:
        chance = {"withheld_third_party_rights": 0.8, "partially_disclosed": 0.1}.get(plan, 0.02)
        if self.rng.random() >= chance:
            return 0
        party = "third_party" if plan == "withheld_third_party_rights" or self.rng.random() < 0.6 else "agency"
        begun = max(last, self.cal.add(start, self.rng.randint(2, 8)))
        ended = self.cal.add(begun, self.rng.randint(3, 15))
        story.add(begun, "consultation_started", party=party)
        story.add(ended, "consultation_ended", party=party)
        return ended

    def _fee(self, story: Story, plan: str, start: int, last: int) -> int:
        """Add a fee notice (by volume, 超额累进) and its payment; return the payment day, or the day of giving up."""
        rng = self.rng
        notified = max(last, self.cal.add(start, rng.randint(3, 10)))
        served = notified + rng.choice((0, 0, 1, 2, 3))
        fields: dict[str, Any] = {"amount": _volume_fee(rng.randint(31, 320))}
        if served != notified:
            fields["served"] = self.cal.iso[served]
        story.add(notified, "fee_notified", **fields)
        if plan == "other_fee_unpaid":
            return self.cal.add(served, 20 + rng.randint(1, 5))
        paid = max(self.cal.add(served, rng.randint(1, 15)), notified)
        story.add(paid, "fee_paid", amount=fields["amount"])
        return paid

    def _maybe_extend(self, story: Story, deadline: int, last: int, consulted: bool) -> tuple[int, int]:
        """Perhaps extend the reply time (once, dated by the deadline); return the days added and the last step."""
        if self.rng.random() >= (0.3 if consulted else 0.015):
            return 0, last
        days = self.rng.choice((20, 20, 20, 15, 10))
        day = max(last, self.cal.add(deadline, -self.rng.randint(0, 4)))
        story.add(day, "extended", days=days, approved_by="办公室主任")
        return days, day

    def _aftermath(
        self, story: Story, received: int, closed: int, outcome: str, applicant_type: str, channel: str
    ) -> None:
        """Add the rare later steps: a reclassification, a correction, appeals."""
        rng = self.rng
        if rng.random() < 0.01:
            new_type = rng.choice([t for t in APPLICANT_TYPES if t != applicant_type])
            story.add(received + rng.randint(1, 40), "classified", applicant_type=new_type)
        if rng.random() < 0.002:
            self._correct(story, closed, outcome, channel)
        negative = outcome not in ("disclosed", "other")
        if rng.random() < (0.012 if negative else 0.001):
            self._appeal(story, closed, outcome)

    def _correct(self, story: Story, closed: int, outcome: str, channel: str) -> None:
        day = closed + self.rng.randint(1, 20)
        if outcome in _SIMPLE_OUTCOMES:
            new = self.rng.choice([o for o in _SIMPLE_OUTCOMES if o != outcome])
            story.add(day, "corrected", reason=_CORRECTION_REASONS[0], outcome=new)
        else:
            new = self.rng.choice([c for c in _CHANNEL_WEIGHTS if c != channel])
            story.add(day, "corrected", reason=_CORRECTION_REASONS[1], channel=new)

    def _appeal(self, story: Story, closed: int, outcome: str) -> None:
        rng = self.rng
        kind = rng.choices(APPEAL_KINDS, weights=(60, 25, 15))[0]
        if kind == "litigation_direct" and outcome.startswith("withheld_") and dt.date.fromordinal(closed).year >= 2024:
            kind = "reconsideration"  # 行政复议法 (2023) 第二十三条: review before court for a refusal
        filed = self.cal.add(closed + rng.randint(4, 50), 1)  # the copy arrives on a working day
        if kind == "litigation_after_reconsideration":
            filed = self._case(story, "reconsideration", filed, ("upheld", "other"), (80, 20))
            filed = self.cal.add(filed + rng.randint(4, 14), 1)
        weights = (70, 15, 15) if kind == "reconsideration" else (65, 10, 25)
        self._case(story, kind, filed, ("upheld", "corrected", "other"), weights)

    def _case(self, story: Story, kind: str, filed: int, results: tuple[str, ...], weights: tuple[int, ...]) -> int:
        """Add one appeal case; return its decision day."""
        rng, cal = self.rng, self.cal
        prefix = "FY" if kind == "reconsideration" else "SS"
        year = dt.date.fromordinal(filed).year
        self.case_numbers[(story.agency, prefix, year)] += 1
        number = f"{prefix}-{year}-{self.case_numbers[(story.agency, prefix, year)]:04d}"
        simplified = kind == "reconsideration" and rng.random() < 0.2
        fields: dict[str, Any] = {"request": story.number, "kind": kind}
        if simplified:
            fields["procedure"] = "simplified"
        responded = cal.add(filed, rng.randint(2, 5 if simplified else 10)) if kind == "reconsideration" else filed + 14
        decided = filed + (rng.randint(30, 70) if kind == "reconsideration" else rng.randint(60, 240))
        story.cases.append(
            [
                (filed, "appealed", "case", number, fields),
                (responded, "appeal_responded", "case", number, {}),
                (decided, "appeal_decided", "case", number, {"result": rng.choices(results, weights=weights)[0]}),
            ]
        )
        return decided


def _volume_fee(pages: int) -> str:
    """Return the fee by volume (30 pages free, 31–100 at 10元, 101–200 at 20元, above at 40元), 超额累进."""
    bands = ((30, 0), (100, 10), (200, 20), (10**9, 40))
    total, floor = 0, 0
    for ceiling, rate in bands:
        total += max(0, min(pages, ceiling) - floor) * rate
        floor = ceiling
    return f"{total}.00"


# -- the expected tables ----------------------------------------------------------------------------


@dataclass(slots=True)
class Summary:
    """What docs/tables.md needs of one request, folded from the events actually written."""

    received: int = 0
    applicant_type: str = ""
    closed: int | None = None
    outcome: str | None = None
    voided: bool = False


def summarize(events: Iterable[Event]) -> Summary:
    """Fold one request's events into its counting facts (latest type, close day and outcome)."""
    summary = Summary()
    for day, name, _, _, fields in events:
        if name == "received":
            summary.received, summary.applicant_type = day, fields["applicant_type"]
        elif name == "classified":
            summary.applicant_type = fields["applicant_type"]
        elif name == "answered":
            summary.closed, summary.outcome = day, fields["outcome"]
        elif name == "withdrawn":
            summary.closed, summary.outcome = day, "other"
        elif name == "voided":
            summary.voided = True
        elif name == "corrected":
            summary.applicant_type = fields.get("applicant_type", summary.applicant_type)
            summary.outcome = fields.get("outcome", summary.outcome)
    return summary


class Tally:
    """Count table 三 and 四 for a year and each of its months, per agency."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.months = [(f"{year}-{m:02d}", dt.date(year, m, 1).toordinal(), _month_end(year, m)) for m in range(1, 13)]
        self.periods = [(str(year), dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()), *self.months]
        self.applications: Counter[tuple[str | None, str, str, str]] = Counter()
        self.appeals: Counter[tuple[str | None, str, str, str]] = Counter()
        self.fees: Counter[str | None] = Counter()

    def add_request(self, agency: str | None, summary: Summary) -> None:
        """Count one request in every period of the year it touches."""
        if summary.voided:
            return
        column, received, closed = summary.applicant_type, summary.received, summary.closed
        for period, first, last in self.periods:
            if first <= received <= last:
                self.applications[(agency, period, "new", column)] += 1
            if received < first and (closed is None or closed >= first):
                self.applications[(agency, period, "carried_in", column)] += 1
            if closed is not None and first <= closed <= last:
                self.applications[(agency, period, str(summary.outcome), column)] += 1
            if received <= last and (closed is None or closed > last):
                self.applications[(agency, period, "carried_out", column)] += 1

    def add_case(self, agency: str | None, events: list[Event]) -> None:
        """Count one appeal case in the periods where it was filed, under its result as of each period's end."""
        filed, kind = events[0][0], events[0][4]["kind"]
        decisions = [(day, fields["result"]) for day, name, _, _, fields in events if name == "appeal_decided"]
        for period, first, last in self.periods:
            if first <= filed <= last:
                results = [result for day, result in decisions if day <= last]
                self.appeals[(agency, period, kind, results[-1] if results else "pending")] += 1

    def add_fee(self, agency: str | None, day: int, amount: str) -> None:
        """Add a payment to the fees collected in the year."""
        if dt.date.fromordinal(day).year == self.year:
            units, _, cents = amount.partition(".")
            self.fees[agency] += int(units) * 100 + int(cents.ljust(2, "0"))

    def report(self, agencies: list[str | None]) -> dict[str, Any]:
        """Return the expected tables: all agencies together, then each agency."""
        result = {**self._tables(agencies, str(self.year)), "fees_collected": self._fees(agencies)}
        result["months"] = {month: self._tables(agencies, month) for month, _, _ in self.months}
        if agencies != [None]:
            result["by_agency"] = {
                code: {**self._tables([code], str(self.year)), "fees_collected": self._fees([code])}
                for code in agencies
            }
        return result

    def _fees(self, agencies: list[str | None]) -> str:
        cents = sum(self.fees[agency] for agency in agencies)
        return f"{cents // 100}.{cents % 100:02d}"

    def _tables(self, agencies: list[str | None], period: str) -> dict[str, Any]:
        rows = _rows(self.year)
        applications: dict[str, dict[str, int]] = {}
        for row in rows:
            codes = OTHER_ROWS if row == "other" and len(rows) == 23 else {row}
            cells = {
                column: sum(self.applications[(a, period, code, column)] for a in agencies for code in codes)
                for column in APPLICANT_TYPES
            }
            applications[row] = {**cells, "total": sum(cells.values())}
        applications["total_handled"] = {
            column: sum(
                applications[row][column]
                for row in rows
                if row not in ("new", "carried_in", "carried_out", "total_handled")
            )
            for column in (*APPLICANT_TYPES, "total")
        }
        _check_balance(applications, period)
        return {"applications": applications, "appeals": self._appeal_tables(agencies, period)}

    def _appeal_tables(self, agencies: list[str | None], period: str) -> dict[str, dict[str, int]]:
        tables: dict[str, dict[str, int]] = {}
        for kind in APPEAL_KINDS:
            cells = {
                column: sum(self.appeals[(a, period, kind, column)] for a in agencies) for column in APPEAL_COLUMNS[:4]
            }
            tables[kind] = {**cells, "total": sum(cells.values())}
        return tables


def count_lines(lines: Iterable[str], year: int) -> dict[str, Any]:
    """Return the expected tables of a year for any file in the import format, by the same counting rules."""
    requests: dict[tuple[str | None, str], list[Event]] = {}
    cases: dict[tuple[str | None, str], list[Event]] = {}
    for text in lines:
        data = json.loads(text)
        name, agency = data.pop("event"), data.pop("agency", None)
        day = dt.date.fromisoformat(data.pop("date")).toordinal()
        data.pop("clerk", None)
        if name in ("appealed", "appeal_responded", "appeal_decided"):
            cases.setdefault((agency, data["case"]), []).append((day, name, "case", data["case"], data))
        elif "request" in data:
            requests.setdefault((agency, data["request"]), []).append((day, name, "request", data["request"], data))
    tally = Tally(year)
    for (agency, _), events in requests.items():
        tally.add_request(agency, summarize(events))
        notified = "0"
        for day, name, _, _, fields in events:
            notified = str(fields["amount"]) if name == "fee_notified" else notified
            if name == "fee_paid":
                tally.add_fee(agency, day, str(fields.get("amount", notified)))
    for (agency, _), events in cases.items():
        tally.add_case(agency, events)
    agencies = sorted({agency for agency, _ in requests} | {agency for agency, _ in cases}, key=str) or [None]
    return {"year": year, "format": "2021" if year >= 2021 else "2019", **tally.report(agencies)}


def _rows(year: int) -> list[str]:
    """Return the row codes of table 三 in order: 25 in the 2021 format, 23 in the 2019 one (report years ≤ 2020)."""
    outcomes = [o for o in OUTCOMES_2021 if o not in OTHER_ROWS or year >= 2021 or o == "other"]
    return ["new", "carried_in", *outcomes, "total_handled", "carried_out"]


def _check_balance(applications: dict[str, dict[str, int]], period: str) -> None:
    """Refuse to print a table that breaks 勾稽关系 (new + carried_in = total_handled + carried_out)."""
    for column in (*APPLICANT_TYPES, "total"):
        left = applications["new"][column] + applications["carried_in"][column]
        right = applications["total_handled"][column] + applications["carried_out"][column]
        if left != right:
            raise AssertionError(f"{period} {column}: new + carried_in = {left} but handled + carried_out = {right}")


def _month_end(year: int, month: int) -> int:
    return dt.date(year + month // 12, month % 12 + 1, 1).toordinal() - 1


# -- the year's stream ------------------------------------------------------------------------------


@dataclass(slots=True)
class Options:
    """What to generate."""

    applications: int
    year: int
    seed: int
    agencies: int | None
    today: dt.date


class Generator:
    """Plan applications day by day and emit every event once its date is reached, in date order."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.rng = random.Random(options.seed)
        self.cal = Calendar(options.year - 1, max(options.year + 2, options.today.year))
        self.sim = Simulator(self.rng, self.cal, options.year)
        self.tally = Tally(options.year)
        self.today = options.today.toordinal()
        count = options.agencies or 1
        self.agencies: list[str | None] = [f"AG{i:03d}" for i in range(1, count + 1)] if options.agencies else [None]
        self.agency_cum = list(accumulate(1 / (i + 1) ** 0.8 for i in range(count)))
        self.numbers: Counter[tuple[str | None, int]] = Counter()
        self.heap: list[tuple[int, int, Event, str | None]] = []
        self.seq = 0
        self.received: Counter[int] = Counter()

    def lines(self) -> Iterator[str]:
        """Yield the year's event lines in date order."""
        self._push_agency_documents()
        for day, count in self._receipt_days():
            yield from self._flush(before=day)
            for _ in range(count):
                self._plan_application(day)
        yield from self._flush(before=self.today + 1)

    def _receipt_days(self) -> Iterator[tuple[int, int]]:
        """Yield (day, applications received) from December of the previous year to the year's end (or today)."""
        year, n = self.options.year, self.options.applications
        days = list(range(dt.date(year, 1, 1).toordinal(), min(dt.date(year, 12, 31).toordinal(), self.today) + 1))
        counts = Counter(self.rng.choices(days, cum_weights=list(accumulate(map(self._weight, days))), k=n))
        tail = list(range(dt.date(year - 1, 12, 1).toordinal(), days[0]))
        tail_total = round(n * sum(map(self._weight, tail)) / sum(map(self._weight, days)))
        counts.update(self.rng.choices(tail, cum_weights=list(accumulate(map(self._weight, tail))), k=tail_total))
        self._number_offsets(n)
        return iter(sorted(counts.items()))

    def _number_offsets(self, n: int) -> None:
        """Start last year's numbering where eleven months of applications would have left it."""
        for agency in self.agencies:
            self.numbers[(agency, self.options.year - 1)] = round(n * 11 / 12 / len(self.agencies))

    def _weight(self, day: int) -> float:
        factor = _MONTH_FACTORS[dt.date.fromordinal(day).month - 1]
        return factor if self.cal.is_working(day) else factor * 0.02

    def _plan_application(self, day: int) -> None:
        agency = (
            self.agencies[0]
            if len(self.agencies) == 1
            else self.rng.choices(self.agencies, cum_weights=self.agency_cum)[0]
        )
        year = dt.date.fromordinal(day).year
        self.numbers[(agency, year)] += 1
        number = f"YSQ-{year}-{self.numbers[(agency, year)]:06d}"
        story = self.sim.story(number, agency, day)
        events = [event for event in story.events if event[0] <= self.today]
        self.received[year] += 1
        self.tally.add_request(agency, summarize(events))
        for paid, name, _, _, fields in events:
            if name == "fee_paid":
                self.tally.add_fee(agency, paid, fields["amount"])
        self._push(events, agency)
        for case in story.cases:
            written = [event for event in case if event[0] <= self.today]
            if written:
                self.tally.add_case(agency, written)
                self._push(written, agency)

    def _push_agency_documents(self) -> None:
        """Plan the monthly filings (by the 2nd of the next month) and the annual reports (by 31 January)."""
        year = self.options.year
        for agency in self.agencies:
            for index in range(25):  # December of last year to December of next year
                month_year, month = divmod((year - 1) * 12 + 11 + index, 12)
                next_year, next_month = divmod((year - 1) * 12 + 12 + index, 12)
                first = dt.date(next_year, next_month + 1, 1).toordinal()
                filed = first + (0 if self.cal.is_working(first) and self.rng.random() < 0.5 else 1)
                if filed <= self.today:
                    self._push(
                        [(filed, "monthly_filing_submitted", None, None, {"month": f"{month_year}-{month + 1:02d}"})],
                        agency,
                    )
            for report_year in (year - 1, year):
                published = self.cal.add(dt.date(report_year + 1, 1, 10).toordinal(), self.rng.randint(1, 12))
                if published <= self.today:
                    self._push([(published, "annual_report_published", None, None, {"year": report_year})], agency)

    def _push(self, events: Iterable[Event], agency: str | None) -> None:
        for event in events:
            self.seq += 1
            heapq.heappush(self.heap, (event[0], self.seq, event, agency))

    def _flush(self, before: int) -> Iterator[str]:
        heap, iso = self.heap, self.cal.iso
        while heap and heap[0][0] < before:
            day, _, (_, name, key, ident, fields), agency = heapq.heappop(heap)
            line: dict[str, Any] = (
                {"event": name, key: ident, "date": iso[day]} if key else {"event": name, "date": iso[day]}
            )
            line.update(fields)
            if agency is not None:
                line["agency"] = agency
            yield json.dumps(line, ensure_ascii=False, separators=(",", ":"))


# -- the command line -------------------------------------------------------------------------------


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Write a realistic year of disclosure-application events (JSONL).")
    parser.add_argument("--applications", type=int, default=1000, help="applications received in the year")
    parser.add_argument("--year", type=int, default=2025, help="the report year")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same file)")
    parser.add_argument("--agencies", type=int, default=None, help="spread over N agency codes (per-line `agency`)")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=TODAY, help="no event after this date")
    parser.add_argument("-o", "--output", help="the JSONL file to write (- for stdout)")
    parser.add_argument("--expect", type=Path, default=None, help="write the expected tables as JSON here")
    parser.add_argument(
        "--count",
        type=Path,
        default=None,
        help="instead of generating, print the expected tables of --year for this JSONL file",
    )
    args = parser.parse_args(argv)
    if not args.output and not args.count:
        parser.error("-o/--output is required (or --count FILE)")
    if args.applications < 0 or (args.agencies is not None and args.agencies < 1):
        parser.error("--applications must be ≥ 0 and --agencies ≥ 1")
    if args.year > args.today.year or args.year < 2009:
        parser.error(f"--year must lie between 2009 and {args.today.year} (today is {args.today})")
    return args


def _write(generator: Generator, out: TextIO) -> int:
    count, chunk = 0, []
    for line in generator.lines():
        chunk.append(line)
        if len(chunk) >= 10000:
            out.write("\n".join(chunk) + "\n")
            count, chunk = count + len(chunk), []
    if chunk:
        out.write("\n".join(chunk) + "\n")
    return count + len(chunk)


def main(argv: list[str] | None = None) -> int:
    """Generate the file, optionally the expected tables, and print a summary on stderr."""
    args = _arguments(argv)
    if args.count:
        with open(args.count, encoding="utf-8-sig") as source:
            print(json.dumps(count_lines(filter(str.strip, source), args.year), ensure_ascii=False, indent=1))
        return 0
    options = Options(args.applications, args.year, args.seed, args.agencies, args.today)
    generator = Generator(options)
    began = time.perf_counter()
    if args.output == "-":
        lines = _write(generator, sys.stdout)
    else:
        with open(args.output, "w", encoding="utf-8", newline="\n") as out:
            lines = _write(generator, out)
    elapsed = time.perf_counter() - began
    expected = {
        "year": args.year,
        "format": "2021" if args.year >= 2021 else "2019",
        "as_of": args.today.isoformat(),
        "seed": args.seed,
        "lines": lines,
        **generator.tally.report(generator.agencies),
    }
    if args.expect:
        args.expect.write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    _print_summary(generator, expected, lines, elapsed)
    return 0


def _print_summary(generator: Generator, expected: dict[str, Any], lines: int, elapsed: float) -> None:
    year = generator.options.year
    table = expected["applications"]
    print(
        f"{lines} lines, {sum(generator.received.values())} applications "
        f"({generator.received[year]} received in {year}, {generator.received[year - 1]} in December {year - 1}) "
        f"in {elapsed:.1f}s ({lines / max(elapsed, 1e-9):,.0f} lines/s)",
        file=sys.stderr,
    )
    print(
        f"expected {year} table, total column: "
        + ", ".join(f"{row}={cells['total']}" for row, cells in table.items() if cells["total"]),
        file=sys.stderr,
    )


if __name__ == "__main__":
    sys.exit(main())
