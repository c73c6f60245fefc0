"""What `verify` and `close-year` check beyond the chain: the log's end against its witnesses, the heads the
closes recorded, and the maintained tables against a fold of the log.

Witnesses of how far the log went: the high-water mark (`gk_head`, advanced with every insert), the tables'
tracking position, and a published head. A log that ends before any of them was cut at its tail. Each close
records the chain's head as it stood, so an edit before the close shows even when every later link was
rewritten; only an attacker who also rewrites the close and the mark goes unseen, until compared with a head
published outside the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from storage.chain import HIGH_WATER, PUBLISHED_WITNESS, TABLES_WITNESS, cut_message
from storage.chain_verify import CloseRecord, Verdict, chain_reader

if TYPE_CHECKING:
    from service.tracker import Tracker
    from storage.protocols import EventStore, MaintainedView


@dataclass(frozen=True)
class Anchor:
    """A head published outside the store: a position and its link."""

    position: int
    hash: str


def log_end(app: EventStore) -> int:
    """Return the last position of the log (0 when empty)."""
    return int(app.recorder.max_notification_id() or 0)


RESTORE = "请用截断之前的备份恢复 / restore the store from a backup made before the cut"


def cuts(app: EventStore, view: MaintainedView, verdict: Verdict, anchor: Anchor | None = None) -> list[str]:
    """Return what says the log once went further than it does now, or that its last link was rewritten."""
    # The witnesses are read before the log's end: an insert meanwhile moves the end past them, never before.
    head = chain_reader(app).head()
    position = view.max_tracking_id(app.name) or 0
    end = log_end(app)
    found: list[str] = []
    if head is not None and head[0] > end:
        found.append(f"{cut_message(head[0], end, HIGH_WATER)}; {RESTORE}")
    elif head is not None and head[0] == end == verdict.position and head[1] != verdict.head:
        found.append(
            f"链头与高水位标记不符 / the chain's head #{end} is not the link the high-water mark (gk_head) kept: "
            "the last events were rewritten"
        )
    if position > end:
        found.append(f"{cut_message(position, end, TABLES_WITNESS)}; {RESTORE}")
    if anchor is not None and anchor.position > end:
        found.append(f"{cut_message(anchor.position, end, PUBLISHED_WITNESS)}; {RESTORE}")
    return found


def close_mismatches(closes: Iterable[CloseRecord], verdict: Verdict) -> list[str]:
    """Return every close whose recorded chain head the recomputed chain no longer reaches."""
    found = []
    for close in closes:
        if close.chain_position is None or close.chain_hash is None:
            continue  # closed before closes recorded the head: the chain check is all there is
        if verdict.links.get(close.chain_position) != close.chain_hash:
            found.append(
                f"{close.year} 年度结账记录的链头 #{close.chain_position} 与事件日志不符，结账前的事件被改动过 / "
                f"the chain head the close of {close.year} recorded (#{close.chain_position} sha256 "
                f"{close.chain_hash}) does not match the log: events before the close were changed"
            )
    return found


def watched(closes: Iterable[CloseRecord], anchor: Anchor | None) -> set[int]:
    """Return the positions whose recomputed links the checks compare."""
    positions = {c.chain_position for c in closes if c.chain_position is not None} | {c.position for c in closes}
    return positions | ({anchor.position} if anchor else set())


def tables_disagree(tracker: Tracker) -> list[str]:
    """Fold the whole log in memory (as `replay`, writing nothing) and say how the maintained tables differ.

    The tables are first brought up to the end of the log; a difference seen once may be another process's
    event arriving meanwhile, so it must be seen twice.
    """
    from projections.replay import compare, rebuild

    found: list[str] = []
    for _attempt in range(2):
        tracker.catch_up()
        found = compare(tracker.view, rebuild(tracker.app), tracker.app.name).found
        if not found:
            return []
    return found


def tables_message(found: list[str]) -> str:
    """Say that the tables disagree with the log, what differs, and what to do."""
    shown = "; ".join(found[:5]) + (f"; … and {len(found) - 5} more" if len(found) > 5 else "")
    return (
        f"统计表与事件日志不一致 / the maintained tables disagree with a fold of the event log: {shown}. "
        "They were edited outside gongkai, or a bug wrote them: `gongkai replay` rebuilds them from the log"
    )
