"""Files a command writes with `-o`: private like the store (0600) unless GONGKAI_FILE_MODE says otherwise, and
written whole or not at all (a temporary file beside the target, renamed over it once complete).

Exports and documents hold applicants' names and subjects in clear, even from an encrypted store, so no other
user may read them by default; the umask plays no part (the mode is set on the open file).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from domain.errors import InvalidInputError


@contextmanager
def output_file(path: str | os.PathLike[str], *, binary: bool = False, mode: int | None = None) -> Iterator[IO[Any]]:
    """Yield a stream for `path`, created with the output mode; the file appears only if the block completes."""
    from service.settings import output_file_mode

    target = Path(path)
    chosen = output_file_mode() if mode is None else mode
    if target.exists() and not target.is_file():  # /dev/stdout, a pipe: written in place, its mode is not ours
        with _opened(target, binary) as stream:
            yield stream
        return
    try:
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    except OSError as error:
        raise InvalidInputError([f"-o {target}: 无法写入该位置 / cannot write there ({error.strerror})"]) from None
    try:
        os.fchmod(descriptor, chosen)
        with (
            os.fdopen(descriptor, "wb")
            if binary
            else os.fdopen(descriptor, "w", encoding="utf-8", newline="") as stream
        ):
            yield stream
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _opened(target: Path, binary: bool) -> IO[Any]:
    try:
        return target.open("wb") if binary else target.open("w", encoding="utf-8", newline="")
    except OSError as error:
        raise InvalidInputError([f"-o {target}: 无法写入 / cannot write ({error.strerror})"]) from None
