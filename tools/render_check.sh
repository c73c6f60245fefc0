#!/usr/bin/env bash
# Render a report JSON to XLSX and DOCX, convert both to PDF with LibreOffice (headless) and check that the
# official labels and the title survive: a smoke test of what a clerk will print.
# Usage: tools/render_check.sh [REPORT.json]   (default: the 2024 上海市科学技术委员会 example)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
report="${1:-/work/shared/examples/shanghai-stc-2024.json}"
python="${PYTHON:-$root/.venv/bin/python}"
for tool in soffice pdftotext; do
    command -v "$tool" >/dev/null || { echo "render_check: $tool not found (apt-get install libreoffice-calc libreoffice-writer poppler-utils)" >&2; exit 2; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$root"
"$python" - "$report" "$work" <<'PY'
import json
import sys
from pathlib import Path

from projections.render import write_docx, write_xlsx

report = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
write_xlsx(report, Path(sys.argv[2]) / "table-xlsx.xlsx")
write_docx(report, Path(sys.argv[2]) / "table-docx.docx")
PY

soffice --headless -env:UserInstallation="file://$work/profile" --convert-to pdf --outdir "$work" \
    "$work/table-xlsx.xlsx" "$work/table-docx.docx" >/dev/null 2>&1

agency="$("$python" -c 'import json, sys; print(json.load(open(sys.argv[1], encoding="utf-8"))["agency"])' "$report")"
labels=("$agency" "申请人情况" "法人或其他组织" "一、本年新收政府信息公开申请数量" "三、本年度办理结果" "（三）不予公开"
        "（七）总计" "四、结转下年度继续办理" "行政复议" "行政诉讼" "未经复议直接起诉" "复议后起诉" "尚未审结")
status=0
for kind in xlsx docx; do
    pdf="$work/table-$kind.pdf"
    if [ ! -s "$pdf" ]; then echo "FAIL $kind: no PDF produced" >&2; status=1; continue; fi
    # -raw keeps a wrapped cell's lines together; compare without whitespace.
    text="$(pdftotext -raw "$pdf" - | tr -d '[:space:]')"
    missing=0
    for label in "${labels[@]}"; do
        if [[ "$text" != *"${label//[[:space:]]/}"* ]]; then echo "FAIL $kind: '$label' missing from the PDF" >&2; missing=1; fi
    done
    if [ $missing -eq 0 ]; then echo "ok   $kind: $(pdfinfo "$pdf" | awk '/^Pages/ {print $2}') page(s), all labels found"; else status=1; fi
done
exit $status
