"""The public API (factlint.api): what the CLI, fix and the language server call."""

from __future__ import annotations

from factlint import api

BRIEF = ("# 简报\n\n全区数据企业超120家<sup>1</sup>。\n\n## 参考文献\n\n"
         "1. 某厅：《年度报告》，2024年。\n")


def test_check_text_reads_the_buffer_not_the_file(tmp_path):
    path = tmp_path / "brief.md"
    path.write_text(BRIEF, encoding="utf-8")
    assert not [f for f in api.check_text(BRIEF, str(path)).findings if f.code == "FL101"]
    edited = BRIEF.replace("<sup>1</sup>", "<sup>2</sup>")
    findings = api.check_text(edited, str(path)).findings
    assert {f.path for f in findings} == {str(path)}
    assert [(f.code, f.line) for f in findings if f.code == "FL101"] == [("FL101", 3)]
    assert path.read_text(encoding="utf-8") == BRIEF


def test_check_text_for_a_path_that_does_not_exist(tmp_path):
    result = api.check_text(BRIEF.replace("<sup>1</sup>", ""), str(tmp_path / "new.md"))
    assert result.exit_code in (0, 1)
    assert all(f.path == str(tmp_path / "new.md") for f in result.findings)


def test_check_paths_walks_a_folder(tmp_path):
    (tmp_path / "a.md").write_text(BRIEF.replace("<sup>1</sup>", "<sup>9</sup>"),
                                   encoding="utf-8")
    result = api.check_paths([str(tmp_path)], offline=True)
    assert [f.code for f in result.findings if f.code == "FL101"] == ["FL101"]
    assert result.exit_code == 1


def test_fix_text_renumbers_in_memory_and_writes_nothing(tmp_path):
    text = ("# 简报\n\n甲<sup>2</sup>，乙<sup>1</sup>。\n\n## 参考文献\n\n"
            "1. 来源一，2024年。\n2. 来源二，2024年。\n")
    path = tmp_path / "brief.md"
    path.write_text(text, encoding="utf-8")
    fixed = api.fix_text(text, str(path))
    assert fixed.problem == "" and fixed.changed
    assert "甲<sup>1</sup>，乙<sup>2</sup>" in fixed.text
    assert "1. 来源二" in fixed.text
    assert path.read_text(encoding="utf-8") == text
    assert api.fix_text(fixed.text, str(path)).changed is False
