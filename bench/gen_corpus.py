"""Write a benchmark corpus: N copies of one Markdown brief.

    python bench/gen_corpus.py OUT_DIR --copies N [--source FILE] [--identical]

Files are named brief-00001.md, brief-00002.md, ... Each copy is the source's
bytes followed by one HTML comment line naming the copy number, so that no tool
can short-cut the work by noticing identical content; --identical writes
byte-identical copies instead.

The default source is the shared seed brief (shared/seeds/guangxi-data-industry-brief.md,
looked up at /work/shared and beside the repository); without it, the largest
brief in the repository's data/examples/ is used.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED_NAME = "guangxi-data-industry-brief.md"
SEED_CANDIDATES = (
    Path("/work/shared/seeds") / SEED_NAME,
    REPO.parent / "shared" / "seeds" / SEED_NAME,
)
EXAMPLES_DIR = REPO / "data" / "examples"


def default_source() -> Path:
    """The seed brief if present, else the largest example brief in the repository."""
    for candidate in SEED_CANDIDATES:
        if candidate.is_file():
            return candidate
    examples = sorted(EXAMPLES_DIR.rglob("*.md"), key=lambda p: (-p.stat().st_size, p))
    if examples:
        return examples[0]
    raise FileNotFoundError(
        f"no source brief: none of {', '.join(map(str, SEED_CANDIDATES))} exists and "
        f"{EXAMPLES_DIR} holds no .md file; pass --source FILE"
    )


def write_corpus(out_dir: Path, copies: int, source: Path, identical: bool = False) -> list[Path]:
    """Write `copies` copies of `source` into `out_dir`; return their paths in order."""
    body = source.read_bytes()
    if not identical and body and not body.endswith(b"\n"):
        body += b"\n"
    out_dir.mkdir(parents=True, exist_ok=True)
    width = max(5, len(str(copies)))
    paths = []
    for number in range(1, copies + 1):
        path = out_dir / f"brief-{number:0{width}d}.md"
        data = body if identical else body + f"\n<!-- bench copy {number} -->\n".encode()
        path.write_bytes(data)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write N copies of a brief for benchmarks.")
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    parser.add_argument("--copies", type=int, default=2000, help="number of copies (default 2000)")
    parser.add_argument("--source", type=Path, help="brief to copy (default: the shared seed)")
    parser.add_argument(
        "--identical",
        action="store_true",
        help="byte-identical copies, without the trailing copy-number comment",
    )
    args = parser.parse_args(argv)
    if args.copies < 1:
        parser.error("--copies must be at least 1")
    try:
        source = args.source or default_source()
    except FileNotFoundError as error:
        parser.error(str(error))
    if not source.is_file():
        parser.error(f"--source {source} is not a file")
    paths = write_corpus(args.out_dir, args.copies, source, identical=args.identical)
    print(f"wrote {len(paths)} copies of {source} to {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
