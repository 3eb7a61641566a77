"""Does a change keep every finding? Compare `factlint check` of two installs, byte for byte.

    python bench/same_output.py BASELINE_FACTLINT [--candidate FACTLINT] [--jobs 2]

Runs `check --offline --format json` with both executables (the candidate defaults to the
`factlint` next to this Python) on the shared seed, on every file of ../shared/corpus and
../shared/corpus2 and on those folders whole, and on data/examples (folder and files), from
the repository's top, and prints each input whose output or exit status differs. A speed
change should print nothing but the count of inputs compared. Make the baseline with a
worktree of the commit to compare against (git worktree add /tmp/base main; python -m venv
/tmp/base/.venv; /tmp/base/.venv/bin/pip install -e /tmp/base).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def inputs() -> list[str]:
    found = [str(p) for p in sorted((SHARED / "seeds").glob("*.md"))]
    for folder in ("corpus", "corpus2"):
        if (SHARED / folder).is_dir():
            found += [str(p) for p in sorted((SHARED / folder).glob("*.md"))]
            found.append(str(SHARED / folder))
    examples = REPO / "data" / "examples"
    found += ["data/examples", *(str(p.relative_to(REPO)) for p in sorted(examples.glob("*.md")))]
    return found


def output(factlint: str, path: str, jobs: int) -> tuple[int, bytes, bytes]:
    done = subprocess.run([factlint, "check", "--offline", "--jobs", str(jobs), "--format",
                           "json", path], cwd=REPO, capture_output=True, timeout=900)
    return done.returncode, done.stdout, done.stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("baseline", help="the factlint executable of the code compared with")
    parser.add_argument("--candidate", default=shutil.which("factlint", path=str(
        Path(sys.executable).parent)) or "factlint", help="the factlint of this change")
    parser.add_argument("--jobs", type=int, default=2, help="--jobs for both (2)")
    args = parser.parse_args()
    paths = inputs()
    differ = [path for path in paths
              if output(args.baseline, path, args.jobs) != output(args.candidate, path, args.jobs)]
    for path in differ:
        print(f"differs: {path}")
    print(f"{len(paths)} inputs compared, {len(differ)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
