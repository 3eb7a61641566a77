"""Fact files: loading with positions, safety limits, schema messages, data files, extract."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from conftest import ROOT, SEED, shared_or_skip
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factlint import facts as facts_module
from factlint.config import Settings
from factlint.document import read_document
from factlint.extract import extract_skeleton, shortest_quote
from factlint.factfiles import load_facts
from factlint.facts import (
    DataError,
    DataRef,
    compose_tree,
    find_fact_file,
    load_table,
    read_data_value,
    resolve_pointer,
    verify,
)
from factlint.numbers import interval_for
from factlint.rules import Context
from factlint.rules import facts as fact_rules
from factlint.schemas import load_schema, validation_errors

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "facts"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load_text(tmp_path, text, name="brief.facts.yaml"):
    return load_facts(write(tmp_path, name, text))


# --- finding and reading ---------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".facts.yaml", ".facts.yml", ".facts.json"])
def test_find_fact_file_beside_the_brief(tmp_path, suffix):
    brief = write(tmp_path, "note.md", "x\n")
    assert find_fact_file(brief) is None
    fact = write(tmp_path, "note" + suffix, "{}")
    assert find_fact_file(brief) == fact


def test_loaded_records_keep_their_lines():
    facts, findings = load_facts(FIXTURES / "guangxi.facts.yaml")
    assert findings == []
    source = facts.sources["13"]
    assert source.publisher == "贵州省大数据发展管理局"
    assert source.accessed == "2026-03-05"  # a date stays text
    assert (source.line, source.column) == (5, 3)
    claim = next(c for c in facts.claims if c.id == "hangzhou-merchants")
    text = (FIXTURES / "guangxi.facts.yaml").read_text(encoding="utf-8").splitlines()
    assert text[claim.line - 1].strip() == "- id: hangzhou-merchants"
    assert text[claim.field_place("value").line - 1].strip() == "value: 126"
    assert claim.value == 126 and claim.unit == "家" and claim.source == "16"


def test_url_refs_point_at_each_url(tmp_path):
    facts, _ = load_text(tmp_path, 'factlint: 1\nsources:\n  "1":\n    title: T\n'
                                   "    url: https://example.org/a\n")
    [ref] = facts.url_refs()
    assert (ref.url, ref.line, ref.column) == ("https://example.org/a", 5, 10)
    assert ref.path.endswith("brief.facts.yaml")


def test_numeric_strings_are_values(tmp_path):
    facts, findings = load_text(tmp_path, "factlint: 1\nclaims:\n"
                                          "  - {quote: a, value: '1,159'}\n"
                                          "  - {quote: b, value: '68%'}\n"
                                          "  - {quote: c, value: '3.5万'}\n")
    assert findings == []
    assert [c.value for c in facts.claims] == [1159, 68, 35000]


# --- syntax and safety (FL501) -----------------------------------------------------------------


def test_yaml_syntax_error_line_and_column(tmp_path):
    facts, [finding] = load_text(tmp_path, "factlint: 1\nclaims:\n  - quote: \"abc\n    value: 1\n")
    assert facts is None and finding.code == "FL501"
    assert finding.line >= 3 and finding.column >= 1
    assert "YAML syntax error" in finding.message


def test_json_syntax_error_line_and_column(tmp_path):
    facts, [finding] = load_text(tmp_path, '{\n  "factlint": 1,\n  "claims": [,]\n}\n',
                                 "brief.facts.json")
    assert (finding.code, finding.line, finding.column) == ("FL501", 3, 14)


def test_json_schema_error_points_at_the_node(tmp_path):
    text = '{\n  "factlint": 1,\n  "claims": [\n    {"quote": "x",\n     "value": "many"}\n  ]\n}\n'
    _, [finding] = load_text(tmp_path, text, "brief.facts.json")
    assert (finding.code, finding.line, finding.column) == ("FL502", 5, 15)
    assert finding.message == "claims[0].value: value must be a number, got 'many'"


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_billion_laughs_is_refused(tmp_path):
    started = time.perf_counter()
    facts, [finding] = load_text(tmp_path, BILLION_LAUGHS)
    print(f"billion laughs refused in {(time.perf_counter() - started) * 1000:.1f} ms")
    assert facts is None and finding.code == "FL501" and "alias bomb" in finding.message


def test_many_aliases_are_refused(tmp_path):
    text = "x: &x 1\nl: [" + ", ".join(["*x"] * 1500) + "]\n"
    _, [finding] = load_text(tmp_path, text)
    assert finding.code == "FL501" and "aliases" in finding.message


def test_a_few_anchors_are_fine(tmp_path):
    text = ("factlint: 1\nclaims:\n  - &base {quote: 数据商 1159 家, value: 1159, unit: 家}\n"
            "  - {<<: *base, quote: 中介 442 家, value: 442}\n")
    facts, findings = load_text(tmp_path, text)
    assert findings == [] and [c.unit for c in facts.claims] == ["家", "家"]


@pytest.mark.parametrize("text, words", [
    ("a: &a [*a]\n", "recursive"),
    ("a: !!python/object/apply:os.system ['true']\n", "unsupported tag"),
    ("factlint: 1\nfactlint: 1\n", "appears twice"),
    ("[" * 5000 + "]" * 5000, "deep"),
])
def test_unsafe_or_broken_yaml(tmp_path, text, words):
    facts, [finding] = load_text(tmp_path, text)
    assert facts is None and finding.code == "FL501" and words in finding.message


def test_huge_file_is_refused_before_parsing(tmp_path):
    path = tmp_path / "big.facts.yaml"
    path.write_bytes(b"# " + b"x" * (facts_module.MAX_FACT_BYTES + 10))
    _, [finding] = load_facts(path)
    assert finding.code == "FL501" and "MB" in finding.message


def test_not_utf8(tmp_path):
    path = tmp_path / "gbk.facts.yaml"
    path.write_bytes("factlint: 1\nnote: 数据\n".encode("gb18030"))
    _, [finding] = load_facts(path)
    assert finding.code == "FL501" and finding.line == 2 and "UTF-8" in finding.message


# --- schema (FL502) ------------------------------------------------------------------------------


@pytest.mark.parametrize("text, line, words", [
    ("factlint: 2\n", 1, "factlint must be 1"),
    ("claims: []\n", 1, "`factlint` is required"),
    ("factlint: 1\nclaims:\n  - value: 3\n", 3, "`quote` is required"),
    ("factlint: 1\nclaims:\n  - quote: a\n    valeu: 3\n", 4,
     "unknown field 'valeu' (did you mean 'value'?)"),
    ("factlint: 1\nclaims:\n  - quote: a\n    value: 3\n    data: {file: a.csv, pointer: /a}\n",
     3, "give either `value` or `data`, not both"),
    ("factlint: 1\nclaims:\n  - quote: a\n    data: {file: a.csv, column: v}\n", 4,
     "data needs either `pointer`"),
    ("factlint: 1\nclaims:\n  - {id: a, quote: x}\n  - {id: a, quote: y}\n", 4,
     "ids must be unique"),
    ('factlint: 1\nsources:\n  "1": {title: T, accessed: yesterday}\n', 3,
     "accessed must be a date"),
    ("factlint: 1\nclaims:\n  - quote: a\n    value: true\n", 4,
     "value must be a number, got true"),
])
def test_schema_messages(tmp_path, text, line, words):
    _, findings = load_text(tmp_path, text)
    assert [f.code for f in findings] == ["FL502"], findings
    assert findings[0].line == line and words in findings[0].message, findings[0]


def test_every_schema_property_is_described():
    def walk(node, path):
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                assert "description" in sub, f"{path}.{name} has no description"
            for key, sub in node.items():
                walk(sub, f"{path}.{key}")
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                walk(sub, f"{path}[{i}]")

    for name in ("facts", "report"):
        walk(load_schema(name), name)


def test_examples_validate_against_the_schema():
    for path in (ROOT / "data" / "examples").rglob("*.facts.yaml"):
        assert validation_errors("facts", compose_tree(path.read_text("utf-8")).value) == [], path


def test_report_schema_accepts_the_json_report():
    from factlint.engine import RunOptions, run
    from factlint.report.json import as_dict

    result = run(RunOptions(paths=(str(ROOT / "data" / "examples" / "zh-brief.md"),), offline=True))
    assert validation_errors("report", json.loads(json.dumps(as_dict(result)))) == []


# --- data files ----------------------------------------------------------------------------------


def test_csv_cells_bom_separators_percent_fullwidth(tmp_path):
    write(tmp_path, "d.csv", "\ufeffk,v\na,\"1,159\"\nb,68%\nc,１１５９\nd,3.5万\n")
    facts, _ = load_text(tmp_path, "factlint: 1\n")
    values = [read_data_value(facts, DataRef("d.csv", (("k", key),), "v", None)).value
              for key in "abcd"]
    assert values == [1159, 68, 1159, 35000]


def test_row_numbers_count_lines_even_with_line_breaks_in_cells(tmp_path):
    write(tmp_path, "d.csv", 'k,note,v\na,"two\nlines",1\n\nb,x,2\n')
    facts, _ = load_text(tmp_path, "factlint: 1\n")
    truth = read_data_value(facts, DataRef("d.csv", (("k", "b"),), "v", None))
    assert (truth.value, truth.origin) == (2, "data: d.csv row 5, column v")


def test_where_matches_numbers_and_fullwidth(tmp_path):
    write(tmp_path, "d.csv", "year,v\n２０２５,7\n")
    facts, _ = load_text(tmp_path, "factlint: 1\n")
    assert read_data_value(facts, DataRef("d.csv", (("year", 2025),), "v", None)).value == 7


def test_yaml_pointer_and_records(tmp_path):
    write(tmp_path, "d.yaml",
          "regions:\n  - {name: 东区, firms: 12}\n  - {name: 西区, firms: '1,204'}\n")
    facts, _ = load_text(tmp_path, "factlint: 1\n")
    assert read_data_value(facts, DataRef("d.yaml", (), None, "/regions/1/firms")).value == 1204
    write(tmp_path, "r.json", '[{"name": "东区", "firms": 12}, {"name": "西区", "firms": 30}]')
    truth = read_data_value(facts, DataRef("r.json", (("name", "西区"),), "firms", None))
    assert truth.value == 30 and truth.origin == "data: r.json record 1, field firms"


def test_pointer_escapes():
    assert resolve_pointer({"a/b": {"~c": [5]}}, "/a~1b/~0c/0") == 5
    with pytest.raises(DataError):
        resolve_pointer({"a": [1]}, "/a/3")


def test_data_file_is_read_once(tmp_path, monkeypatch):
    write(tmp_path, "d.csv", "k,v\n" + "".join(f"r{i},{i}\n" for i in range(1000)))
    facts, _ = load_text(tmp_path, "factlint: 1\n")
    calls = []
    original = facts_module._read_csv
    monkeypatch.setattr(facts_module, "_read_csv", lambda *a: calls.append(a) or original(*a))
    for i in range(50):
        assert read_data_value(facts, DataRef("d.csv", (("k", f"r{i}"),), "v", None)).value == i
    assert len(calls) <= 1


def test_changed_data_file_is_read_again(tmp_path):
    import os

    path = write(tmp_path, "d.csv", "k,v\na,1\n")
    first = load_table(path)
    path.write_text("k,v\na,2\nb,3\n", encoding="utf-8")
    os.utime(path, ns=(1, 1))
    assert load_table(path) is not first


# --- verify --------------------------------------------------------------------------------------


def test_verify_is_computed_once_per_brief(tmp_path):
    brief = write(tmp_path, "b.md",
                  "数据商已有 1159 家<sup>1</sup>。\n\n<sup>1</sup> 来源：某局，《年报》\n")
    facts, _ = load_text(tmp_path,
                         "factlint: 1\nclaims:\n  - {quote: 数据商已有 1159 家, value: 1159}\n")
    doc = read_document(str(brief), brief.read_text("utf-8"))
    ctx = Context(doc, facts, Settings())
    first = ctx.verifications
    assert ctx.verifications is first
    [v] = first
    assert v.verdict == "holds" and v.figure.text == "1159 家"
    assert v.truth.origin == "facts: brief.facts.yaml line 3"


def test_a_run_verifies_each_briefs_figures_once(tmp_path, monkeypatch):
    """The engine's count, the FL30x rules and the HTML view share one verify() per brief."""
    from factlint.engine import RunOptions, run
    from factlint.report.html import document_view

    for stem in ("a", "b"):
        write(tmp_path, f"{stem}.md", "园区集聚超120家企业<sup>1</sup>，数据商已有 1159 家"
                                      "<sup>1</sup>。\n\n<sup>1</sup> 来源：某局，《年报》\n")
        write(tmp_path, f"{stem}.facts.yaml",
              "factlint: 1\nclaims:\n  - {quote: 超120家企业, value: 118, unit: 家}\n"
              "  - {quote: 数据商已有 1159 家, value: 1159, unit: 家}\n")
    calls = []
    real = facts_module.verify

    def counted(doc, facts, *args):
        calls.append(doc.path)
        return real(doc, facts, *args)

    monkeypatch.setattr(facts_module, "verify", counted)
    result = run(RunOptions(paths=(str(tmp_path),), offline=True, jobs=1,
                            view_of=document_view))
    assert sorted(calls) == sorted(str(tmp_path / f"{s}.md") for s in "ab")
    assert [f.code for f in result.findings].count("FL301") == 2  # the rules read it
    assert result.summary["figures_verified"] == 2  # the engine's count read it
    for checked in result.files:  # and the HTML view
        assert {f["text"]: f["verdict"] for c in checked.view["claims"] for f in c["figures"]
                } == {"超120家": "mismatched", "1159 家": "verified"}


def test_quote_after_a_marker_and_with_fullwidth_digits(tmp_path):
    brief = write(tmp_path, "b.md", "甲地企业１２０家<sup>1</sup>，"
                                    "乙地 80 家<sup>2</sup>。\n\n"
                                    "<sup>1</sup> 来源：某局，《甲》\n"
                                    "<sup>2</sup> 来源：某局，《乙》\n")
    facts, _ = load_text(tmp_path, "factlint: 1\nclaims:\n"
                                   "  - {quote: 120家，乙地80家, figure: 80 家, "
                                   "value: 80, unit: 家, source: 2}\n")
    doc = read_document(str(brief), brief.read_text("utf-8"))
    [v] = verify(doc, facts)
    assert v.verdict == "holds" and v.figure.text == "80 家"


# --- extract -------------------------------------------------------------------------------------


def _value_inside(figure):
    """A true value the figure holds for, in the unit extract writes (the written scale)."""
    interval = interval_for(figure)
    low, high = interval.low, interval.high
    if high == float("inf"):
        value = low + max(figure.step, 1)
    elif low == float("-inf"):
        value = high - max(figure.step, 1)
    else:
        value = (low + high) / 2
    return value / (1 if figure.is_percent else figure.scale)


def _fill(doc, skeleton: str) -> str:
    figures = iter(f for s in doc.sentences for f in s.figures)
    return re.sub(r"(?m)^    value:$",
                  lambda m: f"    value: {_value_inside(next(figures))!r}", skeleton)


@pytest.mark.parametrize("brief", [SEED, ROOT / "data/examples/zh-brief.md",
                                   ROOT / "data/examples/en-brief.md"], ids=["seed", "zh", "en"])
def test_extract_skeleton_validates_and_verifies_once_filled(tmp_path, brief):
    shared_or_skip(brief)
    doc = read_document(str(brief), brief.read_text(encoding="utf-8"))
    skeleton = extract_skeleton(doc)
    tree = compose_tree(skeleton)
    assert validation_errors("facts", tree.value) == []
    claims = tree.value["claims"]
    assert len(claims) == sum(len(s.figures) for s in doc.sentences)
    assert all(c["value"] is None for c in claims)

    filled = write(tmp_path, "x.facts.yaml", _fill(doc, skeleton))
    facts, findings = load_facts(filled)
    assert findings == []
    ctx = Context(doc, facts, Settings())
    problems = [f for rule in fact_rules.RULES if rule.check for f in rule.check(ctx)
                if f.code in ("FL301", "FL302", "FL305", "FL307")]
    assert problems == []
    assert all(v.verdict == "holds" for v in verify(doc, facts))


def test_extract_sources_from_definitions():
    seed = shared_or_skip(SEED)
    doc = read_document(str(seed), seed.read_text(encoding="utf-8"))
    sources = compose_tree(extract_skeleton(doc)).value["sources"]
    assert sources["13"] == {"publisher": "贵州省大数据发展管理局",
                             "title": "全国两会链接全国数据的“交易枢纽”"}
    en = ROOT / "data/examples/en-brief.md"
    doc = read_document(str(en), en.read_text(encoding="utf-8"))
    sources = compose_tree(extract_skeleton(doc)).value["sources"]
    assert sources["1"] == {"publisher": "Vale of Marrow Statistics Office",
                            "title": "Regional Data Business Register 2025",
                            "url": "https://stats.example.org/register-2025"}


def test_shortest_quote_is_unique_and_holds_the_figure():
    seed = shared_or_skip(SEED)
    doc = read_document(str(seed), seed.read_text(encoding="utf-8"))
    search = facts_module.searchable(doc)
    for sentence in doc.sentences:
        for figure in sentence.figures:
            quote = shortest_quote(doc, search, figure, sentence)
            assert search.count(facts_module.fold(quote)) == 1
            assert facts_module.fold(figure.text) in facts_module.fold(quote)


# --- properties ----------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(list("ab:- \n[]{}&*!|>'\"#,1值\t")), max_size=120))
def test_loader_never_crashes_and_positions_lie_in_the_file(tmp_path, text):
    path = tmp_path / "p.facts.yaml"
    path.write_text(text, encoding="utf-8")
    _, findings = load_facts(path)
    lines = text.split("\n")
    for finding in findings:
        assert finding.code in ("FL501", "FL502")
        assert 1 <= finding.line <= len(lines)
        assert 1 <= finding.column <= len(lines[finding.line - 1]) + 1
