"""click's own words — `Usage:`, `Options:`, `Show this message and exit.`, `No such option`,
`Missing argument`, `Got unexpected extra argument` — in the reader's language, as users run
the command line (CliRunner, and real processes): factlint's gettext catalog of click's
texts (clickwords.py) is installed for a run in Chinese."""

from __future__ import annotations

import ast
import contextlib
import gettext
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import ROOT
from test_messages_plain import english_left

from factlint.cli import main

CATALOG = ROOT / "src" / "factlint" / "_messages" / "click.zh.json"
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)s")
# what a usage error may show in Latin letters besides english_left's list: the command
# (factlint check), the value the user typed, quoted ('nosuch', 'FL2' …), an argument's
# choices ({facts|report})
TYPED = re.compile(r"\bfactlint [a-z]+\b|'[^']*'|（[A-Z0-9 ]+）|\{[a-z|]+\}")

USAGE_ERRORS = [
    (["check", "--bogus"], "没有 --bogus 这个选项"),
    (["check", "--select"], "选项 '--select' 后面要写 1 个值"),
    (["rules", "FL1", "FL2"], "多出了参数（FL2）"),
    (["show"], "缺少 'BRIEF'"),
    (["nosuch"], "没有 'nosuch' 这个命令"),
    (["check", "--jobs", "x"], "“x”不是整数"),
    (["check", "--timeout", "abc"], "“abc”不是数字"),
    (["check", "--timeout", "0.01"], "必须在 0.1 到 600 之间"),
    (["check", "--color", "sometimes"], "“sometimes”不在可选的值之中"),
    (["schema", "nope"], "“nope”不在可选的值之中"),
    (["--bogus"], "没有 --bogus 这个选项"),
]


def click_texts() -> set:
    """Every text the installed click passes to gettext: ``_("…")`` and the (singular,
    plural) pairs of ``ngettext``."""
    found: set = set()
    for path in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            texts = [a.value for a in node.args
                     if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if node.func.id == "_" and len(texts) == 1:
                found.add(texts[0])
            elif node.func.id == "ngettext" and len(texts) == 2:
                found.add(tuple(texts))
    return found


def chinese_lines(text: str) -> list[str]:
    """The lines of ``text`` with English words left in them."""
    return [line for line in text.splitlines()
            if english_left(TYPED.sub(" ", line))]


def run(args: list[str], folder: Path, **env: str) -> click.testing.Result:
    with contextlib.chdir(folder):
        return CliRunner().invoke(main, args, env=env, prog_name="factlint")


@pytest.fixture
def english_locale(locale):
    return locale("C.UTF-8")


# --- the catalog ------------------------------------------------------------------------


def test_every_text_click_puts_through_gettext_is_translated():
    catalog = json.loads(CATALOG.read_text(encoding="utf-8"))
    known = set(catalog["messages"]) | {(one, many) for one, (many, _) in
                                        catalog["plurals"].items()}
    assert click_texts() - known == set()
    for english, chinese in catalog["messages"].items():
        assert sorted(PLACEHOLDER.findall(chinese)) == sorted(PLACEHOLDER.findall(english))
    for one, (many, chinese) in catalog["plurals"].items():
        assert set(PLACEHOLDER.findall(chinese)) <= set(PLACEHOLDER.findall(one + many))


def test_the_compiled_catalogs_are_current():
    pytest.importorskip("opencc")
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "click_messages.py"),
                           "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


# --- usage errors -----------------------------------------------------------------------


@pytest.mark.parametrize(("args", "words"), USAGE_ERRORS)
def test_usage_errors_under_messages_zh(english_locale, tmp_path, args, words):
    environment = "zh"
    if args[0] in ("check", "rules", "show"):  # both: --messages wins over the environment
        args, environment = [args[0], "--messages", "zh", *args[1:]], "en"
    result = run(args, tmp_path, FACTLINT_MESSAGES=environment)
    assert result.exit_code == 2
    assert words in result.stderr, result.stderr
    assert not chinese_lines(result.stderr), result.stderr
    if "--select" not in args:  # a missing value: click shows no usage (in English either)
        assert result.stderr.startswith("用法: factlint"), result.stderr
    assert "Usage:" not in result.stderr and "Error:" not in result.stderr


@pytest.mark.parametrize(("args", "words"), USAGE_ERRORS[:4])
def test_usage_errors_follow_the_configuration_and_the_locale(locale, tmp_path, args, words):
    (tmp_path / ".factlint.yaml").write_text("messages: zh\n", encoding="utf-8")
    locale("C.UTF-8")
    configured = run(args, tmp_path)
    assert words in configured.stderr and not chinese_lines(configured.stderr)
    (tmp_path / ".factlint.yaml").unlink()
    locale("zh_CN.UTF-8")
    localised = run(args, tmp_path)
    assert words in localised.stderr and not chinese_lines(localised.stderr)


def test_a_traditional_locale_gets_traditional_words(locale, tmp_path):
    locale("zh_TW.UTF-8")
    result = run(["rules", "FL1", "FL2"], tmp_path)
    assert "多出了參數（FL2）" in result.stderr, result.stderr


def test_english_is_unchanged(locale, tmp_path):
    locale("zh_CN.UTF-8")
    said = run(["rules", "FL1", "FL2", "--messages", "en"], tmp_path).stderr
    assert said == ("Usage: factlint rules [OPTIONS] [CODE]\n"
                    "Try 'factlint rules --help' for help.\n\n"
                    "Error: Got unexpected extra argument (FL2)\n")
    assert "Error: No such option '--bogus'." in run(["check", "--bogus"], tmp_path,
                                            FACTLINT_MESSAGES="en").stderr


def test_a_command_is_not_run_again_to_word_its_error(locale, tmp_path):
    """The configuration says Chinese: a usage error met while parsing is met again in
    Chinese, but an error the command itself raises is told as it is, the command run once."""
    (tmp_path / ".factlint.yaml").write_text("messages: zh\n", encoding="utf-8")
    (tmp_path / "a.md").write_text("数据商 1159 家。\n", encoding="utf-8")
    locale("C.UTF-8")
    result = run(["check", "--select", "FL999", "--offline", "a.md"], tmp_path)
    assert result.stderr.count("“FL999”不是规则代码") == 1, result.stderr
    assert result.stdout == ""


def test_gettext_is_as_it_was_after_a_chinese_run(english_locale, tmp_path):
    domain = gettext.textdomain()
    run(["check", "--bogus", "--messages", "zh"], tmp_path)
    assert gettext.textdomain() == domain and "LANGUAGE" not in os.environ
    assert run(["check", "--bogus"], tmp_path).stderr.startswith("Usage:")


# --- help -------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"], ["rules", "-h"], []])
def test_help_has_clicks_words_in_chinese(english_locale, tmp_path, args):
    result = run(args, tmp_path, FACTLINT_MESSAGES="zh")
    said = result.stdout + result.stderr
    assert said.startswith("用法: factlint"), said
    assert "\n选项:\n" in said and "显示本帮助后退出。" in said
    for english in ("Usage:", "Options:", "Show this message and exit.", "Commands:"):
        assert english not in said


# --- real processes ---------------------------------------------------------------------


def test_a_real_process_in_a_chinese_locale(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("FACTLINT_MESSAGES", "LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    env["LANG"] = "zh_CN.UTF-8"
    factlint = str(Path(sys.executable).with_name("factlint"))  # the installed command
    error = subprocess.run([factlint, "check", "--bogus"], cwd=tmp_path, env=env,
                           capture_output=True, text=True)
    assert error.returncode == 2
    assert error.stderr.startswith("用法: factlint check [OPTIONS] [PATHS]...\n"), error.stderr
    assert "错误：没有 --bogus 这个选项" in error.stderr and not chinese_lines(error.stderr)
    shown = subprocess.run([factlint, "--help"], cwd=tmp_path, env=env, capture_output=True,
                           text=True)
    assert shown.returncode == 0 and "\n命令:\n" in shown.stdout, shown.stdout


def test_a_command_runs_in_the_users_environment(english_locale, tmp_path):
    """click's words are in Chinese, but git (which --changed-since runs) is not told."""
    git = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=tmp_path,
                         capture_output=True, text=True,
                         env={**os.environ, "LANGUAGE": "zh_CN", "LANG": "C.UTF-8"})
    if git.returncode == 0 or not re.search(r"[\u4e00-\u9fff]", git.stderr):
        pytest.skip("git has no Chinese catalog here (or tmp_path is inside a repository)")
    (tmp_path / "a.md").write_text("数据商 1159 家。\n", encoding="utf-8")
    said = run(["check", "--messages", "zh", "--offline", "--changed-since", "HEAD", "a.md"],
               tmp_path).stderr
    assert "执行失败" in said and "fatal: not a git repository" in said, said
