"""Lay out small SVG bar charts (geometry only; the HTML template draws them)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from projections.render.rows import Report, outcome_codes, table3_rows, table_format

# (month "YYYY-MM", received, answered)
MonthlyPoint = tuple[str, int, int]

WIDTH, PLOT_TOP, PLOT_HEIGHT, MARGIN = 640, 36, 160, 40
BASELINE = PLOT_TOP + PLOT_HEIGHT
HEIGHT = BASELINE + 48
_TRAILING_NOTE = re.compile(r"(?<=[^）])（[^）]*）$")


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its box in SVG user units, the count it shows and its series (0 or 1, for the colour)."""

    x: float
    y: float
    width: float
    height: float
    value: int
    label: str
    series: int


@dataclass(frozen=True, slots=True)
class Tick:
    """A category label under the x axis, centred on x."""

    x: float
    label: str


@dataclass(frozen=True, slots=True)
class BarChart:
    """A vertical bar chart: title, legend (one name per series), bars and category ticks."""

    title: str
    legend: tuple[str, ...]
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = BASELINE
    left: int = MARGIN


def _layout(title: str, legend: tuple[str, ...], groups: Sequence[tuple[str, Sequence[int]]]) -> BarChart:
    slot = (WIDTH - 2 * MARGIN) / max(len(groups), 1)
    bar_width = slot * 0.8 / len(legend)
    top = max((v for _, values in groups for v in values), default=0) or 1
    bars, ticks = [], []
    for i, (category, values) in enumerate(groups):
        start = MARGIN + i * slot + slot * 0.1
        for s, value in enumerate(values):
            height = PLOT_HEIGHT * value / top
            x = start + s * bar_width
            bars.append(Bar(x, BASELINE - height, bar_width, height, value, f"{category} {legend[s]}", s))
        ticks.append(Tick(MARGIN + (i + 0.5) * slot, category))
    return BarChart(title, legend, tuple(bars), tuple(ticks))


def _month_label(month: str, one_year: bool) -> str:
    return f"{int(month[5:7])}月" if one_year else month


def monthly_chart(series: Sequence[MonthlyPoint]) -> BarChart:
    """Lay out received and answered applications per month."""
    one_year = len({month[:4] for month, _, _ in series}) <= 1
    groups = [(_month_label(month, one_year), (received, answered)) for month, received, answered in series]
    return _layout("每月收到和答复的申请", ("收到", "答复"), groups)


def short_label(label: str) -> str:
    """Return a label without its trailing full-width note: （二）部分公开（区分处理的…） → （二）部分公开."""
    return _TRAILING_NOTE.sub("", label)


def outcome_chart(report: Report) -> BarChart:
    """Lay out the applications handled in each outcome category (（一）…（六）), total column."""
    fmt, counts = table_format(report), report["applications"]
    outcomes = set(outcome_codes(fmt))
    totals: dict[str, int] = {}
    for row in table3_rows(fmt):
        if row.code in outcomes:
            category = short_label(row.subgroup or row.label)
            totals[category] = totals.get(category, 0) + counts[row.code]["total"]
    return _layout("办理结果分类", ("总计",), [(category, (n,)) for category, n in totals.items()])
