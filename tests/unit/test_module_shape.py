"""The packages' shape: no module over 400 lines, and no `Any` at a seam outside a commented allow-list.

Issue 13: "no seam is typed `Any`"; a module holds one idea. `Any` stays only where it is the precise type (the
allow-list says why for each): a JSON object's values, eventsourcing's or click's own signature overridden, a
row of mixed columns in the benchmarked fold. A new `Any` in a signature (or a type alias hiding one) fails here:
give it a precise type (a Protocol of storage/protocols.py, an event class, `Mapping[str, object]`, a TypedDict).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("cli", "domain", "projections", "scheduler", "service", "storage")
MAX_LINES = 400


def _modules() -> Iterator[Path]:
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def test_no_module_is_over_400_lines() -> None:
    too_long = {
        str(path.relative_to(ROOT)): n
        for path in _modules()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not too_long, f"split these modules along lines of meaning (at most {MAX_LINES} lines): {too_long}"


def _names_any(node: ast.expr | None) -> bool:
    if node is None:
        return False
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id == "Any":
            return True
        if isinstance(sub, ast.Attribute) and sub.attr == "Any":
            return True
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and "Any" in sub.value.split("[")[-1]:
            return True  # a quoted annotation
    return False


def _seams_typed_any(path: Path) -> Iterator[str]:
    """Yield `module:Qual.name(parameter)` (or `-> return`) for each Any in a signature, `module:Alias` for an alias."""
    module = str(path.relative_to(ROOT))
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def visit(node: ast.AST, prefix: str) -> Iterator[str]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                yield from visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{module}:{prefix}{child.name}"
                a = child.args
                parameters = [*a.posonlyargs, *a.args, *a.kwonlyargs, *filter(None, (a.vararg, a.kwarg))]
                yield from (f"{name}({p.arg})" for p in parameters if _names_any(p.annotation))
                if _names_any(child.returns):
                    yield f"{name}(->)"
                yield from visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.Assign) and not prefix and _is_alias(child.value) and _names_any(child.value):
                yield from (f"{module}:{t.id}" for t in child.targets if isinstance(t, ast.Name))

    yield from visit(tree, "")


def _is_alias(value: ast.expr) -> bool:
    """Tell whether a module-level assignment is a type alias (a subscripted type, or a union of types)."""
    return isinstance(value, ast.Subscript | ast.BinOp) and not isinstance(value, ast.Constant)


def test_no_seam_is_typed_any_outside_the_allow_list() -> None:
    found = {seam for path in _modules() for seam in _seams_typed_any(path)}
    new = sorted(found - ALLOWED.keys())
    assert not new, f"typed Any (give each a precise type, or add it to ALLOWED saying why): {new}"
    gone = sorted(ALLOWED.keys() - found)
    assert not gone, f"no longer typed Any: remove from ALLOWED {gone}"


def test_the_check_sees_an_any_in_a_signature(tmp_path: Path) -> None:
    module = ROOT / "domain" / "_probe_any.py"
    assert not module.exists()
    tree = "def seam(tracker: Any, *, rows: dict[str, 'Any']) -> list[Any]: ...\nAlias = dict[str, Any]\n"
    module.write_text(tree, encoding="utf-8")
    try:
        found = set(_seams_typed_any(module))
    finally:
        module.unlink()
    assert found == {
        "domain/_probe_any.py:seam(tracker)",
        "domain/_probe_any.py:seam(rows)",
        "domain/_probe_any.py:seam(->)",
        "domain/_probe_any.py:Alias",
    }


ALLOWED: dict[str, str] = {}
