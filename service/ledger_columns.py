"""Which ledger column holds which field: the header labels known, an agency's own words (a mapping file), and
finding the header row (one row, or two with a sub-header merged in)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from service.ledger_words import VALUES, cell_text, norm

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


class LedgerError(ValueError):
    """A ledger that cannot be read at all (no header row, unknown sheet, bad mapping)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


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


def field_of(label: object, mapping: LedgerMapping) -> str | None:
    key = norm(cell_text(label))
    if not key:
        return None
    if key in mapping.headers:
        return mapping.headers[key]
    stripped = re.sub(r"\([^()]*\)$", "", key)
    for name, labels in HEADERS.items():
        if key in {norm(label) for label in labels} or stripped in {norm(label) for label in labels}:
            return name
    return None


def find_header(rows: Sequence[Sequence[object]], mapping: LedgerMapping) -> tuple[int, dict[int, str], list[str]]:
    """Return the header row's index, column index → field (sub-header row merged in), and ignored labels."""
    best, best_index = 0, -1
    for index, row in enumerate(rows[:15]):
        found = sum(1 for value in row if field_of(value, mapping))
        if found > best:
            best, best_index = found, index
    if best < 2:
        raise LedgerError(["no header row found in the first 15 rows: name the columns (受理编号, 收到申请日期, …)"])
    columns: dict[int, str] = {}
    ignored: list[str] = []
    below = rows[best_index + 1] if best_index + 1 < len(rows) else ()
    header_rows = 1
    if any(field_of(v, mapping) for v in below) and not any(isinstance(v, dt.date) for v in below):
        header_rows = 2
    for col in range(max(len(rows[best_index]), len(below))):
        labels = [rows[best_index][col] if col < len(rows[best_index]) else None]
        if header_rows == 2:
            labels.insert(0, below[col] if col < len(below) else None)
        name = next((n for n in (field_of(v, mapping) for v in labels) if n), None)
        if name and name not in columns.values():
            columns[col] = name
        elif any(cell_text(v) for v in labels):
            ignored.append(f"{letter(col)} {'/'.join(cell_text(v) for v in labels if cell_text(v))}")
    return best_index + header_rows - 1, columns, ignored


def letter(col: int) -> str:
    """Return a column's letter as Excel shows it (0 → A)."""
    from openpyxl.utils import get_column_letter

    column: str = get_column_letter(col + 1)
    return column
