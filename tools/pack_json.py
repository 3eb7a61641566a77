"""Write the JSON copy of each built-in rule pack (rules/<language>.json; see
factlint/packcopy.py). Run it after editing rules/*.yaml: a test fails until you do."""

from pathlib import Path

from factlint.packcopy import copy_text
from factlint.rulepack import read_pack_file

RULES = Path(__file__).resolve().parents[1] / "rules"

for path in sorted(RULES.glob("*.yaml")):
    text = copy_text(path.read_bytes(), read_pack_file(path))
    target = path.with_suffix(".json")
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")
