"""multiscan: one pass of re finds what each pattern's own finditer finds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factlint import patterncache
from factlint.lazyre import lazy
from factlint.multiscan import MultiScan
from factlint.rulepack import load_rulepack

pytestmark = pytest.mark.skipif(patterncache.interpreter() is None,
                                reason="programs are built on CPython only")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
ODD = ["", "全", "全国最大全国最大", "位居全国首位，全国第一；首个首家率先", "历史新高创纪录",
       "aaab aab ab b", "abab", "\n全\n国\n", "首批企业首次", "居首居首居首"]


def plain(patterns, text):
    return [[m.span() for m in re.compile(p.pattern).finditer(text)] for p in patterns]


def texts() -> list[str]:
    found = list(ODD)
    # the examples, and real documents when they are here
    for folder in (ROOT / "data" / "examples", *(SHARED / f for f in ("seeds", "corpus"))):
        found += [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))]
    return found


PATTERN_SETS = [
    [lazy(r"ab"), lazy(r"a+b"), lazy(r"b")],  # overlapping matches of different patterns
    [lazy(r"aa|a"), lazy(r"(?<=a)b"), lazy(r"ab(?!a)")],  # look-behind before, ahead after
    [lazy(r"a(b)"), lazy(r"b")],  # a group: run apart, the rest combined with nothing
    [lazy(r"x?"), lazy(r"a"), lazy(r"b")],  # may match empty: run apart
    [lazy(r"(?i:a)b"), lazy(r"b"), lazy(r"ab")],  # folded first character: run apart
]


@pytest.mark.parametrize("patterns", PATTERN_SETS)
def test_each_pattern_finds_what_its_own_finditer_finds(patterns):
    scan = MultiScan(patterns)
    for text in ODD:
        assert scan.spans(text) == plain(patterns, text), text


def test_the_packs_triggers_and_framings_find_what_they_find_alone():
    samples = texts()
    combined = 0
    for language in ("zh", "en"):
        for traditional in (False, True):
            pack = load_rulepack(language, (), traditional)
            for section in (pack.triggers, pack.framings, pack.attributions):
                patterns = [entry.pattern for entry in section]
                scan = MultiScan(patterns)
                for text in samples:
                    assert scan.spans(text) == plain(patterns, text)
                combined += len(scan.spans("")) if scan.together else 0
    assert combined >= 8  # the Chinese triggers at least, in both scripts


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="全国最大首位居第一率先创历史新高位排名ab ，。\n", max_size=60))
def test_any_text_of_the_triggers_characters(text):
    patterns = [entry.pattern for entry in load_rulepack("zh").triggers]
    assert load_rulepack("zh").trigger_scan.spans(text) == plain(patterns, text)
    for patterns in PATTERN_SETS[:2]:
        assert MultiScan(patterns).spans(text) == plain(patterns, text)
