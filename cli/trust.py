"""`verify`, `erase-applicant` and `new-key`: the tamper-evident log and the protection of personal data."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

import click

from cli.context import EXIT_REFUSED, fail, refusals, tracker
from domain.messages import zh_en


@click.command()
@click.option("--since-close", is_flag=True, help="从最近一次年度结账起 check from the latest close-year on")
@click.option("--anchor", metavar="POSITION:HASH", help="核对公布的链头 check a published head (e.g. from a report)")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="输出格式 output format",
)
@click.pass_context
@refusals
def verify(ctx: click.Context, since_close: bool, anchor: str | None, fmt: str) -> None:
    """校验 Check that no stored event was edited, deleted or inserted behind the application's back."""
    from storage.chain import chain_reader, last_close, link_of, name_event, verify_store

    with tracker(ctx) as t:
        close = last_close(t.app) if since_close else None
        verdict = verify_store(t.app, since=close[0] if close else 0)
        anchored = None
        if anchor and verdict.problem is None:
            position, _, expected = anchor.partition(":")
            if not position.isdigit() or not expected:
                raise click.BadParameter(
                    zh_en("请按 verify 的输出写成 位置:哈希", "give POSITION:HASH, as `verify` prints it"),
                    param_hint="--anchor",
                )
            anchored = link_of(t.app, int(position)) == expected.strip().lower()
        name = name_event(t.app, verdict.problem) if verdict.problem else None
        at_close = chain_reader(t.app).link_at(close[0]) if close and not verdict.problem else None
    data = {
        "ok": verdict.problem is None and anchored is not False,
        "events_checked": verdict.checked,
        "from_position": verdict.start,
        "head": {"position": verdict.position, "hash": verdict.head},
        "since_close": {"year": close[1], "position": close[0], "hash": at_close.hex() if at_close else None}
        if close
        else None,
        "anchor_matches": anchored,
        "problem": verdict.problem.describe(name) if verdict.problem else None,
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
    if verdict.problem:
        fail(
            zh_en(
                f"事项日志被绕过本程序改动过：{data['problem']}",
                "the event log was changed behind the application's back (see above)",
            )
        )
    if anchored is False:
        fail(
            zh_en(
                f"公布的链头 {anchor} 与本日志不符：该位置之前的内容被改写过",
                f"the published head {anchor} does not match this log: it was rewritten before that position",
            )
        )
    if fmt == "text":
        start = "from the first event"
        if close and at_close:
            start = f"from the close of {close[1]}, whose chain head is #{close[0]} sha256 {at_close.hex()}"
        click.echo(
            f"完整 intact: {verdict.checked} events checked {start}; "
            f"head #{verdict.position} sha256 {verdict.head}" + ("; the published head matches" if anchored else "")
        )


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
        raise click.UsageError(
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
