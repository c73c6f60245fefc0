#!/usr/bin/env python3
"""Render the documents a clerk hands in and check them the way a reader would, through LibreOffice.

Builds a small store (the seed's 2020 applications, one 补正, one appeal), writes the monthly filing
workbook and the annual tables (XLSX, DOCX), converts each with `soffice --headless --convert-to pdf`
(which fails or prompts on a file that needs repair) and checks with `pdftotext` that the titles, the
official labels and the numbers are on the page.

Usage: .venv/bin/python tools/pdf_check.py [--keep DIR]     exit 0 when every document renders
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GONGKAI = Path(sys.executable).with_name("gongkai")
EXTRA = [
    {"event": "agency_named", "date": "2020-01-02", "agency_name": "宁波市鄞州区司法局"},
    {
        "event": "received",
        "request": "鄞司依申〔2020〕9号",
        "date": "2020-05-18",
        "channel": "mail",
        "applicant_type": "commercial_enterprise",
        "applicant": "某某公司",
        "subject": "某项行政许可的批复",
    },
    {"event": "correction_requested", "request": "鄞司依申〔2020〕9号", "date": "2020-05-20", "until": "2020-06-05"},
    {
        "event": "appealed",
        "request": "鄞司依申〔2020〕1号",
        "date": "2020-05-28",
        "case": "甬复〔2020〕12号",
        "kind": "reconsideration",
    },
]
COMMON = ["申请人情况", "法人或其他组织", "（七）总计"]
YEAR_WORDS = ["一、本年新收政府信息公开申请数量", "三、本年度办理结果", "四、结转下年度继续办理"]
MONTH_WORDS = ["一、本月新收政府信息公开申请数量", "三、本月办理结果", "四、结转下月继续办理"]
DOCUMENTS: dict[str, tuple[list[str], list[str]]] = {
    "monthly-2020-05.xlsx": (
        ["report", "monthly", "2020-05", "--format", "xlsx"],
        [
            "宁波市鄞州区司法局2020年5月政府信息依申请公开汇总表",
            "受理编号",
            "法定答复期限",
            "补正通知日期",
            "鄞司依申〔2020〕1号",
            "2020-05-12",
            "结转",
            "依申请信息公开引起复议（诉讼）表",
            "甬复〔2020〕12号",
            "尚未审结",
            *COMMON,
            *MONTH_WORDS,
        ],
    ),
    "annual-2020.xlsx": (
        ["report", "annual", "2020", "--format", "xlsx"],
        [
            "宁波市鄞州区司法局2020年度政府信息公开工作年度报告",
            "（六）其他处理",
            "行政复议",
            "未经复议直接起诉",
            *COMMON,
            *YEAR_WORDS,
        ],
    ),
    "annual-2020.docx": (
        ["report", "annual", "2020", "--format", "docx"],
        [
            "宁波市鄞州区司法局2020年度政府信息公开工作年度报告",
            "（三）不予公开",
            "复议后起诉",
            "尚未审结",
            *COMMON,
            *YEAR_WORDS,
        ],
    ),
}


def _squash(text: str) -> str:
    return "".join(text.split())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="write the documents and PDFs here instead of a temporary folder")
    args = parser.parse_args()
    for tool in ("soffice", "pdftotext"):
        if shutil.which(tool) is None:
            print(f"pdf_check: {tool} not found (apt-get install libreoffice-calc libreoffice-writer poppler-utils)")
            return 2
    work = args.keep or Path(tempfile.mkdtemp(prefix="gongkai-pdf-"))
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "GONGKAI_DB": str(work / "store.db"), "GONGKAI_TODAY": "2021-02-01", "GONGKAI_CLERK": "王芳"}
    seed = (ROOT / "tests/fixtures/seed_2020.jsonl").read_text(encoding="utf-8")
    lines = seed + "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in EXTRA)
    subprocess.run([str(GONGKAI), "import", "-"], input=lines, text=True, env=env, check=True, capture_output=True)
    status = 0
    for name, (command, labels) in DOCUMENTS.items():
        target = work / name
        subprocess.run([str(GONGKAI), *command, "-o", str(target)], env=env, check=True, capture_output=True)
        converted = subprocess.run(
            [
                "soffice",
                "--headless",
                f"-env:UserInstallation=file://{work}/profile",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                str(target),
            ],
            capture_output=True,
            text=True,
            timeout=180,
        )
        pdf = target.with_suffix(".pdf")
        if converted.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
            print(f"FAIL {name}: LibreOffice produced no PDF: {converted.stderr.strip()}")
            status = 1
            continue
        text = _squash(subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True).stdout)
        missing = [label for label in labels if _squash(label) not in text]
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        size = next((line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("Page size")), "?")
        if missing:
            print(f"FAIL {name}: missing from the PDF: {', '.join(missing)}")
            status = 1
        else:
            print(f"ok   {name}: PDF {size}, {len(labels)} labels found")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
