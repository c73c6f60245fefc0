"""Table 二 (主动公开政府信息情况) as grids, one per 第二十条 item, in the layout of the published reports.

Each block prints as the seed prints it: the item (第二十条第（一）项) across the block, then 信息内容 and the
block's column labels, then one line per row. The layout is domain/proactive.py's, chosen by the report's format.
"""

from __future__ import annotations

from domain.proactive import ITEM_HEADER, Block, blocks
from projections.render.grid import Cell, Grid, Kind
from projections.render.rows import Report, table_format

LABEL_SHARE = 0.3  # the item column's share of the table's width; the figures share the rest equally


def block_grid(block: Block, figures: Report) -> Grid:
    """Return one block of table 二: the item heading, the column labels, then each row with its figures."""
    width = 1 + len(block.columns)
    cells = [
        Cell(0, 0, Kind.HEAD, block.item, colspan=width),
        Cell(1, 0, Kind.HEAD, ITEM_HEADER),
        *(Cell(1, 1 + j, Kind.HEAD, column.label) for j, column in enumerate(block.columns)),
    ]
    for i, row in enumerate(block.rows, 2):
        cells.append(Cell(i, 0, Kind.LABEL, row.label))
        for j, column in enumerate(block.columns, 1):
            figure = figures.get(row.code, {}).get(column.code, column.zero())
            cells.append(Cell(i, j, Kind.VALUE, str(figure), value=figure if isinstance(figure, int) else None))
    return Grid(2 + len(block.rows), width, 2, tuple(cells))


def proactive_grids(report: Report) -> list[Grid]:
    """Return table 二 of a whole annual report as one grid per block, in the report's format."""
    figures = report["proactive"]
    return [block_grid(block, figures) for block in blocks(table_format(report))]


def proactive_widths(grid: Grid, total: float) -> list[float]:
    """Return a block's column widths summing to `total` (mm or per cent): the item column, then equal figures."""
    first = total * LABEL_SHARE
    return [first, *([(total - first) / (grid.cols - 1)] * (grid.cols - 1))]
