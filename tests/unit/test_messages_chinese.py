"""Every message a clerk can see is Chinese first: a new English-only refusal, echo or help text fails here.

The scan reads the source of every package (AST, no import): the text of every string literal given to an error
a clerk meets (every subclass of GongkaiError), to `click.echo`, to `fail`, to a click usage error or as a `help=`,
and the first line of every command's docstring. Text with Latin letters must also hold Chinese; `zh_en(zh, en)`
must have Chinese in `zh`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.labels import CODE_LABELS, LABEL_CODES
from domain.messages import Message, joined, zh_en

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("domain", "service", "cli", "storage", "projections", "scheduler")
CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]")
LATIN = re.compile(r"[A-Za-z]{2,}")
# Calls whose string arguments a clerk reads: errors, refusals, echoes, click's usage errors.
CLERK_CALLS = frozenset(
    {
        "GongkaiError",
        "RefusedError",
        "UnknownRequestError",
        "ClosedYearError",
        "InvalidInputError",
        "CalendarYearUnknown",
        "LedgerError",
        "LineError",
        "Problem",
        "_refuse",
        "fail",
        "echo",
        "secho",
        "BadParameter",
        "UsageError",
        "ClerkUsageError",
        "ClickException",
    }
)
COMMAND_DECORATORS = frozenset({"command", "group"})


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _texts(node: ast.expr) -> Iterator[tuple[int, str]]:
    """Yield the literal text of an argument: constants, f-strings, and what they are joined or chosen from."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.lineno, node.value
    elif isinstance(node, ast.JoinedStr):
        yield node.lineno, "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
    elif isinstance(node, ast.BinOp):
        left, right = list(_texts(node.left)), list(_texts(node.right))
        if left and right:
            yield node.lineno, "".join(text for _, text in left + right)
        else:
            yield from left + right
    elif isinstance(node, ast.IfExp):
        yield from _texts(node.body)
        yield from _texts(node.orelse)
    elif isinstance(node, (ast.List, ast.Tuple)):
        for element in node.elts:
            yield from _texts(element)


# a field name given beside a message (`"date"`) or a settings section (`"[smtp]"`), not prose
IDENTIFIER = re.compile(r"[a-z_]+|\[\[?[a-z_.]+\]\]?")


def _english_only(text: str) -> bool:
    return bool(LATIN.search(text)) and not CJK.search(text) and not IDENTIFIER.fullmatch(text)


def _clerk_errors(paths: list[Path]) -> frozenset[str]:
    """Return the names of gongkai's error classes (every subclass of GongkaiError, found in the source)."""
    bases: dict[str, set[str]] = {}
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases.setdefault(node.name, set()).update(_name(base) for base in node.bases)
    found = {"GongkaiError"}
    while grown := {name for name, of in bases.items() if of & found} - found:
        found |= grown
    return frozenset(found)


def _findings(path: Path, errors: frozenset[str] = frozenset()) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    where = path.relative_to(ROOT)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            called = _name(node.func)
            if called == "zh_en" and node.args:
                for line, text in _texts(node.args[0]):
                    if not CJK.search(text):
                        yield f"{where}:{line}: zh_en without Chinese: {text!r}"
                continue
            if called in CLERK_CALLS or called in errors:
                for argument in [*node.args, *(k.value for k in node.keywords if k.arg in (None, "message"))]:
                    for line, text in _texts(argument):
                        if _english_only(text):
                            yield f"{where}:{line}: English only in {called}(…): {text!r}"
            for keyword in node.keywords:
                if keyword.arg == "help":
                    for line, text in _texts(keyword.value):
                        if _english_only(text):
                            yield f"{where}:{line}: English-only help: {text!r}"
        elif isinstance(node, ast.FunctionDef) and any(
            isinstance(d, ast.Call) and _name(d.func) in COMMAND_DECORATORS for d in node.decorator_list
        ):
            doc = ast.get_docstring(node) or ""
            if not CJK.search(doc.split("\n", 1)[0]):
                yield f"{where}:{node.lineno}: command {node.name} has no Chinese help: {doc[:60]!r}"


def _sources() -> list[Path]:
    return sorted(p for folder in SCANNED for p in (ROOT / folder).rglob("*.py"))


def test_every_message_a_clerk_can_see_has_chinese() -> None:
    sources = _sources()
    errors = _clerk_errors(sources)
    assert {"StoreKeyError", "RefusedError", "ClosedYearError"} <= errors
    found = [finding for path in sources for finding in _findings(path, errors)]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        'raise RefusedError("申请 X", "it was already closed", "use correct")',
        'click.echo(f"recorded {n} events", err=True)',
        'raise click.BadParameter("not a date")',
        '@click.option("--x", help="the x")\ndef f() -> None: ...',
        'zh_en("no Chinese here", "none")',
        '@main.command()\ndef g() -> None:\n    """Do a thing."""',
    ],
)
def test_the_scan_catches_an_english_only_message(source: str, tmp_path: Path) -> None:
    module = ROOT / "cli" / "_scan_probe.py"  # inside the tree, so that it is reported relative to it
    try:
        module.write_text(source, encoding="utf-8")
        assert list(_findings(module))
    finally:
        module.unlink()


def test_the_scan_lets_chinese_first_messages_pass(tmp_path: Path) -> None:
    module = ROOT / "cli" / "_scan_probe_ok.py"
    try:
        module.write_text(
            'raise RefusedError("申请 X", zh_en("已办结", "closed"), "")\n'
            'click.echo(f"已记录 / recorded {n}", err=True)\n'
            '@main.command()\ndef g() -> None:\n    """答复 Record the answer."""\n',
            encoding="utf-8",
        )
        assert list(_findings(module)) == []
    finally:
        module.unlink()


def test_zh_en_renders_chinese_then_english_and_joins_halves() -> None:
    rule, advice = zh_en("已答复", "answered"), zh_en("请用 gongkai correct", "use gongkai correct")
    assert rule == "已答复 / answered" and isinstance(rule, Message)
    assert joined(rule, advice) == "已答复；请用 gongkai correct / answered; use gongkai correct"


def test_every_code_has_a_chinese_label_and_labels_name_one_code_each() -> None:
    for field, by_code in CODE_LABELS.items():
        for code, labels in by_code.items():
            assert labels and all(CJK.search(label) for label in labels), (field, code)
            assert all(LABEL_CODES[field][label] == code for label in labels)
    assert "其他处理" not in LABEL_CODES["outcome"]  # it heads three rows in the 2021 format: no code
    assert LABEL_CODES["outcome"]["其他"] == "other" and LABEL_CODES["channel"]["其他"] == "other"
    assert LABEL_CODES["applicant_type"]["其他"] == "other_org"


def test_every_command_and_option_of_the_installed_tree_has_chinese_help() -> None:
    import click

    from cli.main import main

    context = click.Context(main)
    missing: list[str] = []

    def walk(command: click.Command, path: str) -> None:
        if isinstance(command, click.Group):
            for name in command.list_commands(context):
                sub = command.get_command(context, name)
                assert sub is not None
                walk(sub, f"{path} {name}")
        if not CJK.search((command.help or "").split("\n", 1)[0]):
            missing.append(f"{path}: {command.help!r}")
        for param in command.params:
            if isinstance(param, click.Option) and not CJK.search(param.help or ""):
                missing.append(f"{path} {'/'.join(param.opts)}: {param.help!r}")

    walk(main, "gongkai")
    assert missing == []
