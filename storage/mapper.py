"""Store pydantic events as JSON: validated by pydantic on the way out and on the way back in.

Events evolve (storage/upcasting.py, docs/evolving-events.md): the mapper writes a versioned class's
`class_version` into the stored state and upcasts an older state before pydantic validates it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import Mapper, MapperDeserialisationError, StoredEvent
from eventsourcing.utils import get_topic, resolve_topic
from pydantic import BaseModel, ValidationError

from storage.upcasting import VERSION_KEY, Upcaster, class_version, upcaster_of

if TYPE_CHECKING:
    from storage.crypto import FieldCipher

_UPCASTERS: dict[type, Upcaster | None] = {}  # event class → its upcaster (None for a first version)


def _upcaster(cls: type) -> Upcaster | None:
    try:
        return _UPCASTERS[cls]
    except KeyError:
        found = _UPCASTERS[cls] = upcaster_of(cls)
        return found


def _with_version(state: bytes, version: int) -> bytes:
    """Return a compact JSON object's bytes with the class version added as its last key."""
    return state[:-1] + b',"' + VERSION_KEY.encode() + b'":' + str(version).encode() + b"}"


class PydanticMapper(Mapper[UUID]):
    """Encode with `model_dump_json` and decode with `model_validate_json` (both in pydantic-core).

    With `fields` set (an encrypted store), personal fields are sealed per application first (storage/crypto.py).
    """

    fields: FieldCipher | None = None

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        """Return the stored form of a domain event."""
        assert isinstance(domain_event, BaseModel)
        personal = self.fields.personal_fields(type(domain_event)) if self.fields else None
        version = class_version(type(domain_event))
        if self.fields and personal:
            data = domain_event.model_dump(mode="json")
            self.fields.seal(data, domain_event.originator_id, personal)  # type: ignore[attr-defined]
            if version > 1:
                data[VERSION_KEY] = version
            state = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        else:
            state = domain_event.model_dump_json().encode()
            if version > 1:
                state = _with_version(state, version)
        if self.compressor:
            state = self.compressor.compress(state)
        if self.cipher:
            state = self.cipher.encrypt(state)
        return StoredEvent(
            originator_id=domain_event.originator_id,  # type: ignore[attr-defined]
            originator_version=domain_event.originator_version,  # type: ignore[attr-defined]
            topic=get_topic(type(domain_event)),
            state=state,
        )

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        """Return the domain event of a stored one; refuse one whose row and content disagree."""
        cls = resolve_topic(stored_event.topic)
        state = stored_event.state
        try:
            if self.cipher:
                state = self.cipher.decrypt(state)
            if self.compressor:
                state = self.compressor.decompress(state)
            personal = self.fields.personal_fields(cls) if self.fields else None
            upcast = _upcaster(cls)
            if (self.fields and personal) or upcast:
                data = json.loads(state)
                if self.fields and personal:  # sealed as stored, so opened before any upcast
                    self.fields.open(data, UUID(str(stored_event.originator_id)), personal)
                if upcast:
                    upcast(data)
                event = cls.model_validate(data)
            else:
                event = cls.model_validate_json(state)
        except (ValueError, ValidationError) as error:
            raise MapperDeserialisationError(
                f"stored event {stored_event.originator_id} v{stored_event.originator_version} "
                f"({stored_event.topic}) cannot be read: {error}"
            ) from error
        if (event.originator_id, event.originator_version) != (
            UUID(str(stored_event.originator_id)),
            stored_event.originator_version,
        ):
            raise MapperDeserialisationError(
                f"stored event {stored_event.originator_id} v{stored_event.originator_version} holds the content of "
                f"{event.originator_id} v{event.originator_version}"
            )
        return event

    def to_stored_events(self, domain_events: Sequence[Any]) -> list[StoredEvent]:
        """Return the stored forms of many domain events, as `to_stored_event` does one by one.

        A plain store (no cipher, compressor or sealed fields) encodes each event with one `model_dump_json`
        and looks each class's topic up once, without the per-event checks.
        """
        if self.fields or self.compressor or self.cipher:
            return [self.to_stored_event(event) for event in domain_events]
        topics: dict[type, tuple[str, int]] = {}
        stored = []
        for event in domain_events:
            cls = type(event)
            known = topics.get(cls)
            if known is None:
                known = topics[cls] = (get_topic(cls), class_version(cls))
            topic, version = known
            # What model_dump_json().encode() returns, without its keyword handling and the str round trip.
            state = event.__pydantic_serializer__.to_json(event)
            if version > 1:
                state = _with_version(state, version)
            stored.append(StoredEvent(event.originator_id, event.originator_version, topic, state))
        return stored
