"""Peak memory of `factlint check` on a brief whose fact file reads one large CSV data file.

    python bench/bench_data_memory.py [--megabytes 100] [--python PATH]

Writes a CSV of about MEGABYTES MB (ten columns, one row per region and year, Chinese text
in two columns), a fact file with claims that select rows of it, and a brief; then runs
`python -m factlint check --offline` in a child process and prints the child's peak RSS
(ru_maxrss), its wall time and the ratio of peak RSS to the file's size. --python runs
another interpreter (e.g. main's venv) over the same files, to compare before and after.
Nothing here is a test: figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_inputs(folder: Path, megabytes: float) -> tuple[Path, int]:
    csv_path = folder / "regions.csv"
    target = int(megabytes * 1024 * 1024)
    with open(csv_path, "w", encoding="utf-8", newline="") as stream:
        stream.write("region,year,indicator,unit,value,firms,parks,revenue,note,source\n")
        row = 0
        while stream.tell() < target:
            stream.write(f"区域{row},{2000 + row % 25},主营业务收入,亿元,{row % 977}.5,{row % 131},"
                         f"{row % 17},{row * 3 % 10007},统计口径一致,局{row % 50}\n")
            row += 1
    claims = "".join(
        f"  - quote: 第{index}个数字 {index * 7 % 977}.5 亿元\n"
        f"    data: {{file: regions.csv, where: {{region: 区域{index * 7}, year: "
        f"{2000 + index * 7 % 25}}}, column: value}}\n"
        f"    unit: 亿元\n"
        for index in range(20)
    )
    (folder / "b.facts.yaml").write_text(f"factlint: 1\nclaims:\n{claims}", encoding="utf-8")
    brief = "".join(f"第{index}个数字 {index * 7 % 977}.5 亿元。\n\n" for index in range(20))
    (folder / "b.md").write_text(brief, encoding="utf-8")
    (folder / ".git").mkdir()
    return csv_path, os.path.getsize(csv_path)


def measure(python: str, folder: Path) -> tuple[float, float, int]:
    """(peak RSS in MB, wall seconds, exit status) of one check in a fresh child."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run([python, "-m", "factlint", "check", "--offline", str(folder / "b.md")],
                          capture_output=True, text=True, cwd=folder)
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if peak <= before:
        print("  (peak not above an earlier child's: measure one interpreter per run)")
    return peak / 1024, wall, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=100.0)
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="factlint-mem-") as scratch:
        folder = Path(scratch)
        _, size = write_inputs(folder, args.megabytes)
        peak, wall, status = measure(args.python, folder)
        print(f"data file: {size / 1e6:.1f} MB CSV; interpreter: {args.python}")
        print(f"peak RSS: {peak:.0f} MB ({peak * 1024 * 1024 / size:.1f}x the file); "
              f"wall: {wall:.1f} s; exit status {status}")


if __name__ == "__main__":
    main()
