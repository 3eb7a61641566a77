"""`factlint fix`: rejoin page-split paragraphs, renumber citations with the fact file,
drop unused sources, replace redirected URLs — safely, atomically and idempotently."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import SEED, shared_or_skip
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factlint.cli import main
from factlint.document import read_document
from factlint.finding import Fix
from factlint.fix import (
    FixOptions,
    apply_edits,
    fix_text,
    fixes_for,
    rejoin_fixes,
    renumber_facts,
    renumbering,
)
from factlint.renumber import format_labels

FIXTURES = Path(__file__).parent / "fixtures" / "fix"


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def copy_fixture(tmp_path: Path, *names: str) -> list[Path]:
    copies = []
    for name in names:
        target = tmp_path / name
        shutil.copyfile(FIXTURES / name, target)
        copies.append(target)
    return copies


def non_whitespace(text: str) -> Counter:
    return Counter(c for c in text if not c.isspace())


def resolved(text: str, path: str = "brief.md") -> list[tuple[str, ...]]:
    """For each marker in reading order, the bodies of the definitions it points to
    (sorted: a range such as 4-5 may be rewritten as the list 2,4)."""
    doc = read_document(path, text)
    bodies = {}
    for definition in doc.definitions:
        bodies.setdefault(definition.label, definition.body.strip())
    return [tuple(sorted(bodies.get(label, f"<undefined {label}>") for label in m.labels))
            for m in doc.markers]


def first_citations(text: str) -> list[str]:
    order: list[str] = []
    for marker in read_document("brief.md", text).markers:
        order.extend(label for label in marker.labels if label not in order)
    return order


def claim_sources(facts_text: str) -> list[tuple[str, str]]:
    """For each claim of a fact file, the publisher and title of the source it names."""
    data = yaml.safe_load(facts_text)
    sources = {str(k): v for k, v in data["sources"].items()}
    return [(sources[str(c["source"])]["publisher"], sources[str(c["source"])]["title"])
            for c in data["claims"]]


def report(path: Path) -> dict:
    result = invoke("check", "--offline", "--format", "json", str(path))
    return json.loads(result.output)


def comparable(findings) -> Counter:
    """Findings by code and message; positions (and line numbers quoted in messages) may move."""
    return Counter((f["code"], re.sub(r"line \d+", "line N", f["message"])) for f in findings)


# ----------------------------------------------------------------- the reference brief


def test_fix_rejoins_the_reference_briefs_split_paragraphs(tmp_path):
    brief = tmp_path / "brief.md"
    shutil.copyfile(shared_or_skip(SEED), brief)
    before_text = brief.read_text(encoding="utf-8")
    before = report(brief)["findings"]
    assert sum(f["code"] == "FL603" for f in before) == 4

    result = invoke("fix", str(brief))

    assert result.exit_code == 0, result.output
    assert result.output == f"fixed 4 issue(s) in {brief}\n"
    after_text = brief.read_text(encoding="utf-8")
    assert non_whitespace(after_text) == non_whitespace(before_text)
    assert "以试验区为抓手" in after_text and "“数字信息大通道+产业”行动" in after_text
    after = report(brief)["findings"]
    assert [f for f in after if f["code"] == "FL603"] == []
    assert comparable(after) == comparable(f for f in before if f["code"] != "FL603")

    again = invoke("fix", str(brief))
    assert (again.exit_code, again.output) == (0, "nothing to fix\n")
    assert brief.read_text(encoding="utf-8") == after_text


def test_moved_definitions_keep_their_order_and_text(tmp_path, seed_text):
    fixed = fix_text("brief.md", seed_text).brief
    doc_before = read_document("brief.md", seed_text)
    doc_after = read_document("brief.md", fixed)
    assert [seed_text[d.start : d.end] for d in doc_before.definitions] == [
        fixed[d.start : d.end] for d in doc_after.definitions
    ]
    assert resolved(fixed) == resolved(seed_text)
    # every definition now comes after the paragraph that cites it first
    first_use = {}
    for marker in doc_after.markers:
        for label in marker.labels:
            first_use.setdefault(label, marker.start)
    assert all(d.start > first_use[d.label] for d in doc_after.definitions)


# ----------------------------------------------------------------- renumbering


def test_fix_renumbers_in_order_of_first_citation_with_the_fact_file(tmp_path):
    brief, facts = copy_fixture(tmp_path, "shuffled.md", "shuffled.facts.yaml")
    text, facts_text = brief.read_text(encoding="utf-8"), facts.read_text(encoding="utf-8")

    result = invoke("fix", str(brief))

    assert result.exit_code == 0, result.output
    assert f"fixed 4 issue(s) in {brief}" in result.output  # 3→1, 5→2, 1→3, 2→5; 4 and 6 stay
    assert f"issue(s) in {facts}" in result.output
    fixed, fixed_facts = brief.read_text(encoding="utf-8"), facts.read_text(encoding="utf-8")
    assert first_citations(fixed) == ["1", "2", "3", "4", "5"]
    assert resolved(fixed) == resolved(text)
    assert claim_sources(fixed_facts) == claim_sources(facts_text)
    # the references list reads 1..6; the uncited source stays last
    assert [d.label for d in read_document("b.md", fixed).definitions] == list("123456")
    # ranges: 4-5 became 4,2 which is not consecutive, so it is written as a list
    assert "位居全省前列<sup>2,4</sup>" in fixed and "48 家<sup>1,4</sup>" in fixed
    # comments, quoting and layout of the fact file survive
    assert "# 数据局的年度报告" in fixed_facts and "source: 3   # 统计公报" in fixed_facts
    assert "  '4': {publisher: 某日报, title: 规上企业名单发布}" in fixed_facts
    assert '"1":   # 数据局的年度报告' in fixed_facts
    # and the brief's definitions agree with the fact file's sources
    data = yaml.safe_load(fixed_facts)
    doc = read_document("b.md", fixed)
    for label, source in data["sources"].items():
        body = next(d.body for d in doc.definitions if d.label == str(label))
        assert source["publisher"] in body and source["title"] in body
    check = report(brief)  # the fact file still agrees with the brief: no FL304 or FL308
    assert [f for f in check["findings"] if f["code"] in ("FL103", "FL302", "FL304", "FL308")] == []

    again = invoke("fix", str(brief))
    assert again.output == "nothing to fix\n"


def test_json_fact_file_is_renumbered_in_place(tmp_path):
    (brief,) = copy_fixture(tmp_path, "shuffled.md")
    data = yaml.safe_load((FIXTURES / "shuffled.facts.yaml").read_text(encoding="utf-8"))
    data["sources"] = {str(k): v for k, v in data["sources"].items()}
    facts = tmp_path / "shuffled.facts.json"
    facts_text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    facts.write_text(facts_text, encoding="utf-8")

    result = invoke("fix", str(brief))

    assert result.exit_code == 0, result.output
    fixed = facts.read_text(encoding="utf-8")
    assert claim_sources(fixed) == claim_sources(facts_text)
    assert [c["source"] for c in json.loads(fixed)["claims"]] == [1, "2", 3, 4, 5]
    assert fixed.replace('"1"', "").count("\n") == facts_text.count("\n")  # same layout


def test_fact_file_labels_the_brief_does_not_use_keep_their_number_unless_taken():
    text = "sources:\n  \"9\": {title: a}\n  \"2\": {title: b}\nclaims:\n  - source: 2\n"
    fixed, changed = renumber_facts(text, {"3": "1", "1": "2"})
    assert fixed == "sources:\n  \"9\": {title: a}\n  \"3\": {title: b}\nclaims:\n  - source: 3\n"
    assert changed == 2


def test_word_labels_are_never_renumbered():
    text = ("甲地企业 120 家[^b]，乙地 80 家[^a]。\n\n"
            "[^a]: 来源：乙局，《名录》\n\n[^b]: 来源：甲局，《名录》\n")
    assert renumbering(read_document("b.md", text)) == {}
    assert fix_text("b.md", text).brief == text


def test_identifier_like_numbers_are_left_alone():
    text = "数据商 1159 家[^14125]。\n\n[^14125]: 来源：某局，《年报》\n"
    assert fix_text("b.md", text).brief == text


@pytest.mark.parametrize(("inner", "new", "expected"), [
    ("3-5", ["1", "2", "3"], "1-3"),
    ("3–5", ["4", "5", "6"], "4–6"),
    ("3-5", ["1", "4", "2"], "1,2,4"),
    ("3, 4", ["2", "1"], "2, 1"),
    ("3、4", ["5", "6"], "5、6"),
    ("2,5-8", ["1", "2", "3", "4", "9"], "1-4,9"),
])
def test_marker_labels_keep_their_shape(inner, new, expected):
    assert format_labels(inner, new, superscript=False) == expected


def test_footnote_bracket_and_unicode_markers_are_renumbered():
    footnote = "甲 12 家[^2]，乙 8 家[^1]。\n\n[^1]: 来源：乙局，《乙》\n[^2]: 来源：甲局，《甲》\n"
    fixed = fix_text("b.md", footnote).brief
    assert fixed == ("甲 12 家[^1]，乙 8 家[^2]。\n\n"
                     "[^1]: 来源：甲局，《甲》\n[^2]: 来源：乙局，《乙》\n")

    bracket = ("甲 12 家[2]，乙 8 家[1]。\n\n## 参考文献\n\n[1] 乙局，《乙》\n\n[2] 甲局，《甲》\n")
    fixed = fix_text("b.md", bracket).brief
    assert fixed == ("甲 12 家[1]，乙 8 家[2]。\n\n## 参考文献\n\n"
                     "[1] 甲局，《甲》\n\n[2] 乙局，《乙》\n")
    assert resolved(fixed) == resolved(bracket)

    unicode = "甲 12 家²，乙 8 家¹。\n\n¹ 来源：乙局，《乙》\n² 来源：甲局，《甲》\n"
    fixed = fix_text("b.md", unicode).brief
    assert fixed == "甲 12 家¹，乙 8 家²。\n\n¹ 来源：甲局，《甲》\n² 来源：乙局，《乙》\n"


# ----------------------------------------------------------------- rejoining


def test_english_pieces_are_joined_with_one_space(tmp_path):
    (brief,) = copy_fixture(tmp_path, "split-en.md")
    invoke("fix", str(brief))
    text = brief.read_text(encoding="utf-8")
    assert "the data market, and the pilot zones serve" in text
    assert text.endswith('innovation hubs[^2].\n\n[^1]: Ministry of Data, "Pilot zone notice", '
                         'https://example.org/notice\n\n[^2]: Provincial office, "Hub list"\n')


def test_definitions_do_not_land_where_they_would_split_the_next_paragraph():
    text = ("甲地推进试验区建设，以试\n\n<sup>1</sup> 来源：某部，《通知》\n\n"
            "验区为抓手推进改革<sup>1</sup>\n\n"
            "乙地同步推进改革。\n")
    fixed = fix_text("b.md", text).brief
    assert fixed == ("甲地推进试验区建设，以试验区为抓手推进改革<sup>1</sup>\n\n"
                     "乙地同步推进改革。\n\n"
                     "<sup>1</sup> 来源：某部，《通知》\n")
    assert not any(p.splits for p in read_document("b.md", fixed).paragraphs)


def test_fix_for_each_split_paragraph_applies_alone(seed_text):
    doc = read_document("brief.md", seed_text)
    fixes = rejoin_fixes(doc)
    assert len(fixes) == 4
    for _, fix in fixes:
        assert isinstance(fix, Fix) and fix.edits
        fixed = apply_edits(seed_text, fix.edits)
        after = read_document("brief.md", fixed)
        assert sum(bool(p.splits) for p in after.paragraphs) == 3
        assert non_whitespace(fixed) == non_whitespace(seed_text)
    assert len(fixes_for(doc)) == 4  # the seed is numbered in order: nothing to renumber


# ----------------------------------------------------------------- files, diff, exit status


def test_diff_prints_a_unified_diff_and_writes_nothing(tmp_path):
    brief, facts = copy_fixture(tmp_path, "shuffled.md", "shuffled.facts.yaml")
    before = brief.read_bytes(), facts.read_bytes()

    result = invoke("fix", "--diff", str(brief))

    assert result.exit_code == 1
    assert (brief.read_bytes(), facts.read_bytes()) == before
    name = brief.as_posix().lstrip("/")
    assert f"--- a/{name}\n+++ b/{name}\n" in result.output
    assert "-全市数字经济规模达 820 亿元<sup>3</sup>" in result.output
    assert "+全市数字经济规模达 820 亿元<sup>1</sup>" in result.output
    assert f"+++ b/{facts.as_posix().lstrip('/')}" in result.output
    assert sorted(tmp_path.iterdir()) == sorted([brief, facts])  # no temporary files left

    invoke("fix", str(brief))
    clean = invoke("fix", "--diff", str(brief))
    assert (clean.exit_code, clean.output) == (0, "")


def test_crlf_and_bom_are_kept(tmp_path):
    brief = tmp_path / "brief.md"
    text = (FIXTURES / "shuffled.md").read_text(encoding="utf-8")
    split = ("国家在十个省份布局试验区，以试\n\n<sup>6</sup> 来源：某部，《通知》\n\n"
             "验区为抓手推动改革<sup>6</sup>。\n\n")
    text = text.replace("## 参考来源", split + "## 参考来源")
    brief.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))

    result = invoke("fix", str(brief))

    assert result.exit_code == 0, result.output
    data = brief.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1
    assert data.count(b"\n") == data.count(b"\r\n")
    fixed = data.decode("utf-8")
    assert ("以试验区为抓手推动改革<sup>6</sup>。\r\n\r\n"
            "<sup>6</sup> 来源：某部，《通知》\r\n\r\n## 参考来源") in fixed
    assert invoke("fix", str(brief)).output == "nothing to fix\n"


@pytest.mark.parametrize(("content", "problem"), [
    (None, "file not found"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ("数据商 1159 家<sup>2</sup>。\n\n<sup>2</sup> 来源：某局\n".encode("gb18030"), "GB18030"),
])
def test_bad_input_is_a_clear_error_and_nothing_is_written(tmp_path, content, problem):
    brief = tmp_path / "brief.md"
    if content is not None:
        brief.write_bytes(content)
    result = invoke("fix", str(brief))
    assert result.exit_code == 2
    assert f"factlint: error: cannot fix {brief}: " in result.output and problem in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ([] if content is None else ["brief.md"])
    if content is not None:
        assert brief.read_bytes() == content


def test_broken_fact_file_stops_renumbering_and_writes_nothing(tmp_path):
    brief, facts = copy_fixture(tmp_path, "shuffled.md", "shuffled.facts.yaml")
    facts.write_text("sources: [unclosed\n", encoding="utf-8")
    before = brief.read_bytes()

    result = invoke("fix", str(brief))

    assert result.exit_code == 2
    assert f"fact file {facts}: fact file is not valid YAML" in result.output
    assert brief.read_bytes() == before


def test_folders_are_walked_and_good_files_still_fixed(tmp_path):
    good, _ = copy_fixture(tmp_path, "shuffled.md", "shuffled.facts.yaml")
    (tmp_path / "bad.md").write_bytes(b"\xff\xfe\x00bad")
    result = invoke("fix", str(tmp_path))
    assert result.exit_code == 2
    assert f"fixed 4 issue(s) in {good}" in result.output


def test_drop_unused_only_on_request(tmp_path):
    (brief,) = copy_fixture(tmp_path, "shuffled.md")
    invoke("fix", str(brief))
    assert "未被引用的年度回顾" in brief.read_text(encoding="utf-8")

    result = invoke("fix", "--drop-unused", str(brief))

    assert result.output == f"fixed 1 issue(s) in {brief}\n"
    text = brief.read_text(encoding="utf-8")
    assert "未被引用的年度回顾" not in text and "\n\n\n" not in text
    assert text.endswith("<sup>5</sup> 来源：某市发展和改革委员会，《算力设施建设进展》\n")


def test_a_real_subprocess_fixes_in_place(tmp_path):
    brief, facts = copy_fixture(tmp_path, "shuffled.md", "shuffled.facts.yaml")
    command = [sys.executable, "-m", "factlint", "fix"]
    diff = subprocess.run([*command, "--diff", str(brief)], capture_output=True, text=True)
    assert diff.returncode == 1 and diff.stdout.startswith("--- a/")
    done = subprocess.run([*command, str(brief)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == f"fixed 4 issue(s) in {brief}"
    assert first_citations(brief.read_text(encoding="utf-8")) == ["1", "2", "3", "4", "5"]


# ----------------------------------------------------------------- redirected URLs


def test_urls_replaces_permanent_redirects_with_the_final_url(tmp_path, monkeypatch):
    from urlserver import LoopbackServer, answer, redirect

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with LoopbackServer("127.0.0.1") as server:
        new = server.route("/2025/report", answer(200))
        old = server.route("/report", redirect(301, "/2025/report"))
        moved = server.route("/today", redirect(302, "/2025/report"))
        brief = tmp_path / "brief.md"
        brief.write_text(
            f"数据商 1159 家<sup>1</sup>，中介 442 家<sup>2</sup>。\n\n"
            f"<sup>1</sup> 来源：某局，[《年报》]({old}#table-2)\n\n"
            f"<sup>2</sup> 来源：某报，《名录》，{moved}\n",
            encoding="utf-8",
        )
        assert invoke("fix", str(brief)).output == "nothing to fix\n"  # --urls only on request

        result = invoke("fix", "--urls", "--allow-private", "--timeout", "5", str(brief))

    assert result.exit_code == 0, result.output
    assert result.output == f"fixed 1 issue(s) in {brief}\n"
    text = brief.read_text(encoding="utf-8")
    assert f"[《年报》]({new}#table-2)" in text
    assert f"《名录》，{moved}\n" in text  # a temporary redirect is not a fix


# ----------------------------------------------------------------- properties


MARKER_SHAPES = {
    "sup": (lambda n: f"<sup>{n}</sup>", lambda n: f"<sup>{n}</sup> "),
    "footnote": (lambda n: f"[^{n}]", lambda n: f"[^{n}]: "),
    "unicode": (lambda n: str(n).translate(SUPERSCRIPT),
                lambda n: str(n).translate(SUPERSCRIPT) + " "),
}
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _brief(citations: list[int], definition_order: list[int], split_at: int | None,
           style: str = "sup") -> str:
    """A small brief: one sentence per citation, definitions in a block, maybe a page split."""
    marker, definition = MARKER_SHAPES[style]
    sentences = [f"第{i + 1}项指标为 {100 + i} 家{marker(label)}。"
                 for i, label in enumerate(citations)]
    definitions = "\n\n".join(f"{definition(n)}来源：机构{n}，《报告{n}》"
                                for n in definition_order)
    body = "".join(sentences)
    if split_at is not None:
        cut = min(split_at, len(body) - 1)
        while cut > 1 and not (_han(body[cut - 1]) and _han(body[cut])):
            cut -= 1  # break the page between two Chinese characters
        body = f"{body[:cut]}\n\n{definitions}\n\n{body[cut:]}"
        return f"# 简报\n\n{body}\n"
    return f"# 简报\n\n{body}\n\n{definitions}\n"


@st.composite
def briefs(draw):
    count = draw(st.integers(1, 6))
    labels = draw(st.permutations(list(range(1, count + 1))))
    extra = draw(st.lists(st.sampled_from(labels), max_size=4))
    citations = list(labels) + extra
    citations = draw(st.permutations(citations))
    unused = draw(st.booleans())
    definition_order = draw(st.permutations(list(range(1, count + 1 + unused))))
    split_at = draw(st.none() | st.integers(4, 200))
    style = draw(st.sampled_from(sorted(MARKER_SHAPES)))
    return _brief(list(citations), list(definition_order), split_at, style)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(briefs())
def test_fix_is_idempotent_and_keeps_every_citation_pointing_at_its_source(text):
    once = fix_text("brief.md", text).brief
    assert fix_text("brief.md", once).brief == once
    assert resolved(once) == resolved(text)
    order = first_citations(once)
    assert order == [str(n) for n in range(1, len(order) + 1)]
    doc = read_document("brief.md", once)
    assert not any(p.splits for p in doc.paragraphs)


@settings(max_examples=100, deadline=None)
@given(briefs())
def test_rejoining_keeps_every_character(text):
    rejoined = fix_text("brief.md", text, FixOptions(renumber=False)).brief
    assert non_whitespace(rejoined) == non_whitespace(text)


# ----------------------------------------------------------------- selection and suppression


def test_fix_leaves_what_directives_or_the_config_suppress(tmp_path):
    split = ("国家布局试验区，以试\n\n<sup>1</sup> 来源：某部，《通知》\n\n"
             "验区为抓手推动改革<sup>1</sup>。\n")
    shuffled = "甲 12 家<sup>2</sup>，乙 8 家<sup>1</sup>。\n\n<sup>1</sup> 来源：乙局，《乙》\n"
    brief = tmp_path / "brief.md"
    for text in (
        "<!-- factlint-disable-file FL603 -->\n\n" + split,
        "<!-- factlint-disable-next-line FL103 -->\n" + shuffled
        + "\n<sup>2</sup> 来源：甲局，《甲》\n",
    ):
        brief.write_text(text, encoding="utf-8")
        assert invoke("fix", str(brief)).output == "nothing to fix\n"
        assert brief.read_text(encoding="utf-8") == text

    project = tmp_path / "project"  # a fresh folder: config look-ups are cached per folder
    project.mkdir()
    (project / "factlint.yaml").write_text("ignore: [split-paragraph]\n", encoding="utf-8")
    ignored = project / "brief.md"
    ignored.write_text(split, encoding="utf-8")
    assert invoke("fix", str(ignored)).output == "nothing to fix\n"
    brief.write_text(split, encoding="utf-8")
    assert invoke("fix", str(brief)).output == f"fixed 1 issue(s) in {brief}\n"
