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
    assert _base_ids(en) == _base_ids(zh)
    assert not [key for key in zh if key.endswith(".one")]  # Chinese has no plural forms


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
