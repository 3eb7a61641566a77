"""Emacs (batch mode, eglot, Flymake) attached to `factlint lsp`: tools/emacs_lsp.py and
tools/emacs_eglot.el. Skipped when Emacs or eglot is not installed (Debian: emacs-nox and
elpa-eglot; eglot is built in from Emacs 29)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import emacs_lsp  # noqa: E402

EMACS = shutil.which("emacs")
pytestmark = pytest.mark.skipif(EMACS is None or not emacs_lsp.has_eglot(EMACS),
                                reason="Emacs with eglot is not installed")
SERVER = [sys.executable, "-m", "factlint", "lsp"]


def check_json(brief) -> list[dict]:
    return json.loads(subprocess.run(
        [sys.executable, "-m", "factlint", "check", "--offline", "--format", "json", str(brief)],
        capture_output=True, text=True).stdout)["findings"]


def test_emacs_shows_the_findings_of_check(tmp_path):
    brief = tmp_path / "zh-brief.md"
    shutil.copy(ROOT / "data" / "examples" / "zh-brief.md", brief)
    want = sorted((f["code"], f["line"], f["column"] - 1, f["end_line"], f["end_column"] - 1)
                  for f in check_json(brief))
    shown = emacs_lsp.run(brief, SERVER, EMACS)
    assert want
    assert sorted((d["code"], d["line"], d["column"], d["end_line"], d["end_column"])
                  for d in shown) == want


def test_emacs_places_a_finding_after_astral_characters(tmp_path):
    """eglot counts UTF-16 units (it offers no other encoding): 😀 and 𠀀 are two each, and
    the server's conversion lands the finding on the characters Emacs counts."""
    brief = tmp_path / "astral.md"
    brief.write_text("# 标题\n\n😀𠀀 全市数据企业超600家。\n", encoding="utf-8")
    [unsourced] = [d for d in emacs_lsp.run(brief, SERVER, EMACS) if d["code"] == "FL201"]
    line = "😀𠀀 全市数据企业超600家。"
    assert (unsourced["line"], unsourced["column"], unsourced["end_column"]) == (
        3, line.index("超600家"), line.index("超600家") + 5)
