"""Opt-in (about 10 s, needs LibreOffice and poppler): the documents render to PDF with their labels.

Run with `GONGKAI_TEST_PDF=1 .venv/bin/python -m pytest -m pdf`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.pdf,
    pytest.mark.skipif(not os.environ.get("GONGKAI_TEST_PDF"), reason="set GONGKAI_TEST_PDF=1 to render PDFs"),
]
TOOL = Path(__file__).resolve().parents[2] / "tools" / "pdf_check.py"


def test_monthly_workbook_and_annual_tables_render_to_pdf_through_libreoffice() -> None:
    result = subprocess.run([sys.executable, str(TOOL)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("ok   ") == 3
