"""`factlint fix` never changes what a citation points at: every marker form, labels tied to
other files, and the checks it makes on its own output before writing."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CORPUS, shared_or_skip
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factlint import fixcheck, renumber
from factlint.cli import main
from factlint.document import Marker, read_document
from factlint.finding import Edit
from factlint.fix import FixError, apply_edits, fix_text
from factlint.renumber import Elsewhere, renumber_edits, renumbering

FIXTURES = Path(__file__).parent / "fixtures" / "fix"


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def copy_tree(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    return target


# An independent reading of a paper's citations, for the tests only: every bracketed number
# list (escaped or not, single or several, ranges) outside the references, and every
# reference line ("[n] …" or "* [n] …").
PAPER_REFERENCE = re.compile(r"(?m)^(?:\* )?\\?\[(\d+)\\?\] (.+)$")
PAPER_CITATION = re.compile(r"\\?\[(\d+(?:\s*[,–-]\s*\d+)*)\\?\](?!\()")


def paper_citations(text: str) -> list[tuple[str, ...]]:
    """For each citation in the body, the sorted titles of the references it names."""
    body, _, references = text.partition("## References")
    titles = {n: entry for n, entry in PAPER_REFERENCE.findall(references)}
    found = []
    for match in PAPER_CITATION.finditer(body):
        labels: list[str] = []
        for part in re.split(r"\s*,\s*", match.group(1)):
            bounds = re.split(r"\s*[–-]\s*", part)
            labels.extend(str(n) for n in range(int(bounds[0]), int(bounds[-1]) + 1))
        found.append(tuple(sorted(titles[label] for label in labels)))
    return found


def resolved(text: str) -> list[tuple[str, ...]]:
    """For each marker of the reader, the sorted texts of the definitions it points at."""
    return fixcheck.citation_targets(read_document("brief.md", text))


# ----------------------------------------------------------------- the PDF-converted paper


def test_pdf_paper_multi_citation_in_parentheses_is_never_left_behind(tmp_path):
    """Reproduction: single citations were renumbered while (Cf. [2, 5]) kept its numbers.
    Either every citation is renumbered with its references or nothing is written."""
    paper = tmp_path / "pdf-paper-escaped.md"
    shutil.copyfile(FIXTURES / "paper" / paper.name, paper)
    before = paper.read_text(encoding="utf-8")

    result = invoke("fix", str(paper))

    after = paper.read_text(encoding="utf-8")
    assert paper_citations(after) == paper_citations(before)
    if result.exit_code == 2:  # the reader does not read \[2, 5\] as a citation
        assert after == before
        assert ("'\\[2, 5\\]' at line 5, column 30 looks like a citation but is not read as "
                "one") in result.output
        assert "fixed" not in result.output
    else:
        assert result.exit_code == 0 and after != before
    assert sorted(p.name for p in tmp_path.iterdir()) == [paper.name]


def fixed_paper(tmp_path: Path, text: str) -> str:
    """Fix a paper; each citation must name the same references afterwards."""
    paper = tmp_path / "paper.md"
    paper.write_text(text, encoding="utf-8")
    result = invoke("fix", str(paper))
    assert result.exit_code == 0, result.output
    after = paper.read_text(encoding="utf-8")
    assert paper_citations(after) == paper_citations(text)
    assert resolved(after) == resolved(text)
    assert invoke("fix", str(paper)).output == "nothing to fix\n"
    return after


def test_pdf_paper_with_reference_bullets_keeps_every_citation(tmp_path):
    """``* [n]`` reference bullets, multi-citations in parentheses, ranges, a table and a
    caption: whatever fix does, each citation names the same references afterwards."""
    fixed_paper(tmp_path, (FIXTURES / "paper" / "pdf-paper.md").read_text(encoding="utf-8"))


def test_pdf_paper_with_plain_reference_lines_is_renumbered_whole(tmp_path):
    text = (FIXTURES / "paper" / "pdf-paper-escaped.md").read_text(encoding="utf-8")
    after = fixed_paper(tmp_path, text.replace("\\[2, 5\\]", "[2, 5]"))

    assert "part (Cf. [3, 4])." in after  # 2 -> 3 and 5 -> 4: the parenthesis follows
    assert "Earlier reviews [1–3] looked" in after  # 1, 2, 3 -> 2, 3, 1: still a range
    assert "later ones [7, 9-11] added" in after  # [6-8, 11] -> 9, 7, 10, 11: written out
    assert "ten years [11] (Cf. [9, 11])." in after
    assert "| Lowlands | 772 | 11 | [1, 12] |" in after  # in a table
    assert "from the census [1] and site visits [12]" in after  # in a caption
    assert re.search(r"(?m)^\[1\] T\. Varga", after)  # the list reads 1, 2, 3 in order


# ----------------------------------------------------------------- every marker form


@pytest.mark.parametrize(("cited", "expected"), [
    ("甲 12 家<sup>3,4</sup>，乙 8 家<sup>1</sup>，丙<sup>2</sup>。",
     "甲 12 家<sup>1,2</sup>，乙 8 家<sup>3</sup>，丙<sup>4</sup>。"),
    ("甲 12 家<sup>3-4</sup>，乙 8 家<sup>1</sup>，丙<sup>2</sup>。",
     "甲 12 家<sup>1-2</sup>，乙 8 家<sup>3</sup>，丙<sup>4</sup>。"),
    ("甲 12 家<sup>2</sup>，乙 8 家<sup>1,4</sup>，丙<sup>3-4</sup>。",
     "甲 12 家<sup>1</sup>，乙 8 家<sup>2,3</sup>，丙<sup>3-4</sup>。"),
    ("甲 12 家[^4][^3]，乙 8 家[^1]，丙[^2]。",
     "甲 12 家[^1][^2]，乙 8 家[^3]，丙[^4]。"),
    ("甲 12 家³˒⁴，乙 8 家¹，丙²。", "甲 12 家¹˒²，乙 8 家³，丙⁴。"),
])
def test_marker_forms_are_renumbered_with_their_sources(cited, expected):
    definitions = "".join(f"<sup>{n}</sup> 来源：机构{n}，《报告{n}》\n\n" for n in range(1, 5))
    if "[^" in cited:
        definitions = "".join(f"[^{n}]: 来源：机构{n}，《报告{n}》\n\n" for n in range(1, 5))
    if "³" in cited:
        definitions = "".join(f"{'¹²³⁴'[n - 1]} 来源：机构{n}，《报告{n}》\n\n"
                              for n in range(1, 5))
    text = f"{cited}\n\n{definitions}"

    fixed = fix_text("b.md", text).brief

    assert fixed.startswith(expected + "\n")
    assert resolved(fixed) == resolved(text)


def test_a_range_that_is_no_longer_contiguous_is_written_out():
    text = ("Costs fell [3-5], then rose [4]. Sites grew [1] and [2].\n\n## References\n\n"
            + "".join(f"[{n}] Source number {n}.\n\n" for n in range(1, 6)))
    fixed = fix_text("b.md", text).brief
    assert fixed.startswith("Costs fell [1-3], then rose [2]. Sites grew [4] and [5].")
    text = text.replace("Costs fell [3-5], then rose [4]. Sites grew [1] and [2].",
                        "Sites grew [3]. Rose [1]. Costs fell [2–4], then [5].")
    fixed = fix_text("b.md", text).brief
    assert fixed.startswith("Sites grew [1]. Rose [2]. Costs fell [1,3,4], then [5].")
    assert resolved(fixed) == resolved(text)


def test_a_marker_form_the_renumberer_never_saw_is_renumbered_from_the_documents_labels():
    """Renumbering works from the reader's markers and labels, so a form the reader learns
    later (here a style no version knows, over text no pattern of fix.py matches) is
    renumbered without a change to the renumberer."""
    text = ("甲 12 家 **⟦3⟧**，乙 8 家 **⟦1⟧**。\n\n"
            "<sup>1</sup> 来源：乙局\n\n<sup>3</sup> 来源：甲局\n")
    doc = read_document("b.md", text)
    doc.markers = [Marker((label,), "bold-bracket", text.index(written),
                          text.index(written) + len(written))
                   for label, written in (("3", "**⟦3⟧**"), ("1", "**⟦1⟧**"))]
    mapping = renumbering(doc)
    assert mapping == {"3": "1", "1": "2"}

    fixed = apply_edits(text, renumber_edits(doc, mapping))

    assert fixed == ("甲 12 家 **⟦1⟧**，乙 8 家 **⟦2⟧**。\n\n"
                     "<sup>1</sup> 来源：甲局\n\n<sup>2</sup> 来源：乙局\n")


# ----------------------------------------------------------------- other files


def test_chapter_citing_notes_in_a_sibling_file_is_never_renumbered(tmp_path):
    """Reproduction (corpus2 en-hot-uav-ch03.md has this shape): a chapter cites [^4]..[^7],
    defined in the sibling footnotes.md; renumbering them 1..4 points them at chapter 1's
    notes."""
    folder = copy_tree("chapters", tmp_path)
    before = {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()}

    for name in before:
        result = invoke("fix", "--drop-unused", str(folder / name))
        assert (result.exit_code, result.output) == (0, "nothing to fix\n"), name

    assert {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()} == before


def test_definitions_cited_from_another_file_keep_their_number(tmp_path):
    """part-1.md cites [^2] and defines [^1] and [^3], which part-2.md cites: renumbering
    part-1 (2 -> 1) or dropping its 'unused' notes would break part-2."""
    folder = copy_tree("essay", tmp_path)
    before = (folder / "part-1.md").read_text(encoding="utf-8")

    result = invoke("fix", "--drop-unused", str(folder / "part-1.md"))

    assert (result.exit_code, result.output) == (0, "nothing to fix\n")
    assert (folder / "part-1.md").read_text(encoding="utf-8") == before


def test_unrelated_briefs_in_one_folder_are_renumbered_each_on_its_own(tmp_path):
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text(
            "甲 12 家<sup>2</sup>，乙 8 家<sup>1</sup>。\n\n"
            "<sup>1</sup> 来源：乙局\n\n<sup>2</sup> 来源：甲局\n", encoding="utf-8")
    result = invoke("fix", str(tmp_path))
    assert result.exit_code == 0, result.output
    for name in ("a.md", "b.md"):
        assert (tmp_path / name).read_text(encoding="utf-8").startswith(
            "甲 12 家<sup>1</sup>，乙 8 家<sup>2</sup>。")


def test_labels_tied_to_other_files_stay_and_the_others_go_round_them():
    text = ("甲[^5]，乙[^2]，丙[^9]，丁[^1]。\n\n"
            "[^1]: 来源一\n\n[^2]: 来源二\n\n[^3]: 来源三\n\n[^5]: 来源五\n")
    doc = read_document("b.md", text)
    # 9 is defined in another file; 3 is cited from another file
    mapping = renumbering(doc, Elsewhere(cited=frozenset({"3"})))
    assert mapping == {"5": "1", "2": "2", "1": "4"}
    assert renumber.kept_labels(doc, Elsewhere(cited=frozenset({"3"}))) == {"3", "9"}


def test_drop_unused_keeps_sources_that_citations_the_reader_skips_name(tmp_path):
    """Reproduction (the shape of corpus2 zh-ernie-digital-economy.md): markers written as
    escaped-bracket links inside <sup> are not read, and --drop-unused deleted the whole
    reference list they cite."""
    brief = tmp_path / "report.md"
    text = ("数字经济规模达 50 万亿元<sup>[\\[1\\]](https://example.org/paper-a)</sup>，"
            "占比超过四成<sup>[\\[2\\]](https://example.org/paper-b)</sup>。\n\n"
            "## 参考文献\n1. 数字经济测度研究 [链接](https://example.org/paper-a)\n"
            "2. 数字经济与产业结构 [链接](https://example.org/paper-b)\n")
    brief.write_text(text, encoding="utf-8")

    result = invoke("fix", "--drop-unused", str(brief))

    assert (result.exit_code, result.output) == (0, "nothing to fix\n")
    assert brief.read_text(encoding="utf-8") == text


def test_drop_unused_leaves_a_notes_file_and_continued_notes_alone(tmp_path):
    notes = tmp_path / "notes.md"
    notes_text = "# Notes\n\n[^1]: First note.\n\n[^2]: Second note.\n"
    notes.write_text(notes_text, encoding="utf-8")
    brief = tmp_path / "chapter.md"
    text = ("甲 12 家[^1]。\n\n[^1]: 来源一\n\n[^2]:\n\n    第二条注释的正文，在空行之后缩进。\n\n"
            "[^3]: 来源三\n")
    brief.write_text(text, encoding="utf-8")

    assert invoke("fix", "--drop-unused", str(notes)).output == "nothing to fix\n"
    result = invoke("fix", "--drop-unused", str(brief))

    # [^2]'s text goes on in the indented paragraph after the blank line: the reader keeps
    # it with its note, so the unused note goes whole, with [^3]
    assert result.output == f"fixed 2 issue(s) in {brief}\n"
    assert brief.read_text(encoding="utf-8").rstrip("\n") == "甲 12 家[^1]。\n\n[^1]: 来源一"
    assert notes.read_text(encoding="utf-8") == notes_text


def test_a_citation_glued_to_a_word_in_a_real_chapter_stops_renumbering(tmp_path):
    """Reproduction on ../shared/corpus: "Transformer[3]" is not read as a marker, so
    renumbering the chapter's other citations made it name BERT's paper instead."""
    chapter = tmp_path / "chapter.md"
    shutil.copyfile(shared_or_skip(CORPUS / "zh-solargelm-ch14-llama.md"), chapter)
    before = chapter.read_text(encoding="utf-8")

    result = invoke("fix", str(chapter))

    after = chapter.read_text(encoding="utf-8")
    glued = re.compile(r"Transformer\[(\d+)\]")
    titles = dict(re.findall(r"(?m)^\[(\d+)\] (.+)$", after))
    if result.exit_code == 2:
        assert after == before
        assert "'[3]' at line 59, column 27 looks like a citation" in result.output
    else:  # once the reader reads it, it is renumbered with the others
        old_titles = dict(re.findall(r"(?m)^\[(\d+)\] (.+)$", before))
        assert titles[glued.search(after).group(1)] == old_titles[glued.search(before).group(1)]
        assert resolved(after) == resolved(before)


# ----------------------------------------------------------------- the checks before writing


def test_a_renumbering_that_would_repoint_a_citation_is_refused(tmp_path, monkeypatch):
    """If the renumberer ever got a marker wrong, the check on the re-read output stops it:
    exit 2, the reason, and nothing written."""
    brief = tmp_path / "brief.md"
    text = ("甲 12 家<sup>2</sup>，乙 8 家<sup>1,3</sup>。\n\n"
            "<sup>1</sup> 来源：乙局\n\n<sup>2</sup> 来源：甲局\n\n<sup>3</sup> 来源：丙局\n")
    brief.write_text(text, encoding="utf-8")
    original = renumber.format_labels
    monkeypatch.setattr(renumber, "format_labels",
                        lambda written, new, superscript: original(written, sorted(new)[:1] * len(
                            new), superscript))

    result = invoke("fix", str(brief))

    assert result.exit_code == 2
    assert (f"cannot fix {brief}: the citation <sup>2,2</sup> at line 1, column 25 would "
            "point at '来源：乙局' + '来源：乙局' instead of '来源：丙局' + '来源：乙局'; "
            "nothing written") in result.output
    assert brief.read_text(encoding="utf-8") == text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.md"]


def test_characters_outside_the_planned_edits_are_checked():
    before = "甲 12 家<sup>2</sup>。"
    edits = [Edit(11, 12, "1")]
    assert fixcheck.characters_problem(before, [(before, edits)], "甲 12 家<sup>1</sup>。") is None
    assert fixcheck.characters_problem(before, [(before, edits)], "甲 12 家<sup>1</sup>") == (
        "the fixed text would differ outside the planned edits (added '', lost '。')")
    assert fixcheck.characters_problem(before, [(before, edits)],
                                       "甲 12  家<sup>1</sup>。\n") is None  # whitespace only


def test_findings_the_fix_did_not_set_out_to_fix_are_checked(tmp_path, monkeypatch):
    """A stage that changed anything beyond its own rule's findings is refused."""
    from factlint import fix as fix_module

    brief = tmp_path / "brief.md"
    text = ("甲 12 家<sup>2</sup>，乙 8 家<sup>1</sup>。\n\n"
            "<sup>1</sup> 来源：乙局，《乙》\n\n<sup>2</sup> 来源：甲局，《甲》\n")
    brief.write_text(text, encoding="utf-8")
    original = fix_module.renumber_edits

    def and_a_figure(doc, mapping):  # a renumbering that also adds an unsourced figure
        return [*original(doc, mapping), Edit(len(doc.text), len(doc.text), "\n丙 30 家。\n")]

    monkeypatch.setattr(fix_module, "renumber_edits", and_a_figure)
    monkeypatch.setattr(fixcheck, "characters_problem", lambda *args: None)

    result = invoke("fix", str(brief))

    assert result.exit_code == 2
    assert "the fix would cause a new FL201 finding" in result.output
    assert brief.read_text(encoding="utf-8") == text


def test_fact_file_pairing_is_checked():
    brief = "甲<sup>1</sup>乙<sup>2</sup>。\n\n<sup>1</sup> 来源：甲局\n\n<sup>2</sup> 来源：乙局\n"
    facts = "sources:\n  1: {publisher: 甲局}\n  2: {publisher: 乙局}\nclaims: []\n"
    swapped = "sources:\n  2: {publisher: 甲局}\n  1: {publisher: 乙局}\nclaims: []\n"
    doc = read_document("b.md", brief)
    assert fixcheck.facts_problem(facts, facts, False, doc, doc) is None
    assert fixcheck.facts_problem(facts, swapped, False, doc, doc) == (
        "the fact file's sources and the brief's definitions would no longer describe the "
        "same sources under the same numbers")


def test_a_citation_the_reader_skips_stops_renumbering():
    text = ("甲 12 家<sup>2</sup>，乙 8 家<sup>1</sup>（另见 [1; 2]）。\n\n"
            "<sup>1</sup> 来源：乙局\n\n<sup>2</sup> 来源：甲局\n")
    with pytest.raises(FixError, match=r"'\[1; 2\]' at line 1, column 41 looks like a citation"):
        fix_text("b.md", text)
    # code is not prose
    fine = text.replace("[1; 2]", "`[1; 2]`")
    assert fix_text("b.md", fine).brief.startswith("甲 12 家<sup>1</sup>，乙 8 家<sup>2</sup>")


# ----------------------------------------------------------------- property


SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _written(style: str, labels: list[int], as_range: bool) -> str:
    if style == "footnote":
        return "".join(f"[^{n}]" for n in labels)  # stacked
    if as_range and len(labels) > 1:
        low = min(labels)
        labels = list(range(low, low + len(labels)))
        inner = f"{labels[0]}-{labels[-1]}"
    else:
        inner = ",".join(str(n) for n in labels)
    if style == "sup":
        return f"<sup>{inner}</sup>"
    if style == "bracket":
        return f" [{inner.replace(',', ', ')}]"
    return inner.translate(SUPERSCRIPT).replace(",", "˒")


def _definition(style: str, n: int) -> str:
    return {"sup": f"<sup>{n}</sup> ", "footnote": f"[^{n}]: ", "bracket": f"[{n}] ",
            "unicode": str(n).translate(SUPERSCRIPT) + " "}[style]


@st.composite
def cited_briefs(draw):
    """A brief with random citation layouts: one marker style, markers of one or several
    labels (lists, ranges, stacked footnotes) in paragraphs, parentheses, table cells and
    captions, definitions in a block in any order, some defined but uncited."""
    style = draw(st.sampled_from(["sup", "footnote", "bracket", "unicode"]))
    count = draw(st.integers(1, 7))
    places = draw(st.lists(st.sampled_from(["sentence", "parenthesis", "table", "caption"]),
                           min_size=1, max_size=8))
    blocks, table = [], []
    for index, place in enumerate(places):
        labels = draw(st.lists(st.integers(1, count), min_size=1, max_size=3, unique=True))
        marker = _written(style, labels, draw(st.booleans()))
        if place == "table":
            table.append(f"| 区域{index} | {100 + index} |{marker} |")
            continue
        if place == "caption":
            blocks.append(f"图 {index}：各区域数量{marker}")
        elif place == "parenthesis":
            blocks.append(f"第{index}项指标为 {100 + index} 家（参见{marker}）。")
        else:
            blocks.append(f"第{index}项指标为 {100 + index} 家{marker}。")
    if table:
        blocks.append("| 区域 | 数量 |\n| --- | --- |\n" + "\n".join(table))
    order = draw(st.permutations(list(range(1, count + 1))))
    if style != "bracket":  # some notes defined in another file of the document
        elsewhere = draw(st.sets(st.integers(1, count), max_size=2))
        order = [n for n in order if n not in elsewhere] or order
    heading = "## References\n\n" if style == "bracket" else ""
    definitions = "\n\n".join(f"{_definition(style, n)}来源：机构{n}，《报告{n}》" for n in order)
    return "# 简报\n\n" + "\n\n".join(blocks) + f"\n\n{heading}{definitions}\n"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cited_briefs())
def test_fix_keeps_the_marker_to_source_text_map(text):
    fixed = fix_text("brief.md", text).brief
    assert resolved(fixed) == resolved(text)  # labels defined elsewhere resolve to themselves
    assert fix_text("brief.md", fixed).brief == fixed
    doc = read_document("brief.md", fixed)
    kept = renumber.kept_labels(doc)
    order: list[str] = []
    for marker in doc.markers:
        order.extend(label for label in marker.labels if label not in order and label not in kept)
    free = [str(n) for n in range(1, 3 * len(order) + 3) if str(n) not in kept]
    assert order == free[: len(order)]
