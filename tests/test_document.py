"""The brief reader: markers in every style, definitions, traps that look like citations."""

from __future__ import annotations

from factlint.document import read_document


def labels(doc):
    return [(m.style, m.labels) for m in doc.markers]


def test_sup_forms():
    doc = read_document("b.md", "甲<sup>3,4</sup>乙<sup>5-7</sup>丙<sup>[8]</sup>。\n")
    assert labels(doc) == [("sup", ("3", "4")), ("sup", ("5", "6", "7")), ("sup", ("8",))]


def test_footnotes_with_word_labels_and_no_space_after_colon():
    doc = read_document("b.md", "Text[^first] and more[^2].\n\n[^first]:A source\n[^2]: Another\n")
    assert labels(doc) == [("footnote", ("first",)), ("footnote", ("2",))]
    assert [(d.label, d.body) for d in doc.definitions] == [("first", "A source"), ("2", "Another")]


def test_bracket_markers_need_a_references_list():
    text = ("研究表明[1]，模型参数[2,3]。见 a[0] 与 [链接][12]。\n\n参考文献\n"
            "[1] 张三. 论文[J]. 期刊, 2020.\n\n[2] 李四. 书[M]. 2021.\n"
            "3. 王五. 报告[EB/OL]. 2022.\n")
    doc = read_document("b.md", text)
    assert labels(doc) == [("bracket", ("1",)), ("bracket", ("2", "3"))]
    assert [d.label for d in doc.definitions] == ["1", "2", "3"]


def test_brackets_without_references_are_not_markers():
    doc = read_document("b.md", "The array a[0] and see [3] here.\n")
    assert doc.markers == []


def test_numbered_reference_links_are_not_citations():
    text = "We shipped [the tool][12] in 2014.\n\n[12]: https://example.org/tool\n"
    doc = read_document("b.md", text)
    assert doc.markers == [] and doc.definitions == []


def test_unicode_superscripts_but_not_units():
    doc = read_document("b.md", "企业达 120 家¹²，面积 30 km² 与 10⁶。\n\n"
                                "¹² 来源：某局，《年报》\n")
    assert labels(doc) == [("unicode", ("12",))]
    assert doc.definitions[0].label == "12"


def test_markers_in_tables_are_found_but_tables_are_not_claims():
    text = ("| 地区 | 企业 |\n| --- | --- |\n| 甲 | 120 家<sup>1</sup> |\n\n"
            "<sup>1</sup> 来源：某局，《年报》\n")
    doc = read_document("b.md", text)
    assert labels(doc) == [("sup", ("1",))]
    assert doc.claims == []


def test_skipped_regions():
    text = (
        "---\ntitle: 120 家\n---\n\n```\n代码 120 家 <sup>9</sup>\n```\n\n"
        "行内 `120 家` 代码<!-- 120 家 --> 与 https://example.org/120家 链接。\n"
    )
    doc = read_document("b.md", text)
    assert doc.markers == [] and doc.claims == []


def test_definition_urls_are_stripped_of_trailing_punctuation():
    text = ("数据<sup>1</sup>。\n\n<sup>1</sup> 来源：某局，《年报》（https://example.org/page）。\n"
            "[^2]: [标题](https://example.org/a_(b)) and <https://example.org/c>.\n")
    doc = read_document("b.md", text)
    urls = [u.url for d in doc.definitions for u in d.urls]
    assert urls == ["https://example.org/page", "https://example.org/a_(b)", "https://example.org/c"]
    first = doc.definitions[0].urls[0]
    assert text[first.start : first.end] == "https://example.org/page"


def test_sentences_chinese_and_english():
    doc = read_document("b.md", "第一句有 3 家<sup>1</sup>。第二句！\n\n"
                                "First one, e.g. this. Second 3.5 m? Yes.\n")
    texts = [doc.text[s.start : s.end] for s in doc.sentences]
    assert texts == ["第一句有 3 家<sup>1</sup>。", "第二句！", "First one, e.g. this.",
                     "Second 3.5 m?", "Yes."]


def test_marker_after_the_full_stop_belongs_to_the_sentence():
    doc = read_document("b.md", "企业 120 家。<sup>1</sup>下一句。\n\n"
                                "<sup>1</sup> 来源：某局，《年报》\n")
    assert doc.sentences[0].markers and not doc.sentences[1].markers


def test_page_split_paragraph_is_one_paragraph():
    text = ("国家布局 10 个试验区，以试\n\n<sup>1</sup> 来源：某部，《通知》\n\n"
            "验区为抓手<sup>1</sup>。\n")
    doc = read_document("b.md", text)
    assert len(doc.paragraphs) == 1
    assert doc.paragraphs[0].splits
    (sentence,) = doc.sentences
    assert sentence.markers and sentence.figures


def test_complete_paragraph_before_footnotes_is_not_split():
    text = "国家布局 10 个试验区<sup>1</sup>。\n\n<sup>1</sup> 来源：某部，《通知》\n\n另起一段。\n"
    assert all(not p.splits for p in read_document("b.md", text).paragraphs)


def test_positions_are_code_points_in_the_original():
    text = "## 标题\n\n前文😀企业 120 家。\n"
    doc = read_document("b.md", text)
    figure = doc.sentences[0].figures[0]
    assert doc.position(figure.start) == (3, 7)  # 😀 is one code point


def test_language_detection():
    assert read_document("b.md", "这是中文简报。\n").language == "zh"
    assert read_document("b.md", "This is an English brief.\n").language == "en"
