"""finding.IN_ORDER sorts findings exactly as their own order does."""

from __future__ import annotations

import random
from dataclasses import fields

from factlint.finding import IN_ORDER, Finding


def test_the_key_names_the_fields_findings_compare():
    assert IN_ORDER.__reduce__()[1] == tuple(f.name for f in fields(Finding) if f.compare)


def test_sorting_by_the_key_gives_the_findings_own_order():
    rng = random.Random(7)
    findings = [Finding("b.md" if rng.random() < 0.5 else "a.md", rng.randint(1, 3),
                        rng.randint(1, 3), 4, 5, rng.choice(["FL101", "FL107"]), "x",
                        rng.choice(["info", "error"]), rng.choice(["m", "n"]))
                for _ in range(300)]
    assert sorted(findings, key=IN_ORDER) == sorted(findings)
    assert [id(f) for f in sorted(findings, key=IN_ORDER)] == [id(f) for f in sorted(findings)]
