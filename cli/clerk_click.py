"""click speaking the clerk's language: its own usage errors and help headings, Chinese first, said in one place.

click raises its usage errors (an unknown option or command, a missing argument, an extra one, an option without
its value) in English; `clerk_usage_error` says each of them again as a `ClerkUsageError` (exit 2, shown as every
other usage error of gongkai), and `ClerkContext` prints the help's usage line and headings in Chinese first.
The main group (cli/main.py) catches click's errors where it parses and dispatches, and gives every command the
context.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import click

from cli.params import ClerkUsageError, Unparseable
from domain.messages import Message, zh_en

_HEADINGS = {
    "Options": "选项 Options",
    "Commands": "命令 Commands",
    "Positional arguments": "参数 Arguments",
    "Arguments": "参数 Arguments",
}
# The help option's own text (click writes it in English): the help lists it beside -h, --help.
_HELP_TEXT = {"Show this message and exit.": "显示本帮助后退出 show this message and exit"}
_EXTRA = re.compile(r"Got unexpected extra arguments? \((?P<args>.*)\)")


class ClerkHelpFormatter(click.HelpFormatter):
    """click's help layout with its usage line and headings in Chinese first."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        """Write the usage line, introduced as 用法 Usage."""
        super().write_usage(prog, args, "用法 Usage: " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        """Write a heading (选项 Options, 命令 Commands)."""
        super().write_heading(_HEADINGS.get(heading, heading))

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        """Write the options or commands, the help option's text in Chinese first."""
        said = [(term, _HELP_TEXT.get(text, text).replace("[required]", "[必填 required]")) for term, text in rows]
        super().write_dl(said, col_max, col_spacing)


class ClerkContext(click.Context):
    """A context whose help and usage lines speak as ClerkHelpFormatter does."""

    formatter_class = ClerkHelpFormatter


def speak_chinese(command: click.Command) -> None:
    """Give a command (a group: and each of its commands) the clerk's context."""
    command.context_class = ClerkContext
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            speak_chinese(sub)


@contextmanager
def clerk_usage_errors() -> Iterator[None]:
    """Say click's own usage errors Chinese first (exit 2 as before); gongkai's own pass as they are."""
    try:
        yield
    except (ClerkUsageError, Unparseable, click.exceptions.NoArgsIsHelpError):
        raise  # gongkai's own, or a group called bare: its help (in the clerk's headings) is the answer
    except click.UsageError as error:
        raise clerk_usage_error(error) from None


def clerk_usage_error(error: click.UsageError) -> ClerkUsageError:
    """Return click's usage error said Chinese first, with click's English after it."""
    english = error.format_message()
    return ClerkUsageError(zh_en(_chinese(error), english), ctx=error.ctx)  # exit 2, as click's


def _chinese(error: click.UsageError) -> str:
    if isinstance(error, click.NoSuchOption):
        return f"没有选项 {error.option_name}{_perhaps(error.possibilities)}"
    if isinstance(error, click.exceptions.NoSuchCommand):
        return f"没有命令 {error.command_name}{_perhaps(error.possibilities)}"
    if isinstance(error, click.MissingParameter):
        hint = error.param.get_error_hint(error.ctx) if error.param is not None else str(error.param_hint or "")
        kind = "参数" if (error.param_type or getattr(error.param, "param_type_name", "")) == "argument" else "选项"
        return f"缺少{kind} {hint}".rstrip()
    if isinstance(error, click.BadOptionUsage):
        if "does not take a value" in error.message:
            return f"选项 {error.option_name} 不带值"
        if "requires" in error.message:
            return f"选项 {error.option_name} 后面要写它的值"
        return f"选项 {error.option_name} 用法不对"
    if isinstance(error, click.BadParameter):
        hint = error.param.get_error_hint(error.ctx) if error.param is not None else str(error.param_hint or "")
        return f"{hint} 的值无效".strip()
    extra = _EXTRA.match(error.message)
    if extra:
        return f"多余的参数：{extra['args']}"
    if error.message.startswith("Missing command"):
        return "缺少命令"
    return "用法错误" if not isinstance(error.message, Message) else error.message.zh


def _perhaps(possibilities: list[str] | None) -> str:
    return f"；是否要用 {'、'.join(sorted(possibilities))}？" if possibilities else ""
