"""The specification in docs/ points at code that exists, and at pages that exist."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = sorted(DOCS.glob("*.md"))
PACKAGES = ("domain", "projections", "storage", "service", "cli", "scheduler")
# `package.module:name` (name may be Class.attribute), or a bare `package.module`, inside backticks.
REFERENCE = re.compile(r"`((?:" + "|".join(PACKAGES) + r")(?:\.\w+)+)(?::([\w.]+))?`")
LINK = re.compile(r"\]\(([\w.-]+\.md)(?:#[^)]*)?\)")
ELSEWHERE: set[str] = set()  # pages the index may name before they are written
ROOT = DOCS.parent


def _references(page: Path) -> list[tuple[str, str | None]]:
    return [(m.group(1), m.group(2)) for m in REFERENCE.finditer(page.read_text(encoding="utf-8"))]


def test_the_index_names_every_page_and_every_page_exists() -> None:
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    named = set(LINK.findall(index))
    assert {page.name for page in PAGES} - {"README.md"} <= named
    assert named - ELSEWHERE <= {page.name for page in PAGES}


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_every_function_a_rule_names_exists(page: Path) -> None:
    missing = []
    for module_name, attribute in _references(page):
        try:
            target: object = importlib.import_module(module_name)
        except ImportError:
            missing.append(module_name)
            continue
        for part in (attribute or "").split(".") if attribute else ():
            if not hasattr(target, part):
                missing.append(f"{module_name}:{attribute}")
                break
            target = getattr(target, part)
    assert not missing, f"{page.name} names code that does not exist: {missing}"


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_every_link_between_pages_resolves(page: Path) -> None:
    links = set(LINK.findall(page.read_text(encoding="utf-8")))
    assert links - ELSEWHERE <= {p.name for p in PAGES}


def test_the_rule_pages_cite_their_sources() -> None:
    counting, deadlines = (
        (DOCS / "counting.md").read_text(encoding="utf-8"),
        (DOCS / "deadlines.md").read_text(encoding="utf-8"),
    )
    assert "国办公开办函〔2021〕30号" in counting and "国办公开办函〔2019〕60号" in counting
    for article in ("条例 第三十条", "条例 第三十三条", "条例 第四十九条", "行政诉讼法 第六十七条"):
        assert article in deadlines
    assert sum(len(_references(page)) for page in PAGES) > 80


def test_code_and_readme_cite_the_specification_in_the_repository() -> None:
    """No comment, docstring or README line points at DOMAIN.md, a file outside the repository."""
    citing = [
        str(path.relative_to(ROOT))
        for folder in (*PACKAGES, "tests", "bench", "tools")
        for path in (ROOT / folder).rglob("*.py")
        if "DOMAIN.md" in path.read_text(encoding="utf-8") and path.name != "test_docs.py"
    ]
    if "DOMAIN.md" in (ROOT / "README.md").read_text(encoding="utf-8"):
        citing.append("README.md")
    assert citing == []
