"""The work of one edit of the 1 MB brief in `factlint lsp`, in this process, for counting
instructions (which other work on the machine does not disturb, as it does seconds):

    PYTHONHASHSEED=0 valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        python bench/lsp_edit_cost.py --edits N --way server|inspect|check [BRIEF]

``server``: what the server does for a keystroke (its buffer's Text edited, the check it
runs, the diagnostics published as JSON to a writer that drops them); ``inspect``: only
``api.inspect_text``; ``check``: only ``api.check_text``. Each way first opens the brief
(checks and, for ``server``, publishes it once), so the difference of the "Collected"
counts of --edits N and --edits 0, divided by N, is the cost of one edit. The brief is
the reference brief repeated to 1 MB, as in bench_lsp.py (c); edits type and delete one
character in its longest line. Prints the seconds it took, for a run without valgrind.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
SEED = ROOT.parent / "shared" / "seeds" / "guangxi-data-industry-brief.md"
EXAMPLE = ROOT / "data" / "examples" / "zh-brief.md"


class Dropped:
    """A writer for the server's protocol that keeps nothing."""

    def write(self, data: bytes) -> None:
        pass

    def close(self) -> None:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("brief", nargs="?", type=Path)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--way", choices=("server", "inspect", "check"), default="server")
    parser.add_argument("--big-bytes", type=int, default=1_000_000)
    args = parser.parse_args()
    from factlint import api, lsp

    text = (args.brief or (SEED if SEED.exists() else EXAMPLE)).read_text(encoding="utf-8")
    big = (text + "\n\n") * (max(1, args.big_bytes // len(text.encode("utf-8")) + 1))
    lines = big.split("\n")
    longest = max(range(len(lines)), key=lambda i: len(lines[i]))
    at = sum(len(line) + 1 for line in lines[:longest]) + min(40, len(lines[longest]))
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "big.md")
        Path(path).write_text(big, encoding="utf-8")
        server = lsp.FactlintServer()
        server.protocol.set_writer(Dropped())
        buffer = lsp.Buffer(Path(path).as_uri(), path, lsp.Text(big, True), 1)
        server.buffers[buffer.uri] = buffer

        current = big

        def check(version: int) -> None:
            if args.way == "check":
                api.check_text(current, path)
                return
            checked = api.inspect_text(current, path)
            if args.way == "server":
                buffer.checked, buffer.checked_text = checked, buffer.text
                buffer.checked_version = version
                server.publish(buffer)

        check(1)
        began = time.perf_counter()
        for version in range(2, args.edits + 2):
            typed = version % 2 == 0
            end = at + (0 if typed else 1)
            new = "数" if typed else ""
            current = current[:at] + new + current[end:]
            if args.way == "server":
                buffer.text = buffer.text.edited(at, end, new, True)
            check(version)
        print(f"{args.way}: {args.edits} edits in {time.perf_counter() - began:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
