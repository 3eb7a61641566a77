"""What every command says about bad input is Chinese all through under ``--messages zh``:
the reasons `fix` refuses a brief (its checks, its writes), the notes it leaves, and the
errors of the other commands on missing, unreadable, malformed and out-of-repository files
(as test_messages_plain.py checks the findings). Run as users run it: CliRunner, and a
real subprocess."""

from __future__ import annotations

import ast
import contextlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT
from test_messages_plain import english_left

from factlint import messages
from factlint.cli import main

BRIEF = ("数据商 1159 家<sup>2</sup>，中介 442 家<sup>1</sup>。\n\n"
         "<sup>1</sup> 来源：甲局，《年报》\n\n<sup>2</sup> 来源：乙局，《统计》\n")


def _lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.strip()]


# Names of programs and formats a Chinese editor writes as they are
_NAMES = re.compile(r"\b(?:Markdown|Word|Excel|GitHub)\b"
                    # a GitHub workflow command's own syntax, before its message
                    r"|^::\w+ [^:]*::"
                    # `factlint config`: a setting's name, and values as the file writes them
                    r"|^  [\w.]+ +|\b(?:true|false|True|False|auto|error|warning|info)\b")


def _english(output: str) -> list[str]:
    """The lines of ``output`` with English words left in them, and the words."""
    return [f"{line}  <- {words}" for line in _lines(output)
            for words in (english_left(_NAMES.sub(" ", line)),) if words]


def _said(*args: str, folder: Path) -> str:
    with contextlib.chdir(folder):
        result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.output


def _repository(tmp_path: Path) -> Path:
    """A repository of hostile briefs for `fix`: each one refused for its own reason."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".git").mkdir()
    (repo / "yaml.md").write_text(BRIEF, encoding="utf-8")
    (repo / "yaml.facts.yaml").write_text("factlint: 1\nclaims: [\n", encoding="utf-8")
    (repo / "json.md").write_text(BRIEF, encoding="utf-8")
    (repo / "json.facts.json").write_text('{"factlint": 1, "claims": [', encoding="utf-8")
    (repo / "locked.md").write_text(BRIEF, encoding="utf-8")
    (repo / "locked.md").chmod(0o444)
    (repo / "wide.md").write_bytes("\ufeff".encode("utf-16-le") + BRIEF.encode("utf-16-le"))
    (repo / "skipped.md").write_text(BRIEF.replace("。\n", "（另见 [1; 2]）。\n", 1),
                                     encoding="utf-8")
    (repo / "word.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "outside.md").write_text(BRIEF, encoding="utf-8")
    (repo / "link.md").symlink_to(tmp_path / "outside.md")
    (repo / ".factlint-999999999-left.tmp").write_text("", encoding="utf-8")
    return repo


FIX_REASONS = {
    "yaml.md": "YAML 写法有误",
    "json.md": "JSON 写法有误",
    "locked.md": "只读文件",
    "wide.md": "UTF-16",
    "skipped.md": "像是引用标号",
    "word.docx": "Word 简报保持原样",
    "link.md": "仓库之外",
    "missing.md": "找不到文件",
}


def test_fix_refusals_in_chinese(tmp_path):
    repo = _repository(tmp_path)
    said = _said("fix", "--messages", "zh", *FIX_REASONS, folder=repo)
    for name, words in FIX_REASONS.items():
        line = next((line for line in _lines(said) if f"无法修复 {name}：" in line), "")
        assert words in line, (name, said)
    assert "已删除 .factlint-999999999-left.tmp" in said
    assert not _english(said), "\n".join(_english(said))
    assert (repo / "locked.md").read_text(encoding="utf-8") == BRIEF  # nothing written


def test_fix_refusals_follow_the_brief_under_auto(tmp_path):
    """auto: a Chinese brief's refusal in Chinese, an English one's in English, and one
    with no text (missing) in the language of the run's other briefs."""
    repo = _repository(tmp_path)
    english = repo / "english.md"
    english.write_text("Some 1159 firms<sup>2</sup> and 442 brokers<sup>1</sup>.\n\n"
                       "<sup>1</sup> Source: A, Yearbook\n\n<sup>2</sup> Source: B, Survey\n",
                       encoding="utf-8")
    english.chmod(0o444)
    said = _said("fix", "--messages", "auto", "yaml.md", "locked.md", "missing.md",
                 "english.md", folder=repo)
    assert "无法修复 yaml.md：" in said and "无法修复 locked.md：" in said
    assert "无法修复 missing.md：" in said
    assert "cannot fix english.md: english.md is read-only" in said
    # the same refusals in English when asked
    said = _said("fix", "--messages", "en", "locked.md", folder=repo)
    assert "cannot fix locked.md: locked.md is read-only: make it writable to fix it" in said


def test_fix_refusal_in_a_real_process(tmp_path):
    repo = _repository(tmp_path)
    done = subprocess.run([sys.executable, "-m", "factlint", "fix", "yaml.md", "locked.md",
                           "link.md"], cwd=repo, capture_output=True, text=True,
                          env={**os.environ, "FACTLINT_MESSAGES": "zh"})
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "无法修复 locked.md：locked.md 是只读文件" in done.stderr
    assert not _english(done.stderr), done.stderr


def test_the_checks_before_writing_in_chinese():
    from factlint import fixcheck
    from factlint.document import read_document
    from factlint.finding import Edit

    before = "甲 12 家<sup>2</sup>。"
    problems = [fixcheck.characters_problem(before, [(before, [Edit(11, 12, "1")])],
                                            "甲 12 家<sup>1</sup>")]
    brief = "甲<sup>1</sup>乙<sup>2</sup>。\n\n<sup>1</sup> 来源：甲局\n\n<sup>2</sup> 来源：乙局\n"
    facts = "sources:\n  1: {publisher: 甲局}\n  2: {publisher: 乙局}\nclaims: []\n"
    swapped = facts.replace("1: {", "9: {").replace("2: {", "1: {").replace("9: {", "2: {")
    doc = read_document("b.md", brief)
    problems.append(fixcheck.facts_problem(facts, swapped, False, doc, doc))
    repointed = read_document("b.md", brief.replace("乙<sup>2</sup>", "乙<sup>1</sup>"))
    problems.append(fixcheck.citations_problem(doc, repointed))
    lost = read_document("b.md", brief.replace("乙<sup>2</sup>", "乙"))
    problems.append(fixcheck.citations_problem(doc, lost))
    two = "claims:\n  - {quote: 甲, source: 1}\n"
    problems.append(fixcheck.facts_problem(two, two.replace("source: 1", "source: 2"), False,
                                           doc, doc))
    from factlint.registry import by_code

    finding = by_code()["FL102"].at_position("b.md", 1, 1, messages.Message(
        "FL102.unused", label="3"))
    problems.append(fixcheck.findings_problem([], [finding], set()))
    problems.append(fixcheck.findings_problem([finding], [], set()))
    assert all(problems), problems
    for problem in problems:
        text = messages.told(problem, "zh")
        assert text != str(problem) and not english_left(text), text


# --- every message the code names is in the catalog, with every placeholder filled ----------


def _named_messages() -> list[tuple[str, str, set[str], bool]]:
    """(file, id, the keyword arguments given, whether ``**`` gives more) of every
    ``Phrase("id", …)`` and ``Message("id", …)`` in the source."""
    found = []
    for path in sorted((ROOT / "src" / "factlint").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("Phrase", "Message") and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                given = {k.arg for k in node.keywords if k.arg}
                found.append((path.name, node.args[0].value, given,
                              any(k.arg is None for k in node.keywords)))
    return found


def test_every_message_the_code_names_is_complete():
    named = _named_messages()
    assert any(message_id.startswith("fix.") for _, message_id, _, _ in named)
    problems = []
    for name, message_id, given, more in named:
        for language in messages.LANGUAGES:
            texts = messages.catalog(language)
            if message_id not in texts:
                problems.append(f"{name}: {message_id} is not in the {language} catalog")
                continue
            if more:
                continue
            for variant in (message_id, f"{message_id}.one"):
                if variant in texts:
                    missing = set(messages.placeholders(texts[variant])) - given
                    if missing:
                        problems.append(f"{name}: {variant} ({language}) lacks {missing}")
    assert problems == []


@pytest.mark.parametrize("module", ["fix", "fileio", "fixcheck", "renumber"])
def test_no_reason_is_bare_english_text(module):
    """A reason the user reads is a Phrase: no f-string or string literal is raised or
    returned as one in the modules that refuse a fix."""
    source = (ROOT / "src" / "factlint" / f"{module}.py").read_text(encoding="utf-8")
    bare = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in (
                "FixError", "WriteError", "RenumberError") and node.args:
            if isinstance(node.args[0], (ast.JoinedStr, ast.Constant)):
                bare.append(ast.unparse(node)[:80])
    assert bare == []


# --- a path with no text to tell its language by -------------------------------------------


@pytest.fixture
def auto(locale):
    """No setting: --messages auto's default, with an English locale."""
    return locale("en_US.UTF-8")


def _fl001(output: str) -> str:
    return next(line for line in _lines(output) if "FL001" in line)


def test_a_missing_brief_is_told_in_the_language_of_the_run(auto, tmp_path):
    (tmp_path / "brief.md").write_text(BRIEF, encoding="utf-8")
    (tmp_path / "english.md").write_text("Some 1159 firms<sup>1</sup>.\n\n<sup>1</sup> "
                                         "Source: Registry office, Yearbook\n",
                                         encoding="utf-8")
    said = _said("check", "--offline", "missing.md", "brief.md", folder=tmp_path)
    assert "无法检查 missing.md：找不到文件" in _fl001(said)
    said = _said("check", "--offline", "missing.md", "english.md", folder=tmp_path)
    assert "cannot check missing.md: file not found" in _fl001(said)
    # alone: the locale
    assert "cannot check missing.md" in _fl001(_said("check", "--offline", "missing.md",
                                                     folder=tmp_path))
    auto.setenv("LANG", "zh_CN.UTF-8")
    said = _said("check", "--offline", "missing.md", folder=tmp_path)
    assert "无法检查 missing.md" in _fl001(said) and "1 个错误" in said
    # a setting wins over both
    said = _said("check", "--offline", "--messages", "en", "missing.md", "brief.md",
                 folder=tmp_path)
    assert "cannot check missing.md" in _fl001(said)
    (tmp_path / "factlint.yaml").write_text("messages: en\n", encoding="utf-8")
    said = _said("check", "--offline", "missing.md", folder=tmp_path)
    assert "cannot check missing.md" in _fl001(said)


def test_a_missing_brief_in_json_and_in_a_real_process(auto, tmp_path):
    import json

    (tmp_path / "brief.md").write_text(BRIEF, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "FACTLINT_MESSAGES"}
    done = subprocess.run([sys.executable, "-m", "factlint", "check", "--offline", "--format",
                           "json", "gone.md", "brief.md"], cwd=tmp_path, capture_output=True,
                          text=True, env=env)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    (finding,) = [f for f in json.loads(done.stdout)["findings"] if f["code"] == "FL001"]
    assert finding["message"] == "无法检查 gone.md：找不到文件"


# --- every command on hostile input ---------------------------------------------------------


def _hostile(tmp_path: Path) -> Path:
    import zipfile

    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / ".git").mkdir()
    (folder / "a.md").write_text(BRIEF, encoding="utf-8")
    (folder / "bad.md").write_text(BRIEF, encoding="utf-8")
    (folder / "bad.facts.yaml").write_text("factlint: 1\nclaims: [\n", encoding="utf-8")
    (folder / "j.md").write_text(BRIEF, encoding="utf-8")
    (folder / "j.facts.json").write_text('{"factlint": 1,', encoding="utf-8")
    (folder / "badconf.yaml").write_text("select: [FL1\n", encoding="utf-8")
    (folder / "wrongkey.yaml").write_text("colour: red\n", encoding="utf-8")
    (folder / "damaged.docx").write_bytes(b"PK\x03\x04junk")
    (folder / "notzip.docx").write_bytes(b"just text")
    with zipfile.ZipFile(folder / "nodoc.docx", "w") as package:
        package.writestr("a.txt", "x")
    (tmp_path / "outside.md").write_text(BRIEF, encoding="utf-8")
    (folder / "link.md").symlink_to(tmp_path / "outside.md")
    (folder / "many.md").write_text("# 标题\n\n" + "".join(
        f"第{n}项数字 {n + 100} 家。\n\n" for n in range(14)), encoding="utf-8")
    (folder / "空").mkdir()
    for name in ("ev", "pdf"):  # a source that is a broken PDF; ev's evidence file a folder
        (folder / f"{name}.md").write_text(BRIEF, encoding="utf-8")
        (folder / f"{name}.facts.yaml").write_text(
            'factlint: 1\nsources:\n  "1": {file: page.pdf}\nclaims: []\n', encoding="utf-8")
    (folder / "page.pdf").write_bytes(b"%PDF-1.4 junk")
    (folder / "ev.evidence.yaml").mkdir()
    return folder


# (arguments, words the output must hold); each run with --messages zh
COMMANDS = [
    (["check", "--offline", "missing.md"], "无法检查 missing.md：找不到文件"),
    (["check", "--offline", "damaged.docx"], "已损坏"),
    (["check", "--offline", "notzip.docx"], "不是 zip 压缩包"),
    (["check", "--offline", "nodoc.docx"], "缺少 `word/document.xml`"),
    (["check", "--offline", "bad.md"], "YAML 语法错误"),
    (["check", "--offline", "j.md"], "JSON 语法错误"),
    (["check", "--offline", "link.md"], "仓库之外"),
    (["check", "--offline", "--config", "badconf.yaml", "a.md"], "YAML 写法有误"),
    (["check", "--offline", "--config", "wrongkey.yaml", "a.md"], "没有 `colour` 这个选项"),
    (["check", "--offline", "--select", "FL999", "a.md"], "不是规则代码"),
    (["check", "--offline", "--baseline", "nope.json", "a.md"], "找不到基线文件"),
    (["check", "--offline", "空"], "没有可检查的简报"),
    (["check", "--offline", "--watch", "-"], "--watch"),
    (["check", "--offline", "--format", "github", "many.md"], "没有显示为注释"),
    (["show", "missing.md"], "找不到文件"),
    (["config", "a.md"], "（按各规则的默认值）  [默认值]"),
    (["config", "--config", "badconf.yaml"], "YAML 写法有误"),
    (["rules", "FL999"], "没有“FL999”这条规则"),
    (["sources", "missing.md"], "找不到文件"),
    (["sources", "--config", "badconf.yaml", "a.md"], "YAML 写法有误"),
    (["check", "--offline", "--write-baseline", "a.md/baseline.json", "a.md"], "无法把基线写到"),
    (["sources", "ev.md"], "无法写入 ev.md 的来源记录"),
    (["sources", "pdf.md"], "1 个无法读取文字"),
    (["extract", "missing.md"], "找不到文件"),
    (["annotate", "nodoc.docx"], "缺少 `word/document.xml`"),
    (["annotate", "missing.docx"], "找不到文件"),
    (["annotate", "a.md"], "只接受 .docx 简报"),
]


def _without_usage(output: str) -> str:
    """Less the usage line (it names the command; tests/test_click_words.py reads it) and
    the brief's lines the report quotes."""
    return "\n".join(line for line in _lines(output)
                     if not line.startswith(("Usage:", "用法:"))
                     and not re.match(r"\s*\d* \|", line))


@pytest.mark.parametrize(("args", "words"), COMMANDS, ids=[" ".join(a) for a, _ in COMMANDS])
def test_every_command_on_hostile_input_in_chinese(tmp_path, args, words):
    folder = _hostile(tmp_path)
    said = _without_usage(_said(*args[:1], "--messages", "zh", *args[1:], folder=folder))
    assert words in said, said
    assert not _english(said), "\n".join(_english(said))


def test_config_in_json_keeps_its_english_values(tmp_path):
    import json

    said = _said("config", "--messages", "zh", "--json", "a.md", folder=_hostile(tmp_path))
    settings = json.loads(said)["settings"]
    assert settings["ignore"] == {"value": "(none)", "from": "defaults"}


def test_hostile_input_in_a_real_process(tmp_path):
    folder = _hostile(tmp_path)
    env = {**os.environ, "FACTLINT_MESSAGES": "zh"}
    for args, words in (
            (["check", "--offline", "damaged.docx", "missing.md", "link.md"], "已损坏"),
            (["check", "--offline", "--format", "github", "many.md"], "factlint：1 个文件"),
            (["extract", "missing.md"], "找不到文件"),
            # nothing but our words on stderr: not pypdf's warnings about a broken PDF
            (["sources", "pdf.md"], "1 个无法读取文字")):
        done = subprocess.run([sys.executable, "-m", "factlint", *args], cwd=folder,
                              capture_output=True, text=True, env=env)
        said = _without_usage(done.stdout + done.stderr)
        assert done.returncode in (0, 1, 2) and "Traceback" not in said
        assert words in said and not _english(said), said


def test_sarif_fixes_and_rules_in_the_run_language(tmp_path):
    import json

    folder = _hostile(tmp_path)
    said = _said("check", "--offline", "--messages", "zh", "--format", "sarif", "a.md",
                 folder=folder)
    run = json.loads(said)["runs"][0]
    fixes = [fix["description"]["text"] for result in run["results"]
             for fix in result.get("fixes", ())]
    assert fixes and all("重新编号" in text and not english_left(text) for text in fixes)
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "FL103")
    assert not english_left(rule["shortDescription"]["text"])
    english = json.loads(_said("check", "--offline", "--messages", "en", "--format", "sarif",
                               "a.md", folder=folder))["runs"][0]
    assert any("renumber 2 source(s) in order of first citation" == fix["description"]["text"]
               for result in english["results"] for fix in result.get("fixes", ()))


def test_watch_speaks_the_brief_language(tmp_path):
    from test_watch import SOURCED, UNSOURCED, Lines, _edit_until

    brief = tmp_path / "brief.md"
    brief.write_text(SOURCED, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "factlint", "check", "--watch", "--offline", "--messages", "zh",
         "."], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        lines = Lines(process.stdout)
        assert lines.until(lambda line: line.startswith("factlint：正在监视")), lines.seen
        new = _edit_until(brief, UNSOURCED, lines, lambda line: line.startswith("+ "))
        assert new is not None, lines.seen
        changed = next(line for line in lines.seen if "有改动" in line)
        assert "新增" in changed and not english_left(changed), changed
        assert not english_left(new.partition("[error]")[2]), new
    finally:
        process.send_signal(__import__("signal").SIGINT)
        process.wait(timeout=30)


def test_the_html_report_speaks_the_page_language(tmp_path):
    """The page's own words — the tooltips of claims, figures, citations and findings, the
    screen-reader labels, the moved-definitions note, the sources list, the evidence
    table — are the page's language, not only its header and legend."""
    from conftest import SEED
    from lxml import html

    briefs = [ROOT / "tests" / "fixtures" / "html" / "brief.md"]
    briefs += [SEED] if SEED.exists() else []
    for brief in briefs:
        markup = _said("check", "--offline", "--messages", "zh", "--format", "html", str(brief),
                       folder=tmp_path)
        page = html.fromstring(markup)
        for code in page.xpath("//style | //script"):
            code.drop_tree()
        words = page.xpath(
            "//@title | //@aria-label | //*[not(ancestor::article)]/text()"
            " | //span[@class='sr-only']/text() | //p[@class='moved']/text()"
            " | //section[@class='sources']/h3/text() | //span[@class='uncited']/text()"
            " | //table[@class='evidence']//th/text() | //caption/text()")
        left = {text.strip(): english_left(text) for text in words
                if text.strip() and english_left(text)}
        assert not left, left
        assert "[有来源的说法] " in page.text_content() or brief != SEED
