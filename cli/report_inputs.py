"""The office's part of the annual report: table 二's figures, a section's text, and the listing of both."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from typing import TYPE_CHECKING, Any

import click

from cli.context import fail, refusals, tracker
from cli.params import DATE, YEAR, ClerkUsageError, CodeType, Unparseable, format_option
from cli.record import record_line
from domain.codes import TableFormat
from domain.messages import zh_en
from domain.proactive import MONEY, Column, blocks, column_code, format_for, row_code, row_columns
from domain.report_sections import TextSection, section_title

if TYPE_CHECKING:
    from service.report_inputs import AnnualInputs

_WHOLE = re.compile(r"-?\d{1,12}")


# -- table 二 ------------------------------------------------------------------------------------------


def _find(year: int, row_name: str, column_name: str) -> tuple[str, str, Column] | None:
    """Return (row, column, its column) a pair of codes or labels names: in the year's layout, else the other's."""
    chosen = format_for(year)
    for table_format in (chosen, *(f for f in TableFormat if f is not chosen)):
        row = row_code(table_format, row_name)
        if row is None:
            continue
        column = column_code(table_format, row, column_name)
        if column is not None:
            found = next(c for c in row_columns(table_format)[row][1] if c.code == column)
            return row, column, found
    return None


def _figure(text: str, column: Column, option: str, ctx: click.Context) -> int | str:
    """Return a typed figure: money stays a decimal string, a count becomes a whole number (else a usage error)."""
    value = text.strip()
    if column.kind == MONEY:
        return value
    if not _WHOLE.fullmatch(value):
        raise Unparseable(zh_en(f"{option}：{value!r} 不是整数", f"{option}: {value!r} is not a whole number"), ctx=ctx)
    return int(value)


def _parse_rows(ctx: click.Context, year: int, options: tuple[str, ...]) -> dict[str, dict[str, int | str]]:
    """Read `ROW.COLUMN=VALUE` options (codes or Chinese labels) into the line's figures."""
    figures: dict[str, dict[str, int | str]] = {}
    for option in options:
        key, equals, value = option.replace("＝", "=").partition("=")
        row_name, dot, column_name = key.strip().replace("．", ".").partition(".")
        if not (equals and dot and value.strip()):
            raise Unparseable(
                zh_en(
                    f"{option!r} 应写成 行.栏=数值，例如 regulations.issued=3 或 规章.本年制发件数=3",
                    f"{option!r}: write ROW.COLUMN=VALUE, e.g. regulations.issued=3",
                ),
                ctx=ctx,
            )
        found = _find(year, row_name.strip(), column_name.strip())
        if found is None:
            raise Unparseable(
                zh_en(
                    f"表二没有 {key.strip()!r}；可填：{_known(format_for(year))}",
                    f"table 2 has no {key.strip()!r}",
                ),
                ctx=ctx,
            )
        row, column, kind = found
        figures.setdefault(row, {})[column] = _figure(value, kind, option, ctx)
    return figures


def _known(table_format: TableFormat) -> str:
    return "；".join(
        f"{row.code}（{row.label}）." + "/".join(f"{c.code}（{c.label}）" for c in columns)
        for row, columns in row_columns(table_format).values()
    )


def _prompt_rows(year: int, held: dict[str, dict[str, int | str]]) -> dict[str, dict[str, int | str]]:
    """Ask for every figure of the year's table 二, row by row, the current value as the default."""
    figures: dict[str, dict[str, int | str]] = {}
    for block in blocks(format_for(year)):
        click.echo(block.item, err=True)
        for row in block.rows:
            for column in block.columns:
                current = held[row.code][column.code]
                kind: Any = str if column.kind == MONEY else int
                answer = click.prompt(
                    f"  {row.label} · {column.label} ({row.code}.{column.code})", default=current, type=kind, err=True
                )
                figures.setdefault(row.code, {})[column.code] = answer
    return figures


@click.command("record-proactive")
@click.argument("year", type=YEAR)
@click.option(
    "--row",
    "rows",
    multiple=True,
    metavar="ROW.COLUMN=N",
    help="表二的一栏：代码或名称，例如 regulations.issued=3、规章.本年制发件数=3（可重复）/ one figure, repeatable",
)
@click.option(
    "-i", "--interactive", is_flag=True, help="逐行询问表二的每一栏（默认为已记录的数） / ask for every figure in turn"
)
@click.option("--date", "date", type=DATE, help="业务日期 business date YYYY-MM-DD（默认今天 default: today）")
@click.pass_context
@refusals
def record_proactive(ctx: click.Context, year: int, rows: tuple[str, ...], interactive: bool, date: str | None) -> None:
    """表二 Record table 二's figures (主动公开) of a report year; each row named replaces the one held."""
    if not rows and not interactive:
        raise ClerkUsageError(
            zh_en(
                "请用 --row 行.栏=数值 给出数字，或用 -i 逐行填写",
                "give figures with --row ROW.COLUMN=N, or fill them in with -i",
            ),
            ctx=ctx,
        )
    figures = _parse_rows(ctx, year, rows)
    with tracker(ctx) as t:
        if interactive:
            from service.report_inputs import annual_inputs

            figures = {**_prompt_rows(year, annual_inputs(t, year).proactive), **figures}
        line: dict[str, Any] = {"event": "proactive_figures_recorded", "year": year, "figures": figures}
        if date is not None:
            line["date"] = date
        record_line(t, line, f"{year} 年度表二")


# -- the office's text ---------------------------------------------------------------------------------


def _read_text(path: str) -> str:
    """Return a text file's content (- reads stdin): UTF-8, a BOM dropped, line ends as line feeds."""
    try:
        raw = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()  # noqa: SIM115
    except OSError as error:
        fail(zh_en(f"无法读取 {path}：{error.strerror}", f"cannot read {path}: {error.strerror}"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        fail(zh_en(f"{path} 不是 UTF-8 编码的文本", f"{path} is not UTF-8 text"))
    return text.replace("\r\n", "\n").replace("\r", "\n")


@click.command("record-text")
@click.argument("year", type=YEAR)
@click.argument("section", type=CodeType("section"))
@click.option(
    "--file", "path", help="正文文件（UTF-8；- 读标准输入），不给则打开 $EDITOR / the text file; else $EDITOR"
)
@click.option("--date", "date", type=DATE, help="业务日期 business date YYYY-MM-DD（默认今天 default: today）")
@click.pass_context
@refusals
def record_text(ctx: click.Context, year: int, section: str, path: str | None, date: str | None) -> None:
    """正文 Record the office's text of section 一 (overview), 五 (problems) or 六 (other); the latest wins."""
    chosen = TextSection(section)
    with tracker(ctx) as t:
        if path is not None:
            text = _read_text(path)
            if not text.strip():
                shown = "标准输入" if path == "-" else path
                fail(zh_en(f"{shown}：正文不能为空，未记录任何内容", f"{path}: the text is empty; nothing recorded"))
        else:
            from service.report_inputs import annual_inputs

            held = annual_inputs(t, year).texts.get(chosen, "")
            edited = click.edit(held, extension=".txt", require_save=True)
            if edited is None or not edited.strip() or edited == held:
                fail(
                    zh_en(
                        f"编辑器中的正文未保存或未改动，{section_title(chosen, format_for(year))} 未记录",
                        "the text was not saved or not changed in the editor; nothing was recorded",
                    )
                )
            text = edited.replace("\r\n", "\n")
        line: dict[str, Any] = {"event": "report_text_recorded", "year": year, "section": chosen.value}
        line["text"] = text.strip("\n")
        if date is not None:
            line["date"] = date
        record_line(t, line, f"{year} 年度 {section_title(chosen, format_for(year))}")


# -- the listing ---------------------------------------------------------------------------------------


@click.command("report-inputs")
@click.argument("year", type=YEAR)
@format_option("table", "json")
@click.pass_context
@refusals
def report_inputs(ctx: click.Context, year: int, fmt: str) -> None:
    """年报素材 Show a year's table 二 and the office's text, and who recorded which figure and text when."""
    from cli.context import require_store
    from service.report_inputs import annual_inputs

    require_store(ctx)
    with tracker(ctx) as t:
        inputs = annual_inputs(t, year)
    if fmt == "json":
        click.echo(json.dumps(inputs_json(inputs), ensure_ascii=False, indent=2))
    else:
        click.echo(inputs_table(inputs))


def inputs_json(inputs: AnnualInputs) -> dict[str, object]:
    """Return the year's inputs as one JSON object: table 二, the texts, and the records oldest first."""
    history = []
    for record in inputs.history:
        item: dict[str, Any] = {
            "event": record.event,
            "date": record.date.isoformat(),
            "recorded_at": record.recorded_at.isoformat(),
            "clerk": record.clerk,
        }
        if record.figures is not None:
            item["figures"] = record.figures
        if record.section is not None:
            item |= {"section": record.section.value, "text": record.text}
        history.append(item)
    return {
        "year": inputs.year,
        "format": inputs.table_format.value,
        "proactive": inputs.proactive,
        "texts": {section.value: text for section, text in inputs.texts.items()},
        "history": history,
    }


def inputs_table(inputs: AnnualInputs) -> str:
    """Return the year's inputs for a clerk: table 二 by block, each text's start, then who recorded what when."""
    lines = [f"{inputs.year} 年度报告素材（{inputs.table_format} 版表二）/ report inputs", ""]
    layout = row_columns(inputs.table_format)
    for block in blocks(inputs.table_format):
        lines.append(f"{block.item}：")
        for row in block.rows:
            cells = "，".join(f"{c.label} {inputs.proactive[row.code][c.code]}" for c in layout[row.code][1])
            lines.append(f"  {row.label}：{cells}")
    lines.append("")
    for section in TextSection:
        text = inputs.texts.get(section)
        shown = f"{len(text)} 字：{_start(text)}" if text else "（未记录 none）"
        lines.append(f"{section_title(section, inputs.table_format)}：{shown}")
    lines += ["", "记录 / records:"]
    for record in inputs.history:
        when = f"{record.date} {record.clerk}（录入于 {_beijing(record.recorded_at)}）"
        if record.figures is not None:
            named = "，".join(
                f"{layout[row][0].label}.{_column_label(layout[row][1], column)}={value}"
                for row, values in record.figures.items()
                if row in layout
                for column, value in values.items()
            )
            lines.append(f"  {when} 表二：{named}")
        elif record.section is not None and record.text is not None:
            lines.append(f"  {when} {section_title(record.section, inputs.table_format)}：{_start(record.text)}")
    if not inputs.history:
        lines.append("  （无 none）")
    return "\n".join(lines)


def _beijing(timestamp: dt.datetime) -> str:
    """Return when a record was stored, in Beijing time as `show` prints it (stored timestamps are UTC)."""
    from service.settings import SHANGHAI

    aware = timestamp if timestamp.tzinfo else timestamp.replace(tzinfo=dt.UTC)
    return f"{aware.astimezone(SHANGHAI):%Y-%m-%d %H:%M} 北京时间"


def _column_label(columns: tuple[Column, ...], code: str) -> str:
    return next((c.label for c in columns if c.code == code), code)


def _start(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 40 else f"{flat[:40]}…"
