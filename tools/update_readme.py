"""Regenerate the rule table in README.md from the rules' metadata."""

import re
from pathlib import Path

from factlint.cli import rule_table

readme = Path(__file__).resolve().parents[1] / "README.md"
text = readme.read_text(encoding="utf-8")
text = re.sub(
    r"(<!-- rules-table:start -->\n).*?(<!-- rules-table:end -->)",
    lambda m: m.group(1) + rule_table() + m.group(2),
    text,
    flags=re.S,
)
readme.write_text(text, encoding="utf-8")
