"""A result computed in a forked child is the result computed here; a failing child leaves it to this process."""

from __future__ import annotations

import os
import pickle

import pytest

from storage.aside import Aside


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
        os.waitpid(child[0], os.WNOHANG)
    assert aside.result() == _table(200_000)  # asked for anyway: computed here
