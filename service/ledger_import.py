"""Read an agency's Excel ledger (台账) into import lines: messy labels and dates in, checked events out.

Each ledger row becomes the events it shows: `received`, then (when filled in) `registered`, 补正,
`extended`, `answered` or `withdrawn`, and an appeal with its decision. Column headers and cell values are
recognised in their official wording and common variants (numbering `1.`/`1、`/`（一）`, full-width
punctuation, a group prefix such as 不予公开, the 部分公开 note, dates as Excel dates or text such as
`2024年3月5日`); a mapping file adds an agency's own words. Every row that cannot be mapped is reported with
its row number, column, value and reason; nothing is recorded unless every row is good.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from domain.codes import AppealKind, AppealResult, ApplicantType, Channel, Outcome
from domain.labels import APPLICANT_LABELS, CHANNEL_LABELS, ROW_LABELS
from domain.lines import Line, LineError, parse_object

# Field -> header labels it is known by (normalised with `norm` before matching).
HEADERS: dict[str, tuple[str, ...]] = {
    "number": ("受理编号", "申请编号", "编号", "受理号", "申请号", "登记编号", "登记号", "收文编号", "受理序号"),
    "received": ("收到申请日期", "收到日期", "申请日期", "受理日期", "收件日期", "登记日期", "接收日期", "申请时间"),
    "channel": ("申请渠道", "申请方式", "渠道", "提交方式", "申请途径", "收到方式"),
    "applicant_type": ("申请人类别", "申请人类型", "申请人性质", "申请主体类别", "申请人情况"),
    "applicant": ("申请人", "申请人姓名", "申请人名称", "姓名或名称"),
    "subject": ("申请内容摘要", "申请内容", "内容摘要", "申请事项", "申请公开内容", "所需信息内容描述"),
    "registered": ("报备日期", "报备时间", "报备"),
    "correction_requested": ("补正通知日期", "补正告知日期", "补正通知"),
    "correction_received": ("补正收到日期", "收到补正日期", "补正日期"),
    "extended": ("延期告知日期", "延期答复日期", "延期日期", "延期"),
    "answered": ("答复日期", "办结日期", "答复时间", "答复送达日期", "送达日期", "办结时间"),
    "outcome": ("办理结果", "答复结果", "处理结果", "答复类型", "答复情况"),
    "clerk": ("经办人", "承办人", "办理人"),
    "case": ("案号", "复议诉讼案号", "复议（诉讼）案号", "案件编号"),
    "appeal_kind": ("复议诉讼类型", "复议（诉讼）类型", "复议或诉讼", "救济类型", "复议诉讼情况"),
    "appealed": ("复议诉讼日期", "申请/立案日期", "复议申请日期", "立案日期", "复议（诉讼）日期"),
    "appeal_result": ("复议诉讼结果", "复议（诉讼）结果", "复议结果", "诉讼结果", "案件结果"),
    "appeal_result_date": ("结果日期", "复议诉讼结果日期", "决定日期", "判决日期"),
}
FIELDS = tuple(HEADERS)
REQUIRED = ("number", "received", "applicant_type")
WITHDRAWN = "withdrawn"

_NUMBERING = re.compile(r"^(\([一二三四五六七八九十\d]+\)|[一二三四五六七八九十]+、|\d+[、.])")
_GROUPS = ("不予公开", "无法提供", "不予处理", "其他处理", "三、本年度办理结果", "本年度办理结果", "法人或其他组织")
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def norm(text: Any) -> str:
    """Return a label in one canonical spelling: NFKC (full-width → half-width), no spaces, quotes or asterisks."""
    value = unicodedata.normalize("NFKC", str(text))
    return re.sub(r"[\s*“”\"'‘’:：]", "", value).replace("．", ".")


def _strip_label(text: str) -> str:
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
            table[_strip_label(word)] = code
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


@dataclass(frozen=True)
class LedgerMapping:
    """An agency's own words: header label → field, and per field, value → code (from a JSON file)."""

    headers: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None) -> LedgerMapping:
        """Read a mapping file: {"columns": {"收文号": "number"}, "values": {"channel": {"微信": "online"}}}."""
        if path is None:
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, ValueError) as error:
            raise LedgerError([f"对照表 mapping {path}：不能按 JSON 读取 / cannot be read as JSON ({error})"]) from None
        columns = data.get("columns", {}) if isinstance(data, dict) else None
        values = data.get("values", {}) if isinstance(data, dict) else None
        if not isinstance(columns, dict) or not isinstance(values, dict):
            raise LedgerError([f'对照表 mapping {path}：应为 / expected {{"columns": {{…}}, "values": {{…}}}}'])
        unknown = sorted(set(columns.values()) - set(FIELDS)) + sorted(set(values) - set(VALUES))
        if unknown:
            raise LedgerError(
                [
                    f"对照表 mapping {path}：没有字段 / unknown field {', '.join(unknown)}; "
                    f"可用 known: {', '.join(FIELDS)}"
                ]
            )
        return cls(
            {norm(k): v for k, v in columns.items()}, {f: {norm(k): c for k, c in m.items()} for f, m in values.items()}
        )


class LedgerError(ValueError):
    """A ledger that cannot be read at all (no header row, unknown sheet, bad mapping)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True, slots=True)
class Source:
    """Where a line came from: the ledger row, and the column it mainly rests on."""

    row: int
    column: str


@dataclass
class LedgerRead:
    """The lines a ledger maps to, where each came from, every problem found, and the columns used."""

    sheet: str
    lines: list[tuple[Line, Source]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field -> "C 收到申请日期"
    ignored: list[str] = field(default_factory=list)
    rows: int = 0


def parse_date(value: Any) -> dt.date | None:
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


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _code(field_name: str, value: Any, mapping: LedgerMapping) -> str | None:
    text = _text(value)
    if not text:
        return None
    own = mapping.values.get(field_name, {})
    known = VALUES[field_name]
    for key in (norm(text), _strip_label(text)):
        if key in own:
            return own[key]
        if key in known:
            return known[key]
    raise ValueError(f"unknown {field_name.replace('_', ' ')} (add it to a --mapping file under values.{field_name})")


def _field_of(label: Any, mapping: LedgerMapping) -> str | None:
    key = norm(_text(label))
    if not key:
        return None
    if key in mapping.headers:
        return mapping.headers[key]
    stripped = re.sub(r"\([^()]*\)$", "", key)
    for name, labels in HEADERS.items():
        if key in {norm(label) for label in labels} or stripped in {norm(label) for label in labels}:
            return name
    return None


def _find_header(rows: list[tuple[Any, ...]], mapping: LedgerMapping) -> tuple[int, dict[int, str], list[str]]:
    """Return the header row's index, column index → field (sub-header row merged in), and ignored labels."""
    best, best_index = 0, -1
    for index, row in enumerate(rows[:15]):
        found = sum(1 for value in row if _field_of(value, mapping))
        if found > best:
            best, best_index = found, index
    if best < 2:
        raise LedgerError(["no header row found in the first 15 rows: name the columns (受理编号, 收到申请日期, …)"])
    columns: dict[int, str] = {}
    ignored: list[str] = []
    below = rows[best_index + 1] if best_index + 1 < len(rows) else ()
    header_rows = 1
    if any(_field_of(v, mapping) for v in below) and not any(isinstance(v, dt.date) for v in below):
        header_rows = 2
    for col in range(max(len(rows[best_index]), len(below))):
        labels = [rows[best_index][col] if col < len(rows[best_index]) else None]
        if header_rows == 2:
            labels.insert(0, below[col] if col < len(below) else None)
        name = next((n for n in (_field_of(v, mapping) for v in labels) if n), None)
        if name and name not in columns.values():
            columns[col] = name
        elif any(_text(v) for v in labels):
            ignored.append(f"{_letter(col)} {'/'.join(_text(v) for v in labels if _text(v))}")
    return best_index + header_rows - 1, columns, ignored


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col + 1)


def read_ledger(path: Path, *, sheet: str | None = None, mapping: LedgerMapping | None = None) -> LedgerRead:
    """Read a ledger workbook into import lines, with every problem named by row, column, value and reason."""
    from openpyxl import load_workbook

    mapping = mapping or LedgerMapping()
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError) as error:
        raise LedgerError(
            [f"{path}：不能作为 XLSX 工作簿打开 / cannot be opened as an XLSX workbook ({error})"]
        ) from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise LedgerError(
                [f"{path}：没有工作表 / no sheet named {sheet!r}; 现有 sheets: {', '.join(book.sheetnames)}"]
            )
        ws = book[sheet] if sheet else book.worksheets[0]
        rows = [tuple(row) for row in ws.iter_rows(values_only=True)]
    finally:
        book.close()
    last_header, columns, ignored = _find_header(rows, mapping)
    missing = [name for name in REQUIRED if name not in columns.values()]
    if missing:
        raise LedgerError(
            [
                f"{path}：找不到这些列 / no column for {', '.join(missing)}"
                f"（可识别的列名 known labels: {HEADERS[missing[0]][0]} …）"
            ]
        )
    result = LedgerRead(ws.title, ignored=ignored)
    result.columns = {name: f"{_letter(col)} {_text(rows[last_header][col]) or name}" for col, name in columns.items()}
    for index in range(last_header + 1, len(rows)):
        values = {name: rows[index][col] if col < len(rows[index]) else None for col, name in columns.items()}
        if not any(_text(v) for v in values.values()):
            continue
        result.rows += 1
        _map_row(index + 1, values, columns, mapping, result)
    return result


def _map_row(
    row: int, values: Mapping[str, Any], columns: Mapping[int, str], mapping: LedgerMapping, result: LedgerRead
) -> None:
    where = {name: _letter(col) for col, name in columns.items()}
    cells: dict[str, Any] = {}
    problems: list[str] = []
    for name, value in values.items():
        try:
            if name in DATE_FIELDS:
                cells[name] = parse_date(value)
            elif name in VALUES:
                cells[name] = _code(name, value, mapping)
            else:
                cells[name] = _text(value) or None
        except ValueError as error:
            problems.append(f"row {row}, column {where[name]} ({name}), value {_text(value)!r}: {error}")
    for name in REQUIRED:
        if (
            name in cells
            and cells[name] is None
            and not any(p.startswith(f"row {row}, column {where[name]} ") for p in problems)
        ):
            problems.append(f"row {row}, column {where[name]} ({name}): required, but the cell is empty")
    if problems:
        result.problems.extend(problems)
        return
    try:
        lines = _row_lines(cells)
    except _RowError as error:
        result.problems.append(f"row {row}, column {where.get(error.field, '?')} ({error.field}): {error.reason}")
        return
    for data, column in lines:
        try:
            line = parse_object(data)
        except LineError as error:
            name = column if error.field in ("line", "event") else error.field
            result.problems.append(f"row {row}, column {where.get(name, '?')} ({name}): {error.reason}")
            return
        result.lines.append((line, Source(row, where.get(column, "?"))))


class _RowError(ValueError):
    def __init__(self, field_name: str, reason: str) -> None:
        self.field, self.reason = field_name, reason
        super().__init__(reason)


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _row_lines(cells: Mapping[str, Any]) -> list[tuple[dict[str, Any], str]]:
    """Return the import objects of one row, in date order (same date: the ledger's column order)."""
    number, clerk = cells["number"], cells.get("clerk")
    base: dict[str, Any] = {"request": number, **({"clerk": clerk} if clerk else {})}
    received: dict[str, Any] = {
        **base,
        "event": "received",
        "date": _day(cells["received"]),
        "channel": cells.get("channel") or Channel.OTHER.value,
        "applicant_type": cells["applicant_type"],
    }
    for name in ("applicant", "subject"):
        if cells.get(name):
            received[name] = cells[name]
    lines: list[tuple[dict[str, Any], str]] = [(received, "received")]
    steps = {
        "registered": "registered",
        "correction_requested": "correction_requested",
        "correction_received": "correction_received",
        "extended": "extended",
    }
    for column, event in steps.items():
        if cells.get(column):
            lines.append(({**base, "event": event, "date": _day(cells[column])}, column))
    outcome, answered = cells.get("outcome"), cells.get("answered")
    if bool(outcome) != bool(answered):
        missing = "answered" if outcome else "outcome"
        raise _RowError(
            missing, f"{'an outcome needs its answer date' if outcome else 'an answer date needs its outcome'}"
        )
    if outcome == WITHDRAWN:
        lines.append(({**base, "event": "withdrawn", "date": _day(answered)}, "outcome"))
    elif outcome:
        lines.append(({**base, "event": "answered", "date": _day(answered), "outcome": outcome}, "outcome"))
    lines.extend(_appeal_lines(cells, base))
    order = {name: i for i, name in enumerate(("received", *steps, "outcome", "appealed", "appeal_result"))}
    return [lines[0], *sorted(lines[1:], key=lambda item: (item[0]["date"], order.get(item[1], 99)))]


def _appeal_lines(cells: Mapping[str, Any], base: Mapping[str, Any]) -> list[tuple[dict[str, Any], str]]:
    case, kind, appealed = cells.get("case"), cells.get("appeal_kind"), cells.get("appealed")
    if not (case or kind or appealed):
        return []
    for name, value in (("case", case), ("appeal_kind", kind), ("appealed", appealed)):
        if not value:
            raise _RowError(name, "an appeal needs its case number, kind (复议/诉讼) and date")
    recorder = {k: v for k, v in base.items() if k == "clerk"}
    lines = [({**base, "event": "appealed", "case": case, "kind": kind, "date": _day(appealed)}, "appealed")]
    result, decided = cells.get("appeal_result"), cells.get("appeal_result_date")
    if result and decided:
        lines.append(
            (
                {**recorder, "event": "appeal_decided", "case": case, "result": result, "date": _day(decided)},
                "appeal_result",
            )
        )
    elif result or decided:
        raise _RowError(
            "appeal_result_date" if result else "appeal_result", "a result needs its date, and a date its result"
        )
    return lines


@dataclass
class LedgerImport:
    """What importing a ledger did or would do."""

    read: LedgerRead
    recorded: int = 0
    already: int = 0
    saved: bool = False


def import_ledger(
    tracker: Any, path: Path, *, sheet: str | None = None, mapping: LedgerMapping | None = None, dry_run: bool = False
) -> LedgerImport:
    """Map a ledger, check every event against the store, then record all of it, or nothing if any row is bad."""
    from domain.book import Book
    from domain.errors import RefusedError
    from service.documents import load_aggregate

    read = read_ledger(path, sheet=sheet, mapping=mapping)
    book = Book(
        lambda aggregate_id: load_aggregate(tracker, aggregate_id),
        today=tracker.settings.today,
        agency=tracker.agency,
        clerk=tracker.settings.clerk,
    )
    bad_rows = {int(p.split(",")[0].removeprefix("row ")) for p in read.problems}
    for line, source in read.lines:
        if source.row in bad_rows:
            continue
        try:
            book.record(line)
        except RefusedError as error:
            read.problems.append(f"row {source.row}, column {source.column} ({line.event}): {error}")
            bad_rows.add(source.row)
    read.problems.sort(key=lambda p: int(p.split(",")[0].removeprefix("row ")))
    result = LedgerImport(read, book.recorded, book.already)
    if not dry_run and not read.problems:
        tracker.save(book)
        result.saved = True
    return result
