"""`verify`, `erase-applicant` and `new-key`: the tamper-evident log and the protection of personal data."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cli.context import EXIT_REFUSED, fail, refusals, tracker
from cli.params import ClerkUsageError, format_option
from domain.messages import zh_en

if TYPE_CHECKING:
    from service.integrity import Anchor


@click.command()
@click.option(
    "--since-close", is_flag=True, help="并核对最近一次年度结账 also print the chain head at the latest close-year"
)
@click.option("--anchor", metavar="POSITION:HASH", help="核对公布的链头 check a published head (e.g. from a report)")
@format_option("text", "json")
@click.pass_context
@refusals
def verify(ctx: click.Context, since_close: bool, anchor: str | None, fmt: str) -> None:
    """校验 Check the log, its chain, the closes' heads and the tables against what was recorded through gongkai."""
    from service.integrity import close_mismatches, cuts, tables_disagree, tables_message, watched
    from storage.chain_verify import close_records, name_event, verify_store

    published = _anchor(anchor) if anchor else None
    with tracker(ctx) as t:
        closes = close_records(t.app)
        verdict = verify_store(t.app, watch=watched(closes, published))
        name = name_event(t.app, verdict.problem) if verdict.problem else None
        problems: list[str] = []
        if verdict.problem:
            problems.append(
                "事件日志被绕过 gongkai 改动 / the event log was changed behind the application's back: "
                + verdict.problem.describe(name)
            )
        problems += cuts(t.app, t.view, verdict, published)
        problems += close_mismatches(closes, verdict) if not verdict.problem else []
        anchored = None
        if published and not problems:
            anchored = verdict.links.get(published.position) == published.hash
            if not anchored:
                problems.append(
                    f"公布的链头与事件日志不符 / the published head {anchor} does not match this log: "
                    "it was rewritten before that position"
                )
        differing = tables_disagree(t) if not problems else None  # a cut or broken log: the fold would mislead
        if differing:
            problems.append(tables_message(differing))
    close = closes[-1] if closes else None
    data = {
        "ok": not problems,
        "events_checked": verdict.checked,
        "from_position": verdict.start,
        "head": {"position": verdict.position, "hash": verdict.head},
        "since_close": {"year": close.year, "position": close.position, "hash": verdict.links.get(close.position)}
        if close and since_close
        else None,
        "anchor_matches": anchored,
        "tables": {"agree": not differing, "differences": differing} if differing is not None else None,
        "problem": problems[0] if problems else None,
        "problems": problems,
    }
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False))
    if since_close and close is None:
        click.echo(
            zh_en(
                "尚无已结账年度（close-year），已核对全部日志",
                "no year has been closed yet (close-year): checked the whole log",
            ),
            err=True,
        )
    if problems:
        for problem in problems[:-1]:
            click.echo(f"错误 error: {problem}", err=True)
        fail(problems[-1])
    if fmt == "text":
        lines: list[str] = [
            str(
                zh_en(
                    f"完整：自第一个事项起核对了 {verdict.checked} 个事项，报表与日志一致",
                    f"intact: {verdict.checked} events checked from the first event; the tables agree with the log",
                )
            )
        ]
        at_close = verdict.links.get(close.position) if close and since_close else None
        if close and at_close:
            lines.append(
                f"{close.year} 年度结账时的链头 / chain head at the close of {close.year}: "
                f"head #{close.position} sha256 {at_close}"
            )
        lines.append(f"当前链头 / head now: head #{verdict.position} sha256 {verdict.head}")
        if anchored:
            lines.append(str(zh_en("与公布的链头一致", "the published head matches")))
        click.echo("\n".join(lines))


def _anchor(text: str) -> Anchor:
    from service.integrity import Anchor

    position, _, expected = text.partition(":")
    if not position.isdigit() or not expected.strip():
        raise click.BadParameter(
            zh_en("请按 verify 的输出写成 位置:哈希", "give POSITION:HASH, as `verify` prints it"),
            param_hint="--anchor",
        )
    return Anchor(int(position), expected.strip().lower())


@click.command("erase-applicant")
@click.argument("requests", nargs=-1)
@click.option("--applicant", help="申请人姓名 erase every application of this applicant (exact name)")
@click.option("--yes", is_flag=True, help="不再确认 do not ask for confirmation")
@click.pass_context
@refusals
def erase_applicant(ctx: click.Context, requests: tuple[str, ...], applicant: str | None, yes: bool) -> None:
    """删除个人信息 Make applicants' personal data unreadable forever (crypto-shredding); tables stay as they are."""
    from storage.crypto import erase_personal_data, requests_of_applicant

    if not requests and not applicant:
        raise ClerkUsageError(
            zh_en("请写明受理编号，或用 --applicant 姓名", "name the applications (受理编号) or give --applicant NAME")
        )
    with tracker(ctx) as t:
        numbers = list(requests) + (requests_of_applicant(t, applicant) if applicant else [])
        if not numbers:
            fail(
                zh_en(
                    f"没有找到申请人 {applicant!r} 的申请（未删除任何内容）",
                    f"no application of applicant {applicant!r} was found (nothing was erased)",
                )
            )
        if not yes and not click.confirm(
            f"永久删除 erase the personal data of {', '.join(numbers)} for ever?", err=True
        ):
            sys.exit(EXIT_REFUSED)
        erased = erase_personal_data(t, numbers, clerk=t.settings.clerk, when=dt.datetime.now(dt.UTC))
    for number, done in erased.items():
        click.echo(f"已删除 erased: {number}" if done else f"{number}：此前已删除 / already erased", err=True)


@click.command("new-key")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def new_key(file: Path) -> None:
    """生成密钥 Write a new master key to FILE (mode 0600); set GONGKAI_CIPHER_KEY_FILE to it, and back it up."""
    from storage.keys import new_key as make_key

    try:
        descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        fail(
            zh_en(
                f"{file} 已存在；密钥文件从不覆盖（丢失密钥就丢失数据）",
                f"{file} exists; a key is never overwritten (losing it loses the data)",
            )
        )
        return
    with os.fdopen(descriptor, "w", encoding="ascii") as out:
        out.write(make_key() + "\n")
    click.echo(
        zh_en(
            f"密钥已写入 {file}（权限 0600），请备份并设置：export GONGKAI_CIPHER_KEY_FILE={file.resolve()}",
            f"key written to {file} (mode 0600): export GONGKAI_CIPHER_KEY_FILE={file.resolve()}",
        ),
        err=True,
    )
