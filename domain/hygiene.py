"""What input must be before it can become an event: identifiers one can read, text without control
characters, business dates an office could have had.

Checked on every line (import, ledger rows, clerk commands all build lines) and on what commands are given, never
on stored events: a store written before these checks keeps reading as it was.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from domain.messages import zh_en

# 《中华人民共和国政府信息公开条例》 (2007) came into force on 2008-05-01 (docs/refusals.md): no earlier business date.
FIRST_BUSINESS_DAY = dt.date(2008, 5, 1)
FIRST_BUSINESS_MONTH = "2008-05"
LAST_BUSINESS_DAY = dt.date(2200, 12, 31)  # the last report year any command takes
# The fields of a line holding a date besides `date` (docs/import-format.md), and the field holding a month.
DATE_FIELDS = ("until", "served", "received_date", "answered_date")
# Fields that identify something: NFKC-normalised, and refused when they hold invisible characters.
IDENTIFIER_FIELDS = ("request", "case")
# Fields that name a person or a body: one line, no tab or line break (a subject or reason may have them).
NAME_FIELDS = ("applicant", "approved_by", "agency_name", "body", "clerk")

MAX_TEXT = 2000
MAX_CODE = 64
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufeff\ud800-\udfff]")  # and lone surrogates (not UTF-8)
_SPACE = re.compile(r"\s")  # the same characters as str.isspace, in one pass
_BIDI = {*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C}
_ZERO_WIDTH = {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x180E, 0x3164, 0xFFA0, 0x115F, 0x1160}
# C1 controls (U+0080–U+009F): U+009B is an 8-bit terminal escape (CSI). C0 is already refused in any text.
_C1 = re.compile(r"[\x80-\x9f]")
_NAME_BREAK = re.compile(r"[\t\n\r\x0b\x0c\x85\u2028\u2029]")


def clean_text(value: str, limit: int = MAX_TEXT) -> str:
    """Return text as given, or raise ValueError for a C0 control character (but tab and line feed) or its length."""
    if _CONTROL.search(value):
        raise ValueError(
            zh_en(
                "含有控制字符（NUL、ESC、BOM 等），文本中不允许",
                "contains a control character (NUL, escape, BOM …), which is not allowed in text",
            )
        )
    if len(value) > limit:
        raise ValueError(
            zh_en(
                f"长 {len(value)} 字，最多 {limit} 字",
                f"is {len(value)} characters long; at most {limit} are allowed",
            )
        )
    return value


def clean_code(value: str) -> str:
    """Return a code (agency code, application or case number) as given, or raise ValueError."""
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


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def clean_identifier(value: str) -> str:
    """Return an identifier NFKC-normalised (full-width forms folded), or raise ValueError naming what is hidden in it.

    Bidi controls, zero-width and other invisible characters, and every other format or control character
    (Unicode categories C*) would let one number display as another.
    """
    if value.isascii() and value.isprintable():
        return value.strip()  # NFKC leaves printable ASCII as it is; the usual case, checked at once
    normal = unicodedata.normalize("NFKC", value).strip()
    hidden = [
        char
        for char in normal
        if ord(char) in _BIDI or ord(char) in _ZERO_WIDTH or unicodedata.category(char).startswith("C")
    ]
    if hidden:
        found = ", ".join(dict.fromkeys(_describe(char) for char in hidden))
        raise ValueError(
            f"含有不可见或控制字符 {found}，同一编号可能显示成另一个；请重新输入编号 / "
            f"contains invisible or control characters ({found}) that can make one number display as another; "
            "type the number again"
        )
    return normal


def check_text(value: str, *, name: bool) -> None:
    """Raise ValueError if text holds a C1 control character, or a name (one line) holds a tab or line break."""
    if _C1.search(value):
        char = _C1.search(value)[0]  # type: ignore[index]
        raise ValueError(
            f"含有控制字符 U+{ord(char):04X}（终端转义等），不允许出现在文本中 / "
            f"contains a control character (U+{ord(char):04X}, a terminal escape), which is not allowed in text"
        )
    if name and (found := _NAME_BREAK.search(value)):
        raise ValueError(
            f"名称中含有制表符或换行符 U+{ord(found[0]):04X}，名称只能是一行 / "
            f"contains a tab or line break (U+{ord(found[0]):04X}); a name is one line"
        )


def recorder_problems(agency: str | None, clerk: str) -> tuple[str | None, list[str]]:
    """Return the agency code normalised and what is wrong with it or the clerk's name (the settings, not a line)."""
    problems = []
    if agency is not None:
        try:
            agency = clean_code(clean_identifier(agency))
        except ValueError as error:
            problems.append(f"--agency (GONGKAI_AGENCY) 机关代码 agency code: {error}")
    try:
        clean_text(clerk)
        check_text(clerk, name=True)
    except ValueError as error:
        problems.append(f"--clerk (GONGKAI_CLERK) 经办人 clerk: {error}")
    return agency, problems


def check_business_date(day: dt.date | str) -> None:
    """Raise ValueError for a business date before 2008-05-01 (docs/import-format.md) or after the last report year."""
    if type(day) is dt.date and FIRST_BUSINESS_DAY <= day <= LAST_BUSINESS_DAY:
        return  # every line's date: checked without making its text
    text = day if isinstance(day, str) else day.isoformat()
    if text < FIRST_BUSINESS_DAY.isoformat():
        raise ValueError(
            f"{text} 早于 2008-05-01（《政府信息公开条例》施行之日），不可能是业务日期 / "
            f"{text} is before 2008-05-01, when the first 条例 came into force: no office had such a date"
        )
    if text > LAST_BUSINESS_DAY.isoformat():
        raise ValueError(
            f"{text} 晚于 {LAST_BUSINESS_DAY}，超出可处理的范围 / {text} is after {LAST_BUSINESS_DAY}, beyond any year "
            "gongkai keeps"
        )


def check_business_month(month: str) -> None:
    """Raise ValueError for a YYYY-MM month before 2008-05 or after the last report year."""
    if month < FIRST_BUSINESS_MONTH:
        raise ValueError(
            f"{month} 早于 2008-05（《政府信息公开条例》施行之月），没有可报的数据 / "
            f"{month} is before 2008-05, when the first 条例 came into force: there is nothing to report"
        )
    if month > LAST_BUSINESS_DAY.isoformat()[:7]:
        raise ValueError(
            f"{month} 晚于 {LAST_BUSINESS_DAY.year}-12，超出可处理的范围 / {month} is after "
            f"{LAST_BUSINESS_DAY.year}-12, beyond any year gongkai keeps"
        )
