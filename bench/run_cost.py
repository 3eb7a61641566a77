"""What a whole `factlint check` costs a brief, and what its parent process costs.

    python bench/run_cost.py [--copies 40] [--jobs 2] [--rusage-copies 2000] [--python PY]
                             [--no-callgrind] [--no-rusage]

Two figures that the load of a shared machine does not blur, or blurs little:

- instructions, under valgrind's callgrind (PYTHONHASHSEED=0), of
  `check --offline --jobs J --format json` over N and over 2N copies of the seed (N >= 4,
  so that both runs use the worker processes); valgrind follows the forked workers, so
  each process's count is printed at its exit and the parent's is told apart from the
  workers' (whose counts include what the parent did before forking them: the difference
  cancels it). (total(2N) - total(N)) / N is the instructions a brief of the whole run
  costs, parent and workers together; the same difference of the parent's alone is the
  parent's share a brief;
- CPU seconds from getrusage of the same command over --rusage-copies copies, run
  normally: the parent's own (RUSAGE_SELF) and its workers' (RUSAGE_CHILDREN), taken in
  the parent once the command has run (the pool's workers have been waited for).

factlint runs from bytecode (src/ is compiled first, PYTHONDONTWRITEBYTECODE unset), with
the user's pattern cache filled (an untimed run first, see patterncache.py), and its
output goes to /dev/null. `--python` runs another checkout's interpreter (its venv)
on the same corpora, to compare. Prints figures only; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from gen_corpus import default_source, write_corpus

REPO = Path(__file__).resolve().parent.parent
# runs the command line as the `factlint` script does, then prints the CPU the parent and
# its waited-for children used (getrusage) on stderr
LAUNCH = """
import resource, sys
from factlint.__main__ import main
try:
    code = main()
except SystemExit as exc:
    code = exc.code
me, children = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
print(f"rusage {me.ru_utime} {me.ru_stime} {children.ru_utime} {children.ru_stime}",
      file=sys.stderr)
sys.exit(code)
"""
COLLECTED = re.compile(r"^==(\d+)== Collected : (\d+)$", re.MULTILINE)


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONHASHSEED"] = "0"
    return env


def command(python: str, folder: Path, jobs: int) -> list[str]:
    return [python, "-c", LAUNCH, "check", "--offline", "--jobs", str(jobs), "--format",
            "json", str(folder)]


def instructions(python: str, folder: Path, jobs: int) -> tuple[int, int]:
    """(the parent's instructions, its workers' together) of one run under callgrind."""
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
         *command(python, folder, jobs)],
        env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        check=False)
    if done.returncode not in (0, 1):
        sys.exit(f"factlint failed under valgrind ({done.returncode}):\n{done.stderr[-2000:]}")
    counts = [(int(pid), int(n)) for pid, n in COLLECTED.findall(done.stderr)]
    parent = min(counts)[0]  # the workers are forked after it, with higher ids
    mine = sum(n for pid, n in counts if pid == parent)
    return mine, sum(n for pid, n in counts if pid != parent)


def rusage(python: str, folder: Path, jobs: int) -> tuple[float, float, float, float]:
    done = subprocess.run(command(python, folder, jobs), env=environment(),
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          check=False)
    line = [ln for ln in done.stderr.splitlines() if ln.startswith("rusage ")]
    if done.returncode not in (0, 1) or not line:
        sys.exit(f"factlint failed ({done.returncode}):\n{done.stderr[-2000:]}")
    user, system, child_user, child_system = map(float, line[-1].split()[1:])
    return user, system, child_user, child_system


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=40, help="briefs under callgrind (40)")
    parser.add_argument("--jobs", type=int, default=2, help="--jobs of the command (2)")
    parser.add_argument("--rusage-copies", type=int, default=2000,
                        help="briefs of the getrusage run (2000)")
    parser.add_argument("--repeats", type=int, default=3, help="getrusage runs (3)")
    parser.add_argument("--python", default=sys.executable,
                        help="the interpreter whose factlint runs (this one)")
    parser.add_argument("--no-callgrind", action="store_true")
    parser.add_argument("--no-rusage", action="store_true")
    args = parser.parse_args()
    source = default_source()
    src = Path(args.python).resolve().parent.parent.parent / "src"
    if src.is_dir():
        subprocess.run([args.python, "-m", "compileall", "-q", str(src)], env=environment(),
                       check=False)
    print(f"python: {args.python}; seed: {source}; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    work = Path(tempfile.mkdtemp(prefix="factlint-run-cost-"))
    try:
        if not args.no_callgrind and shutil.which("valgrind"):
            write_corpus(work / "few", args.copies, source)
            write_corpus(work / "many", 2 * args.copies, source)
            rusage(args.python, work / "few", args.jobs)  # fills the pattern cache
            few = instructions(args.python, work / "few", args.jobs)
            many = instructions(args.python, work / "many", args.jobs)
            total = (sum(many) - sum(few)) / args.copies
            parent = (many[0] - few[0]) / args.copies
            print(f"callgrind, --jobs {args.jobs}: {args.copies} briefs {sum(few) / 1e6:.1f} M "
                  f"(parent {few[0] / 1e6:.1f} M); {2 * args.copies} briefs "
                  f"{sum(many) / 1e6:.1f} M (parent {many[0] / 1e6:.1f} M)")
            print(f"  a brief: {total / 1e6:.2f} M instructions, of which the parent "
                  f"{parent / 1e6:.2f} M and the workers {(total - parent) / 1e6:.2f} M")
        if not args.no_rusage:
            write_corpus(work / "rusage", args.rusage_copies, source)
            for _ in range(args.repeats):
                user, system, child_user, child_system = rusage(args.python, work / "rusage",
                                                                args.jobs)
                print(f"getrusage, {args.rusage_copies} briefs, --jobs {args.jobs}: parent "
                      f"{user + system:.2f} s ({user:.2f} user + {system:.2f} sys), workers "
                      f"{child_user + child_system:.2f} s ({child_user:.2f} + "
                      f"{child_system:.2f}); load average {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
