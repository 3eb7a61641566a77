"""A 200-page Word brief: about 100,000 characters and 400 real footnotes (issue 14).

    python bench/bench_word.py [--pages 200] [--notes 400] [--repeats 5]

Builds the document with the test suite's builder (tests/wordbuild.py: python-docx plus a
footnotes part written with lxml), then prints, each as min and median of the repeats:

- in process: reading the .docx into its rendering (python-docx + lxml), and the whole
  check of that one file (`engine.check_file`: read, render, parse, every rule);
- `factlint check --offline --format json BRIEF.docx` from process start;
- `factlint annotate --offline` of it (a comment per finding, read back and compared).

Target: the check in at most 2 s. The machine is shared (2 cores, other work running):
compare the figures of one run, not across runs.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

SUBJECTS = ["全市数据企业", "低空物流航线", "算力中心机架", "工业互联网平台", "跨境数据服务",
            "公共数据开放目录", "智能网联示范道路", "数字乡村试点"]
VERBS = ["达到", "超过", "累计建成", "新增", "突破"]
UNITS = ["家", "条", "个", "项", "万架"]
FILLER = ("围绕产业链上下游协同发展，持续优化营商环境，推动政策、资金、人才等要素向重点领域集聚，"
          "形成以龙头企业为牵引、中小企业协同配套的发展格局")


def generated(pages: int, notes: int) -> list:
    """Headings 一、（一）, paragraphs of about 250 characters, ``notes`` footnotes."""
    rng = random.Random(14)
    blocks: list = [("title", "关于数据产业集聚发展的年度报告（生成文本）")]
    paragraphs = pages * 2
    per_note = max(1, paragraphs // notes)
    section = 0
    written_notes = 0
    for index in range(paragraphs):
        if index % 20 == 0:
            section += 1
            blocks.append(("heading", 1, f"{_chinese(section)}、第{section}部分"))
        if index % 5 == 0:
            blocks.append(("heading", 2, f"（{_chinese(index // 5 % 10 + 1)}）专题"))
        pieces: list = []
        for _ in range(3):
            figure = f"{rng.randint(11, 9999)}{rng.choice(UNITS)}"
            pieces.append(f"{rng.choice(SUBJECTS)}{rng.choice(VERBS)}{figure}，{FILLER}")
            if written_notes < notes and (index % per_note == 0 or paragraphs - index
                                          <= notes - written_notes):
                written_notes += 1
                pieces.append(("note", f"来源：某某局，《第{written_notes}号统计公报》，"
                                       f"https://example.org/report/{written_notes}"))
            pieces.append("。")
        blocks.append(("p", *pieces))
    return blocks


def _chinese(number: int) -> str:
    digits = "一二三四五六七八九"
    if number <= 9:
        return digits[number - 1]
    tens, ones = divmod(number, 10)
    return (digits[tens - 1] if tens > 1 else "") + "十" + (digits[ones - 1] if ones else "")


def command() -> list[str]:
    exe = shutil.which("factlint")
    return [exe] if exe else [sys.executable, "-m", "factlint"]


def timed(action, repeats: int) -> tuple[float, float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--notes", type=int, default=400)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    import wordbuild

    from factlint.engine import RunOptions, check_file
    from factlint.word import read_word

    with tempfile.TemporaryDirectory() as folder:
        path = wordbuild.build(generated(args.pages, args.notes), Path(folder) / "report.docx")
        data = path.read_bytes()
        rendering = read_word(data, str(path))
        body = sum(len(p.text) for p in rendering.places if p.part == "body")
        notes = sum(1 for p in rendering.places if p.part == "footnotes")
        result = check_file(str(path), RunOptions(paths=(str(path),), offline=True))
        print(f"{path.name}: {len(data) / 1e6:.2f} MB, {body:,} characters in the body, "
              f"{notes} footnotes, {len(rendering.places):,} paragraphs; "
              f"{len(result.findings)} findings, {result.claims} claims")
        rows = [
            ("read .docx -> rendering", lambda: read_word(data, str(path))),
            ("check_file (whole check)", lambda: check_file(
                str(path), RunOptions(paths=(str(path),), offline=True))),
            ("factlint check (process)", lambda: subprocess.run(
                [*command(), "check", "--offline", "--format", "json", str(path)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)),
            ("factlint annotate (process)", lambda: subprocess.run(
                [*command(), "annotate", "--offline", str(path), "-o",
                 str(Path(folder) / "report.checked.docx")],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)),
        ]
        for name, action in rows:
            best, median = timed(action, args.repeats)
            print(f"  {name:30} min {best:6.3f} s   median {median:6.3f} s")


if __name__ == "__main__":
    main()
