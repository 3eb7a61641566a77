"""firstchar: a first-character gate changes how fast a pattern is tried, never what it finds."""

from __future__ import annotations

import gc
import importlib
import pkgutil
import re
from array import array
from pathlib import Path

import pytest

import factlint
from factlint import firstchar, lazyre, patterncache
from factlint.rulepack import load_rulepack

pytestmark = pytest.mark.skipif(patterncache.interpreter() is None,
                                reason="programs are built on CPython only")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
AWKWARD = [
    "", "The largest\u212a THE LARGEST the\tlargest", "ſome of the biggest", "ﬁrst-ever İstanbul",
    "according to the ONS, 12% rose; (Smith, 2021) pp. 3-5 第24至26段", "\U0001f600the first",
    "位居全国前列，全国最大的数据交易所之一，创历史新高。", "\\[3\\] [^1]: <sup>2</sup> https://x.org",
]


def gated(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return patterncache.Cache(None, patterncache.interpreter()).compile(pattern, flags, gate=True)


def matches(pattern: re.Pattern[str], text: str) -> list:
    return [(m.span(), m.groups()) for m in pattern.finditer(text)]


def test_a_pattern_re_tries_everywhere_gets_a_gate_with_the_same_matches():
    source = r"(?i:(?<!some of )\bthe\s+(?:largest|biggest)\b|\bunprecedented\b)"
    pattern = gated(source)
    assert pattern != re.compile(source)  # another program
    assert pattern.pattern == source  # under its own source
    for text in AWKWARD:
        assert matches(pattern, text) == matches(re.compile(source), text)
    assert pattern.search("The \u212aargest? no: THE LARGEST").group() == "THE LARGEST"


def test_an_alternation_opening_with_groups_is_written_out_with_the_same_matches():
    source = r"(?:全国|世界|全省)(?:最大|最高|第一)|规模最大|最(?:大|高)的[^，。]{1,16}之一"
    pattern = gated(source)
    assert pattern != re.compile(source)
    text = "全国最大，世界第一；全省最高的园区之一。规模最大、最大的企业之一"
    for sample in [*AWKWARD, text]:
        assert matches(pattern, sample) == matches(re.compile(source), sample)
    assert [m.group() for m in pattern.finditer(text)] == [
        "全国最大", "世界第一", "全省最高", "规模最大", "最大的企业之一"]


def test_a_pattern_anchored_at_the_start_keeps_its_anchor_first():
    # re tries ^… at the start alone; a gate in front of the ^ made it try every position
    from re import _constants, _parser

    for source in (r"^(?i:source|note)\s*:", r"^(?:来源|出处|注)\s*[:：]|^(?i:see)"):
        tree = _parser.parse(source, 0)
        assert firstchar.gated(tree, 0)
        assert tree.data[0] == (_constants.AT, _constants.AT_BEGINNING)
        assert tree.data[1][0] is _constants.ASSERT
    for text in ("Source: x", "x Source: y", "NOTE:"):
        assert gated(r"^(?i:source|note)\s*:").sub("", text) == re.sub(
            r"^(?i:source|note)\s*:", "", text)


@pytest.mark.parametrize("source", [
    r"(?:全国|全省)(最大|最高)|规模最大",  # a group: left as written (and re has no start)
    r"abc|abd",  # a literal prefix
    r"[《“]",  # a character set
    r"\bfoo|\w+",  # \w: nearly any character may begin it
    r"(?i:\bx*)",  # may match the empty string
    r"(?=a)|b",
])
def test_no_gate_where_it_would_not_help_or_cannot_be_told(source):
    assert gated(source) == re.compile(source)


def _factlint_patterns() -> list[tuple[str, int]]:
    for module in pkgutil.walk_packages(factlint.__path__, "factlint."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    found = {(p.pattern, p._flags) for p in gc.get_objects() if isinstance(p, lazyre.LazyPattern)}
    for language in ("en", "zh"):
        for traditional in (False, True):
            pack = load_rulepack(language, (), traditional)
            for section in (pack.triggers, pack.attributions, pack.framings, pack.list_intros,
                            pack.document_sources, pack.own_data_reports,
                            pack.source_requirements):
                found |= {(entry.pattern.pattern, 0) for entry in section}
    return sorted((source, flags) for source, flags in found if isinstance(source, str))


def test_every_gated_pattern_of_factlint_finds_what_re_compile_finds():
    texts = AWKWARD + [p.read_text(encoding="utf-8") for p in
                       sorted((ROOT / "data" / "examples").glob("*.md"))]
    for folder in ("seeds", "corpus", "corpus2"):  # real documents, when they are here
        texts += [p.read_text(encoding="utf-8") for p in sorted((SHARED / folder).glob("*.md"))]
    compared = 0
    for source, flags in _factlint_patterns():
        plain, fast = re.compile(source, flags), gated(source, flags)
        if fast == plain:
            continue
        compared += 1
        for text in texts:
            assert matches(fast, text) == matches(plain, text), source
    assert compared >= 20  # the English packs' patterns among them


def test_a_gated_program_names_its_first_characters_for_re_search():
    # re's search reads the info block's character set and skips, in its own loop, to the
    # positions where a match can begin; a gate alone is one matcher step at every position
    from re import _constants

    source = r"(?=[hw])(?<![A-Za-z])(?:https?://\S+|www\.\S+)"
    code = patterncache.program_of(source, 0, gate=True)[1]
    plain = patterncache.program_of(source, 0)[1]
    first_words = array("I")
    first_words.frombytes(code)
    assert first_words[0] == _constants.INFO and first_words[2] & _constants.SRE_INFO_CHARSET
    assert code != plain
    text = "see https://a.org, www.b.org and xhttp://c.org " * 3
    assert matches(gated(source), text) == matches(re.compile(source), text)
    for source in (r"^(?:https?|www)", r"(?i:https?://)"):  # anchored; folded: left to re
        words = array("I")
        words.frombytes(patterncache.program_of(source, 0, gate=True)[1])
        assert not words[2] & _constants.SRE_INFO_CHARSET, source
