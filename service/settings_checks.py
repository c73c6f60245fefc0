"""The settings' refusals: what every table of the settings file shares (service/notify_settings.py).

A setting that cannot work is refused at start, naming where it is, its value, why, and what to write instead.
"""

from __future__ import annotations

from typing import Any

from domain.errors import GongkaiError
from domain.messages import Message, zh_en


class SettingsError(GongkaiError):
    """The settings file or variables hold a value gongkai cannot use."""


def refuse(where: str, key: str, value: Any, why: Message) -> SettingsError:
    """Return the refusal of one setting: where it is, its value, why it cannot work and what to write instead."""
    setting = f"{where} {key} = {value!r}"
    return SettingsError(zh_en(f"设置 {setting}：{why.zh}", f"settings {setting}: {why.en}"))


def table_of(data: dict[str, Any], name: str) -> dict[str, Any]:
    """Return the table `[name]` of the settings (empty if absent), or refuse a value that is not a table."""
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise SettingsError(f"设置项 [{name}] 必须是一个表 / settings: [{name}] must be a table")
    return value


def seconds(where: str, key: str, value: Any, *, source: str | None = None) -> float:
    """Return a positive number of seconds, or refuse it naming the key (or the variable it came from)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not (0 < number < 10**7):  # also refuses NaN and infinity
        raise refuse(where, source or key, value, zh_en(f"{key} 须为正的秒数", "give a positive number of seconds"))
    return number
