"""Word briefs (.docx): read into the same Document, positions in the document, comments out.

Every document here is built by the test (tests/wordbuild.py: python-docx for the body,
lxml for the footnotes part); the Chinese brief has the reference brief's shape in sentences
of our own.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
import wordbuild
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree

from factlint import messages
from factlint.cli import main
from factlint.engine import RunOptions, check_file, run
from factlint.word import read_word

W = wordbuild.W


def check(path: Path, **options):
    return check_file(str(path), RunOptions(paths=(str(path),), offline=True, **options))


def brief(tmp_path: Path, blocks=None, name: str = "brief.docx") -> Path:
    return wordbuild.build(blocks or wordbuild.chinese_brief(), tmp_path / name)


def located(result, code: str) -> list[dict]:
    """The Word locations of the findings with ``code``."""
    rendering = result.rendering
    return [rendering.location(f.line, f.column).as_dict()
            for f in result.findings if f.code == code]


def body_paragraph(blocks, needle: str) -> tuple[int, str]:
    """(1-based paragraph number, text) of the body paragraph containing ``needle``."""
    texts = wordbuild.paragraph_texts_of_blocks(blocks)
    number = next(i for i, text in enumerate(texts, start=1) if needle in text)
    return number, texts[number - 1]


def replace_piece(blocks, old, new):
    """The blocks with piece ``old`` of some paragraph replaced by ``new`` (None: removed)."""
    out = []
    for block in blocks:
        if block[0] == "p" and old in block:
            pieces = list(block)
            index = pieces.index(old)
            pieces[index : index + 1] = [] if new is None else list(new)
            block = tuple(pieces)
        out.append(block)
    return out


JIANGCHENG = "江城市搭建低空飞行数字化管理平台，实现航线审批线上办理"


# --- the Chinese brief in the reference brief's shape ---------------------------------------


def test_chinese_brief_has_the_reference_findings(tmp_path):
    result = check(brief(tmp_path))
    codes = {f.code for f in result.findings}
    assert [f for f in result.findings if f.severity == "error"] == []
    assert "FL603" not in codes  # a Word paragraph is never split by a page's footnotes
    assert {"FL101", "FL102", "FL103", "FL104", "FL201"}.isdisjoint(codes)
    assert located(result, "FL601") == [
        {"part": "body", "paragraph": 6, "offset": 0, "excerpt": "（二）地方层面的集聚方向"}]
    [slip] = [f for f in result.findings if f.code == "FL601"]
    assert slip.message.endswith("use the style Heading 2 (标题 2)")  # in Word's terms, not ##
    assert messages.text_of(slip, "zh").endswith("请改用 “标题 2”样式")  # the comment in Chinese
    duplicates = [f for f in result.findings if f.code == "FL105"]
    assert len(duplicates) == 1 and "6 and 9" in duplicates[0].message
    assert located(result, "FL105")[0]["part"] == "footnotes"
    assert located(result, "FL105")[0]["note"] == "9"
    assert result.claims == 4 and result.sourced_claims == 4


def test_real_footnotes_become_markers_and_definitions(tmp_path):
    from factlint.document import read_document

    rendering = read_word(brief(tmp_path).read_bytes(), "brief.docx")
    doc = read_document("brief.docx", rendering.text)
    labels = [label for m in doc.markers for label in m.labels]
    assert labels == [str(n) for n in range(1, 10)]
    assert [d.label for d in doc.definitions] == [str(n) for n in range(1, 10)]
    assert doc.definitions[4].body.startswith("来源：深圳市工业和信息化局")
    assert [h.level for h in doc.headings][:4] == [1, 1, 2, 1]


def remove_reference(path: Path, index: int) -> Path:
    """Delete the ``index``-th footnote reference from the body, leaving its note behind."""
    document = docx.Document(str(path))
    reference = list(document.element.body.iter(f"{{{W}}}footnoteReference"))[index]
    run_element = reference.getparent()
    run_element.getparent().remove(run_element)
    document.save(str(path))
    return path


def test_removed_note_reference_is_an_unsourced_figure_at_its_paragraph(tmp_path):
    result = check(remove_reference(brief(tmp_path), 7))
    number, text = body_paragraph(wordbuild.chinese_brief(), "成都市建成")
    assert located(result, "FL201") == [{"part": "body", "paragraph": number,
                                         "offset": text.index("3个"), "excerpt": located(
                                             result, "FL201")[0]["excerpt"]}]
    assert "3个" in located(result, "FL201")[0]["excerpt"]
    # the note is still in the package but nothing shows it: an unused source
    assert any(f.code == "FL102" for f in result.findings)


def test_undefined_superscript_is_fl101_at_its_paragraph_and_offset(tmp_path):
    blocks = replace_piece(wordbuild.chinese_brief(), JIANGCHENG, (JIANGCHENG, ("sup", "25")))
    result = check(brief(tmp_path, blocks))
    number, text = body_paragraph(blocks, JIANGCHENG)
    [place] = located(result, "FL101")
    assert (place["part"], place["paragraph"], place["offset"]) == (
        "body", number, text.index("25"))
    [finding] = [f for f in result.findings if f.code == "FL101"]
    assert "25" in finding.message
    [mixed] = [f for f in result.findings if f.code == "FL108"]  # typed by hand
    assert mixed.message.startswith("citation style superscript digits typed by hand mixed "
                                    "with Word footnotes used earlier")
    assert messages.text_of(mixed, "zh").startswith(
        "引用标号写法 手工输入的上标数字 与前文的 Word 脚注 不一致")


def test_figure_that_disagrees_with_the_fact_file_beside_it(tmp_path):
    path = brief(tmp_path)
    (tmp_path / "brief.facts.yaml").write_text(
        "factlint: 1\nclaims:\n  - quote: 累计发布场景清单120项\n    value: 112\n"
        "    unit: 项\n    source: 7\n", encoding="utf-8")
    result = check(path)
    number, text = body_paragraph(wordbuild.chinese_brief(), "合肥市")
    [place] = located(result, "FL301")
    assert (place["paragraph"], place["offset"]) == (number, text.index("120项"))
    assert "112" in next(f.message for f in result.findings if f.code == "FL301")


def test_agreeing_fact_file_verifies_the_figure(tmp_path):
    path = brief(tmp_path)
    (tmp_path / "brief.facts.yaml").write_text(
        "factlint: 1\nclaims:\n  - quote: 累计发布场景清单120项\n    value: 120\n"
        "    unit: 项\n    source: 7\n", encoding="utf-8")
    result = check(path)
    assert result.figures_verified == 1
    assert not [f for f in result.findings if f.code in ("FL301", "FL304", "FL302")]


# --- what the reader understands ------------------------------------------------------------


def test_heading_styles_outline_levels_and_numbered_text(tmp_path):
    path = brief(tmp_path, [
        ("p", "一、总体情况"),  # numbered text, no heading style
        ("p", "（一）发展基础"),
        ("p", "一、这是一个很长的段落，以编号开头，但它是正文而不是标题，因为它以句号结束。"),
    ])
    document = docx.Document(str(path))
    custom = document.styles.add_style("标题 2", 1)  # WPS names its heading styles so
    heading = document.add_paragraph("（二）组织方式")
    heading.style = custom
    outlined = document.add_paragraph("附件说明")
    outline = etree.SubElement(outlined._p.get_or_add_pPr(), f"{{{W}}}outlineLvl")
    outline.set(f"{{{W}}}val", "0")
    document.save(str(path))
    rendering = read_word(path.read_bytes(), "brief.docx")
    lines = [line for line in rendering.text.split("\n") if line]
    assert lines == ["## 一、总体情况", "### （一）发展基础",
                     "一、这是一个很长的段落，以编号开头，但它是正文而不是标题，因为它以句号结束。",
                     "## （二）组织方式", "# 附件说明"]


def test_tables_links_fields_and_endnotes(tmp_path):
    path = brief(tmp_path, [
        ("p", "全市低空企业达到320家", ("note", ("来源：市统计局，《统计公报》，",
                                                 "https://example.org/gb")),
         "。详见", ("link", "市政府网站", "https://example.org/gov"), "和",
         ("field", "统计网", "https://example.org/stats"), "。"),
        ("p", "航线数量增长较快", ("endnote", "来源：市交通局，《航线年报》"), "。"),
        ("table", [["指标", "数值"], ["企业 | 家", "320"]]),
    ])
    rendering = read_word(path.read_bytes(), "brief.docx")
    assert "[^1]: 来源：市统计局，《统计公报》，[https://example.org/gb](https://example.org/gb)" \
        in rendering.text
    assert "[市政府网站](https://example.org/gov)和[统计网](https://example.org/stats)" \
        in rendering.text
    assert "[^i]" in rendering.text and "[^i]: 来源：市交通局" in rendering.text
    assert "| 指标 | 数值 |\n| --- | --- |\n| 企业 / 家 | 320 |" in rendering.text
    result = run(RunOptions(paths=(str(path),), offline=True))
    assert result.urls_skipped == 1  # the URL in the note reaches the URL checker
    codes = [f.code for f in result.findings]
    assert "FL107" in codes and codes.count("FL107") == 1  # only the endnote has no URL
    assert not [f for f in result.findings if f.code in ("FL101", "FL102", "FL201")]


def test_ref_field_to_a_bookmarked_note_cites_that_note_again(tmp_path):
    path = brief(tmp_path, [
        ("p", "试点城市共有6个", ("note", "来源：民航局，《试点通知》"), "。"),
        ("p", "其中东部城市4个，见前注。"),
    ])
    document = docx.Document(str(path))
    first, second = document.paragraphs[0]._p, document.paragraphs[1]._p
    reference_run = first.findall(f"{{{W}}}r")[1]
    start = etree.Element(f"{{{W}}}bookmarkStart", {f"{{{W}}}id": "7", f"{{{W}}}name": "_Ref1"})
    end = etree.Element(f"{{{W}}}bookmarkEnd", {f"{{{W}}}id": "7"})
    reference_run.addprevious(start)
    reference_run.addnext(end)
    simple = etree.SubElement(second, f"{{{W}}}fldSimple", {f"{{{W}}}instr": " NOTEREF _Ref1 \\h "})
    etree.SubElement(etree.SubElement(simple, f"{{{W}}}r"), f"{{{W}}}t").text = "1"
    document.save(str(path))
    rendering = read_word(path.read_bytes(), "brief.docx")
    assert "其中东部城市4个，见前注。[^1]" in rendering.text
    result = check(path)
    assert "FL201" not in {f.code for f in result.findings}


def test_text_boxes_are_counted_as_not_checked(tmp_path):
    path = brief(tmp_path, [("p", "正文一段，没有数字。")])
    document = docx.Document(str(path))
    run_element = document.paragraphs[0].add_run()._r
    pict = etree.SubElement(run_element, f"{{{W}}}pict")
    box = etree.SubElement(etree.SubElement(pict, "{urn:schemas-microsoft-com:vml}shape"),
                           "{urn:schemas-microsoft-com:vml}textbox")
    content = etree.SubElement(box, f"{{{W}}}txbxContent")
    etree.SubElement(etree.SubElement(etree.SubElement(content, f"{{{W}}}p"), f"{{{W}}}r"),
                     f"{{{W}}}t").text = "框内写有1200家企业"
    document.sections[0].header.paragraphs[0].text = "内部资料 2026年第3期"
    document.save(str(path))
    result = run(RunOptions(paths=(str(path),), offline=True))
    assert result.summary["not_checked"] == 2
    assert "1200" not in result.files[0].rendering.text
    out = CliRunner().invoke(main, ["check", "--offline", "--messages", "auto", str(path)])
    assert "未检查：1 header or footer, 1 text box" in out.output  # a Chinese brief


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "data", "says"), [
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "save it as a Word document"),
    ("cut.docx", None, "damaged .docx"),
    ("notword.docx", b"# just text\n", "not a Word .docx"),
])
def test_old_or_corrupt_word_files_are_fl001_with_what_to_do(tmp_path, name, data, says):
    if data is None:
        data = brief(tmp_path).read_bytes()[:3000]
    path = tmp_path / name
    path.write_bytes(data)
    result = check(path)
    assert [f.code for f in result.findings] == ["FL001"]
    assert says in result.findings[0].message
    out = subprocess.run([sys.executable, "-m", "factlint", "check", "--offline", str(path)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and "Traceback" not in out.stderr + out.stdout


def test_zip_without_a_document_part(tmp_path):
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("content.xml", "<x/>")
    [finding] = check(path).findings
    assert finding.code == "FL001" and "word/document.xml" in finding.message


# --- reports --------------------------------------------------------------------------------


def test_json_and_sarif_carry_the_word_location(tmp_path):
    from factlint.schemas import validation_errors

    path = remove_reference(brief(tmp_path), 7)
    blocks = wordbuild.chinese_brief()
    out = CliRunner().invoke(main, ["check", "--offline", "--format", "json", str(path)])
    report = json.loads(out.output)
    assert validation_errors("report", report) == []
    [finding] = [f for f in report["findings"] if f["code"] == "FL201"]
    number, text = body_paragraph(blocks, "成都市建成")
    assert finding["location"]["paragraph"] == number
    assert finding["location"]["offset"] == text.index("3个")
    out = CliRunner().invoke(main, ["check", "--offline", "--format", "sarif", str(path)])
    sarif = json.loads(out.output)
    [result] = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "FL201"]
    logical = result["locations"][0]["logicalLocations"][0]
    assert logical["fullyQualifiedName"] == f"body/paragraph[{number}]"
    region = result["locations"][0]["physicalLocation"]["region"]
    shown = CliRunner().invoke(main, ["show", str(path)]).output.split("\n")
    line = shown[region["startLine"] - 1]
    assert line.split("| ", 1)[1][region["startColumn"] - 1:].startswith("3个")
    assert f"body ¶{number}" in line


def test_sarif_for_a_word_brief_is_valid_sarif(tmp_path):
    from test_report_sarif import SCHEMA, validate

    if not SCHEMA.is_file():
        pytest.skip(f"the SARIF schema is not at {SCHEMA}")
    out = CliRunner().invoke(main, ["check", "--offline", "--format", "sarif",
                                    str(brief(tmp_path))])
    validate(json.loads(out.output))


def test_text_report_names_the_paragraph(tmp_path):
    out = CliRunner().invoke(main, ["check", "--offline", str(brief(tmp_path))])
    assert "FL601" in out.output and "(body ¶6:0)" in out.output
    assert "(footnote 9 ¶1:0)" in out.output


def test_fix_is_not_offered_for_word_briefs(tmp_path):
    """Hand-typed superscripts out of order, with their notes typed at the end."""
    blocks = [("p", "企业共120家", ("sup", "2"), "。"), ("p", "产值3亿元", ("sup", "1"), "。"),
              ("p", ("sup", "1"), " 来源：甲局，《年报》"),
              ("p", ("sup", "2"), " 来源：乙局，《公报》")]
    result = check(brief(tmp_path, blocks))
    assert [f.code for f in result.findings].count("FL103") == 2
    assert all(f.fix is None for f in result.findings)
    for finding in (f for f in result.findings if f.code == "FL103"):
        for language in ("en", "zh"):  # no `factlint fix` hint: it edits text briefs only
            assert "factlint fix" not in messages.text_of(finding, language), finding


# --- annotate -------------------------------------------------------------------------------


def comments_of(path: Path) -> list[tuple[str, str, str]]:
    """(author, comment text, the text it is anchored on) for each comment of a .docx."""
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        if "word/comments.xml" not in names:
            return []
        comments = etree.fromstring(package.read("word/comments.xml"))
        anchored: dict[str, str] = {}
        for part in ("word/document.xml", "word/footnotes.xml"):
            if part in names:
                anchored.update(_anchored_text(etree.fromstring(package.read(part))))
    return [(c.get(f"{{{W}}}author"), "".join(c.itertext()), anchored.get(c.get(f"{{{W}}}id")))
            for c in comments.iter(f"{{{W}}}comment")]


def _anchored_text(root) -> dict[str, str]:
    open_ids: list[str] = []
    found: dict[str, str] = {}
    for element in root.iter(f"{{{W}}}commentRangeStart", f"{{{W}}}commentRangeEnd",
                             f"{{{W}}}t", f"{{{W}}}footnoteReference"):
        if element.tag.endswith("commentRangeStart"):
            open_ids.append(element.get(f"{{{W}}}id"))
            found.setdefault(open_ids[-1], "")
        elif element.tag.endswith("commentRangeEnd"):
            open_ids.remove(element.get(f"{{{W}}}id"))
        elif element.tag.endswith("footnoteReference"):
            for comment in open_ids:
                found[comment] += f"[note {element.get(f'{{{W}}}id')}]"
        else:
            for comment in open_ids:
                found[comment] += element.text or ""
    return found


def planted(tmp_path: Path) -> Path:
    blocks = replace_piece(wordbuild.chinese_brief(), JIANGCHENG, (JIANGCHENG, ("sup", "25")))
    path = remove_reference(brief(tmp_path, blocks), 7)
    (tmp_path / "brief.facts.yaml").write_text(
        "factlint: 1\nclaims:\n  - quote: 累计发布场景清单120项\n    value: 112\n"
        "    unit: 项\n    source: 7\n", encoding="utf-8")
    return path


def test_annotate_puts_each_finding_on_its_words(tmp_path, monkeypatch):
    monkeypatch.setenv("FACTLINT_MESSAGES", "auto")  # comments in the brief's language
    path = planted(tmp_path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    out_path = tmp_path / "brief.checked.docx"
    result = CliRunner().invoke(main, ["annotate", "--offline", str(path), "-o", str(out_path)])
    assert result.exit_code == 1, result.output  # errors found; the copy is written
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # original untouched
    comments = comments_of(out_path)
    check_result = check(path)
    assert len(comments) == len(check_result.findings)
    on = {text.split("：", 1)[0].split("（")[0]: anchored for _, text, anchored in comments
          if "FL10" not in text[:5]}
    assert on["FL301 figure-mismatch"] == "120项"
    assert on["FL201 unsourced-figure"] == "3个"
    assert on["FL601 heading-level-mismatch"] == "（二）"
    [(_, undefined, anchored)] = [c for c in comments if c[1].startswith("FL101")]
    assert anchored == "25" and undefined.startswith("FL101 undefined-citation（错误）：")
    # a finding in a note: on the words before the note's mark (note 9 of the package is the
    # 8th shown: one reference was removed), naming the note
    [(_, duplicate, anchored)] = [c for c in comments if "FL105" in c[1]]
    assert duplicate.startswith("脚注 8：FL105 duplicate-source（警告）：来源 6 和 8 是同一份资料")
    assert anchored == "实现航线审批线上办理25"
    assert not [c for c in comments if "[note" in c[2]]  # no comment encloses a note's mark
    assert {author for author, _, _ in comments} == {"factlint"}
    assert wordbuild.paragraph_texts(out_path) == wordbuild.paragraph_texts(path)
    original = read_word(path.read_bytes(), "a.docx")
    annotated = read_word(out_path.read_bytes(), "b.docx")
    assert [p.text for p in annotated.places] == [p.text for p in original.places]
    assert annotated.text == original.text


def test_annotate_splits_runs_keeping_their_formatting(tmp_path):
    path = brief(tmp_path, [("p", ("bold", "全市共有无人机企业350家，同比增长。"))])
    out_path = tmp_path / "out.docx"
    CliRunner().invoke(main, ["annotate", "--offline", str(path), "-o", str(out_path)])
    runs = [r for r in docx.Document(str(out_path)).paragraphs[0].runs if r.text]
    assert [r.text for r in runs] == ["全市共有无人机企业", "350家", "，同比增长。"]
    assert all(r.bold for r in runs)
    assert [text for _, text, anchored in comments_of(out_path) if anchored == "350家"]


def test_rerun_on_the_checked_copy_replaces_only_factlints_comments(tmp_path):
    path = planted(tmp_path)
    document = docx.Document(str(path))
    document.add_comment(document.paragraphs[1].runs, text="请核实这一段。", author="编辑")
    document.save(str(path))
    first, second = tmp_path / "brief.checked.docx", tmp_path / "again.docx"
    facts = str(tmp_path / "brief.facts.yaml")
    CliRunner().invoke(main, ["annotate", "--offline", str(path), "-o", str(first)])
    assert facts  # beside the original: the checked copy finds it by the original's name
    out = CliRunner().invoke(main, ["annotate", "--offline", str(first), "-o", str(second)])
    assert "replacing" in out.output
    once, twice = comments_of(first), comments_of(second)
    assert sorted(once) == sorted(twice)
    assert [c for c in twice if c[0] == "编辑"] == [
        ("编辑", "请核实这一段。", document.paragraphs[1].text)]
    with zipfile.ZipFile(second) as package:  # no marks left behind by the replaced comments
        marks = sum(len(list(etree.fromstring(package.read(part)).iter(
            f"{{{W}}}commentRangeStart", f"{{{W}}}commentReference")))
            for part in ("word/document.xml", "word/footnotes.xml"))
    assert marks == 2 * len(twice)
    assert wordbuild.paragraph_texts(second) == wordbuild.paragraph_texts(path)


def test_annotate_refuses_to_overwrite_the_brief_and_text_briefs(tmp_path):
    path = brief(tmp_path)
    before = path.read_bytes()
    out = CliRunner().invoke(main, ["annotate", "--offline", str(path), "-o", str(path)])
    assert out.exit_code == 2 and "never modifies the original" in out.output
    assert path.read_bytes() == before
    text = tmp_path / "brief.md"
    text.write_text("# x\n", encoding="utf-8")
    out = CliRunner().invoke(main, ["annotate", str(text)])
    assert out.exit_code == 2 and ".docx" in out.output


def test_annotate_default_output_and_a_real_subprocess(tmp_path):
    path = brief(tmp_path)
    out = subprocess.run([sys.executable, "-m", "factlint", "annotate", "--offline", str(path)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr  # warnings only
    checked = tmp_path / "brief.checked.docx"
    assert f"wrote {checked}" in out.stdout
    assert len(comments_of(checked)) == len(check(path).findings)


# --- discovery --------------------------------------------------------------------------------


def test_named_docx_is_checked_folders_only_when_configured(tmp_path):
    from factlint.engine import discover
    from factlint.related import briefs_for

    path = brief(tmp_path)
    (tmp_path / "~$brief.docx").write_bytes(b"lock")
    (tmp_path / "notes.md").write_text("# x\n", encoding="utf-8")
    assert discover([str(tmp_path)]) == [str(tmp_path / "notes.md")]
    assert discover([str(path)]) == [str(path)]
    assert briefs_for([str(path)]) == [str(path)]
    (tmp_path / "brief.facts.yaml").write_text("factlint: 1\n", encoding="utf-8")
    assert str(path) in briefs_for([str(tmp_path / "brief.facts.yaml")])
    (tmp_path / "factlint.yaml").write_text("docx: true\n", encoding="utf-8")
    from factlint.config import forget

    forget()
    assert discover([str(tmp_path)]) == [str(path), str(tmp_path / "notes.md")]


def test_precommit_hooks_take_docx():
    import re

    import yaml

    hooks = yaml.safe_load((Path(__file__).parents[1] / ".pre-commit-hooks.yaml").read_text())
    for hook in hooks:
        assert re.search(hook["files"], "briefs/2026/低空经济.docx")


# --- the map back ---------------------------------------------------------------------------


def test_every_exact_character_maps_back_to_the_same_character(tmp_path):
    rendering = read_word(brief(tmp_path).read_bytes(), "brief.docx")
    for start, place, offset, exact in rendering.pieces:
        if exact:
            end = next((p[0] for p in rendering.pieces if p[0] > start), len(rendering.text))
            shown = rendering.text[start:end]
            assert rendering.places[place].text[offset : offset + len(shown)] == shown


def test_show_prints_the_rendering_with_line_numbers(tmp_path):
    path = brief(tmp_path)
    out = CliRunner().invoke(main, ["show", str(path)])
    lines = out.output.split("\n")
    assert lines[0] == " 1 body ¶1         | # 关于加快培育我市低空经济产业集群的几点思考"
    assert any("footnote 9" in line and "[^9]: 来源：江城日报" in line for line in lines)
    assert CliRunner().invoke(main, ["show", str(tmp_path / "missing.docx")]).exit_code == 2


def test_a_word_brief_read_from_bytes_in_memory():
    stream = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("空文档也能读。")
    document.save(stream)
    rendering = read_word(stream.getvalue(), "memory.docx")
    assert rendering.text == "空文档也能读。"
    assert rendering.location(1, 3).as_dict() == {
        "part": "body", "paragraph": 1, "offset": 2, "excerpt": "空文档也能读。"}


def test_comment_ids_never_equal_a_note_id(tmp_path):
    """LibreOffice 7.4 shows the wrong note texts when a comment's id equals a note's."""
    path = planted(tmp_path)
    out_path = tmp_path / "out.docx"
    CliRunner().invoke(main, ["annotate", "--offline", str(path), "-o", str(out_path)])
    with zipfile.ZipFile(out_path) as package:
        notes = {n.get(f"{{{W}}}id") for n in etree.fromstring(
            package.read("word/footnotes.xml")).iter(f"{{{W}}}footnote")}
        comments = {c.get(f"{{{W}}}id") for c in etree.fromstring(
            package.read("word/comments.xml")).iter(f"{{{W}}}comment")}
        marks = {m.get(f"{{{W}}}id") for m in etree.fromstring(
            package.read("word/document.xml")).iter(f"{{{W}}}commentReference")}
    assert len(comments) == len(check(path).findings) and marks == comments
    assert not notes & comments


@given(st.lists(st.tuples(st.sampled_from(["text", "sup", "note", "bold", "link"]),
                          st.text(alphabet="数据产业12 3,4-5。，m²|#", min_size=1, max_size=8)),
                min_size=1, max_size=12))
@settings(max_examples=40, deadline=None)
def test_any_paragraph_reads_and_maps_back(pieces):
    """Random runs: the reader never fails, and every exact piece of the rendering is the
    paragraph's own text at the offset it names."""
    import tempfile

    blocks = [("p", *[text if kind == "text" else ("note", text) if kind == "note" else
                      (kind, text, "https://example.org/x") if kind == "link" else (kind, text)
                      for kind, text in pieces])]
    with tempfile.TemporaryDirectory() as folder:
        path = wordbuild.build(blocks, Path(folder) / "p.docx")
        rendering = read_word(path.read_bytes(), "p.docx")
        check(path)
    starts = [p[0] for p in rendering.pieces] + [len(rendering.text)]
    plain = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹\n\t", "0123456789  ")  # what the rendering changes
    for (start, place, offset, exact), end in zip(rendering.pieces, starts[1:], strict=True):
        text = rendering.places[place].text
        assert 0 <= offset <= len(text)
        if exact:
            shown = rendering.text[start:end]
            assert text[offset : offset + len(shown)].translate(plain) == shown.translate(plain)


def test_word_briefs_are_read_as_untrusted_input(tmp_path):
    """Only regular files inside the repository: a symlink out, a FIFO, a folder named .docx."""
    import os

    outside = brief(tmp_path, name="outside.docx")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "link.docx").symlink_to(outside)
    os.mkfifo(repo / "pipe.docx")
    (repo / "folder.docx").mkdir()
    says = {name: check(repo / name).findings for name in ("link.docx", "pipe.docx",
                                                            "folder.docx")}
    assert all([f.code for f in found] == ["FL001"] for found in says.values())
    assert "outside the repository" in says["link.docx"][0].message
    assert "not a regular file" in says["pipe.docx"][0].message
    assert "folder" in says["folder.docx"][0].message


def test_extract_writes_a_fact_file_skeleton_for_a_word_brief(tmp_path):
    out = CliRunner().invoke(main, ["extract", str(brief(tmp_path))])
    assert out.exit_code == 0
    assert 'title: "低空物流航线加密 无人机配送走进社区"' in out.output
    assert 'figure: "超过1700家"' in out.output


def test_fix_says_it_edits_text_briefs_only(tmp_path):
    path = brief(tmp_path)
    before = path.read_bytes()
    out = CliRunner().invoke(main, ["fix", str(path)])
    assert out.exit_code == 2 and "factlint annotate" in out.output
    assert path.read_bytes() == before


def test_html_report_of_a_word_brief(tmp_path):
    out_path = tmp_path / "report.html"
    out = CliRunner().invoke(main, ["check", "--offline", "--format", "html", "--output",
                                    str(out_path), str(brief(tmp_path))])
    assert out.exit_code == 0
    page = out_path.read_text(encoding="utf-8")
    assert "地方层面的集聚方向" in page and "FL601" in page


def test_links_to_places_in_the_document_are_no_urls(tmp_path):
    path = brief(tmp_path, [("p", "详见", ("field", "附件一", "#x"), "。")])
    document = docx.Document(str(path))
    instruction = next(document.element.body.iter(f"{{{W}}}instrText"))
    instruction.text = ' HYPERLINK \\l "_附件一" '
    link = etree.SubElement(document.paragraphs[0]._p, f"{{{W}}}hyperlink",
                            {f"{{{W}}}anchor": "_附件一"})
    etree.SubElement(etree.SubElement(link, f"{{{W}}}r"), f"{{{W}}}t").text = "（见附件）"
    document.save(str(path))
    rendering = read_word(path.read_bytes(), "brief.docx")
    assert rendering.text == "详见附件一。（见附件）"


def test_a_reference_to_a_missing_note_is_fl101_and_its_comment_spares_the_mark(tmp_path):
    path = brief(tmp_path, [("p", "试点城市共有6个", ("note", "来源：民航局，《试点通知》"),
                             "。东部城市占4个", ("note", "来源：某报"), "。")])
    with zipfile.ZipFile(path) as package:  # the second note is lost from the package
        parts = {name: package.read(name) for name in package.namelist()}
    notes = etree.fromstring(parts["word/footnotes.xml"])
    notes.remove(notes[-1])
    parts["word/footnotes.xml"] = etree.tostring(notes)
    with zipfile.ZipFile(path, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    result = check(path)
    [place] = located(result, "FL101")
    assert (place["paragraph"], place["offset"]) == (1, len("试点城市共有6个。东部城市占4个"))
    out_path = tmp_path / "out.docx"
    CliRunner().invoke(main, ["annotate", "--offline", str(path), "-o", str(out_path)])
    [(_, _, anchored)] = [c for c in comments_of(out_path) if c[1].startswith("FL101")]
    assert anchored == "东部城市占4个"


@pytest.mark.skipif(not shutil.which("soffice"),
                    reason="LibreOffice is not installed (apt-get install libreoffice-writer)")
def test_a_brief_saved_by_libreoffice_reads_the_same(tmp_path):
    """Another writer's XML (LibreOffice's styles, bookmarks, run properties): same text,
    same places, same findings at the same places."""
    path = brief(tmp_path)
    saved = tmp_path / "saved"
    subprocess.run(["soffice", "--headless", "--convert-to", "docx:MS Word 2007 XML",
                    "--outdir", str(saved), str(path)], capture_output=True, timeout=180,
                   check=True)
    ours, theirs = (read_word(p.read_bytes(), p.name) for p in (path, saved / path.name))
    assert theirs.text == ours.text
    assert [p.text for p in theirs.places] == [p.text for p in ours.places]
    assert ([(f.code, f.line, f.column) for f in check(saved / path.name).findings]
            == [(f.code, f.line, f.column) for f in check(path).findings])


def test_typed_text_that_looks_like_markdown_stays_a_paragraph(tmp_path):
    path = brief(tmp_path, [("p", "```以下为示例"), ("p", "全市共有企业1200家。"),
                            ("p", "| 不是表格：产值达到35亿元。"),
                            ("p", "#1 号园区入驻企业80家。")])
    unsourced = [f.message for f in check(path).findings if f.code == "FL201"]
    assert len(unsourced) == 3  # not hidden in a code block, a table or a heading


@given(st.lists(st.tuples(st.sampled_from(["text", "bold", "sup"]),
                          st.sampled_from(["全市企业", "共有", "350家", "，", "增长", "12.5%",
                                           "。", "产值", "3亿元", " ", "m", "2"])),
                min_size=1, max_size=10))
@settings(max_examples=25, deadline=None)
@example([("text", "共有"), ("text", " "), ("text", " "), ("text", "350家")])
def test_annotating_any_runs_keeps_the_text_and_marks_the_figures(pieces):
    """However the text is cut into runs, comments sit on exactly the words their findings
    name, and no paragraph's text changes."""
    import re
    import tempfile

    blocks = [("p", *[text if kind == "text" else (kind, text) for kind, text in pieces])]
    with tempfile.TemporaryDirectory() as folder:
        path = wordbuild.build(blocks, Path(folder) / "p.docx")
        out_path = Path(folder) / "out.docx"
        CliRunner().invoke(main, ["annotate", "--offline", str(path), "-o", str(out_path)])
        assert wordbuild.paragraph_texts(out_path) == wordbuild.paragraph_texts(path)
        for _, text, anchored in comments_of(out_path):
            figure = re.search(r"figure “([^”]+)” is stated without", text)
            if figure:  # the message quotes the figure with its spaces run together
                assert " ".join(anchored.split()) == figure.group(1)


def test_hand_typed_notes_between_the_halves_of_a_paragraph_are_no_fl603(tmp_path):
    """A brief converted from PDF into Word keeps its page-bottom notes as paragraphs."""
    path = brief(tmp_path, [
        ("p", "在10个省份布局试验区", ("sup", "1"), "，以试"),
        ("p", ("sup", "1"), " 来源：某局，《试验区名单》"),
        ("p", "验区为抓手推动先行先试。"),
    ])
    codes = [f.code for f in check(path).findings]
    assert "FL603" not in codes and "FL201" not in codes  # one sentence, sourced
