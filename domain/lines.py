"""The import format (docs/import-format.md): one JSON object per event, checked before anything is recorded."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping
from types import UnionType
from typing import Any, Literal, NamedTuple, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationError, create_model
from pydantic.fields import FieldInfo

from domain.agency import AGENCY_EVENT_CLASSES, Agency
from domain.appeal import CASE_EVENT_CLASSES
from domain.event import ENVELOPE_FIELDS, DomainEvent
from domain.hygiene import (
    DATE_FIELDS,
    FIRST_BUSINESS_DAY,
    IDENTIFIER_FIELDS,
    LAST_BUSINESS_DAY,
    NAME_FIELDS,
    check_business_date,
    check_business_month,
    check_text,
    clean_code,
    clean_identifier,
)
from domain.labels import CODE_LABELS, LABEL_CODES
from domain.messages import Message, zh_en
from domain.proactive import FigureError
from domain.request import EVENT_CLASSES
from domain.values import Amount, Code, IsoDate, Month, Text

ALL_EVENT_CLASSES: dict[str, type[DomainEvent]] = {**EVENT_CLASSES, **CASE_EVENT_CLASSES, **AGENCY_EVENT_CLASSES}
# Fields a line may leave out although its event always has them (filled in from the history).
_OPTIONAL_IN_LINE: dict[str, dict[str, Any]] = {"fee_paid": {"amount": (Amount | None, None)}}


class Line(NamedTuple):
    """One validated event line: what happened, to which request or case, when, and who recorded it.

    Immutable; a tuple, not a frozen dataclass, since an import makes one per line (a frozen dataclass sets each
    field through object.__setattr__, several times slower).
    """

    event: str
    date: dt.date
    agency: str | None
    clerk: str | None
    fields: dict[str, Any]  # the business fields, JSON-ready, defaults filled in, `None` left out

    @property
    def request(self) -> str | None:
        """Return the application number the line names, if any."""
        return self.fields.get("request")

    @property
    def case(self) -> str | None:
        """Return the case number the line names, if any."""
        return self.fields.get("case")


def _line_model(name: str, event_class: type[DomainEvent]) -> type[BaseModel]:
    fields: dict[str, Any] = {
        key: (info.annotation, info)
        for key, info in event_class.model_fields.items()
        if key not in ENVELOPE_FIELDS | {"agency", "clerk"}
    }
    fields.update(_OPTIONAL_IN_LINE.get(name, {}))
    fields.update(event=(Literal[name], ...), agency=(Code | None, None), clerk=(Text | None, None))
    model: type[BaseModel] = create_model(
        f"{event_class.__name__}Line", __config__=ConfigDict(extra="forbid", frozen=True, defer_build=True), **fields
    )
    return model


_NOT_FIELDS = {"event", "date", "agency", "clerk"}
# Checks of a line that read several of its fields (an event class's `check_line`), e.g. table 二 by its year.
_LINE_CHECKS: dict[str, Callable[[dict[str, Any]], None]] = {
    Agency.ProactiveFiguresRecorded.name: Agency.ProactiveFiguresRecorded.check_line,
}


class _LineModels(Mapping[str, type[BaseModel]]):
    """The line model of each event name, made when first asked for: a command validates one kind of line."""

    def __init__(self) -> None:
        self._made: dict[str, type[BaseModel]] = {}

    def __getitem__(self, name: str) -> type[BaseModel]:
        model = self._made.get(name)
        if model is None:
            model = self._made[name] = _line_model(name, ALL_EVENT_CLASSES[name])
        return model

    def __iter__(self) -> Iterator[str]:
        return iter(ALL_EVENT_CLASSES)

    def __len__(self) -> int:
        return len(ALL_EVENT_CLASSES)

    def __contains__(self, name: object) -> bool:
        return name in ALL_EVENT_CLASSES


LINE_MODELS: Mapping[str, type[BaseModel]] = _LineModels()
# The fields of each event that hold a fixed code, which a line may also give as its label (docs/command-line.md).
_CODED_FIELDS: dict[str, tuple[str, ...]] = {
    name: tuple(key for key in LABEL_CODES if key in event_class.model_fields)
    for name, event_class in ALL_EVENT_CLASSES.items()
}


def _with_codes(name: str, data: dict[str, Any]) -> dict[str, Any]:
    """Return the line with every Chinese label of a code replaced by the code (the stored event holds codes)."""
    for key in _CODED_FIELDS[name]:
        value = data.get(key)
        if type(value) is str and (code := LABEL_CODES[key].get(value)) is not None:
            data = {**data, key: code}
    return data


def _known_codes(field: str) -> str:
    """Return a field's codes, each with its first Chinese label: "disclosed 予以公开, …"."""
    return "，".join(f"{code} {labels[0]}" for code, labels in CODE_LABELS[field].items())


# pydantic's own checks, in the clerk's words (its English message follows).
_PYDANTIC_ZH = {
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "string_type": "应为文本",
    "less_than_equal": "超出允许的最大值",
    "greater_than_equal": "低于允许的最小值",
    "bool_type": "应为 true 或 false",
}


def _describe(error: Any) -> tuple[str, str]:
    location = ".".join(str(part) for part in error["loc"]) or "line"
    kind, message = error["type"], error["msg"]
    if kind == "extra_forbidden":
        return location, zh_en("没有这个字段", "unknown field")
    if kind == "missing":
        return location, zh_en("缺少必填字段", "required field is missing")
    if kind in ("enum", "literal_error"):
        if location in CODE_LABELS:
            known = _known_codes(location)
            return location, zh_en(
                f"没有代码或名称 {error['input']!r}；可填：{known}", f"unknown code {error['input']!r}"
            )
        return location, zh_en(f"没有代码 {error['input']!r}", f"unknown code {error['input']!r}: {message}")
    raised = error.get("ctx", {}).get("error")
    if isinstance(raised, ValueError) and raised.args and isinstance(raised.args[0], Message):
        return location, raised.args[0]  # one of gongkai's own checks: already Chinese first
    return location, zh_en(_PYDANTIC_ZH.get(kind, "取值无效"), message.removeprefix("Value error, "))


def parse_object(data: Any) -> Line:
    """Validate one decoded JSON value as an event line, or raise ValueError naming the field."""
    if not isinstance(data, dict):
        raise LineError(
            "line",
            zh_en("每一行应是一个 JSON 对象", f"an event line is a JSON object, not {type(data).__name__}"),
        )
    name = data.get("event")
    if not isinstance(name, str) or name not in LINE_MODELS:
        known = ", ".join(sorted(LINE_MODELS))
        raise LineError(
            "event",
            zh_en(f"没有事项 {name!r}；可填：{known}", f"unknown event {name!r}")
            if name
            else zh_en("缺少必填字段", "required field is missing"),
        )
    try:
        model = LINE_MODELS[name].model_validate(_with_codes(name, data))
    except ValidationError as error:
        raise LineError(*_describe(error.errors()[0])) from None
    # model_dump(mode="json", exclude=…, exclude_none=True) without its keyword handling (once per line)
    fields = model.__pydantic_serializer__.to_python(model, mode="json", exclude=_NOT_FIELDS, exclude_none=True)
    values = model.__dict__  # not dict(model), which looks for a `keys` attribute through pydantic's __getattr__
    agency, clerk = values["agency"], values["clerk"]
    _check_hygiene(name, values["date"], fields)
    if (check_line := _LINE_CHECKS.get(name)) is not None:
        try:
            check_line(fields)
        except FigureError as error:
            raise LineError(f"figures.{error.where}".removesuffix(".figures"), error.reason) from None
    if agency is not None:
        agency = _identifier("agency", agency)
    if clerk is not None:
        _text("clerk", clerk, "name")
    return Line(name, values["date"], agency, clerk, fields)


_PASSED: set[tuple[str, str]] = set()  # (field, value) checked once: an import repeats names and texts
_REMEMBERED = 1 << 18
_CHECKS: dict[str, tuple[tuple[str, str], ...]] = {}  # event name -> (field, what it holds) to check


def _checks(name: str) -> tuple[tuple[str, str], ...]:
    """Return the fields of an event's line that hold an identifier, a date, a month, a name or other text."""
    found = []
    for key, info in ALL_EVENT_CLASSES[name].model_fields.items():
        if key in _NOT_FIELDS or key in ENVELOPE_FIELDS:
            continue
        if key in IDENTIFIER_FIELDS:
            found.append((key, "id"))
        elif key in DATE_FIELDS or _holds(info, IsoDate):
            found.append((key, "date"))
        elif _holds(info, Month):
            found.append((key, "month"))
        elif _holds(info, Text) or key in NAME_FIELDS:
            found.append((key, "name" if key in NAME_FIELDS else "text"))
    _CHECKS[name] = checks = tuple(found)
    return checks


def _holds(info: FieldInfo, alias: Any) -> bool:
    """Tell whether a field is of a value type of domain.values (`Text`, `Text | None`, …)."""
    if get_origin(info.annotation) in (Union, UnionType):  # an optional field keeps its Annotated type
        return alias in get_args(info.annotation)
    return tuple(info.metadata) == tuple(alias.__metadata__)  # pydantic moves a required one's into `metadata`


def _check_hygiene(name: str, day: dt.date, fields: dict[str, Any]) -> None:
    """Refuse dates no office had, hidden characters in identifiers and control characters in text (in place).

    Once per line of an import: the usual values (a date in range, a printable ASCII number, a text seen before)
    pass without a call.
    """
    if not FIRST_BUSINESS_DAY <= day <= LAST_BUSINESS_DAY:
        try:
            check_business_date(day)
        except ValueError as error:
            raise LineError("date", str(error)) from None
    for key, kind in _CHECKS.get(name) or _checks(name):
        value = fields.get(key)
        if type(value) is not str:
            continue
        if kind == "id":
            if not (value.isascii() and value.isprintable()):
                fields[key] = _identifier(key, value)
        elif (key, value) not in _PASSED:
            _text(key, value, kind)


def _identifier(key: str, value: str) -> str:
    try:
        clean = clean_identifier(value)
    except ValueError as error:
        raise LineError(key, str(error)) from None
    if clean != value:  # folded full-width forms: the folded number must fit a code too (no spaces, not empty)
        try:
            clean_code(clean)
        except ValueError as error:
            raise LineError(key, str(error)) from None
    return clean


def _text(key: str, value: str, kind: str) -> None:
    if (key, value) in _PASSED:
        return
    try:
        if kind == "date":
            check_business_date(value)
        elif kind == "month":
            check_business_month(value)
        else:
            check_text(value, name=kind == "name")
    except ValueError as error:
        raise LineError(key, str(error)) from None
    if len(_PASSED) < _REMEMBERED:
        _PASSED.add((key, value))


def parse_line(text: str) -> Line:
    """Decode and validate one line of the import format."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise LineError(
            "line",
            zh_en(f"不是有效的 JSON（第 {error.colno} 列）", f"not valid JSON ({error.msg} at column {error.colno})"),
        ) from None
    except RecursionError:  # hostile input: thousands of nested brackets
        raise LineError("line", zh_en("嵌套过深，不是事项行", "nested too deeply to be an event line")) from None
    return parse_object(data)


class LineError(ValueError):
    """A line that does not fit the import format; names the field and the reason."""

    def __init__(self, field: str, reason: str) -> None:
        self.field, self.reason = field, reason
        super().__init__(f"字段 {field} / field {field}: {reason}")
