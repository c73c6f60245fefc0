"""Keep a figure with its unit on one printed line ("232件", never "2" / "32件") in the HTML report's prose.

The report's text stays plain (the JSON `sections[].text` is a contract, Markdown copies it): only the HTML writer
wraps each figure with its unit in a span that does not wrap. The DOCX keeps a figure's digits together by giving
its Latin text the en-US language (projections/render/docx.py: set_fonts); LibreOffice 7.4 breaks between a
figure and a Chinese unit whatever joins them (U+2060 WORD JOINER, U+FEFF, a kinsoku list were tried).
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# A figure (digits, a decimal or thousands part) and the unit or date part that follows it.
_FIGURE = re.compile(r"\d[\d,]*(?:\.\d+)?(?:个工作日|万元|年度|件|元|个|项|条|年|月|日|%|％)?")


def figure_parts(text: str) -> list[tuple[str, bool]]:
    """Split text into parts, each with whether it is a figure (with its unit) to print on one line."""
    parts: list[tuple[str, bool]] = []
    last = 0
    for found in _FIGURE.finditer(text):
        if found.start() > last:
            parts.append((text[last : found.start()], False))
        parts.append((found[0], True))
        last = found.end()
    if last < len(text):
        parts.append((text[last:], False))
    return parts


def figures_html(text: str) -> Markup:
    """Return text as HTML with each figure and its unit in a span that never wraps."""
    return Markup("").join(
        Markup('<span class="figure">%s</span>') % part if whole else escape(part) for part, whole in figure_parts(text)
    )
