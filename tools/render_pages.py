#!/usr/bin/env python3
"""Render every document a clerk prints to PDF and to PNG pages, so that a person can look at them.

Builds a store with a year of applications (`--applications`, spread over the twelve months; 补正, fees,
extensions, a few still open at the year's end, appeals with each result), writes with the installed `gongkai`
every document it prints: the monthly filing (XLSX and HTML) of `--month`, a zero report (XLSX and HTML), the
annual tables (XLSX, DOCX, HTML) and the whole annual report (`annual-report`: DOCX, HTML, with table 二 and the
office's text recorded); converts XLSX and DOCX with LibreOffice and HTML with headless Chromium,
then each PDF to PNG pages with `pdftoppm -r 60`. `pages.json` in the output folder lists each document's
PDF, page count, page size (pt) and PNG pages; the reports' JSON is written beside them.

    .venv/bin/python tools/render_pages.py --out pages/          # then look at pages/*.png
    .venv/bin/python tools/render_pages.py --convert FILE... --out DIR   # render documents you already have

Needs soffice (libreoffice-writer, libreoffice-calc), chromium, pdftoppm and pdfinfo (poppler-utils), and the
fonts a reader has (fonts-noto-cjk, fonts-liberation2). Exit 0 when every document rendered.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

GONGKAI = Path(sys.executable).with_name("gongkai")
TOOLS = ("soffice", "chromium", "pdftoppm", "pdfinfo")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
)
_SUBJECTS = (
    "某小区业主与物业服务企业合同纠纷的仲裁裁决书",
    "反映某律师事务所律师收费过高，要求查处并公开对该律师的处理结果",
    "本区2019年至2024年公共法律服务中心的年度经费预算及决算",
    "人民调解委员会名单",
    "某司法所关于社区矫正对象请假外出审批的依据和程序",
    "法律援助案件指派记录及办案补贴发放标准",
)
_TYPES: tuple[str, ...] = ("natural_person",) * 6 + ("commercial_enterprise", "research_institution")
_TYPES += ("social_welfare_org", "legal_service_org", "other_org")
_OUTCOMES = (
    ("disclosed",) * 8
    + ("partially_disclosed",) * 3
    + ("withheld_third_party_rights", "withheld_process_info", "unavailable_not_held", "unavailable_not_held")
    + ("unavailable_needs_creation", "rejected_petition_complaint", "rejected_repeat", "other")
)
_CHANNELS = ("online", "online", "mail", "in_person", "email", "ordinary_mail")


def history(year: int, applications: int) -> Iterator[dict[str, Any]]:
    """Yield a plausible year of import lines: `applications` spread evenly over the months (deterministic)."""
    yield {"event": "agency_named", "date": f"{year}-01-02", "agency_name": "宁波市鄞州区司法局"}
    for i in range(applications):
        month = 1 + i * 12 // applications
        day = 1 + (i * 7) % 27
        received = dt.date(year, month, day)
        number = f"鄞司依申〔{year}〕{i + 1}号"
        step = _stepper(number, received)
        yield {
            **step("received", 0),
            "channel": _CHANNELS[i % len(_CHANNELS)],
            "applicant_type": _TYPES[i % len(_TYPES)],
            "applicant": "陈某某" if i % 3 else "某某科技有限公司",
            "subject": _SUBJECTS[i % len(_SUBJECTS)],
        }
        yield step("registered", 1)
        if i % 7 == 3:
            yield {**step("correction_requested", 2), "until": (received + dt.timedelta(days=12)).isoformat()}
            yield step("correction_received", 5)
        if i % 11 == 5:
            yield {**step("fee_notified", 6), "amount": "100.00"}
            yield step("fee_paid", 8)
        if i % 13 == 7:
            yield {**step("extended", 10), "approved_by": "张主任"}
        if month == 12 and day > 20 and i % 2:
            continue  # still open at the year's end: carried into the next year
        yield {**step("answered", 14), "outcome": _OUTCOMES[i % len(_OUTCOMES)]}
        if i % 97 == 11:
            case = f"甬鄞复〔{year}〕{i + 1}号"
            kind = ("reconsideration", "litigation_direct", "litigation_after_reconsideration")[i % 3]
            appealed = step("appealed", 20)
            yield {**appealed, "case": case, "kind": kind}
            if i % 2:
                yield {"event": "appeal_decided", "case": case, "date": _later(appealed, 40), "result": "upheld"}


def _stepper(number: str, received: dt.date) -> Any:
    def step(event: str, days: int) -> dict[str, Any]:
        return {"event": event, "request": number, "date": (received + dt.timedelta(days=days)).isoformat()}

    return step


def _later(line: dict[str, Any], days: int) -> str:
    return (dt.date.fromisoformat(line["date"]) + dt.timedelta(days=days)).isoformat()


def to_pdf(document: Path, work: Path) -> Path:
    """Convert a document to PDF beside it (a.docx → a-docx.pdf): HTML with Chromium, XLSX and DOCX with LibreOffice."""
    pdf = document.with_name(f"{document.stem}-{document.suffix.lstrip('.')}.pdf")
    pdf.unlink(missing_ok=True)
    if document.suffix == ".html":
        profile = tempfile.mkdtemp(prefix="chromium-", dir=work)
        command = ["chromium", *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}"]
        subprocess.run([*command, document.resolve().as_uri()], capture_output=True, timeout=180, check=False)
    else:
        profile_uri = (work / "soffice-profile").resolve().as_uri()
        command = ["soffice", "--headless", f"-env:UserInstallation={profile_uri}", "--convert-to", "pdf"]
        subprocess.run([*command, "--outdir", str(work), str(document)], capture_output=True, timeout=300)
        converted = work / f"{document.stem}.pdf"
        if converted.exists():
            converted.replace(pdf)
    if not pdf.exists() or pdf.stat().st_size == 0:
        raise RuntimeError(f"{document.name}: no PDF was produced")
    return pdf


def pdf_pages(pdf: Path) -> tuple[int, str]:
    """Return a PDF's page count and page size as pdfinfo prints it ("841.89 x 595.276 pts (A4)")."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    return int(fields["Pages"]), fields["Page size"].strip()


def render(document: Path, work: Path, resolution: int) -> dict[str, Any]:
    """Render one document to PDF and PNG pages; return what pages.json says of it."""
    pdf = to_pdf(document, work)
    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", str(resolution), str(pdf), str(prefix)], check=True)
    pages, size = pdf_pages(pdf)
    pngs = sorted(str(p) for p in pdf.parent.glob(f"{prefix.name}-*.png"))
    return {"pdf": str(pdf), "pages": pages, "size": size, "png": pngs}


def _gongkai(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run([str(GONGKAI), *args], input=stdin, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"gongkai {' '.join(args)}: exit {done.returncode}: {done.stderr.strip()}")
    return done.stdout


DOCUMENTS = (
    "monthly.xlsx",
    "monthly.html",
    "zero.xlsx",
    "zero.html",
    "annual.xlsx",
    "annual.docx",
    "annual.html",
    "whole.docx",
    "whole.html",
)
_OVERVIEW = (
    "{year}年，本局在区委区政府的正确领导下，严格按照《中华人民共和国政府信息公开条例》和区政府办相关要求，加强组织领导，"
    "强化制度建设，以主动公开为核心，突出公开重点，不断规范政府信息公开工作。\n\n"
    "（一）强化机制建设、加强管理，工作落实到位。健全完善政府信息发布前审批、保密审查、依申请公开审查等制度，"
    "安排专人负责政务公开工作，确保政府信息及时主动公开，信息公开申请及时办理反馈。"
)


def report_inputs(year: int) -> Iterator[dict[str, Any]]:
    """Yield the office's part of the year's annual report: table 二 and the texts of 一, 五 and 六."""
    date = f"{year + 1}-01-10"
    figures: dict[str, dict[str, Any]] = {
        "regulations": {"issued": 0, "repealed": 0, "in_force": 2},
        "normative_documents": {"issued": 3, "repealed": 1, "in_force": 17},
        "licensing": {"decisions": 1286},
        "penalties": {"decisions": 45},
        "enforcement": {"decisions": 3},
        "fees": {"amount_10k_yuan": "0"},
    }
    yield {"event": "proactive_figures_recorded", "date": date, "year": year, "figures": figures}
    texts = {
        "overview": _OVERVIEW.format(year=year),
        "problems": "信息公开内容与公众需求相比仍有差距。\n\n下一步，我局将进一步深化信息公开内容。",
        "other": "本单位无其他需要报告的事项。",
    }
    for section, text in texts.items():
        yield {"event": "report_text_recorded", "date": date, "year": year, "section": section, "text": text}


def write_documents(out: Path, year: int, applications: int, month: str, only: tuple[str, ...]) -> list[Path]:
    """Build the sample store in `out` and write its printed documents (those named in `only`); return their paths."""
    env = {**os.environ, "GONGKAI_DB": str(out / "store.db"), "GONGKAI_TODAY": f"{year + 1}-03-01"}
    env["GONGKAI_CLERK"] = "王芳"
    lines = "".join(
        json.dumps(line, ensure_ascii=False) + "\n" for line in (*history(year, applications), *report_inputs(year))
    )
    _gongkai(env, "import", "-", stdin=lines)
    zero = f"{year - 1}-12"
    documents: list[Path] = []
    periods = {"monthly": month, "zero": zero, "annual": str(year), "whole": str(year)}
    for name in only:
        kind, fmt = name.split(".")
        period = periods[kind]
        if kind == "whole":  # the whole annual report (annual-report), six sections
            target = out / f"annual-report-{period}.{fmt}"
            _gongkai(env, "annual-report", period, "--format", fmt, "-o", str(target))
            documents.append(target)
            continue
        kind = "annual" if kind == "annual" else "monthly"
        target = out / f"{kind}-{period}.{fmt}"
        _gongkai(env, "report", kind, period, "--format", fmt, "-o", str(target))
        documents.append(target)
    for kind, period in (("monthly", month), ("annual", str(year))):
        (out / f"{kind}-{period}.json").write_text(_gongkai(env, "report", kind, period, "--format", "json"))
    (out / f"annual-report-{year}.json").write_text(_gongkai(env, "annual-report", str(year), "--format", "json"))
    return documents


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("pages"), help="the folder for documents, PDFs and PNGs")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--applications", type=int, default=240, help="applications in the year (default 240)")
    parser.add_argument("--month", help="the month whose filing is rendered (default: March of --year)")
    parser.add_argument("--resolution", type=int, default=60, help="PNG resolution in dpi (default 60)")
    parser.add_argument("--convert", nargs="+", type=Path, metavar="FILE", help="render these documents instead")
    parser.add_argument(
        "--only", nargs="+", choices=DOCUMENTS, default=DOCUMENTS, help="render only these of the sample's documents"
    )
    args = parser.parse_args()
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        print(
            f"render_pages: {', '.join(missing)} not found: apt-get install libreoffice-writer libreoffice-calc "
            "chromium poppler-utils fonts-noto-cjk fonts-liberation2",
            file=sys.stderr,
        )
        return 2
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="gongkai-render-"))
    try:
        if args.convert:
            documents = []
            for source in args.convert:
                if source.resolve().parent != out.resolve():
                    shutil.copy(source, out / source.name)
                documents.append(out / source.name)
        else:
            month = args.month or f"{args.year}-03"
            documents = write_documents(out, args.year, args.applications, month, tuple(args.only))
        status, pages = 0, {}
        for document in documents:
            try:
                pages[document.name] = render(document, work, args.resolution)
            except (RuntimeError, subprocess.SubprocessError) as error:
                print(f"FAIL {error}", file=sys.stderr)
                status = 1
                continue
            found = pages[document.name]
            print(f"ok   {document.name}: {found['pages']} page(s), {found['size']}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    (out / "pages.json").write_text(json.dumps(pages, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"PNG pages in {out}/ (pages.json lists them): look at each one", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
