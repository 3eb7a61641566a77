"""Configuration: found upward, validated, layered under --config and flags."""

from __future__ import annotations

import json

from click.testing import CliRunner

from factlint.cli import main

UNSOURCED = "# 标题\n\n全省已汇聚数据商 1159 家。\n\n该市企业数量位居全国前列。\n"


def run(*args):
    return CliRunner().invoke(main, ["check", "--offline", "--format", "json", *map(str, args)])


def codes_of(result):
    return sorted(f["code"] for f in json.loads(result.output)["findings"])


def test_project_file_found_upward(tmp_path):
    (tmp_path / "factlint.yaml").write_text("ignore: [FL201]\n", encoding="utf-8")
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    brief = nested / "brief.md"
    brief.write_text(UNSOURCED, encoding="utf-8")
    assert codes_of(run(brief)) == ["FL202"]


def test_pyproject_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.factlint]\nselect = ["unsourced-claim"]\n',
        encoding="utf-8")
    brief = tmp_path / "brief.md"
    brief.write_text(UNSOURCED, encoding="utf-8")
    assert codes_of(run(brief)) == ["FL202"]


def test_severity_override_and_fail_on(tmp_path):
    (tmp_path / ".factlint.yaml").write_text(
        "severity: {FL201: warning}\nfail_on: warning\n", encoding="utf-8")
    brief = tmp_path / "brief.md"
    brief.write_text(UNSOURCED, encoding="utf-8")
    result = run(brief)
    findings = json.loads(result.output)["findings"]
    assert {f["code"]: f["severity"] for f in findings}["FL201"] == "warning"
    assert result.exit_code == 1


def test_flags_win_over_files(tmp_path):
    (tmp_path / "factlint.yaml").write_text("ignore: [FL201]\n", encoding="utf-8")
    brief = tmp_path / "brief.md"
    brief.write_text(UNSOURCED, encoding="utf-8")
    result = run("--select", "FL201,FL202", "--ignore", "FL202", brief)
    assert codes_of(result) == []  # the file still ignores FL201; the flag adds FL202


def test_explicit_config_layer(tmp_path):
    extra = tmp_path / "strict.yaml"
    extra.write_text("select: [FL2]\nfail_on: warning\n", encoding="utf-8")
    brief = tmp_path / "brief.md"
    brief.write_text(UNSOURCED, encoding="utf-8")
    result = run("--config", extra, brief)
    assert codes_of(result) == ["FL201", "FL202"]


def test_bad_config_is_exit_2_with_a_clear_message(tmp_path):
    (tmp_path / "factlint.yaml").write_text("selekt: [FL2]\n", encoding="utf-8")
    brief = tmp_path / "brief.md"
    brief.write_text(UNSOURCED, encoding="utf-8")
    result = run(brief)
    assert result.exit_code == 2
    assert "factlint.yaml" in result.output and "selekt" in result.output
    assert "Traceback" not in result.output


def test_config_yaml_syntax_error(tmp_path):
    (tmp_path / "factlint.yaml").write_text("select: [FL2\n", encoding="utf-8")
    brief = tmp_path / "brief.md"
    brief.write_text(UNSOURCED, encoding="utf-8")
    result = run(brief)
    assert result.exit_code == 2 and "invalid YAML" in result.output


def test_unknown_selector_in_config(tmp_path):
    (tmp_path / "factlint.yaml").write_text("ignore: [FL999]\n", encoding="utf-8")
    brief = tmp_path / "brief.md"
    brief.write_text(UNSOURCED, encoding="utf-8")
    result = run(brief)
    assert result.exit_code == 2 and "FL999" in result.output


def test_exclude_globs(tmp_path):
    (tmp_path / "factlint.yaml").write_text('exclude: ["drafts/*"]\n', encoding="utf-8")
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "wip.md").write_text(UNSOURCED, encoding="utf-8")
    (tmp_path / "final.md").write_text("# 定稿\n", encoding="utf-8")
    result = run(tmp_path)
    assert json.loads(result.output)["summary"]["files"] == 1


def test_extra_rule_pack(tmp_path):
    (tmp_path / "house.yaml").write_text(
        "pack: 1\nlanguage: zh\nclaim_triggers:\n"
        "  - name: house\n    pattern: '独一无二'\n    examples: [独一无二的平台]\n",
        encoding="utf-8")
    (tmp_path / "factlint.yaml").write_text("packs: [house.yaml]\n", encoding="utf-8")
    brief = tmp_path / "brief.md"
    brief.write_text("# 标题\n\n本地建成独一无二的数据平台。\n", encoding="utf-8")
    assert codes_of(run(brief)) == ["FL202"]


def test_bad_rule_pack(tmp_path):
    (tmp_path / "house.yaml").write_text("pack: 2\nlanguage: zh\n", encoding="utf-8")
    (tmp_path / "factlint.yaml").write_text("packs: [house.yaml]\n", encoding="utf-8")
    brief = tmp_path / "brief.md"
    brief.write_text("# 标题\n", encoding="utf-8")
    result = run(brief)
    assert result.exit_code == 2 and "house.yaml" in result.output


def test_extra_pack_adds_figure_words(tmp_path):
    brief = tmp_path / "brief.md"
    brief.write_text("# 标题\n\n全年完成山区巡检 120 趟。\n", encoding="utf-8")
    assert codes_of(run(brief)) == []  # 趟 is not a built-in measure word
    (tmp_path / "house.yaml").write_text(
        "pack: 1\nlanguage: zh\nfigures:\n  units:\n    - words: [趟]\n"
        "      examples: [120 趟]\n", encoding="utf-8")
    (tmp_path / "factlint.yaml").write_text("packs: [house.yaml]\n", encoding="utf-8")
    assert codes_of(run(brief)) == ["FL201"]
