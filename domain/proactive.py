"""Table 二 (主动公开政府信息情况): its layout in both formats, and the checks of its figures (pure; docs/tables.md).

The figures come from other offices of the agency (the 第二十条 items the 条例 makes public) and are recorded with
`proactive_figures_recorded`. The layout follows the report year as tables 三 and 四 do (`TableFormat.for_year`):
国办公开办函〔2019〕60号 for report years up to 2020, 国办公开办函〔2021〕30号 from 2021. Each block is one
第二十条 item with its rows and columns; a figure is `figures[row][column]`:

- `count`: a whole number ≥ 0;
- `change`: a whole number that may be negative (本年增/减);
- `money`: a decimal string ≥ 0 (`amount_10k_yuan` in 万元, up to four decimals; `amount_yuan` in 元, up to two).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from domain.codes import TableFormat
from domain.messages import Message, zh_en

COUNT, CHANGE, MONEY = "count", "change", "money"
ITEM_HEADER = "信息内容"  # the first column's heading in every block
MAX_FIGURE = 10**9  # a count no office reaches: a typing slip, not a figure

Figure = int | str  # a count or change (int), or money (decimal string)
Figures = dict[str, dict[str, Figure]]  # row code -> column code -> figure


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a block: its code, its official label, what it holds, and other labels a clerk may type."""

    code: str
    label: str
    kind: str = COUNT
    aliases: tuple[str, ...] = ()
    decimals: int = 0  # money only: the most decimals it may have

    def zero(self) -> Figure:
        """Return the figure of a column where nothing is recorded."""
        return "0" if self.kind == MONEY else 0


@dataclass(frozen=True, slots=True)
class Row:
    """A row of a block: its code, its official label, and other labels a clerk may type."""

    code: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Block:
    """One 第二十条 item of table 二: its heading, rows and columns (every row has every column of its block)."""

    item: str
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]


def _block(item: str, rows: tuple[Row, ...], columns: tuple[Column, ...]) -> Block:
    return Block(item, rows, columns)


_DECISIONS_2021 = Column("decisions", "本年处理决定数量", aliases=("处理决定数量",))
_ITEMS_2019 = (
    Column("items_last_year", "上一年项目数量"),
    Column("change", "本年增/减", CHANGE, aliases=("本年增减",)),
    Column("decisions", "处理决定数量", aliases=("本年处理决定数量",)),
)
_REGULATIONS = Row("regulations", "规章")
_LICENSING = Row("licensing", "行政许可")
_PENALTIES, _ENFORCEMENT = Row("penalties", "行政处罚"), Row("enforcement", "行政强制")
_FEES = Row("fees", "行政事业性收费")

LAYOUTS: dict[TableFormat, tuple[Block, ...]] = {
    TableFormat.F2021: (
        _block(
            "第二十条第（一）项",
            (_REGULATIONS, Row("normative_documents", "行政规范性文件", ("规范性文件",))),
            (
                Column("issued", "本年制发件数"),
                Column("repealed", "本年废止件数"),
                Column("in_force", "现行有效件数"),
            ),
        ),
        _block("第二十条第（五）项", (_LICENSING,), (_DECISIONS_2021,)),
        _block("第二十条第（六）项", (_PENALTIES, _ENFORCEMENT), (_DECISIONS_2021,)),
        _block(
            "第二十条第（八）项",
            (_FEES,),
            (Column("amount_10k_yuan", "本年收费金额（单位：万元）", MONEY, ("本年收费金额",), decimals=4),),
        ),
    ),
    TableFormat.F2019: (
        _block(
            "第二十条第（一）项",
            (_REGULATIONS, Row("normative_documents", "规范性文件", ("行政规范性文件",))),
            (
                Column("made", "本年新制作数量"),
                Column("published", "本年新公开数量"),
                Column("total_public", "对外公开总数量"),
            ),
        ),
        _block("第二十条第（五）项", (_LICENSING, Row("other_services", "其他对外管理服务事项")), _ITEMS_2019),
        _block("第二十条第（六）项", (_PENALTIES, _ENFORCEMENT), _ITEMS_2019),
        _block("第二十条第（八）项", (_FEES,), _ITEMS_2019[:2]),
        _block(
            "第二十条第（九）项",
            (Row("procurement", "政府集中采购"),),
            (Column("projects", "采购项目数量"), Column("amount_yuan", "采购总金额", MONEY, decimals=2)),
        ),
    ),
}


def blocks(table_format: TableFormat) -> tuple[Block, ...]:
    """Return table 二's blocks in a format, in the order they are printed."""
    return LAYOUTS[table_format]


def row_columns(table_format: TableFormat) -> dict[str, tuple[Row, tuple[Column, ...]]]:
    """Return each row code of a format with its row and its block's columns, in printed order."""
    return {row.code: (row, block.columns) for block in LAYOUTS[table_format] for row in block.rows}


def empty_figures(table_format: TableFormat) -> Figures:
    """Return every row and column of a format's table 二, each 0 (money "0"): nothing recorded."""
    return {
        code: {column.code: column.zero() for column in columns}
        for code, (_, columns) in row_columns(table_format).items()
    }


def filled(table_format: TableFormat, recorded: Mapping[str, Mapping[str, Figure]]) -> Figures:
    """Return the whole table 二 of a format: the recorded figures, 0 wherever nothing is recorded."""
    table = empty_figures(table_format)
    for row, values in recorded.items():
        if row in table:
            table[row].update({column: value for column, value in values.items() if column in table[row]})
    return table


def replaced_rows(held: Mapping[str, Mapping[str, Figure]], new: Mapping[str, Mapping[str, Figure]]) -> Figures:
    """Return the year's figures after a record: each row it names replaces the row held, other rows stay."""
    return {**{row: dict(values) for row, values in held.items()}, **{row: dict(v) for row, v in new.items()}}


# -- reading what a clerk typed ------------------------------------------------------------------------


def row_code(table_format: TableFormat, name: str) -> str | None:
    """Return the row code a code or Chinese label names in a format, None if none."""
    for code, (row, _) in row_columns(table_format).items():
        if name in (code, row.label, *row.aliases):
            return code
    return None


def column_code(table_format: TableFormat, row: str, name: str) -> str | None:
    """Return the column code a code or Chinese label names in a row of a format, None if none."""
    for column in row_columns(table_format)[row][1]:
        if name in (column.code, column.label, *column.aliases):
            return column.code
    return None


def format_for(year: int) -> TableFormat:
    """Return the table 二 layout of a report year (the same as tables 三 and 四)."""
    return TableFormat.for_year(year)


# -- checking recorded figures -----------------------------------------------------------------------


class FigureError(ValueError):
    """Figures that do not fit the year's table 二: `where` names the row (and column), the message says why."""

    def __init__(self, where: str, reason: Message, *, other_format: bool = False) -> None:
        self.where, self.reason, self.other_format = where, reason, other_format
        super().__init__(Message(f"{where}：{reason.zh}", f"{where}: {reason.en}"))


def _other_format(table_format: TableFormat) -> TableFormat:
    return TableFormat.F2019 if table_format is TableFormat.F2021 else TableFormat.F2021


def _listing(names: list[str]) -> str:
    return "，".join(names)


def check_figures(year: int, figures: object) -> Figures:
    """Return figures that fit the year's table 二, or raise FigureError naming the row and column and why.

    At least one row; every row and column a code of the year's format (a key of the other format is named as
    such); counts whole numbers ≥ 0, `change` any whole number, money a decimal string ≥ 0. A row may name only
    some of its columns: the others read 0 until recorded.
    """
    table_format = format_for(year)
    layout = row_columns(table_format)
    if not isinstance(figures, dict) or not figures:
        raise FigureError(
            "figures",
            zh_en(
                f'应为至少一行的对象，例如 {{"{next(iter(layout))}": {{…}}}}',
                "an object of at least one row is required",
            ),
        )
    checked: Figures = {}
    for row, values in figures.items():
        if row not in layout:
            raise _unknown_row(year, table_format, str(row))
        columns = {column.code: column for column in layout[row][1]}
        if not isinstance(values, dict) or not values:
            raise FigureError(
                row,
                zh_en(
                    f"应为至少一栏的对象；可填：{_listing(list(columns))}",
                    f"an object of at least one column is required: {', '.join(columns)}",
                ),
            )
        checked[row] = {}
        for name, value in values.items():
            column = columns.get(name)
            if column is None:
                raise _unknown_column(year, table_format, row, str(name), list(columns))
            checked[row][name] = check_figure(f"{row}.{name}", column, value)
    return checked


def _unknown_row(year: int, table_format: TableFormat, row: str) -> FigureError:
    known = _listing([f"{code} {found.label}" for code, (found, _) in row_columns(table_format).items()])
    if row in row_columns(_other_format(table_format)):
        return FigureError(
            row,
            zh_en(
                f"{year} 年度报告用 {table_format} 版表二，没有 {row} 这一行"
                f"（它属于 {_other_format(table_format)} 版）；可填：{known}",
                f"the {year} report uses the {table_format} layout of table 2, which has no row {row}",
            ),
            other_format=True,
        )
    return FigureError(row, zh_en(f"表二没有 {row} 这一行；可填：{known}", f"table 2 has no row {row!r}"))


def _unknown_column(year: int, table_format: TableFormat, row: str, name: str, known: list[str]) -> FigureError:
    where = f"{row}.{name}"
    other = row_columns(_other_format(table_format)).get(row)
    if other is not None and name in {column.code for column in other[1]}:
        return FigureError(
            where,
            zh_en(
                f"{year} 年度报告用 {table_format} 版表二，{row} 行没有 {name} 栏（它属于 "
                f"{_other_format(table_format)} 版）；可填：{_listing(known)}",
                f"the {year} report uses the {table_format} layout of table 2: row {row} has no column {name}",
            ),
            other_format=True,
        )
    return FigureError(
        where, zh_en(f"{row} 行没有 {name} 栏；可填：{_listing(known)}", f"row {row} has no column {name!r}")
    )


def check_figure(where: str, column: Column, value: object) -> Figure:
    """Return one figure if it fits its column, or raise FigureError saying why."""
    if column.kind == MONEY:
        return _check_money(where, column, value)
    if type(value) is not int:  # not bool, not a float, not text: the import format's numbers are JSON integers
        raise FigureError(where, zh_en(f"{value!r} 不是整数", f"{value!r} is not a whole number"))
    if column.kind == COUNT and value < 0:
        raise FigureError(
            where, zh_en(f"{value} 为负数：{column.label}不能为负", f"{value} is negative: {column.code} cannot be")
        )
    if abs(value) > MAX_FIGURE:
        raise FigureError(where, zh_en(f"{value} 超出允许的最大值", f"{value} is beyond any real figure"))
    return value


def _check_money(where: str, column: Column, value: object) -> str:
    pattern = rf"\d{{1,12}}(\.\d{{1,{column.decimals}}})?" if column.decimals else r"\d{1,12}"
    if not isinstance(value, str):
        raise FigureError(
            where, zh_en(f'金额应写成文本，例如 "12.5"，而不是 {value!r}', 'money is a decimal string such as "12.5"')
        )
    if not re.fullmatch(pattern, value):
        raise FigureError(
            where,
            zh_en(
                f"{value!r} 不是金额：应为不小于 0 的数字，最多 {column.decimals} 位小数",
                f"{value!r} is not an amount (a number ≥ 0, at most {column.decimals} decimals)",
            ),
        )
    return value
