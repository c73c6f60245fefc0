"""Ledger cells in their many spellings: labels normalised, code words recognised, dates read.

The official wording and its common variants (numbering `1.`/`1、`/`（一）`, full-width punctuation, a group
prefix such as 不予公开, the 部分公开 note), and dates as Excel dates, serial numbers or text such as `2024年3月5日`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable

from domain.codes import AppealKind, AppealResult, ApplicantType, Channel, Outcome
from domain.labels import APPLICANT_LABELS, CHANNEL_LABELS, ROW_LABELS

WITHDRAWN = "withdrawn"

_NUMBERING = re.compile(r"^(\([一二三四五六七八九十\d]+\)|[一二三四五六七八九十]+、|\d+[、.])")
_GROUPS = ("不予公开", "无法提供", "不予处理", "其他处理", "三、本年度办理结果", "本年度办理结果", "法人或其他组织")
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def norm(text: object) -> str:
    """Return a label in one canonical spelling: NFKC (full-width → half-width), no spaces, quotes or asterisks."""
    value = unicodedata.normalize("NFKC", str(text))
    return re.sub(r"[\s*“”\"'‘’:：]", "", value).replace("．", ".")


def strip_label(text: str) -> str:
    """Strip numbering, a group prefix and a trailing note: （三）不予公开 1、属于国家秘密 → 属于国家秘密."""
    value = norm(text)
    for _ in range(4):
        before = value
        value = _NUMBERING.sub("", value)
        for group in _GROUPS:
            if value.startswith(group) and len(value) > len(group):
                value = value[len(group) :].lstrip("-·/|_—,")
        value = value.lstrip("-·/|_—,")
        if value == before:
            break
    stripped = re.sub(r"\([^()]*\)$", "", value)
    return stripped or value


def _aliases(pairs: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for code, words in pairs:
        table[norm(code)] = code
        for word in words:
            table[norm(word)] = code
            table[strip_label(word)] = code
    return table


_OUTCOME_WORDS: dict[str, tuple[str, ...]] = {
    Outcome.DISCLOSED: ("全部公开", "公开"),
    Outcome.PARTIALLY_DISCLOSED: ("部分公开",),
    Outcome.UNAVAILABLE_NOT_HELD: ("本机关不掌握", "不掌握", "信息不存在", "不掌握相关政府信息"),
    Outcome.UNAVAILABLE_NEEDS_CREATION: ("需另行制作", "没有现成信息"),
    Outcome.REJECTED_PETITION_COMPLAINT: ("信访举报投诉", "信访举报投诉类"),
    Outcome.OTHER: ("其他", "其他处理"),
}
OUTCOMES = _aliases(
    [
        (str(code), (labels[2], labels[1] + labels[2], *_OUTCOME_WORDS.get(code, ())))
        for code, labels in ROW_LABELS.items()
        if code in set(Outcome)
    ]
)
OUTCOMES.update({norm(w): WITHDRAWN for w in ("撤回", "申请人撤回", "主动撤回", "撤回申请", "已撤回")})
CHANNELS = _aliases(
    [
        (Channel.IN_PERSON, (CHANNEL_LABELS[Channel.IN_PERSON], "当面", "现场", "现场申请", "当面申请", "窗口")),
        (Channel.MAIL, (CHANNEL_LABELS[Channel.MAIL], "邮寄", "信函", "挂号信", "EMS", "快递", "邮政")),
        (Channel.ORDINARY_MAIL, (CHANNEL_LABELS[Channel.ORDINARY_MAIL], "普通信件")),
        (
            Channel.ONLINE,
            (CHANNEL_LABELS[Channel.ONLINE], "网上", "网络", "在线", "政府网站", "互联网", "网申", "在线申请"),
        ),
        (Channel.FAX, (CHANNEL_LABELS[Channel.FAX],)),
        (Channel.EMAIL, (CHANNEL_LABELS[Channel.EMAIL], "邮件", "电子邮箱", "E-mail", "Email")),
        (Channel.OTHER, (CHANNEL_LABELS[Channel.OTHER],)),
    ]
)
APPLICANT_TYPES = _aliases(
    [
        (ApplicantType.NATURAL_PERSON, (APPLICANT_LABELS[ApplicantType.NATURAL_PERSON], "公民", "个人")),
        (ApplicantType.COMMERCIAL_ENTERPRISE, (APPLICANT_LABELS[ApplicantType.COMMERCIAL_ENTERPRISE], "企业", "公司")),
        (ApplicantType.RESEARCH_INSTITUTION, (APPLICANT_LABELS[ApplicantType.RESEARCH_INSTITUTION],)),
        (ApplicantType.SOCIAL_WELFARE_ORG, (APPLICANT_LABELS[ApplicantType.SOCIAL_WELFARE_ORG], "公益组织")),
        (ApplicantType.LEGAL_SERVICE_ORG, (APPLICANT_LABELS[ApplicantType.LEGAL_SERVICE_ORG], "律师事务所", "律所")),
        (ApplicantType.OTHER_ORG, ("其他组织", "其他", "法人或其他组织-其他")),
    ]
)
APPEAL_KINDS = _aliases(
    [
        (AppealKind.RECONSIDERATION, ("行政复议", "复议")),
        (
            AppealKind.LITIGATION_DIRECT,
            ("行政诉讼", "诉讼", "直接起诉", "未经复议直接起诉", "行政诉讼(未经复议直接起诉)"),
        ),
        (AppealKind.LITIGATION_AFTER_RECONSIDERATION, ("复议后起诉", "行政诉讼(复议后起诉)", "复议后诉讼")),
    ]
)
APPEAL_RESULTS = _aliases(
    [
        (AppealResult.UPHELD, ("维持", "结果维持", "驳回复议请求", "驳回诉讼请求", "驳回诉讼请求或复议请求")),
        (AppealResult.CORRECTED, ("纠正", "结果纠正", "撤销", "变更", "确认违法", "责令履行")),
        (AppealResult.OTHER, ("其他", "其他结果", "驳回申请", "驳回起诉", "终止", "撤回", "调解")),
    ]
)
VALUES: dict[str, dict[str, str]] = {
    "channel": CHANNELS,
    "applicant_type": APPLICANT_TYPES,
    "outcome": OUTCOMES,
    "appeal_kind": APPEAL_KINDS,
    "appeal_result": APPEAL_RESULTS,
}
DATE_FIELDS = frozenset(
    {
        "received",
        "registered",
        "correction_requested",
        "correction_received",
        "extended",
        "answered",
        "appealed",
        "appeal_result_date",
    }
)


def parse_date(value: object) -> dt.date | None:
    """Return a cell's date: an Excel date, an Excel serial number or text such as 2024年3月5日; None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 < value < 80000:  # an Excel serial day number (1954–2119)
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        value = str(int(value))
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = _DATE_TEXT.match(text) or _COMPACT_DATE.match(text)
    if not match:
        raise ValueError("not a date (expected an Excel date, 2024-03-05, 2024/3/5 or 2024年3月5日)")
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueError("not a real calendar date") from None


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
