"""Instructions per brief of ``engine.check_file`` and of ``document.read_document`` alone.

    python bench/brief_cost.py [--briefs 20] [--baseline OTHER/src] [BRIEF]

Counting instructions is not blurred by other work on the machine, as seconds are. Each
figure is the difference of valgrind's "Collected" count (callgrind, ``PYTHONHASHSEED=0``)
between a process that checks (or reads) the brief N + 1 times and one that does it once,
divided by N: start-up, imports, pattern compiling and the first brief's warm-up cancel
out. ``--baseline OTHER/src`` (e.g. ``git worktree add /tmp/old main`` then ``/tmp/old/src``)
counts that checkout's code too and prints the ratio this / baseline. The default brief
is the shared seed (without it, data/examples/zh-brief.md). Needs valgrind.

``--inner N --what check|read`` is the counted process itself (run under valgrind by the
outer one); it also prints the seconds its N runs took.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seeds" / "guangxi-data-industry-brief.md"
EXAMPLE = ROOT / "data" / "examples" / "zh-brief.md"
WAYS = ("check", "read")


def inner(brief: Path, runs: int, what: str) -> None:
    """Check (or read) ``brief`` once to warm up, then ``runs`` times more."""
    from factlint.document import read_document
    from factlint.engine import RunOptions, check_file

    path = str(brief)
    text = brief.read_text(encoding="utf-8")
    options = RunOptions(paths=(path,), offline=True)

    def once() -> None:
        if what == "check":
            check_file(path, options)
        else:
            read_document(path, text)

    once()
    began = time.perf_counter()
    for _ in range(runs):
        once()
    print(f"{runs} x {what}: {time.perf_counter() - began:.3f} s")


def collected(src: Path, brief: Path, runs: int, what: str) -> int:
    """valgrind's instruction count of one inner process on ``src``."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, PYTHONHASHSEED="0", PYTHONPATH=str(src), XDG_CACHE_HOME=cache,
                   PYTHONDONTWRITEBYTECODE="1")
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
             __file__, "--inner", str(runs), "--what", what, str(brief)],
            env=env, capture_output=True, text=True, check=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"no instruction count from valgrind:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def per_brief(src: Path, brief: Path, briefs: int, what: str, pool) -> float:
    many, one = pool.map(lambda n: collected(src, brief, n, what), (briefs, 0))
    return (many - one) / briefs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("brief", nargs="?", type=Path)
    parser.add_argument("--briefs", type=int, default=20, help="N, the briefs counted (20)")
    parser.add_argument("--baseline", type=Path, help="another checkout's src/ to count too")
    parser.add_argument("--inner", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--what", choices=WAYS, default="check", help=argparse.SUPPRESS)
    args = parser.parse_args()
    brief = (args.brief or (SEED if SEED.exists() else EXAMPLE)).resolve()
    if args.inner is not None:
        inner(brief, args.inner, args.what)
        return 0
    sources = [("this checkout", ROOT / "src")]
    if args.baseline:
        sources.append(("baseline", args.baseline.resolve()))
    print(f"brief: {brief}; instructions per brief over {args.briefs} briefs "
          "(PYTHONHASHSEED=0, callgrind)")
    counts: dict[tuple[str, str], float] = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        for name, src in sources:
            for what in WAYS:
                counts[name, what] = per_brief(src, brief, args.briefs, what, pool)
                label = "check_file" if what == "check" else "read_document"
                print(f"  {name:14} {label:14} {counts[name, what] / 1e6:8.2f} M")
    if args.baseline:
        for what in WAYS:
            ratio = counts["this checkout", what] / counts["baseline", what]
            print(f"  ratio {what:5} this / baseline: {ratio:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
