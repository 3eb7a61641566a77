"""Baselines record today's findings; the next run reports only new ones, even after lines move."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner
from conftest import CORPUS, shared_or_skip

from factlint.cli import main

BRIEF = "# 标题\n\n全省已汇聚数据商 1159 家。\n\n该市企业数量位居全国前列。\n"


def check(*args):
    return CliRunner().invoke(main, ["check", "--offline", "--format", "json", *map(str, args)])


def test_baseline_survives_moved_lines(tmp_path):
    brief = tmp_path / "brief.md"
    brief.write_text(BRIEF, encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    assert check("--write-baseline", baseline, brief).exit_code == 1
    assert check("--baseline", baseline, brief).exit_code == 0
    brief.write_text("# 标题\n\n新增一段说明。\n\n" + BRIEF.split("\n", 2)[2], encoding="utf-8")
    result = check("--baseline", baseline, brief)
    assert result.exit_code == 0 and json.loads(result.output)["findings"] == []


def test_a_new_fault_is_reported(tmp_path):
    brief = tmp_path / "brief.md"
    brief.write_text(BRIEF, encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    check("--write-baseline", baseline, brief)
    brief.write_text(BRIEF + "\n另有数据中介 442 家。\n", encoding="utf-8")
    result = check("--baseline", baseline, brief)
    assert result.exit_code == 1
    assert [(f["code"], f["line"]) for f in json.loads(result.output)["findings"]] == [("FL201", 7)]


def test_a_second_copy_of_a_recorded_fault_is_new(tmp_path):
    brief = tmp_path / "brief.md"
    brief.write_text(BRIEF, encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    check("--write-baseline", baseline, brief)
    brief.write_text(BRIEF + "\n全省已汇聚数据商 1159 家。\n", encoding="utf-8")
    result = check("--baseline", baseline, brief)
    assert [f["code"] for f in json.loads(result.output)["findings"]] == ["FL201"]


def test_missing_or_broken_baseline_is_exit_2(tmp_path):
    brief = tmp_path / "brief.md"
    brief.write_text(BRIEF, encoding="utf-8")
    assert check("--baseline", tmp_path / "none.json", brief).exit_code == 2
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    result = check("--baseline", broken, brief)
    assert result.exit_code == 2 and "not a factlint baseline" in result.output


def test_corpus_baseline(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(shared_or_skip(CORPUS), corpus)
    baseline = tmp_path / "baseline.json"
    assert check("--write-baseline", baseline, corpus).exit_code == 1
    assert check("--baseline", baseline, corpus).exit_code == 0
    brief = corpus / "zh-ooni-internet-freedom.md"
    brief.write_text(brief.read_text(encoding="utf-8") + "\n新增统计：全国共有数据中心 320 个。\n",
                     encoding="utf-8")
    result = check("--baseline", baseline, corpus)
    assert result.exit_code == 1
    assert [f["code"] for f in json.loads(result.output)["findings"]] == ["FL201"]
