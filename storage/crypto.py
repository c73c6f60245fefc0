"""Field-level encryption of personal data, with one key per application so one applicant can be erased.

Personal fields (the applicant's name, ID number, phone, address, and the request's subject) are sealed
with AES-GCM under their application's data key, bound to the application and the field name, before the
event is stored; the whole event is then encrypted again with the master key. Reading an erased
applicant's field gives 已删除; every other field, and so every table and deadline, reads as before.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.sqlite import SQLiteDatastore

from domain.event import ERASED_TEXT
from domain.messages import zh_en
from storage.keys import ENV_HELP, ERASED, META_TABLE, Box, KeyStore, StoreKeyError, stored_key_check

if TYPE_CHECKING:
    from service.tracker import Tracker
    from storage.protocols import EventStore

PERSONAL_FIELDS = frozenset({"applicant", "subject", "applicant_id_number", "phone", "address"})
PREFIX = "gk1:"


class ErasedApplicantError(StoreKeyError):
    """New personal data for an applicant whose data was erased."""


class FieldCipher:
    """Seal and open the personal fields of an event's JSON form."""

    def __init__(self, keys: KeyStore) -> None:
        self.keys = keys
        self._personal: dict[type, frozenset[str]] = {}

    def personal_fields(self, event_class: type) -> frozenset[str]:
        """Return which of an event class's fields are personal data."""
        if event_class not in self._personal:
            fields = getattr(event_class, "model_fields", {})
            self._personal[event_class] = PERSONAL_FIELDS & frozenset(fields)
        return self._personal[event_class]

    def seal(self, data: dict[str, Any], owner: UUID, fields: frozenset[str]) -> None:
        """Replace the personal fields that hold a value by their sealed form, in place."""
        present = [name for name in fields if data.get(name) is not None]
        if not present:
            return
        key = self.keys.data_key(owner, create=True)
        if key is ERASED:
            raise ErasedApplicantError(
                zh_en(
                    f"{owner} 的个人信息已删除，不能再存入新的个人信息",
                    f"the personal data of {owner} was erased; nothing new can be stored for it",
                )
            )
        assert isinstance(key, bytes)
        box = Box(key)
        for name in present:
            sealed = box.seal(str(data[name]).encode(), _aad(owner, name))
            data[name] = PREFIX + base64.b64encode(sealed).decode()

    def open(self, data: dict[str, Any], owner: UUID, fields: frozenset[str]) -> None:
        """Replace sealed personal fields by their text (or 已删除 when erased), in place."""
        for name in fields:
            value = data.get(name)
            if not isinstance(value, str) or not value.startswith(PREFIX):
                continue
            key = self.keys.data_key(owner, create=False)
            if key is ERASED:
                data[name] = ERASED_TEXT
                continue
            if key is None:
                raise StoreKeyError(
                    zh_en(
                        f"密钥表中缺少 {owner} 的数据密钥（并非已删除）：请从备份恢复 gk_keys 表",
                        f"the data key of {owner} is missing from the key table (it was not erased): "
                        "restore the store's gk_keys table from a backup",
                    )
                )
            assert isinstance(key, bytes)
            try:
                data[name] = Box(key).open(base64.b64decode(value[len(PREFIX) :]), _aad(owner, name)).decode()
            except (ValueError, binascii.Error, UnicodeDecodeError):
                raise StoreKeyError(
                    zh_en(
                        f"{owner} 的加密字段 {name} 被改动或损坏",
                        f"the sealed field {name} of {owner} was changed or damaged",
                    )
                ) from None


def _aad(owner: UUID, field: str) -> bytes:
    return owner.bytes + field.encode()


def cipher_env(key: bytes | None) -> dict[str, str]:
    """Return eventsourcing's settings that encrypt every stored event with the master key (none without one)."""
    if key is None:
        return {}
    return {"CIPHER_TOPIC": "eventsourcing.cipher:AESCipher", "CIPHER_KEY": base64.b64encode(key).decode()}


def protect(app: EventStore, key: bytes | None) -> None:
    """Check the key against the store and attach the field cipher; refuse an encrypted store opened without one."""
    from storage.mapper import PydanticMapper
    from storage.store import datastore_of

    recorder = app.recorder
    datastore = datastore_of(recorder)
    if key is None:
        meta = META_TABLE if isinstance(datastore, SQLiteDatastore) else f'"{datastore.schema}".{META_TABLE}'
        if stored_key_check(datastore, meta, "?" if isinstance(datastore, SQLiteDatastore) else "%s") is not None:
            raise StoreKeyError(
                zh_en(
                    f"此存储已加密，但没有提供密钥：{ENV_HELP}",
                    "this store is encrypted and no key was given (see above)",
                )
            )
        return
    keys = KeyStore(datastore, postgres=not isinstance(datastore, SQLiteDatastore), master=key)
    keys.check(has_events=bool(recorder.max_notification_id()))
    mapper = app.mapper
    assert isinstance(mapper, PydanticMapper)
    mapper.fields = FieldCipher(keys)


def key_store(app: EventStore) -> KeyStore | None:
    """Return the per-application key store of an encrypted store, None when it is not encrypted."""
    fields = getattr(app.mapper, "fields", None)
    return fields.keys if isinstance(fields, FieldCipher) else None


def requests_of_applicant(tracker: Tracker, name: str) -> list[str]:
    """Return the numbers of the agency's applications whose applicant has this exact name."""
    numbers = [facts.number for facts in tracker.view.requests(tracker.agency)]
    return [n for n in numbers if getattr(tracker.request(n), "applicant", None) == name]


def erase_personal_data(tracker: Tracker, numbers: list[str], *, clerk: str, when: dt.datetime) -> dict[str, bool]:
    """Delete the data keys of these applications (all must exist); return which were erased now."""
    keys = key_store(tracker.app)
    if keys is None:
        raise StoreKeyError(
            zh_en(
                f"此存储未加密，不能靠删除密钥来删除个人信息；记录个人信息之前请先设置：{ENV_HELP}",
                "this store is not encrypted, so personal data cannot be erased by deleting a key; set a key (above) "
                "before recording personal data",
            )
        )
    owners = {number: tracker.request(number).id for number in numbers}  # refuses unknown numbers first
    return {number: keys.erase(owner, clerk=clerk, when=when) for number, owner in owners.items()}
