"""Large and awkward briefs: a 5 MB brief of many paragraphs, and 2.5 MB on one line.

Prints wall time and peak memory of `factlint check --offline --format json` on each.
A cost that grows faster than the text (a scan per finding over a whole line, say)
shows here as minutes instead of seconds.  Usage: python bench/bench_large.py
"""

from __future__ import annotations

import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PARAGRAPH = "各地共培育数据企业 1732 家<sup>1</sup>，其中超120家位居全国前列。\n\n"
WORDS = ["数据", "产业", "超120家", "20余家", "、", "位居全国前列", "<sup>1</sup>", "[^2]", "，",
         "1,159 firms ", "《标题》", "一、", "（一）"]
DEFINITION = "<sup>1</sup> 来源：某局，《年报》\n"


def command() -> list[str]:
    exe = shutil.which("factlint")
    return [exe] if exe else [sys.executable, "-m", "factlint"]


def measure(path: Path) -> tuple[float, int]:
    start = time.perf_counter()
    subprocess.run([*command(), "check", "--offline", "--format", "json", str(path)],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    return wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def main() -> None:
    random.seed(1)
    with tempfile.TemporaryDirectory() as folder:
        many = Path(folder) / "many-paragraphs.md"
        count = 5 * 1024 * 1024 // len(PARAGRAPH.encode())
        many.write_text("# 大文件\n\n" + PARAGRAPH * count + DEFINITION, encoding="utf-8")
        one = Path(folder) / "one-line.md"
        line = "".join(random.choice(WORDS) for _ in range(300_000))
        one.write_text(line + "\n\n" + DEFINITION, encoding="utf-8")
        for path in (many, one):
            wall, rss = measure(path)
            size = path.stat().st_size / 1e6
            print(f"{path.name:22} {size:5.1f} MB  {wall:6.2f} s wall  "
                  f"peak RSS {rss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
