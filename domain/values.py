"""Validated value types shared by events and import lines: dates, numbers, text, money."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, PlainSerializer

from domain.months import month_bounds as month_bounds  # re-exported: the pure month helpers live there
from domain.months import month_of as month_of
from domain.months import parse_month

MAX_TEXT = 2000
MAX_CODE = 64
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_AMOUNT = re.compile(r"\d{1,9}(\.\d{1,2})?")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufeff\ud800-\udfff]")  # and lone surrogates (not UTF-8)
_SPACE = re.compile(r"\s")  # the same characters as str.isspace, in one pass


def _parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValueError("a date (YYYY-MM-DD) is required, not a date and time")
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError(f"{value!r} is not a date in the form YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value} is not a real calendar date") from None


def _parse_amount(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        text = format(value, "f")
    elif isinstance(value, str):
        text = value
    else:
        raise ValueError('an amount in yuan is a decimal string such as "1700.00"')
    if not _AMOUNT.fullmatch(text):
        raise ValueError(f"{text!r} is not an amount in yuan (digits, at most two decimals, not negative)")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not an amount in yuan") from None


def _clean_text(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("contains a control character (NUL, escape, BOM …), which is not allowed in text")
    if len(value) > MAX_TEXT:
        raise ValueError(f"is {len(value)} characters long; at most {MAX_TEXT} are allowed")
    return value


def _clean_code(value: str) -> str:
    if not value or _CONTROL.search(value) or _SPACE.search(value):
        raise ValueError("must be non-empty, without spaces or control characters")
    if len(value) > MAX_CODE:
        raise ValueError(f"is {len(value)} characters long; at most {MAX_CODE} are allowed")
    return value


def _strict_str(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError(f"must be a string, not {type(value).__name__}")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_parse_date), PlainSerializer(dt.date.isoformat, return_type=str)]
Month = Annotated[str, BeforeValidator(parse_month)]
Amount = Annotated[Decimal, BeforeValidator(_parse_amount), PlainSerializer(lambda d: f"{d:.2f}", return_type=str)]
Text = Annotated[str, BeforeValidator(_strict_str), AfterValidator(_clean_text)]
Code = Annotated[str, BeforeValidator(_strict_str), AfterValidator(_clean_code)]
