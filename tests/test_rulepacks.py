"""Rule packs: valid against their schema, and every pattern matches its own examples."""

from __future__ import annotations

import re

import pytest

from factlint.rulepack import (
    LANGUAGES,
    PATTERN_SECTIONS,
    builtin_pack_data,
    load_rulepack,
    validate_pack,
)
from factlint.schemas import validation_errors


@pytest.mark.parametrize("language", LANGUAGES)
def test_pack_is_valid(language):
    data = builtin_pack_data(language)
    assert validation_errors("rulepack", data) == []
    validate_pack(data, language, linear=False)  # built in: compiled by re


def _entries(language):
    data = builtin_pack_data(language, traditional=True)  # examples in both scripts
    for key in PATTERN_SECTIONS:
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


# --- Traditional Chinese from the Simplified pack ------------------------------------------

def test_both_scripts_widens_literals_and_classes():
    from factlint.rulepack import both_scripts

    table = {"个": "個", "为": "爲為"}
    pattern = re.compile(both_scripts(r"第一个|[个家]|\u4e2a|成为", table))
    for text in ("第一個", "個", "家", "成為", "成爲", "成为"):
        assert pattern.search(text), text
    assert both_scripts(r"\d+[个]", table) == r"\d+[个個]"


def test_traditional_text_is_read_by_the_zh_pack():
    from factlint.numbers import builtin_lexicon, find_figures

    figures = find_figures("全港逾3萬戶，約5億元，近200棟", builtin_lexicon("zh", traditional=True))
    assert [(f.text, f.qualifier) for f in figures] == [
        ("逾3萬戶", "over"), ("約5億元", "about"), ("近200棟", "near")]
    pack = load_rulepack("zh", traditional=True)
    assert any(t.pattern.search("全國最大的港口") for t in pack.triggers)
    assert any(a.pattern.search("據政府統計處的資料") for a in pack.attributions)


def test_traditional_table_matches_opencc():
    """The table in rules/zh.yaml is what tools/traditional_table.py makes from OpenCC."""
    pytest.importorskip("opencc")
    import subprocess
    import sys
    from pathlib import Path

    tool = Path(__file__).resolve().parents[1] / "tools" / "traditional_table.py"
    done = subprocess.run([sys.executable, str(tool), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
