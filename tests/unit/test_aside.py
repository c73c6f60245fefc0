"""A result computed in a forked child is the result computed here; a failing child leaves it to this process."""

from __future__ import annotations

import os
import pickle

import pytest

from storage.aside import Aside, aside_pair


def _table(n: int) -> dict[str, list[int]]:
    return {f"k{i}": [i, i * i] for i in range(n)}


@pytest.mark.parametrize("fork", [True, False])
def test_a_child_computes_what_this_process_would(fork: bool) -> None:
    parent = os.getpid()
    where: list[int] = []

    def compute() -> tuple[int, dict[str, list[int]]]:
        where.append(os.getpid())  # only this process's list is seen here: the child's is its own copy
        return os.getpid(), _table(50_000)  # larger than a pipe holds

    pid, table = Aside(compute, fork=fork).result()
    assert table == _table(50_000)
    assert (pid != parent and where == []) if fork else (pid == parent and where == [parent])


def test_a_failing_child_leaves_the_computation_to_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pickle, "dump", None)  # the child cannot answer
    assert Aside(lambda: (os.getpid(), _table(10))).result() == (os.getpid(), _table(10))


def test_an_abandoned_child_is_stopped_and_waited_for() -> None:
    aside = Aside(lambda: _table(200_000))
    child = aside._child
    assert child is not None
    aside.close()
    with pytest.raises(ChildProcessError):  # already waited for: no zombie left
        os.waitpid(child.pid, os.WNOHANG)
    assert aside.result() == _table(200_000)  # asked for anyway: computed here


@pytest.mark.parametrize("fork", [True, False])
def test_a_pair_gives_both_results_the_first_while_the_second_is_computed(fork: bool) -> None:
    parent = os.getpid()
    first, second = aside_pair(lambda: (os.getpid(), _table(30_000)), lambda: _table(60_000), fork=fork)
    pid, table = first.result()
    assert table == _table(30_000) and (pid != parent) is fork
    assert second.result() == _table(60_000)


def test_the_second_of_a_pair_is_given_when_the_first_is_not_asked_for() -> None:
    first, second = aside_pair(lambda: os.getpid(), lambda: _table(60_000))
    assert second.result() == _table(60_000)
    assert first.result() == os.getpid()  # skipped by the child's reader: computed here


def test_closing_the_first_of_a_pair_leaves_the_second_to_the_child() -> None:
    first, second = aside_pair(lambda: 1, lambda: os.getpid())
    first.close()
    assert second.result() != os.getpid()


def test_a_pair_whose_child_fails_midway_is_computed_here() -> None:
    parent = os.getpid()

    def second() -> int:
        if os.getpid() != parent:
            raise RuntimeError("the child's second computation fails")
        return parent

    first, pair_second = aside_pair(lambda: os.getpid(), second)
    assert first.result() != parent  # the child's
    assert pair_second.result() == parent  # the child failed: computed here
