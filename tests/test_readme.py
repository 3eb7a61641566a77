"""The README's rule table is generated from the rules' metadata and must stay in step."""

from __future__ import annotations

import re
from pathlib import Path

from factlint.cli import rule_table

README = Path(__file__).resolve().parents[1] / "README.md"


def test_rule_table_matches_the_code():
    text = README.read_text(encoding="utf-8")
    table = re.search(r"<!-- rules-table:start -->\n(.*?)<!-- rules-table:end -->", text, re.S)
    assert table, "README lost its rules-table markers"
    assert table.group(1) == rule_table(), (
        "README rule table is stale: run `python tools/update_readme.py`")


def test_readme_names_the_two_setup_commands():
    text = README.read_text(encoding="utf-8")
    assert "pip install -e '.[test]' && factlint check --offline data/examples" in text
    assert "python -m pytest" in text
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "\npython -m pytest\n" in ci
