"""The README's rule table is generated from the rules' metadata and must stay in step."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from factlint.cli import rule_table

README = Path(__file__).resolve().parents[1] / "README.md"


def test_rule_table_matches_the_code():
    text = README.read_text(encoding="utf-8")
    table = re.search(r"<!-- rules-table:start -->\n(.*?)<!-- rules-table:end -->", text, re.S)
    assert table, "README lost its rules-table markers"
    assert table.group(1) == rule_table(), (
        "README rule table is stale: run `python tools/update_readme.py`")


SETUP = ("python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[test]' && "
         "factlint check --offline data/examples")


def test_readme_names_the_two_setup_commands():
    text = README.read_text(encoding="utf-8")
    # one line that works where the system Python is externally managed (Debian)
    assert f"```sh\n{SETUP}\n```" in text
    assert "```sh\npython -m pytest\n```" in text
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 -m venv .venv" in ci and "\n. .venv/bin/activate\n" in ci
    assert "-e '.[test]'" in ci and ci.endswith("\npython -m pytest\n")


def test_readme_says_what_the_examples_really_report():
    done = subprocess.run([sys.executable, "-m", "factlint", "check", "--offline", "data/examples"],
                          cwd=README.parent, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    summary = done.stdout.strip().splitlines()[-1]
    text = README.read_text(encoding="utf-8")
    assert f"The last line reads:\n\n```\n{summary}\n```" in text
