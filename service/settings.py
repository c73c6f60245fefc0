"""Settings: the only place that reads the environment (GONGKAI_*) and the OS."""

from __future__ import annotations

import datetime as dt
import getpass
import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from domain.errors import GongkaiError

SHANGHAI = ZoneInfo("Asia/Shanghai")
PLACEHOLDER_AGENCY = "DEFAULT"
PLACEHOLDER_NAME = "（未设置机关名称）"
DISTRICT_CODE = "DISTRICT"  # the roll-up of every agency in the store (report --all-agencies)
DISTRICT_NAME = "全区汇总"


def default_store_path() -> Path:
    """Return the per-user store file (XDG data dir on Linux, the platform's equivalent elsewhere)."""
    from platformdirs import user_data_path

    return user_data_path("gongkai", appauthor=False) / "gongkai.db"


@dataclass(frozen=True)
class Settings:
    """Everything a command needs to know from outside: the store, the agency, the clerk, today."""

    db: str
    agency: str | None
    clerk: str
    today: dt.date
    cipher_key: str | None = None  # GONGKAI_CIPHER_KEY: base64 master key (storage/keys.py)
    cipher_key_file: str | None = None  # GONGKAI_CIPHER_KEY_FILE: a file holding it, readable by no other user
    district: str = DISTRICT_CODE  # GONGKAI_DISTRICT: the code the roll-up of every agency carries
    district_name: str = DISTRICT_NAME  # GONGKAI_DISTRICT_NAME: its name in report headings

    @property
    def is_postgres(self) -> bool:
        """Tell whether the store is a PostgreSQL URL."""
        return self.db.startswith(("postgresql://", "postgres://"))


def today_in_shanghai() -> dt.date:
    """Return today's date in Asia/Shanghai (GONGKAI_TODAY, else GONGKAI_NOW, overrides it for tests and drills)."""
    fixed = os.environ.get("GONGKAI_TODAY")
    if fixed:
        try:
            return dt.date.fromisoformat(fixed)
        except ValueError:
            raise GongkaiError(
                f"GONGKAI_TODAY={fixed!r} 不是日期 YYYY-MM-DD / is not a date; unset it or fix it"
            ) from None
    return (fake_now() or dt.datetime.now(SHANGHAI)).astimezone(SHANGHAI).date()


def fake_now() -> dt.datetime | None:
    """Return the moment a drill fixes as "now" for every command and the scheduler (GONGKAI_NOW), if set.

    E.g. 2026-10-20T09:00+08:00; without an offset the time is Asia/Shanghai's. Commands take today's date from it
    (the default --date, `due --as-of`, `list`, `status`); the scheduler's clock starts there and runs on.
    """
    fixed = os.environ.get("GONGKAI_NOW")
    if not fixed:
        return None
    try:
        start = dt.datetime.fromisoformat(fixed)
    except ValueError:
        raise GongkaiError(
            f"GONGKAI_NOW={fixed!r} 不是时间（如 2026-10-20T09:00+08:00） / is not a time such as "
            "2026-10-20T09:00+08:00; unset it or fix it"
        ) from None
    return start if start.tzinfo else start.replace(tzinfo=SHANGHAI)


def scheduler_environment() -> dict[str, str]:
    """Return the GONGKAI_* variables, from which the scheduler reads its notifier settings."""
    return {key: value for key, value in os.environ.items() if key.startswith("GONGKAI_")}


def default_settings_file() -> Path:
    """Return the per-user settings file (~/.config/gongkai/settings.toml on Linux); it need not exist."""
    from platformdirs import user_config_path

    return user_config_path("gongkai", appauthor=False) / "settings.toml"


DEFAULT_FILE_MODE = 0o600  # files written with -o hold personal data in clear: private, as the store is


def output_file_mode() -> int:
    """Return the mode of files written with -o: GONGKAI_FILE_MODE (octal, e.g. 0640), else 0600."""
    from domain.errors import InvalidInputError

    given = os.environ.get("GONGKAI_FILE_MODE")
    if not given:
        return DEFAULT_FILE_MODE
    try:
        mode = int(given, 8)
    except ValueError:
        mode = -1
    if not 0 <= mode <= 0o777:
        raise InvalidInputError(
            [f"GONGKAI_FILE_MODE={given!r}: 不是八进制权限，如 0600 或 0640 / not an octal mode such as 0600 or 0640"]
        )
    return mode


def load_settings(*, db: str | None = None, agency: str | None = None, clerk: str | None = None) -> Settings:
    """Return the settings: a command-line option wins over GONGKAI_*, which wins over the defaults."""
    from domain.errors import InvalidInputError
    from domain.hygiene import recorder_problems

    store = db or os.environ.get("GONGKAI_DB") or str(default_store_path())
    name = clerk or os.environ.get("GONGKAI_CLERK") or getpass.getuser()
    code, problems = recorder_problems(agency or os.environ.get("GONGKAI_AGENCY") or None, name)
    if problems:
        raise InvalidInputError(problems)
    return Settings(
        db=store,
        agency=code,
        clerk=name,
        today=today_in_shanghai(),
        cipher_key=os.environ.get("GONGKAI_CIPHER_KEY") or None,
        cipher_key_file=os.environ.get("GONGKAI_CIPHER_KEY_FILE") or None,
        district=os.environ.get("GONGKAI_DISTRICT") or DISTRICT_CODE,
        district_name=os.environ.get("GONGKAI_DISTRICT_NAME") or DISTRICT_NAME,
    )
