"""FL601/FL602 over the numbering series real documents have."""

from __future__ import annotations

from conftest import at


def test_decimal_heading_that_lost_a_digit(lint):
    text = ("# 13.1 理论\n\n# 13.1.1 总量\n\n正文。\n\n# 3.1.2 结构\n\n正文。\n\n"
            "# 13.1.3 总体\n\n正文。\n\n# 13.2 失业\n")
    found = lint(text)
    assert at(found, "FL602") == [(7, 3)]
    assert "expected 13.1.2" in next(f.message for f in found if f.code == "FL602")
    assert at(lint(text.replace("# 3.1.2", "# 13.1.2")), "FL602") == []


def test_decimal_heading_repeated(lint):
    text = "## 7.2.3 微调\n\n### 7.2.3.1 甲\n\n### 7.2.3.2 乙\n\n### 7.2.3.2 丙\n\n### 7.2.3.3 丁\n"
    found = lint(text)
    assert at(found, "FL602") == [(7, 5)]
    assert "repeats" in next(f.message for f in found if f.code == "FL602")


def test_an_excerpt_that_jumps_chapters_is_not_a_slip(lint):
    text = "## 1.2 Basics\n\n## 1.3.1 Controls\n\n## 2.1.6 Commands\n\n## 3.3 Functions\n"
    assert at(lint(text), "FL602") == []


def test_dashed_chapter_sections(lint):
    text = "## 3-1 背景\n\n## 3-2 现状\n\n## 3-4 对策\n"
    assert at(lint(text), "FL602") == [(5, 4)]


def test_series_opening_at_two_under_a_new_parent(lint):
    text = ("# 13.3 收入分配\n\n# 13.3.1 理论\n\n正文。\n\n(1) 资本强化理论。\n\n正文。\n\n"
            "# (2) 技能偏向理论。\n\n正文。\n\n# 13.3.2 原因\n\n# (1) 鸿沟。\n\n# (2) 差距。\n")
    found = lint(text)
    assert at(found, "FL602") == [(11, 3)]
    assert "opens the (1) series at 2" in next(f.message for f in found if f.code == "FL602")


def test_legal_articles(lint):
    text = ("第一条 为了规范管理，制定本办法。\n\n第二条 本办法适用于本市。\n\n"
            "第四条 本办法自公布之日起施行。\n")
    assert at(lint(text), "FL602") == [(5, 1)]
    assert at(lint(text.replace("第四条", "第三条")), "FL602") == []


def test_numbering_inside_a_blockquote(lint):
    text = "> 一、总体要求\n> 二、主要任务\n> 四、保障措施\n"
    assert at(lint(text), "FL602") == [(3, 3)]


def test_numbering_inside_bullet_lists(lint):
    text = "- （一）加强统筹\n- （二）完善机制\n- （二）强化保障\n"
    assert at(lint(text), "FL602") == [(3, 3)]


def test_chinese_sections_at_a_deep_heading_level(lint):
    text = "#### 一、现状\n\n正文。\n\n#### 二、问题\n\n正文。\n\n#### 四、对策\n"
    assert at(lint(text), "FL602") == [(9, 6)]


def test_series_restart_under_a_new_parent_heading(lint):
    text = ("## 一、总体\n\n### （一）现状\n\n### （二）问题\n\n## 二、任务\n\n"
            "### （一）目标\n\n### （二）措施\n")
    assert at(lint(text), "FL602") == []


def test_a_changelog_counting_down_is_not_a_slip(lint):
    text = "## 2.1.1 Fixes\n\n## 2.1.0 Features\n\n## 1.9.3 Fixes\n\n## 1.9.2 Fixes\n"
    assert at(lint(text), "FL602") == []


def test_a_number_an_earlier_heading_already_has(lint):
    text = ("### 1.4 许可证\n\n#### 1.4.1 数量\n\n#### 1.4.2 种类\n\n### 1.4 编程语言\n\n"
            "#### 1.4.1 榜单\n")
    found = lint(text)
    assert at(found, "FL602")[0] == (7, 5)
    assert "repeats" in next(f.message for f in found if f.code == "FL602")


def test_decimal_numbering_restarts_under_a_new_part(lint):
    text = "# Part A\n\n## 1.1 Background\n\n## 1.2 Method\n\n# Part B\n\n## 1.1 Background\n"
    assert at(lint(text), "FL602") == []


# --- FL601 over list nesting (issue 9, item 6) ------------------------------------------

def test_a_list_item_nested_under_the_item_it_continues(lint):
    text = "# T\n\n1. 第一项\n2. 第二项\n    3. 第三项\n4. 第四项\n"
    found = lint(text)
    assert at(found, "FL601") == [(5, 5)]
    assert at(found, "FL602") == []
    assert "list level 2" in next(f.message for f in found if f.code == "FL601")
    assert at(lint(text.replace("    3.", "3.")), "FL601") == []


def test_a_list_item_back_out_that_continues_the_nested_list(lint):
    text = "# T\n\n1. 甲\n   1. 子一\n   2. 子二\n3. 乙\n"
    found = lint(text)
    assert at(found, "FL601") == [(6, 1)]
    assert at(found, "FL602") == []
    assert at(lint(text.replace("3. 乙", "2. 乙")), "FL601") == []


def test_written_enumerators_at_different_list_levels(lint):
    text = "# T\n\n- （一）加强统筹\n  - 具体措施\n    - （二）完善机制\n- （三）强化保障\n"
    assert at(lint(text), "FL601") == [(5, 7)]
    flat = "# T\n\n- （一）加强统筹\n  - 具体措施\n- （二）完善机制\n- （三）强化保障\n"
    assert at(lint(flat), "FL601") == []


def test_a_marker_indented_less_than_the_text_is_the_same_list(lint):
    """ 2) under "1) " is a sibling, as Markdown reads it (converters write such lists)."""
    text = "# T\n\n1) 甲\n 2) 乙\n 4) 丁\n"
    found = lint(text)
    assert at(found, "FL601") == []
    assert at(found, "FL602") == [(5, 2)]
