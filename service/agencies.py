"""Giving the placeholder agency its real code, once, with its whole history kept.

Aggregate ids are uuid5 of the agency code and every event carries the code, so the stored events are never
rewritten: an `agency_recoded` event on the placeholder's agency aggregate records the real code, and every reader
resolves it (`service.reports.Reports.aliases`). Tables, the hash chain, verify and replay are untouched.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from pydantic import ValidationError

from domain.agency import Agency, agency_id
from domain.book import created, trigger
from domain.errors import RefusedError
from service.settings import PLACEHOLDER_AGENCY

if TYPE_CHECKING:
    from service.tracker import Tracker


def _refuse(rule: str, advice: str = "") -> RefusedError:
    return RefusedError("机关代码 agency code", rule, advice, "agency")


def recode_placeholder(tracker: Tracker, code: str, *, date: dt.date) -> None:
    """Record the real code of a store whose only agency is the placeholder; refuse anything else."""
    tracker.catch_up()
    real = code.strip()
    held = {a.agency for a in tracker.view.agencies()}
    if real == PLACEHOLDER_AGENCY:
        raise _refuse(
            f"{PLACEHOLDER_AGENCY} 是占位代码，请给出真实的机关代码 / {PLACEHOLDER_AGENCY} is the placeholder"
        )
    if tracker.aliases():
        raise _refuse(
            f"占位代码已改为 {tracker.aliases()[PLACEHOLDER_AGENCY]}，只能改一次 / the placeholder already has its "
            "real code; it is given once"
        )
    if held != {PLACEHOLDER_AGENCY}:
        codes = "、".join(sorted(held)) or "（无 none）"
        raise _refuse(
            f"只有仅含占位机关 {PLACEHOLDER_AGENCY} 的存储才能改代码；本存储的机关：{codes} / only a store whose only "
            f"agency is the placeholder can be given its code; this one holds: {codes}",
            f"新增机关请用 `gongkai --agency {real} agency-name 机关名称` / add an agency with `agency-name`",
        )
    aggregate_id = agency_id(PLACEHOLDER_AGENCY)
    who = {"date": date, "agency": PLACEHOLDER_AGENCY, "clerk": tracker.settings.clerk}
    agency = tracker._load(aggregate_id)
    if not isinstance(agency, Agency):  # applications only so far: the agency's own aggregate starts here
        agency = created(Agency, Agency.Opened, aggregate_id, **who)
    try:
        trigger(agency, Agency.Recoded, code=real, **who)
    except ValidationError:
        raise _refuse(f"{real!r} 不是有效的机关代码（不能为空或含空格） / not a valid agency code") from None
    tracker.app.save(agency)
    tracker.catch_up()
    tracker.forget_aliases()
