"""Attach Emacs (batch, eglot) to `factlint lsp` on a brief and print the diagnostics it shows.

    python tools/emacs_lsp.py [BRIEF] [--factlint CMD]

BRIEF defaults to the reference brief (../shared/seeds/guangxi-data-industry-brief.md), else
the project's data/examples/zh-brief.md. Emacs runs in batch mode, with no init file of the
user's (the system's site files load: Debian's activate elpa-eglot), and
tools/emacs_eglot.el, which sets eglot up as the README says, opens the brief, waits for the
diagnostics Flymake shows and writes them out; this script prints one line per diagnostic:

    LINE:COL CODE type message        (1-based; COL in characters, as Emacs counts them)

Exit status 0 when diagnostics arrived, 1 when none did, 2 when Emacs or eglot is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tools" / "emacs_eglot.el"
SEED = ROOT.parent / "shared" / "seeds" / "guangxi-data-industry-brief.md"
EXAMPLE = ROOT / "data" / "examples" / "zh-brief.md"
CODE = re.compile(r"^\S+ \[(?P<code>[^\]]+)\]: ")  # eglot writes "SOURCE [CODE]: message"


def has_eglot(emacs: str = "emacs") -> bool:
    """Whether ``emacs`` can load eglot (built in from Emacs 29; elpa-eglot before)."""
    probe = "(kill-emacs (if (require 'eglot nil t) 0 3))"
    done = subprocess.run([emacs, "--batch", "--eval", probe], capture_output=True, timeout=60,
                          check=False)
    return done.returncode == 0


def run(brief: Path, command: list[str], emacs: str = "emacs") -> list[dict]:
    """The diagnostics Emacs showed for ``brief`` from the server ``command``, each with its
    ``code`` read from the text eglot gives Flymake."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "diagnostics.jsonl"
        env = {**os.environ, "FACTLINT_CMD": json.dumps(command), "FACTLINT_OUT": str(out),
               "HOME": folder}  # nothing of the user's: no init file, no package state
        subprocess.run([emacs, "--batch", "-l", str(SCRIPT), str(brief)], env=env,
                       cwd=brief.parent, timeout=120, check=False, stdin=subprocess.DEVNULL,
                       capture_output=True)
        if not out.exists():
            return []
        found = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    for diagnostic in found:
        match = CODE.match(diagnostic["text"])
        diagnostic["code"] = match.group("code") if match else ""
        diagnostic["message"] = diagnostic["text"][match.end():] if match else diagnostic["text"]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("brief", nargs="?", type=Path)
    parser.add_argument("--factlint", default=None,
                        help="the server command (default: this Python's `-m factlint lsp`)")
    args = parser.parse_args()
    emacs = shutil.which("emacs")
    if emacs is None or not has_eglot(emacs):
        print("Emacs with eglot is not installed (Debian: apt-get install emacs-nox "
              "elpa-eglot)", file=sys.stderr)
        return 2
    brief = (args.brief or (SEED if SEED.exists() else EXAMPLE)).resolve()
    command = args.factlint.split() if args.factlint else [sys.executable, "-m", "factlint",
                                                           "lsp"]
    diagnostics = sorted(run(brief, command, emacs),
                         key=lambda d: (d["line"], d["column"], d["code"]))
    version = subprocess.run([emacs, "--version"], capture_output=True, text=True).stdout
    print(f"{brief.name}: {len(diagnostics)} diagnostic(s) shown by "
          f"{version.splitlines()[0] if version else 'emacs'} with eglot")
    for d in diagnostics:
        print(f"{d['line']}:{d['column'] + 1} {d['code']} {d['type']} {d['message']}")
    return 0 if diagnostics else 1


if __name__ == "__main__":
    sys.exit(main())
