"""Render one report (the contract JSON of docs/tables.md) into the official layouts of tables 三 and 四.

Every writer checks the 勾稽关系 first (`check_balance`) and never writes an unbalanced table.
"""

from __future__ import annotations

from projections.render.balance import UnbalancedTableError, check_balance
from projections.render.docx import write_docx
from projections.render.html import render_html
from projections.render.markdown import render_markdown
from projections.render.xlsx import write_xlsx

__all__ = ["UnbalancedTableError", "check_balance", "render_html", "render_markdown", "write_docx", "write_xlsx"]
