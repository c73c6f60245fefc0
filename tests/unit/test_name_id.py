"""Aggregate ids made from names are exactly uuid5's: a store's ids never change."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from domain.agency import agency_id
from domain.appeal import case_id
from domain.request import request_id
from domain.values import name_id


@given(st.text(st.characters(codec="utf-8")))
def test_name_id_is_uuid5_of_the_url_namespace(name: str) -> None:
    made, expected = name_id(name), uuid.uuid5(uuid.NAMESPACE_URL, name)
    assert made == expected and hash(made) == hash(expected) and str(made) == str(expected)
    assert (made.version, made.variant, made.is_safe, type(made)) == (5, uuid.RFC_4122, expected.is_safe, uuid.UUID)


def test_the_aggregate_ids_are_those_stores_hold() -> None:
    assert request_id("AG", "YZ-1") == uuid.uuid5(uuid.NAMESPACE_URL, "gongkai:request:AG:YZ-1")
    assert case_id("AG", "C-1") == uuid.uuid5(uuid.NAMESPACE_URL, "gongkai:case:AG:C-1")
    assert agency_id("AG") == uuid.uuid5(uuid.NAMESPACE_URL, "gongkai:agency:AG")
