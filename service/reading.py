"""Read an import file into validated lines, naming every line that is bad (line number, field, reason)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from domain.errors import Problem
from domain.lines import Line, LineError, parse_line
from domain.messages import zh_en

BOM = "\ufeff"
MAX_LINE_BYTES = 1 << 20  # one event is a few hundred bytes; a longer line is not an event


def bounded_lines(raw: Iterable[bytes]) -> Iterator[bytes]:
    """Yield a stream's lines, cutting each after MAX_LINE_BYTES + 1 bytes: a 1 GB line never sits in memory."""
    readline = getattr(raw, "readline", None)
    if readline is None:
        yield from raw
        return
    while data := readline(MAX_LINE_BYTES + 1):
        if len(data) > MAX_LINE_BYTES and not data.endswith(b"\n"):
            while (rest := readline(1 << 16)) and not rest.endswith(b"\n"):
                pass  # skip the rest of an overlong line, a chunk at a time
        yield data


def read_lines(raw: Iterable[bytes], problems: list[Problem]) -> Iterator[tuple[int, Line]]:
    """Yield (line number, line) for every good non-blank line; append a message for every bad one."""
    return check_lines(enumerate(bounded_lines(raw), start=1), problems)


def check_lines(numbered: Iterable[tuple[int, bytes]], problems: list[Problem]) -> Iterator[tuple[int, Line]]:
    """Yield (line number, line) for every good non-blank numbered line; append a message for every bad one."""
    for number, data in numbered:
        if len(data) > MAX_LINE_BYTES:
            problems.append(
                Problem(
                    number,
                    None,
                    zh_en(
                        f"超过 {MAX_LINE_BYTES} 字节，不是事项行",
                        f"longer than {MAX_LINE_BYTES} bytes; not an event line",
                    ),
                )
            )
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            problems.append(Problem(number, None, not_utf8(error.start + 1)))
            continue
        if number == 1:
            text = text.removeprefix(BOM)
        if BOM in text:
            problems.append(
                Problem(
                    number,
                    None,
                    zh_en(
                        "文件中间有字节顺序标记（BOM），只允许出现在文件开头",
                        "a byte-order mark (BOM) inside the file; only one at the very start is allowed",
                    ),
                )
            )
            continue
        if not text.strip():
            continue
        try:
            yield number, parse_line(text)
        except LineError as error:
            problems.append(Problem(number, error.field, error.reason))


# The first columns of a CSV written by `export --format csv` (service/export.py writes them).
EXPORT_HEAD = ("event", "request", "case", "date")


def is_export_csv(head: bytes) -> bool:
    """Tell whether a file starts with the header line of an exported CSV."""
    first = head.decode("utf-8", errors="replace").lstrip("\ufeff").split("\n", 1)[0]
    return first.startswith(",".join(EXPORT_HEAD) + ",")


def not_utf8(byte: int) -> str:
    """Say that a file is not UTF-8, and how to save it so."""
    return zh_en(
        f"不是 UTF-8 编码（第 {byte} 个字节）；请把文件另存为 UTF-8", f"not UTF-8 (byte {byte}); save the file as UTF-8"
    )


def sniff_format(head: bytes) -> str | None:
    """Return a plain-words name of a file that is clearly not JSON Lines (XLSX, CSV), else None."""
    if head.startswith(b"PK\x03\x04"):
        return zh_en(
            "这是 Excel/ZIP 文件（XLSX？）；import 只读 JSON Lines，Excel 台账请用 gongkai import-ledger",
            "an Excel/ZIP file (XLSX?); import takes JSON Lines — use import-ledger for Excel ledgers",
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return zh_en(
            "这是旧版 Excel 文件（XLS）；import 只读 JSON Lines", "an old Excel file (XLS); import takes JSON Lines"
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return zh_en(
            "这是 UTF-16 文本；请把文件另存为 UTF-8",
            "UTF-16 text (it starts with an FF FE byte-order mark); save the file as UTF-8",
        )
    first = head.lstrip(BOM.encode()).lstrip()
    first_line = head.split(b"\n", 1)[0]
    if first and not first.startswith((b"{", b"[")) and b"," in first_line and b"\0" not in first_line:
        return zh_en(
            "这似乎是 CSV 文件；import 只读 JSON Lines（每行一个 JSON 对象）",
            "a CSV file, it seems; import takes JSON Lines (one JSON object per line)",
        )
    return None
