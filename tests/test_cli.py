"""The command line as users run it: reports, colour, the rules command."""

from __future__ import annotations

import json

from click.testing import CliRunner

from factlint.cli import main

DIRTY = "# 标题\n\n全省已汇聚数据商 1159 家。\n"


def test_json_report_shape(tmp_path):
    brief = tmp_path / "brief.md"
    brief.write_text(DIRTY, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--offline", "--format", "json", str(brief)])
    report = json.loads(result.output)
    assert report["version"] == 1 and report["tool"]["name"] == "factlint"
    (finding,) = report["findings"]
    assert finding == {
        "path": str(brief), "line": 3, "column": 10, "end_line": 3, "end_column": 16,
        "code": "FL201", "rule": "unsourced-figure", "severity": "error",
        "message": finding["message"], "fixable": False,
    }
    assert "“1159 家”" in finding["message"]
    summary = report["summary"]
    assert (summary["files"], summary["errors"], summary["claims"]) == (1, 1, 1)
    assert summary["urls_checked"] == 0


def test_json_report_validates_against_its_schema(tmp_path):
    from factlint.schemas import validation_errors

    brief = tmp_path / "brief.md"
    brief.write_text(DIRTY, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--offline", "--format", "json", str(brief)])
    assert validation_errors("report", json.loads(result.output)) == []


def test_text_report_caret_under_the_span(tmp_path):
    brief = tmp_path / "brief.md"
    brief.write_text(DIRTY, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--offline", "--messages", "auto", str(brief)])
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{brief}:3:10: FL201 [error] ")
    assert lines[1] == "   3 | 全省已汇聚数据商 1159 家。"
    # eight CJK characters are 16 columns wide, then the space: the caret sits under "1"
    assert lines[2] == "     | " + " " * 17 + "^~~~~~~"
    # a Chinese brief gets its summary in Chinese
    assert lines[-1] == "1 个文件；1 处数字说法（0 处注明了来源）：1 个错误，0 个警告，0 条提示"
    assert "\x1b[" not in result.output  # not a terminal: no colour


def test_output_file_is_written(tmp_path):
    brief = tmp_path / "brief.md"
    brief.write_text(DIRTY, encoding="utf-8")
    out = tmp_path / "report.json"
    result = CliRunner().invoke(main, ["check", "--offline", "--format", "json",
                                       "--output", str(out), str(brief)])
    assert result.exit_code == 1 and result.output == ""
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["errors"] == 1


def test_folder_walk_skips_hidden_and_vendor_folders(tmp_path):
    (tmp_path / "a.md").write_text(DIRTY, encoding="utf-8")
    for hidden in (".git", "node_modules", ".venv"):
        (tmp_path / hidden).mkdir()
        (tmp_path / hidden / "x.md").write_text(DIRTY, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("plain notes\n", encoding="utf-8")
    (tmp_path / "data.csv").write_text("a,b\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--offline", "--format", "json", str(tmp_path)])
    # a.md only: a walk takes plain .txt files only when the configuration includes them
    assert json.loads(result.output)["summary"]["files"] == 1


def test_parallel_jobs_give_the_same_report(tmp_path):
    for i in range(8):
        (tmp_path / f"b{i}.md").write_text(DIRTY * (i + 1), encoding="utf-8")
    serial = CliRunner().invoke(main, ["check", "--offline", "--format", "json",
                                       "--jobs", "1", str(tmp_path)])
    parallel = CliRunner().invoke(main, ["check", "--offline", "--format", "json",
                                         "--jobs", "2", str(tmp_path)])
    assert json.loads(serial.output) == json.loads(parallel.output)


def test_rules_listing_and_detail():
    runner = CliRunner()
    listing = runner.invoke(main, ["rules"])
    assert "FL201  unsourced-figure" in listing.output
    detail = runner.invoke(main, ["rules", "unsourced-figure"])
    assert "Bad:" in detail.output and "Good:" in detail.output
    assert runner.invoke(main, ["rules", "FL999"]).exit_code == 2
