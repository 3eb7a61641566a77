"""What the command line says outside findings — usage errors, configuration errors, notes,
refusals — in the reader's language: --messages, then FACTLINT_MESSAGES, then `messages:`
in the configuration, then (auto) the locale."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from test_messages_plain import english_left

from factlint.cli import main


@pytest.fixture
def chinese_locale(locale):
    return locale("zh_CN.UTF-8")


def _said(args, folder) -> str:
    """Standard error of a run in ``folder`` (which holds a.md and an empty folder), less
    the usage line (it names the command; tests/test_click_words.py reads it)."""
    runner = CliRunner()
    with contextlib.chdir(folder):
        os.makedirs("空", exist_ok=True)
        with open("a.md", "w", encoding="utf-8") as handle:
            handle.write("数据商 1159 家。\n")
        result = runner.invoke(main, args)
    assert result.exit_code == 2, result.output
    return "\n".join(line for line in result.stderr.splitlines()
                     if line.strip() and not line.startswith(("Usage:", "用法:")))


@pytest.mark.parametrize(("args", "words"), [
    (["check", "--select", "FL999"], "“FL999”不是规则代码"),
    (["check", "--format", "nope"], "“nope”不在可选的值之中"),
    (["check", "--bogus"], "没有 --bogus 这个选项"),
    (["check", "--timeout", "0.01"], "必须在 0.1 到 600 之间"),
    (["check", "--jobs", "-1"], "不能小于 0"),
    (["check", "--report", "json", "--report", "sarif"], "最多只能有一份报告"),
    (["check", "--facts", "x.yaml", "a.md", "b.md"], "请只写一篇简报"),
    (["check", "--offline", "空"], "没有可检查的简报"),
    (["check", "--offline", "--config", "missing.yaml", "a.md"], "找不到配置文件"),
    (["rules", "FL999"], "没有“FL999”这条规则"),
    (["show", "missing.md"], "找不到文件"),
    (["fix", "--facts", "x.yaml", "a.md", "b.md"], "请只写一篇简报"),
    (["sources", "--config", "missing.yaml", "a.md"], "找不到配置文件"),
])
def test_errors_follow_a_chinese_locale(chinese_locale, tmp_path, args, words):
    said = _said(args, tmp_path)
    assert words in said
    assert not english_left(said), said


def test_configuration_errors_name_file_key_and_allowed_values(chinese_locale, tmp_path):
    (tmp_path / "brief.md").write_text("数据商 1159 家。\n", encoding="utf-8")
    (tmp_path / "factlint.yaml").write_text("colour: red\nfail_on: never\n", encoding="utf-8")
    said = _said(["check", "--offline", str(tmp_path / "brief.md")], tmp_path)
    assert "factlint.yaml：配置有误" in said
    assert "没有 `colour` 这个选项（可用：" in said and "`fail_on` 不能是 'never'" in said
    (tmp_path / "factlint.yaml").write_text("select: [FL1\n", encoding="utf-8")
    said = _said(["check", "--offline", str(tmp_path / "brief.md")], tmp_path)
    assert "YAML 写法有误（解析器提示：“" in said


def test_the_order_of_the_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("FACTLINT_MESSAGES", "en")
    assert "no rule 'FL999'" in _said(["rules", "FL999"], tmp_path)  # env over the locale
    assert "没有“FL999”" in _said(["rules", "FL999", "--messages", "zh"], tmp_path)
    assert "“FL999”不是规则代码" in _said(["check", "--messages", "zh", "--select", "FL999"],
                                       tmp_path)
    runner = CliRunner()
    with contextlib.chdir(tmp_path):
        with open("factlint.yaml", "w", encoding="utf-8") as handle:
            handle.write("messages: zh\n")
        environment = runner.invoke(main, ["rules", "FL999"])
        monkeypatch.delenv("FACTLINT_MESSAGES")
        configured = runner.invoke(main, ["rules", "FL999"])
        forced = runner.invoke(main, ["rules", "FL999", "--messages", "en"])
    assert "no rule 'FL999'" in environment.stderr  # the environment over the configuration
    assert "没有“FL999”" in configured.stderr  # the configuration over the locale
    assert "no rule 'FL999'" in forced.stderr  # --messages over the configuration
    (tmp_path / "factlint.yaml").unlink()
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")  # LC_ALL over LANG
    assert "no rule 'FL999'" in _said(["rules", "FL999"], tmp_path)
    monkeypatch.delenv("LC_ALL")
    monkeypatch.setenv("LC_MESSAGES", "zh_TW.UTF-8")  # in Traditional characters
    assert "沒有“FL999”" in _said(["rules", "FL999", "--messages", "auto"], tmp_path)


def test_english_errors_are_unchanged(tmp_path):
    said = _said(["check", "--select", "FL999"], tmp_path)
    assert "Error: Invalid value for --select: 'FL999' is not a rule code" in said
    assert "Try 'main check --help' for help." in said


def test_a_real_process_in_a_chinese_locale(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("FACTLINT_MESSAGES", "LC_ALL", "LC_MESSAGES")}
    env["LANG"] = "zh_CN.UTF-8"
    (tmp_path / "empty").mkdir()
    done = subprocess.run([sys.executable, "-m", "factlint", "check", "--offline",
                           str(tmp_path / "empty")], capture_output=True, text=True,
                          env=env, cwd=tmp_path, encoding="utf-8")
    assert done.returncode == 2
    assert done.stderr.startswith("factlint：错误：") and "没有可检查的简报" in done.stderr


def test_json_messages_follow_the_chosen_language(tmp_path, monkeypatch):
    import json

    monkeypatch.delenv("FACTLINT_MESSAGES", raising=False)
    brief = tmp_path / "brief.md"
    brief.write_text("数据商已有 1159 家<sup>1</sup>。\n\n<sup>1</sup> 来源：某局，《年报》\n",
                     encoding="utf-8")
    told = {}
    for choice in ("auto", "en", "zh"):
        done = CliRunner().invoke(main, ["check", "--offline", "--format", "json",
                                         "--messages", choice, str(brief)])
        [finding] = json.loads(done.stdout)["findings"]
        told[choice] = finding["message"]
    assert told["auto"] == told["zh"] and told["zh"].startswith("来源 1 没有网址")
    assert told["en"].startswith("source 1 has no URL")
