"""Validated value types shared by events and import lines: dates, numbers, text, money."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from hashlib import sha1
from typing import Annotated, Any
from uuid import NAMESPACE_URL, UUID, SafeUUID

from pydantic import BeforeValidator, PlainSerializer

from domain.messages import zh_en
from domain.months import month_bounds as month_bounds  # re-exported: the pure month helpers live there
from domain.months import month_of as month_of
from domain.months import parse_month

MAX_TEXT = 2000
MAX_CODE = 64
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_AMOUNT = re.compile(r"\d{1,9}(\.\d{1,2})?")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufeff\ud800-\udfff]")  # and lone surrogates (not UTF-8)
_SPACE = re.compile(r"\s")  # the same characters as str.isspace, in one pass


_DATES: dict[str, dt.date] = {}  # an import's dates are a few thousand strings on hundreds of thousands of lines


def _parse_date(value: Any) -> dt.date:
    if type(value) is dt.date:  # an event built from a checked line
        return value
    if type(value) is str and (day := _DATES.get(value)) is not None:
        return day
    day = _check_date(value)
    if type(value) is str and len(_DATES) < _REMEMBERED:
        _DATES[value] = day
    return day


def check_date(value: Any) -> dt.date:
    """Return the date a YYYY-MM-DD text names, or raise ValueError saying why in the clerk's words."""
    return _check_date(value)


def _check_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValueError(
            zh_en("应为日期（YYYY-MM-DD），不带时间", "a date (YYYY-MM-DD) is required, not a date and time")
        )
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError(
            zh_en(f"{value!r} 不是 YYYY-MM-DD 格式的日期", f"{value!r} is not a date in the form YYYY-MM-DD")
        )
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(zh_en(f"日历上没有 {value} 这一天", f"{value} is not a real calendar date")) from None


def _parse_amount(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        text = format(value, "f")
    elif isinstance(value, str):
        text = value
    else:
        raise ValueError(
            zh_en('金额（元）应写成文本，例如 "1700.00"', 'an amount in yuan is a decimal string such as "1700.00"')
        )
    if not _AMOUNT.fullmatch(text):
        raise ValueError(
            zh_en(
                f"{text!r} 不是金额（元）：应为数字，最多两位小数，不能为负",
                f"{text!r} is not an amount in yuan (digits, at most two decimals, not negative)",
            )
        )
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(zh_en(f"{text!r} 不是金额（元）", f"{text!r} is not an amount in yuan")) from None


_REMEMBERED = 1 << 18  # values checked once and remembered (a few MB at most)


def _remembering(check: Callable[[str], str]) -> Callable[[Any], Any]:
    """Return a validator: `_strict_str` then `check`, remembering values that passed (an import repeats them)."""
    passed: set[str] = set()

    def validate(value: Any) -> Any:
        if type(value) is str and value in passed:
            return value
        check(_strict_str(value))
        if type(value) is str and len(passed) < _REMEMBERED:
            passed.add(value)
        return value

    return validate


def _clean_text(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError(
            zh_en(
                "含有控制字符（NUL、ESC、BOM 等），文本中不允许",
                "contains a control character (NUL, escape, BOM …), which is not allowed in text",
            )
        )
    if len(value) > MAX_TEXT:
        raise ValueError(
            zh_en(
                f"长 {len(value)} 字，最多 {MAX_TEXT} 字",
                f"is {len(value)} characters long; at most {MAX_TEXT} are allowed",
            )
        )
    return value


def _clean_code(value: str) -> str:
    if not value or _CONTROL.search(value) or _SPACE.search(value):
        raise ValueError(
            zh_en("不能为空，不能含空格或控制字符", "must be non-empty, without spaces or control characters")
        )
    if len(value) > MAX_CODE:
        raise ValueError(
            zh_en(
                f"长 {len(value)} 字，最多 {MAX_CODE} 字",
                f"is {len(value)} characters long; at most {MAX_CODE} are allowed",
            )
        )
    return value


def _strict_str(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError(zh_en("应为文本（字符串）", f"must be a string, not {type(value).__name__}"))
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_parse_date), PlainSerializer(dt.date.isoformat, return_type=str)]
Month = Annotated[str, BeforeValidator(parse_month)]
Amount = Annotated[Decimal, BeforeValidator(_parse_amount), PlainSerializer(lambda d: f"{d:.2f}", return_type=str)]
# One Python call per value (pydantic calls each validator separately), checked before the str core schema.
Text = Annotated[str, BeforeValidator(_remembering(_clean_text))]
Code = Annotated[str, BeforeValidator(_remembering(_clean_code))]


_URL_NAMESPACE = NAMESPACE_URL.bytes
_VERSION_BITS = (0xF000 << 64) | (0xC000 << 48)
_VERSION_5 = (5 << 76) | (0x8000 << 48)  # version 5, RFC 4122 variant


def name_id(name: str) -> UUID:
    """Return `uuid5(NAMESPACE_URL, name)`, without its import, checks and keyword handling (one per aggregate)."""
    digest = sha1(_URL_NAMESPACE + name.encode("utf-8")).digest()
    made = object.__new__(UUID)
    object.__setattr__(made, "int", int.from_bytes(digest[:16], "big") & ~_VERSION_BITS | _VERSION_5)
    object.__setattr__(made, "is_safe", SafeUUID.unknown)
    return made
