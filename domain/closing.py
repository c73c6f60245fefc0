"""Closed years (年度结账): which facts of an application a closed year's tables count, and the hash of those tables.

Pure: a year's tables are the contract JSON of docs/tables.md; the projection computes them, this module only
says how they are fingerprinted and whether a step would change what a closed year counted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

# Keys of the report JSON that are not the tables (the agency's name may change without changing a number).
_NOT_TABLES = frozenset({"agency", "closed_year"})


def tables_of(report: Mapping[str, object]) -> dict[str, object]:
    """Return the part of a report that a close freezes: year, format, agency code, tables 三 and 四, fees."""
    return {key: value for key, value in report.items() if key not in _NOT_TABLES}


def tables_hash(report: Mapping[str, object]) -> str:
    """Return the sha256 of a report's tables as canonical JSON (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(tables_of(report), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class YearClose:
    """A closed year: the day it was closed and the tables it froze."""

    year: int
    closed_on: dt.date
    sha256: str
    report: Mapping[str, object]
