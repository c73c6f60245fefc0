"""The command line's value types: a value that cannot be parsed is a usage error (exit 2), said in Chinese first.

Codes are accepted as their English code or their Chinese label (docs/command-line.md), and shell completion offers
both; application numbers complete from the store.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click
from click.shell_completion import CompletionItem

from domain.labels import CODE_LABELS, LABEL_CODES
from domain.messages import Message, zh_en

_AMOUNT = re.compile(r"\d{1,9}(\.\d{1,2})?")  # as domain/values.py checks it


class Unparseable(click.BadParameter):
    """A value that cannot be parsed: a usage error (exit 2), said in Chinese first."""

    def format_message(self) -> str:
        """Name the option or argument, then say why its value cannot be used."""
        hint = self.param.get_error_hint(self.ctx) if self.param is not None else ""
        if not hint:
            return self.message
        if isinstance(self.message, Message):
            return f"{hint} 的值无效：{self.message.zh} / invalid value for {hint}: {self.message.en}"
        return f"{hint} 的值无效 / invalid value for {hint}: {self.message}"

    def show(self, file: Any = None) -> None:
        """Print the usage line, where help is, and the message (click's layout, the clerk's words)."""
        _show(self.ctx, self.format_message())


class ClerkUsageError(click.UsageError):
    """A usage error (exit 2) of options that do not go together, shown as `Unparseable` shows its message."""

    def show(self, file: Any = None) -> None:
        """Print the usage line, where help is, and the message (click's layout, the clerk's words)."""
        _show(self.ctx, self.format_message())


def _show(ctx: click.Context | None, message: str) -> None:
    if ctx is not None:
        click.echo(ctx.get_usage(), err=True)
        click.echo(f"帮助 / help: {ctx.command_path} --help\n", err=True)
    click.echo(f"错误 / error: {message}", err=True)


class ChoiceType(click.Choice[str]):
    """One of a few fixed words (`--format json`): another is a usage error said in Chinese first."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        """Return the choice, or fail as `Unparseable` naming the choices."""
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            listed = [str(choice) for choice in self.choices]
            raise Unparseable(
                zh_en(
                    f"'{value}' 不是可选值；可选：{'、'.join(listed)}", f"'{value}' is not one of {', '.join(listed)}"
                ),
                ctx=ctx,
                param=param,
            ) from None


class ClerkType(click.ParamType[str]):
    """A value type whose failures are `Unparseable` usage errors."""

    def fail(self, message: str, param: click.Parameter | None = None, ctx: click.Context | None = None) -> NoReturn:
        """Raise a usage error for this value (exit status 2)."""
        raise Unparseable(message, ctx=ctx, param=param)


class CodeType(ClerkType):
    """A fixed code of one field, given as the code or as its Chinese label; converts to the code."""

    name = "code"

    def __init__(self, field: str) -> None:
        self.field = field
        self.labels = CODE_LABELS[field]

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        """Name the value in the usage line."""
        return "代码或名称/CODE"

    def listing(self) -> str:
        """Return every code beside its labels, for --help."""
        return "，".join(f"{code} {labels[0]}" for code, labels in self.labels.items())

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        """Return the code a value names, or fail as a usage error."""
        text = str(value).strip()
        if text in self.labels:
            return text
        code = LABEL_CODES[self.field].get(text)
        if code is None:
            self.fail(
                zh_en(
                    f"没有代码或名称 {text!r}；可填：{self.listing()}",
                    f"unknown code {text!r}; give one of the codes above, or its Chinese label",
                ),
                param,
                ctx,
            )
        return code

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        """Offer the codes and labels that begin with what was typed."""
        items = [CompletionItem(code, help=labels[0]) for code, labels in self.labels.items()]
        items += [CompletionItem(label, help=code) for code, labels in self.labels.items() for label in labels]
        return [item for item in items if str(item.value).startswith(incomplete)]


class DateType(ClerkType):
    """A business date YYYY-MM-DD, kept as text for the event line."""

    name = "date"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        """Name the value in the usage line."""
        return "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        """Return the date as given, or fail as a usage error (malformed or impossible)."""
        from domain.values import check_date

        text = str(value).strip()
        try:
            check_date(text)
        except ValueError as error:
            self.fail(error.args[0], param, ctx)
        return text


class MonthType(ClerkType):
    """A month YYYY-MM."""

    name = "month"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        """Name the value in the usage line."""
        return "YYYY-MM"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        """Return the month as given, or fail as a usage error."""
        from domain.months import parse_month

        try:
            return parse_month(str(value).strip())
        except ValueError as error:
            self.fail(str(error), param, ctx)


class AmountType(ClerkType):
    """An amount in yuan: digits, at most two decimals."""

    name = "amount"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        """Name the value in the usage line."""
        return "元/YUAN"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        """Return the amount as given, or fail as a usage error."""
        text = str(value).strip()
        if not _AMOUNT.fullmatch(text):
            self.fail(
                zh_en(
                    f"{text!r} 不是金额（元）：应为数字，最多两位小数，例如 1700.00",
                    f"{text!r} is not an amount in yuan (digits, at most two decimals, e.g. 1700.00)",
                ),
                param,
                ctx,
            )
        return text


class WholeNumber(click.ParamType[int]):
    """A whole number, optionally within bounds (a year, a count of days); converts to int."""

    name = "integer"

    def __init__(self, least: int | None = None, most: int | None = None, *, what: str = "整数") -> None:
        self.least, self.most, self.what = least, most, what

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        """Name the value in the usage line."""
        return "YYYY" if self.what == "年份" else "N"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        """Return the number, or fail as a usage error (not a number, or out of bounds)."""
        if isinstance(value, int):
            number = value
        else:
            text = str(value).strip()
            if not (text.isascii() and text.lstrip("-").isdigit()):
                raise Unparseable(
                    zh_en(f"{text!r} 不是{self.what}", f"{text!r} is not a whole number"), ctx=ctx, param=param
                )
            number = int(text)
        if (self.least is not None and number < self.least) or (self.most is not None and number > self.most):
            bounds = f"{'' if self.least is None else self.least}..{'' if self.most is None else self.most}"
            raise Unparseable(
                zh_en(f"{number} 超出范围 {bounds}", f"{number} is outside {bounds}"), ctx=ctx, param=param
            )
        return number


class ApplicationNumber(ClerkType):
    """An application number (受理编号); completes from the numbers the store holds."""

    name = "number"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        """Name the value in the usage line."""
        return "受理编号/NUMBER"

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        """Offer the stored application numbers that begin with what was typed."""
        from domain.errors import GongkaiError
        from service.settings import load_settings
        from storage.view_reader import application_numbers

        options = ctx.find_root().params
        try:  # completion must never print a traceback into the clerk's shell
            settings = load_settings(db=options.get("db"), agency=options.get("agency"), clerk=options.get("clerk"))
            return [CompletionItem(n) for n in application_numbers(settings, incomplete)]
        except (GongkaiError, OSError, ValueError):
            return []


YEAR = WholeNumber(2008, 2200, what="年份")  # 2008-05-01: the first 条例 came into force
DATE = DateType()
MONTH = MonthType()
AMOUNT = AmountType()
NUMBER = ApplicationNumber()

F = TypeVar("F", bound=Callable[..., object])  # a command function, given an option by a decorator


def format_option(*choices: str, help: str = "输出格式 output format") -> Callable[[F], F]:
    """Return the `--format` option of a command: the given formats, the first the default."""
    return click.option("--format", "fmt", type=ChoiceType(choices), default=choices[0], show_default=True, help=help)
