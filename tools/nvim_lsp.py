"""Attach headless Neovim to `factlint lsp` on a brief and print the diagnostics it receives.

    python tools/nvim_lsp.py [BRIEF] [--factlint CMD]

BRIEF defaults to the reference brief (../shared/seeds/guangxi-data-industry-brief.md), else
the project's data/examples/zh-brief.md. Neovim runs with a minimal config (nothing of the
user's: ``--clean``) that starts the server as the README's snippet does (``vim.lsp.start``
on Neovim 0.8 and later, ``vim.lsp.start_client`` before), waits for the first diagnostics,
and writes them out; this script prints one line per diagnostic:

    LINE:COL CODE severity message        (1-based; COL in bytes, as Neovim counts)

Exit status 0 when diagnostics arrived, 1 when none did, 2 when nvim is not installed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seeds" / "guangxi-data-industry-brief.md"
EXAMPLE = ROOT / "data" / "examples" / "zh-brief.md"
SEVERITY = {1: "error", 2: "warning", 3: "info", 4: "hint"}

INIT = r"""
-- run once the brief's buffer is loaded (init.lua runs before the files are read)
vim.api.nvim_create_autocmd("VimEnter", {callback = function()
local cmd = vim.fn.json_decode(os.getenv("FACTLINT_CMD"))
local out = os.getenv("FACTLINT_OUT")
local config = {name = "factlint", cmd = cmd, root_dir = vim.fn.getcwd()}
if vim.lsp.start then
  vim.lsp.start(config)
else  -- Neovim 0.7
  local id = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(0, id)
end
local ok = vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local lines = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(lines, vim.fn.json_encode({
    lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
    severity = d.severity, code = d.code or (d.user_data and d.user_data.lsp
      and d.user_data.lsp.code) or "", message = d.message}))
end
local file = io.open(out, "w")
file:write(table.concat(lines, "\n"))
file:close()
vim.cmd(ok and "qall!" or "cquit!")
end})
"""


def run(brief: Path, command: list[str], nvim: str = "nvim") -> list[dict]:
    """The diagnostics Neovim received for ``brief`` from the server ``command``."""
    with tempfile.TemporaryDirectory() as folder:
        init = Path(folder) / "init.lua"
        init.write_text(INIT, encoding="utf-8")
        out = Path(folder) / "diagnostics.jsonl"
        env = {**os.environ, "FACTLINT_CMD": json.dumps(command), "FACTLINT_OUT": str(out),
               "XDG_STATE_HOME": folder, "XDG_DATA_HOME": folder}
        subprocess.run([nvim, "--headless", "--clean", "-u", str(init), str(brief)],
                       env=env, cwd=brief.parent, timeout=120, check=False,
                       stdin=subprocess.DEVNULL, capture_output=True)
        if not out.exists():
            return []
        return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()
                if line.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("brief", nargs="?", type=Path)
    parser.add_argument("--factlint", default=None,
                        help="the server command (default: this Python's `-m factlint lsp`)")
    args = parser.parse_args()
    nvim = shutil.which("nvim")
    if nvim is None:
        print("nvim is not installed (Debian: apt-get install neovim)", file=sys.stderr)
        return 2
    brief = (args.brief or (SEED if SEED.exists() else EXAMPLE)).resolve()
    command = args.factlint.split() if args.factlint else [sys.executable, "-m", "factlint",
                                                           "lsp"]
    diagnostics = sorted(run(brief, command, nvim),
                         key=lambda d: (d["lnum"], d["col"], str(d["code"])))
    version = subprocess.run([nvim, "--version"], capture_output=True, text=True).stdout
    print(f"{brief.name}: {len(diagnostics)} diagnostic(s) received by "
          f"{version.splitlines()[0] if version else 'nvim'}")
    for d in diagnostics:
        print(f"{d['lnum'] + 1}:{d['col'] + 1} {d['code']} {SEVERITY.get(d['severity'], '?')} "
              f"{d['message']}")
    return 0 if diagnostics else 1


if __name__ == "__main__":
    sys.exit(main())
