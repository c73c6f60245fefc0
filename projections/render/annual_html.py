"""Render the whole annual report as an HTML page that prints well and can be pasted into a portal page.

The tables are the grids every writer draws (projections/render/grid.py, projections/render/proactive_grid.py);
the page sets A4 with GB/T 9704 margins, fixed column widths and repeated header rows (templates/annual.html).
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.report_sections import paragraphs
from projections.render.annual_docx import closing_line
from projections.render.grid import Grid, table3_grid, table3_print_widths, table4_grid, table4_print_widths
from projections.render.html import environment
from projections.render.proactive_grid import proactive_grids, proactive_widths
from projections.render.rows import Report


@dataclass(frozen=True, slots=True)
class _Table:
    grid: Grid
    css: str
    widths: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class _Section:
    number: str
    title: str
    paragraphs: list[str]
    tables: list[_Table]


def _tables(whole: Report, number: str) -> list[_Table]:
    if number == "二":
        grids = proactive_grids(whole)
        return [_Table(g, "table2", tuple(round(w, 3) for w in proactive_widths(g, 100.0))) for g in grids]
    if number == "三":
        return [_Table(table3_grid(whole), "table3", table3_print_widths())]
    if number == "四":
        return [_Table(table4_grid(whole), "table4", table4_print_widths())]
    return []


def render_annual_html(whole: Report) -> str:
    """Return a checked annual report (projections/annual_report.py) as a standalone HTML page."""
    sections = [
        _Section(s["number"], s["title"], paragraphs(s["text"]), _tables(whole, s["number"])) for s in whole["sections"]
    ]
    closed = whole.get("closed_year")
    page = environment().get_template("annual.html")
    return page.render(
        agency=whole["agency"],
        year=whole["year"],
        sections=sections,
        closed=closing_line(closed) if closed else "",
    )
