"""A number recorded as typed before identifiers were NFKC-normalised keeps its id and can still be looked up."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from domain.lines import Line
from domain.request import request_id
from service.settings import load_settings
from service.tracker import Tracker


def test_a_full_width_number_stored_before_is_still_found(tmp_path: Path) -> None:
    tracker = Tracker(load_settings(db=str(tmp_path / "old.db"), agency="A", clerk="王芳"))
    try:
        # What an older gongkai recorded: the number as typed, full-width (a Line made without today's parse_object).
        fields = {"request": "ＹＺ－１", "channel": "mail", "applicant_type": "natural_person"}
        tracker.record([(1, Line("received", dt.date(2026, 3, 2), None, None, fields))])
        found = tracker.request("ＹＺ－１")
        assert found.number == "ＹＺ－１" and found.id == request_id("A", "ＹＺ－１")
        assert tracker.request("ＹＺ－１").id != request_id("A", "YZ-1")  # its id is the one it was given
    finally:
        tracker.close()
