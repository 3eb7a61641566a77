"""The message catalog: every id in both languages, placeholders that agree, the language
each finding is told in, and findings that all carry an id."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from factlint import messages
from factlint.messages import Message, chosen, language_of, placeholders, render

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = ROOT / "src" / "factlint" / "_messages"


def _catalog(language: str) -> dict[str, str]:
    return json.loads((CATALOGS / f"{language}.json").read_text(encoding="utf-8"))


def _base_ids(catalog: dict[str, str]) -> set[str]:
    return {key.removesuffix(".one") for key in catalog}


def test_every_id_has_both_languages():
    en, zh = _catalog("en"), _catalog("zh")
    # rule.CODE: a rule's docs, in English its docstring (they live with the rule)
    assert _base_ids(en) == {key for key in _base_ids(zh) if not key.startswith("rule.")}
    assert not [key for key in zh if key.endswith(".one")]  # Chinese has no plural forms


def test_every_rule_has_chinese_docs():
    from click.testing import CliRunner

    from factlint.cli import main
    from factlint.registry import registry

    zh = _catalog("zh")
    assert {f"rule.{rule.code}" for rule in registry()} == {
        k for k in zh if k.startswith("rule.") and ".aside." not in k}
    listing = CliRunner().invoke(main, ["rules", "--messages", "zh"]).output
    assert "FL101  undefined-citation         错误     引用标号在文末找不到对应的来源。" in listing
    one = CliRunner().invoke(main, ["rules", "FL201", "--messages", "zh"]).output
    assert one.startswith("FL201 unsourced-figure（错误）") and "错误示例：" in one
    english = CliRunner().invoke(main, ["rules", "FL201", "--messages", "en"]).output
    assert english.startswith("FL201 unsourced-figure (error)") and "Bad:" in english


def test_the_remarks_on_a_rules_examples_are_in_chinese():
    """A rule's docs in Chinese: the summary and reasons from the catalog, the examples as
    written (they are the brief text shown), and each remark on them — "(no answer within
    10 s)" — in Chinese (``rule.CODE.aside.N``): no English word but in the examples."""
    from click.testing import CliRunner
    from test_messages_plain import english_left

    from factlint.cli import main
    from factlint.messages import asides
    from factlint.registry import registry

    zh = _catalog("zh")
    remarked = 0
    for rule in registry():
        remarks = asides(rule.doc)
        remarked += bool(remarks)
        assert {k for k in zh if k.startswith(f"rule.{rule.code}.aside.")} == {
            f"rule.{rule.code}.aside.{n}" for n in range(1, len(remarks) + 1)}, rule.code
        shown = CliRunner().invoke(main, ["rules", rule.code, "--messages", "zh"]).output
        prose = [line for line in shown.splitlines() if not line.startswith("    ")]
        remarks_shown = [line.rpartition(" （")[2] for line in shown.splitlines()
                         if line.startswith("    ") and line.endswith("）")]
        assert not english_left("\n".join(prose + remarks_shown)), shown
        assert not [remark for remark in remarks if remark in shown], shown
    assert remarked >= 8  # FL001, FL402, FL406, FL410 … FL414


def test_plural_forms_show_the_same_arguments():
    en = _catalog("en")
    for key in en:
        if f"{key}.one" in en:
            assert set(placeholders(en[f"{key}.one"])) == set(placeholders(en[key])), key


def test_every_template_formats():
    for language in messages.LANGUAGES:
        for key, text in _catalog(language).items():
            text.format_map({name: "x" for name in placeholders(text)}), key


def test_traditional_catalog_is_current():
    pytest.importorskip("opencc")
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "messages_traditional.py"),
                           "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_render_in_each_language():
    message = Message("FL102.unused", label="3")
    assert str(message) == render("FL102.unused", {"label": "3"}, "en")
    assert "source 3" in message.text("en")
    assert message.text("zh").startswith("来源 3 ")
    assert message.text("zh-Hant").startswith("來源 3 ")


def test_english_plural_uses_the_one_variant():
    assert render("summary.files", {"count": 1}) == "1 file"
    assert render("summary.files", {"count": 2}) == "2 files"
    assert render("summary.files", {"count": 1}, "zh") == "1 个文件"


def test_an_unknown_id_is_an_error():
    with pytest.raises(KeyError):
        render("FL999.nothing", {})


def test_a_missing_argument_fails_in_english():
    with pytest.raises(KeyError):
        render("FL102.unused", {})


@pytest.mark.parametrize(("text", "language"), [
    ("数据商已有 1159 家<sup>1</sup>。", "zh"),
    ("數據商已有 1159 家。", "zh"),
    ("There were 1,159 data firms in 2025.", "en"),
    ("据 Reuters 报道，数据商已有 1159 家。", "zh"),
    ("The firm, known as 澜州数据, grew fast last year.", "en"),
    ("<sup>1</sup> https://example.org/report", None),
    ("1,159", None),
])
def test_language_of(text, language):
    assert language_of(text, default="none") == (language or "none")


def test_chosen_language():
    assert chosen("auto", "There were 1,159 firms.", "zh") == "en"
    assert chosen("auto", "数据商已有 1159 家。", "en") == "zh"
    assert chosen("auto", "<sup>1</sup> https://example.org", "zh") == "zh"
    assert chosen("auto", None, "zh-Hant") == "zh-Hant"
    assert chosen("auto", "数据商已有 1159 家。", "zh-Hant") == "zh-Hant"
    assert chosen("en", "数据商已有 1159 家。", "zh") == "en"
    assert chosen("zh", "There were 1,159 firms.", "en") == "zh"
    assert chosen("zh", None, "zh-Hant") == "zh-Hant"


def test_sarif_template_numbers_the_placeholders_in_english_order():
    text, names = messages.sarif_template("FL105.same-source", "zh")
    assert names == ["first", "label", "line"]
    assert "{0}" in text and "{1}" in text and "{2}" in text and "{first}" not in text


# --- every finding factlint produces has an id, and every language fills it --------------

def _all_findings(paths):
    from factlint.engine import RunOptions, run

    result = run(RunOptions(paths=tuple(str(p) for p in paths), offline=True, jobs=1))
    return result, result.findings


def _check_worded(findings):
    assert findings
    unworded = [f for f in findings if not f.message_id]
    assert not unworded, [(f.code, f.message) for f in unworded[:5]]
    for finding in findings:
        assert messages.problems(finding.worded()) == [], finding
        for language in messages.LANGUAGES:
            assert messages.text_of(finding, language), finding


def test_every_finding_on_the_fixtures_is_worded_in_every_language():
    _, findings = _all_findings([ROOT / "tests" / "fixtures", ROOT / "data" / "examples"])
    _check_worded(findings)


def test_every_finding_of_the_rule_examples_is_worded(tmp_path):
    from factlint.registry import registry
    from factlint.rules.facts import example_files

    for rule in registry():
        for kind in ("Bad", "Good"):
            example = rule.example(kind)
            if not example:
                continue
            folder = tmp_path / f"{rule.code}-{kind}"
            folder.mkdir()
            for name, text in example_files(example).items():
                (folder / name).write_text(text, encoding="utf-8")
            _, findings = _all_findings([folder])
            if findings:
                _check_worded(findings)


@pytest.mark.parametrize("folder", ["seeds", "corpus", "corpus2"])
def test_every_finding_on_the_seed_and_corpus_is_worded(folder):
    from conftest import SHARED, shared_or_skip

    _, findings = _all_findings([shared_or_skip(SHARED / folder)])
    _check_worded(findings)


def test_no_code_builds_a_finding_from_bare_text():
    # Findings are made by Rule.at / Rule.at_position / Finding.of with a Message; a
    # Finding(...) call or an f-string message would bypass the catalog.
    import re

    source = ROOT / "src" / "factlint"
    offenders = []
    for path in source.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"\b(?:at|at_position)\(\s*[^()]*?,\s*f\"", text):
            offenders.append(f"{path.name}: {match.group()[:60]}")
        if path.name != "finding.py" and re.search(r"(?<![.\w])Finding\(", text):
            offenders.append(f"{path.name}: Finding(")
    assert offenders == []


def test_the_reference_brief_in_chinese_and_english(tmp_path):
    from click.testing import CliRunner
    from conftest import SEED, shared_or_skip

    from factlint.cli import main

    brief = shared_or_skip(SEED)
    chinese = CliRunner().invoke(main, ["check", "--offline", "--messages", "auto", str(brief)])
    english = CliRunner().invoke(main, ["check", "--offline", "--messages", "en", str(brief)])
    assert "没有网址、DOI 或其他编号" in chinese.output
    assert chinese.output.rstrip().splitlines()[-1].startswith("1 个文件；")
    assert "has no URL, DOI or other identifier" in english.output
    assert english.output.rstrip().splitlines()[-1].startswith("1 file; ")


def test_messages_setting_in_the_configuration(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from factlint.cli import main

    monkeypatch.delenv("FACTLINT_MESSAGES")
    (tmp_path / "brief.md").write_text(
        "数据商已有 1159 家<sup>1</sup>。\n\n<sup>1</sup> 来源：某局，《数据交易年报》\n",
        encoding="utf-8")
    runner = CliRunner()
    auto = runner.invoke(main, ["check", "--offline", str(tmp_path / "brief.md")])
    assert "来源 1 没有网址" in auto.output
    (tmp_path / "factlint.yaml").write_text("messages: en\n", encoding="utf-8")
    forced = runner.invoke(main, ["check", "--offline", str(tmp_path / "brief.md")])
    assert "source 1 has no URL" in forced.output
    again = runner.invoke(main, ["check", "--offline", "--messages", "zh",
                                 str(tmp_path / "brief.md")])
    assert "来源 1 没有网址" in again.output
    shown = runner.invoke(main, ["config", str(tmp_path / "brief.md")])
    assert "messages" in shown.output and "en" in shown.output


def test_a_traditional_brief_gets_traditional_messages(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from factlint.cli import main

    monkeypatch.delenv("FACTLINT_MESSAGES")
    (tmp_path / "brief.md").write_text(
        "數據商已有 1159 家<sup>1</sup>，這是統計結果。\n\n"
        "<sup>1</sup> 來源：某局，《數據交易年報》\n",
        encoding="utf-8")
    done = CliRunner().invoke(main, ["check", "--offline", str(tmp_path / "brief.md")])
    assert "來源 1 沒有網址" in done.output


def test_an_english_line_of_a_chinese_brief_gets_english(tmp_path, monkeypatch):
    from factlint.engine import RunOptions, run

    monkeypatch.delenv("FACTLINT_MESSAGES")
    (tmp_path / "brief.md").write_text(
        "数据商已有 1159 家<sup>1</sup>，中介 442 家<sup>2</sup>。\n\n"
        "<sup>1</sup> 来源：某局，《数据交易年报》\n\n"
        "<sup>2</sup> Source: Data Office, Annual Report on Brokers\n", encoding="utf-8")
    result = run(RunOptions(paths=(str(tmp_path / "brief.md"),), offline=True))
    told = {f.line: result.message(f) for f in result.findings if f.code == "FL107"}
    assert told[3].startswith("来源 1 没有网址")
    assert told[5].startswith("source 2 has no URL")
