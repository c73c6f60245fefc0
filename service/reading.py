"""Read an import file into validated lines, naming every line that is bad (line number, field, reason)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from domain.errors import Problem
from domain.lines import Line, LineError, parse_line

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
            problems.append(Problem(number, None, f"longer than {MAX_LINE_BYTES} bytes; not an event line"))
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            problems.append(Problem(number, None, f"not UTF-8 (byte {error.start + 1}); save the file as UTF-8"))
            continue
        if number == 1:
            text = text.removeprefix(BOM)
        if BOM in text:
            problems.append(
                Problem(number, None, "a byte-order mark (BOM) inside the file; only one at the very start is allowed")
            )
            continue
        if not text.strip():
            continue
        try:
            yield number, parse_line(text)
        except LineError as error:
            problems.append(Problem(number, error.field, error.reason))


def sniff_format(head: bytes) -> str | None:
    """Return a plain-words name of a file that is clearly not JSON Lines (XLSX, CSV), else None."""
    if head.startswith(b"PK\x03\x04"):
        return "an Excel/ZIP file (XLSX?); import takes JSON Lines — use import-ledger for Excel ledgers"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old Excel file (XLS); import takes JSON Lines"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16 text (it starts with an FF FE byte-order mark); save the file as UTF-8"
    first = head.lstrip(BOM.encode()).lstrip()
    first_line = head.split(b"\n", 1)[0]
    if first and not first.startswith((b"{", b"[")) and b"," in first_line and b"\0" not in first_line:
        return "a CSV file, it seems; import takes JSON Lines (one JSON object per line)"
    return None
