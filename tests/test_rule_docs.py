"""Every rule documents itself, and its documented examples really behave as documented."""

from __future__ import annotations

import pytest

from factlint.registry import registry

# Rules whose examples are briefs alone. FL001 needs bad bytes, FL4xx a server (tests/test_urls.py),
# FL3xx/FL5xx a fact file (tests/test_fact_rules.py runs their examples).
DOCUMENT_RULES = [r for r in registry() if r.code[:3] in ("FL1", "FL2", "FL6") or r.code == "FL306"]


def test_codes_and_names_are_unique():
    rules = registry()
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)


@pytest.mark.parametrize("rule", registry(), ids=lambda r: r.code)
def test_rule_is_documented(rule):
    assert rule.code.startswith("FL") and len(rule.code) == 5
    assert rule.name == rule.name.lower() and " " not in rule.name
    assert rule.severity in ("error", "warning", "info")
    assert rule.summary, f"{rule.code} has no summary line"
    assert rule.example("Bad") and rule.example("Good"), f"{rule.code} lacks Bad/Good examples"


@pytest.mark.parametrize("rule", DOCUMENT_RULES, ids=lambda r: r.code)
def test_bad_example_fires_and_good_example_is_clean(rule, lint):
    bad = [f for f in lint(rule.example("Bad")) if f.code == rule.code]
    good = [f for f in lint(rule.example("Good")) if f.code == rule.code]
    assert bad, f"{rule.code}'s Bad example does not trigger it"
    assert not good, f"{rule.code}'s Good example triggers it: {good}"
