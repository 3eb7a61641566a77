"""What an editor sees: annotate a Word brief and render the copy to PDF and PNG pages.

    python tools/word_preview.py [BRIEF.docx] [--out FOLDER]

Without a brief, builds the test suite's Chinese brief with its planted faults (a removed
note reference, an undefined superscript, a figure the fact file contradicts). Writes
FOLDER/<stem>.checked.docx, then asks LibreOffice (headless; Debian: `apt-get install
libreoffice-writer`) for a PDF with the comments in the margin, and poppler's pdftoppm for
one PNG per page. Prints the paths and the timings.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# LibreOffice's PDF export puts comments in the page margin only when asked (7.x+)
PDF_FILTER = 'pdf:writer_pdf_Export:{"ExportNotesInMargin":{"type":"boolean","value":"true"}}'


def planted_brief(folder: Path) -> Path:
    sys.path.insert(0, str(ROOT / "tests"))
    import docx
    import wordbuild

    jiangcheng = "江城市搭建低空飞行数字化管理平台，实现航线审批线上办理"
    blocks = []
    for block in wordbuild.chinese_brief():
        if block[0] == "p" and jiangcheng in block:
            block = tuple(p for piece in block for p in (
                (piece, ("sup", "25")) if piece == jiangcheng else (piece,)))
        blocks.append(block)
    path = wordbuild.build(blocks, folder / "brief.docx")
    document = docx.Document(str(path))
    body = document.element.body
    reference = list(body.iter(f"{{{wordbuild.W}}}footnoteReference"))[7]
    reference.getparent().getparent().remove(reference.getparent())
    document.add_comment(document.paragraphs[1].runs, text="请补充本市数据。", author="编辑")
    document.save(str(path))
    (folder / "brief.facts.yaml").write_text(
        "factlint: 1\nclaims:\n  - quote: 累计发布场景清单120项\n    value: 112\n"
        "    unit: 项\n    source: 7\n", encoding="utf-8")
    return path


def pdf_comments(pdf: Path) -> list[tuple[str, str]]:
    """(page position, text) of the comment annotations LibreOffice wrote into the PDF."""
    data = pdf.read_bytes()
    found = []
    for match in re.finditer(rb"\d+ 0 obj\s*(<<.*?)endobj", data, re.DOTALL):
        body = match.group(1)
        if b"/Subtype/Text" not in body.replace(b" ", b""):
            continue
        contents = re.search(rb"/Contents\s*<([0-9A-Fa-f]+)>", body)
        rect = re.search(rb"/Rect\s*\[([^\]]*)\]", body)
        text = bytes.fromhex(contents.group(1).decode()).decode("utf-16") if contents else ""
        corner = rect.group(1).decode().split()[:2] if rect else ["?", "?"]
        found.append((f"x={float(corner[0]):.0f} y={float(corner[1]):.0f}", text))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("brief", nargs="?", type=Path)
    parser.add_argument("--out", type=Path, default=Path("preview"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    brief = args.brief or planted_brief(args.out)
    checked = args.out / f"{brief.stem}.checked.docx"
    started = time.perf_counter()
    annotate = subprocess.run([sys.executable, "-m", "factlint", "annotate", "--offline",
                               str(brief), "-o", str(checked)], capture_output=True, text=True)
    print(annotate.stdout.strip() or annotate.stderr.strip(),
          f"({time.perf_counter() - started:.2f} s)")
    if annotate.returncode == 2:
        return 2
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("LibreOffice is not installed: apt-get install -y libreoffice-writer")
        return 2
    started = time.perf_counter()
    subprocess.run([soffice, "--headless", "--convert-to", PDF_FILTER, "--outdir",
                    str(args.out), str(checked)], check=True, capture_output=True)
    pdf = args.out / f"{checked.stem}.pdf"
    print(f"{pdf} ({time.perf_counter() - started:.2f} s)")
    if shutil.which("pdftoppm") is None:
        print("pdftoppm is not installed: apt-get install -y poppler-utils")
        return 2
    subprocess.run(["pdftoppm", "-q", "-png", "-r", "110", str(pdf),
                    str(args.out / checked.stem)], check=True)
    for page in sorted(args.out.glob(f"{checked.stem}*.png")):
        print(page)
    comments = pdf_comments(pdf)
    print(f"{len(comments)} comment annotations in the PDF (shown as icons at their anchors):")
    for where, text in comments:
        print(f"  {where}: {text[:100]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
