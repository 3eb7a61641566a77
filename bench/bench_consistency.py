"""What FL309-FL312 cost (issue 13): the same runs with and without them, in one run.

    python bench/bench_consistency.py [--copies 2000] [--jobs 2] [--repeats 5]

Times, alternating the order from round to round on this one machine:
  (a) the bench_check.py command, `factlint check --offline --jobs J --format json corpus`
      over N copies of the seed, with the four rules and with `--ignore FL309,…,FL312`
      (target: at most +10 %);
  (b) the 5 MB brief of bench_large.py, `factlint check --offline --format json`, the same
      two ways (target: under 2×, i.e. the rules may not cost as much as the rest).
Prints min and median wall and CPU seconds (the CPU time of factlint and its worker
processes: less disturbed by other work on a shared machine) and the ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench_check import Tool, find_factlint, print_table
from bench_large import DEFINITION, PARAGRAPH
from gen_corpus import default_source, write_corpus

WITHOUT = ["--ignore", "FL309,FL310,FL311,FL312"]


def timed(argv: list[str], cwd: Path, env) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False, timeout=900)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def compare(factlint: Tool, args: list[str], cwd: Path, repeats: int, title: str) -> None:
    runs = {"with FL309-312": args, "without": [*args, *WITHOUT]}
    wall: dict[str, list[float]] = {name: [] for name in runs}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    for round_number in range(repeats):
        order = list(runs.items()) if round_number % 2 == 0 else list(reversed(runs.items()))
        for name, run_args in order:
            seconds, cpu_seconds = timed([*factlint.argv, *run_args], cwd, factlint.env)
            wall[name].append(seconds)
            cpu[name].append(cpu_seconds)
    rows = [[name, f"{min(wall[name]):.3f}", f"{statistics.median(wall[name]):.3f}",
             f"{min(cpu[name]):.3f}", f"{statistics.median(cpu[name]):.3f}"] for name in runs]
    print_table(title, ["run", "wall min", "wall median", "CPU min", "CPU median"], rows)
    first, second = runs
    for label, figures in (("wall", wall), ("CPU", cpu)):
        low = min(figures[first]) / min(figures[second])
        middle = statistics.median(figures[first]) / statistics.median(figures[second])
        print(f"{label} ratio with / without: min {low:.3f}, median {middle:.3f}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeats", "-k", type=int, default=5)
    args = parser.parse_args()
    factlint, note = find_factlint()
    if factlint is None:
        raise SystemExit(f"factlint not found: {note}")
    with tempfile.TemporaryDirectory(prefix="factlint-bench-") as temp:
        work = Path(temp)
        write_corpus(work / "corpus", args.copies, default_source())
        compare(factlint, ["check", "--offline", "--jobs", str(args.jobs), "--format", "json",
                           "corpus"], work, args.repeats,
                f"(a) {args.copies} copies of the seed, --jobs {args.jobs}")
        large = work / "many-paragraphs.md"
        count = 5 * 1024 * 1024 // len(PARAGRAPH.encode())
        large.write_text("# 大文件\n\n" + PARAGRAPH * count + DEFINITION, encoding="utf-8")
        compare(factlint, ["check", "--offline", "--format", "json", str(large)], work,
                args.repeats, f"(b) one brief of {large.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
