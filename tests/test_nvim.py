"""Neovim (headless, minimal config) attached to `factlint lsp`: tools/nvim_lsp.py."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import nvim_lsp  # noqa: E402


@pytest.mark.skipif(shutil.which("nvim") is None, reason="nvim is not installed")
def test_neovim_receives_the_findings_of_check(tmp_path):
    brief = tmp_path / "zh-brief.md"
    shutil.copy(ROOT / "data" / "examples" / "zh-brief.md", brief)
    report = json.loads(subprocess.run(
        [sys.executable, "-m", "factlint", "check", "--offline", "--format", "json", str(brief)],
        capture_output=True, text=True).stdout)
    received = nvim_lsp.run(brief, [sys.executable, "-m", "factlint", "lsp"])
    lines = brief.read_text(encoding="utf-8").split("\n")
    want = sorted((f["code"], f["line"] - 1,
                   len(lines[f["line"] - 1][: f["column"] - 1].encode("utf-8")))
                  for f in report["findings"])
    assert want
    assert sorted((d["code"], d["lnum"], d["col"]) for d in received) == want  # byte columns
