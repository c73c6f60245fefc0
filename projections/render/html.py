"""Render tables 三 and 四 as a standalone HTML5 page with merged header cells and small SVG charts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from projections.render.balance import check_balance
from projections.render.charts import BarChart, MonthlyPoint, monthly_chart, outcome_chart
from projections.render.grid import Grid, table3_grid, table3_print_widths, table4_grid, table4_print_widths
from projections.render.rows import TABLE3_TITLE, TABLE4_TITLE, Report, fees_text, title


@dataclass(frozen=True, slots=True)
class _Section:
    heading: str
    css: str
    grid: Grid
    widths: tuple[float, ...]


@cache
def environment() -> Environment:
    """Return the Jinja2 environment of the HTML templates (autoescaped, strict)."""
    return Environment(
        loader=PackageLoader("projections.render", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(report: Report, *, monthly_series: Sequence[MonthlyPoint] | None = None) -> str:
    """Return a standalone HTML page of a balanced report's tables 三 and 四, with optional monthly chart."""
    check_balance(report)
    sections = [
        _Section(TABLE3_TITLE, "table3", table3_grid(report), table3_print_widths()),
        _Section(TABLE4_TITLE, "table4", table4_grid(report), table4_print_widths()),
    ]
    charts: list[BarChart] = [outcome_chart(report)]
    if monthly_series:
        charts.insert(0, monthly_chart(monthly_series))
    page = environment().get_template("report.html")
    return page.render(title=title(report), sections=sections, fees=fees_text(report), charts=charts)
