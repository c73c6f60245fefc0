"""A clerk's month typed entirely with the official Chinese labels, through the installed `gongkai`.

Every code is given as its label (网上申请, 自然人, 第三方, 部分公开, 行政复议, 结果维持 …); the tables come out as
if the English codes had been typed. The exit statuses mean one thing: 0 done, 1 refused by the rules, 2 a value
that cannot be parsed; on 1 and 2 nothing is written.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.conftest import Runner, stored_events

CASE = "甬鄞复〔2026〕7号"


def _json(result: Any) -> Any:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _refused(gongkai: Runner, db: str, status: int, *args: str) -> str:
    """Run a command that must fail with `status`, check that nothing was written, and return its stderr."""
    before = stored_events(db)
    result = gongkai(*args)
    assert result.returncode == status, (args, result.stdout, result.stderr)
    assert stored_events(db) == before, f"{args} wrote to the store"
    assert result.stdout == ""
    return str(result.stderr)


def test_a_clerks_month_in_chinese_labels(gongkai: Runner, db: str) -> None:
    month = [
        ("agency-name", "宁波市鄞州区司法局", "--date", "2026-10-08"),
        ("receive", "YZ-2026-0101", "--date", "2026-10-09", "--channel", "网上申请", "--applicant-type", "自然人"),
        ("register", "YZ-2026-0101", "--date", "2026-10-12"),
        ("request-correction", "YZ-2026-0101", "--date", "2026-10-13", "--until", "2026-10-23"),
        ("correction-received", "YZ-2026-0101", "--date", "2026-10-15"),
        ("consult", "YZ-2026-0101", "--date", "2026-10-16", "--party", "第三方"),
        ("consult-end", "YZ-2026-0101", "--date", "2026-10-20", "--party", "第三方"),
        ("extend", "YZ-2026-0101", "--date", "2026-10-21", "--approved-by", "张主任"),
        ("notify-fee", "YZ-2026-0101", "--date", "2026-10-22", "--amount", "100.00"),
        ("fee-paid", "YZ-2026-0101", "--date", "2026-10-23"),
        ("answer", "YZ-2026-0101", "--date", "2026-10-28", "--outcome", "部分公开"),
        ("receive", "YZ-2026-0102", "--date", "2026-10-12", "--channel", "当面提交", "--applicant-type", "商业企业"),
        ("register", "YZ-2026-0102", "--date", "2026-10-13"),
        ("answer", "YZ-2026-0102", "--date", "2026-10-19", "--outcome", "本机关不掌握相关政府信息"),
        ("appeal", "YZ-2026-0102", "--date", "2026-10-26", "--case", CASE, "--kind", "行政复议"),
        ("decide-appeal", CASE, "--date", "2026-10-30", "--result", "结果维持"),
        ("file-monthly", "2026-10", "--date", "2026-11-02"),
    ]
    for args in month:
        result = gongkai(*args)
        assert result.returncode == 0, (args, result.stderr)
        assert "已记录" in result.stderr or args[0] == "agency-name", result.stderr
    recorded = stored_events(db)

    report = _json(gongkai("report", "monthly", "2026-10", "--format", "json"))
    rows = report["applications"]
    assert report["month"] == "2026-10" and report["agency"] == "宁波市鄞州区司法局"
    assert rows["new"] == {**rows["new"], "natural_person": 1, "commercial_enterprise": 1, "total": 2}
    assert rows["partially_disclosed"]["natural_person"] == 1
    assert rows["unavailable_not_held"]["commercial_enterprise"] == 1
    assert rows["total_handled"]["total"] == 2 and rows["carried_out"]["total"] == 0
    assert report["appeals"]["reconsideration"] == {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1}
    assert report["fees_collected"] == "100.00"
    shown = gongkai("report", "monthly", "2026-10")
    assert shown.returncode == 0 and "部分公开" in shown.stdout and "行政复议" in shown.stdout

    # Refused by the rules (exit 1): says why in Chinese, names the command that puts it right.
    second = _refused(gongkai, db, 1, "answer", "YZ-2026-0101", "--date", "2026-10-29", "--outcome", "予以公开")
    assert "未记录任何内容" in second and "不能再次答复" in second and "gongkai correct" in second
    assert "line 1" not in second and "第 1 行" not in second and "`corrected`" not in second
    # A value that cannot be parsed (exit 2): a malformed or impossible date, an unknown code, a bad month.
    impossible = _refused(gongkai, db, 2, "register", "YZ-2026-0101", "--date", "2026-02-30")
    assert "日历上没有 2026-02-30 这一天" in impossible
    malformed = _refused(gongkai, db, 2, "register", "YZ-2026-0101", "--date", "2026/10/12")
    assert "不是 YYYY-MM-DD 格式的日期" in malformed
    unknown = _refused(gongkai, db, 2, "answer", "YZ-2026-0103", "--outcome", "其他处理")
    assert "没有代码或名称 '其他处理'" in unknown and "other 其他" in unknown
    assert "不是 YYYY-MM 格式的月份" in _refused(gongkai, db, 2, "report", "monthly", "2026-13")
    assert "不是金额" in _refused(gongkai, db, 2, "notify-fee", "YZ-2026-0101", "--amount", "一百元")
    assert stored_events(db) == recorded

    # 报备 on time and late, as `show --format json` gives them (docs/command-line.md)
    on_time = _json(gongkai("show", "YZ-2026-0101", "--format", "json"))
    assert on_time["registered"] == "2026-10-12" and on_time["registration_late"] is False
    assert [event["event"] for event in on_time["events"]][:2] == ["received", "registered"]
    late = ("receive", "YZ-2026-0103", "--date", "2026-11-02", "--channel", "电子邮件", "--applicant-type", "其他")
    assert gongkai(*late).returncode == 0
    assert gongkai("register", "YZ-2026-0103", "--date", "2026-11-06").returncode == 0  # due Wed 11-04
    shown_late = _json(gongkai("show", "YZ-2026-0103", "--format", "json"))
    assert shown_late["registration_due"] == "2026-11-04" and shown_late["registration_late"] is True


def test_an_import_line_may_give_labels_and_names_its_line_when_refused(gongkai: Runner, db: str) -> None:
    good = {"request": "YZ-2026-0201", "date": "2026-10-09"}
    lines = [
        {"event": "received", **good, "channel": "邮寄", "applicant_type": "法律服务机构"},
        {"event": "answered", **good, "date": "2026-10-20", "outcome": "属于国家秘密"},
    ]
    bad = {"event": "received", "request": "YZ-2026-0202", "date": "2026-10-09", "channel": "微信"}
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in [*lines, {**bad, "applicant_type": "自然人"}])
    refused = gongkai("import", "-", stdin=text + "\n")
    assert refused.returncode == 1 and stored_events(db) == 0
    assert "第 3 行，字段 channel：没有代码或名称 '微信'" in refused.stderr
    assert "line 3, field channel: unknown code '微信'" in refused.stderr

    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    assert gongkai("import", "-", stdin=text + "\n").returncode == 0
    again = gongkai("import", "-", stdin=text.replace("邮寄", "mail") + "\n")  # the label was stored as its code
    assert again.returncode == 0 and "2 条已在库中" in again.stderr
    report = _json(gongkai("report", "annual", "2026", "--format", "json"))
    assert report["applications"]["withheld_state_secret"]["legal_service_org"] == 1


def test_help_version_and_completion_speak_codes_and_labels(gongkai: Runner, db: str) -> None:
    version = gongkai("--version")
    assert version.returncode == 0 and version.stdout.startswith("gongkai ")
    helped = gongkai("answer", "--help")
    assert helped.returncode == 0 and "partially_disclosed 部分公开" in helped.stdout and "other 其他" in helped.stdout
    gongkai(
        "receive", "YZ-2026-0301", "--date", "2026-10-09", "--channel", "传真", "--applicant-type", "自然人", check=True
    )

    def complete(words: str) -> list[str]:
        env = {"_GONGKAI_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1)}
        result = gongkai(env=env)
        assert result.returncode == 0, result.stderr
        return [line.split(",", 1)[1] for line in result.stdout.splitlines()]

    assert complete("gongkai answer YZ-2026-03") == ["YZ-2026-0301"]
    assert "部分公开" in complete("gongkai answer YZ-2026-0301 --outcome 部分")
    assert complete("gongkai receive X --channel onl") == ["online"]


def test_an_agency_refusal_names_the_real_code_and_a_repeated_name_is_already_recorded(
    gongkai: Runner, db: str, tmp_path: Path
) -> None:
    gongkai("agency-name", "宁波市鄞州区司法局", check=True)
    gongkai("agency-code", "YZSFJ", check=True)
    (tmp_path / "overview.txt").write_text("2027年概述。", encoding="utf-8")
    refused = _refused(gongkai, db, 1, "record-text", "2027", "一", "--file", "overview.txt")
    assert "机关 YZSFJ：2027 年度报告的内容不能在 2026-11-25 记录" in refused and "DEFAULT" not in refused
    unknown = _refused(gongkai, db, 1, "answer", "YZ-404", "--outcome", "予以公开")
    assert "机关 YZSFJ 没有收到过受理编号为 YZ-404 的申请" in unknown and "DEFAULT" not in unknown
    before = stored_events(db)
    again = gongkai("agency-name", "宁波市鄞州区司法局", "--date", "2026-11-20")
    assert again.returncode == 0 and stored_events(db) == before  # the name it has: nothing written, any day
    assert again.stderr.startswith("机关 YZSFJ 的名称已是 宁波市鄞州区司法局，未重复记录")
    assert "已记录" not in again.stderr
    renamed = gongkai("agency-name", "宁波市鄞州区司法局（新）", check=True)
    assert renamed.stderr.startswith("已记录机关名称") and stored_events(db) == before + 1


def test_clicks_own_usage_errors_and_help_speak_chinese_first(gongkai: Runner, db: str) -> None:
    cases = [
        (("receive", "YZ-1", "--colour", "红"), "错误 / error: 没有选项 --colour / No such option '--colour'"),
        (("receive",), "错误 / error: 缺少参数 '受理编号/NUMBER' / Missing argument"),
        (("recieve", "YZ-1"), "错误 / error: 没有命令 recieve；是否要用 receive？ / No such command 'recieve'"),
        (("info", "多余"), "错误 / error: 多余的参数：多余 / Got unexpected extra argument (多余)"),
        (("due", "--as-of"), "错误 / error: 选项 --as-of 后面要写它的值 / Option '--as-of' requires an argument"),
        (("report", "annual"), "错误 / error: 缺少参数 'YYYY' / Missing argument 'YYYY'"),
    ]
    for args, said in cases:
        stderr = _refused(gongkai, db, 2, *args)
        assert said in stderr, stderr
        assert re.match(r"[\u4e00-\u9fff]", stderr), stderr  # the first word a clerk reads is Chinese
        assert "Error:" not in stderr and "Try '" not in stderr
    stderr = _refused(gongkai, db, 2, "receive", "YZ-1", "--colour", "红")
    assert (
        stderr.startswith("用法 Usage: gongkai receive [OPTIONS]") and "帮助 / help: gongkai receive --help" in stderr
    )
    for args in (("--help",), ("report", "--help"), ("receive", "-h")):
        shown = gongkai(*args, check=True).stdout
        assert shown.startswith("用法 Usage: gongkai") and "选项 Options:" in shown
        assert "-h, --help" in shown and "显示本帮助后退出 show this message and exit" in shown
        assert "Show this message" not in shown and "\nOptions:" not in shown and "\nUsage:" not in shown
    assert "命令 Commands:" in gongkai("--help", check=True).stdout
    bare = gongkai("report")
    assert bare.returncode == 2 and "命令 Commands:" in bare.stdout + bare.stderr
