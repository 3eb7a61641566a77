"""Time a multi-file book against the same chapters checked alone (issue 9).

    python bench/bench_book.py [--chapters 100] [--jobs 2] [--repeats 3]

Builds, from the seed brief, two folders of the same chapters:

  book/   ch-001.md … ch-100.md citing footnotes [^1] … [^2400] kept in one shared notes.md
          (a definitions-only file: factlint groups the folder into one document);
  alone/  the same chapters, each with its own footnote definitions (one file, one document).

and times `factlint check --offline --jobs J --format json` on each, alternating the order,
reporting min and median wall time and the ratio book / alone (target: at most 2).
It also checks that both report no FL101/FL102 (every marker resolves, every note is used).
factlint runs from bytecode, as installed (src/ compiled first, PYTHONDONTWRITEBYTECODE
unset for the timed runs). This prints figures only; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO / "src"))

from bench_check import bytecode_env, compile_bytecode  # noqa: E402
from gen_corpus import default_source  # noqa: E402

from factlint.document import read_document  # noqa: E402

RATIO_TARGET = 2.0


def chapter_parts(seed: str, offset: int) -> tuple[str, list[str]]:
    """The seed's text with its markers as [^offset+n] and its definitions taken out."""
    doc = read_document("seed.md", seed)
    edits = [(m.start, m.end, "".join(f"[^{offset + int(label)}]" for label in m.labels))
             for m in doc.markers]
    edits += [(d.start, d.end, "") for d in doc.definitions]
    notes = [f"[^{offset + int(d.label)}]: {d.body.strip()}，"
             f"https://example.org/sources/{offset + int(d.label)}" for d in doc.definitions]
    text = seed
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text, notes


def build(root: Path, seed: str, chapters: int) -> None:
    book, alone = root / "book", root / "alone"
    book.mkdir()
    alone.mkdir()
    per_chapter = len(read_document("seed.md", seed).definitions)
    all_notes = []
    for index in range(chapters):
        text, notes = chapter_parts(seed, index * per_chapter)
        name = f"ch-{index + 1:03d}.md"
        (book / name).write_text(text, encoding="utf-8")
        (alone / name).write_text(text.rstrip() + "\n\n" + "\n\n".join(notes) + "\n",
                                  encoding="utf-8")
        all_notes.extend(notes)
    (book / "notes.md").write_text("# Notes\n\n" + "\n\n".join(all_notes) + "\n",
                                   encoding="utf-8")


def factlint_argv() -> list[str]:
    return [sys.executable, "-m", "factlint"]


def timed(argv: list[str], cwd: Path) -> tuple[float, dict]:
    env = bytecode_env(PYTHONPATH=str(REPO / "src"))
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.strip()}")
    return elapsed, json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapters", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    seed = default_source().read_text(encoding="utf-8")
    compile_bytecode(REPO / "src")
    with tempfile.TemporaryDirectory(prefix="factlint-book-") as tmp:
        root = Path(tmp)
        build(root, seed, args.chapters)
        times: dict[str, list[float]] = {"book": [], "alone": []}
        for round_ in range(args.repeats + 1):
            order = ("book", "alone") if round_ % 2 == 0 else ("alone", "book")
            for name in order:
                argv = [*factlint_argv(), "check", "--offline", "--jobs", str(args.jobs),
                        "--format", "json", name]
                elapsed, report = timed(argv, root)
                if round_ == 0:  # the warm-up run checks the layouts are what they claim
                    lost = [f for f in report["findings"] if f["code"] in ("FL101", "FL102")]
                    print(f"{name}: {report['summary']['files']} files, "
                          f"{len(lost)} FL101/FL102 findings (expected 0)")
                    continue
                times[name].append(elapsed)
        print(f"\n{args.chapters} chapters of the seed brief, --jobs {args.jobs}, "
              f"{args.repeats} rounds (noisy shared machine: compare within this run)")
        for name, values in times.items():
            median = statistics.median(values)
            print(f"  {name:<6} min {min(values):6.2f} s   median {median:6.2f} s")
        ratio = min(times["book"]) / min(times["alone"])
        print(f"  ratio book / alone (min): {ratio:.2f}  (target: at most {RATIO_TARGET})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
