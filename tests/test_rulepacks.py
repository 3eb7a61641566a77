"""Rule packs: valid against their schema, and every pattern matches its own examples."""

from __future__ import annotations

import re

import pytest

from factlint.rulepack import LANGUAGES, builtin_pack_data, load_rulepack, validate_pack
from factlint.schemas import validation_errors


@pytest.mark.parametrize("language", LANGUAGES)
def test_pack_is_valid(language):
    data = builtin_pack_data(language)
    assert validation_errors("rulepack", data) == []
    validate_pack(data, language, linear=False)  # built in: compiled by re


def _entries(language):
    data = builtin_pack_data(language)
    for key in ("claim_triggers", "references_headings", "source_requirements"):
        for entry in data.get(key, ()):
            yield pytest.param(
                entry, id=f"{language}-{key}-{entry.get('name', entry['pattern'][:20])}")


@pytest.mark.parametrize("entry", [e for lang in LANGUAGES for e in _entries(lang)])
def test_pattern_matches_its_examples(entry):
    pattern = re.compile(entry["pattern"])
    for example in entry["examples"]:
        assert pattern.search(example), (
            f"{entry['pattern']!r} does not match its example {example!r}")
    for counter in entry.get("counter_examples", ()):
        assert not pattern.search(counter), (
            f"{entry['pattern']!r} matches counter-example {counter!r}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_triggers_fire_in_a_brief(language, lint):
    """A trigger example in a sentence without a marker makes FL202 (or FL201) fire."""
    pack = load_rulepack(language)
    for trigger in pack.triggers:
        entry = next(e for e in builtin_pack_data(language)["claim_triggers"]
                     if e["pattern"] == trigger.pattern.pattern)
        example = entry["examples"][0]
        ender = "。" if language == "zh" else "."
        text = ("# 标题\n\n" if language == "zh" else "# Title\n\n") + example + ender + "\n"
        found = {f.code for f in lint(text)}
        assert found & {"FL201", "FL202"}, f"{example!r} ({trigger.name}) raised no claim finding"
