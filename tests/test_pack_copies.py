"""The built-in packs' JSON copies (factlint.packcopy): current, and used only while current."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factlint.packcopy import copy_text, read_copy
from factlint.rulepack import LANGUAGES, packs_dir, read_builtin_pack, read_pack_file

RULES = Path(__file__).resolve().parents[1] / "rules"


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_built_in_pack_has_a_current_json_copy(language):
    source = RULES / f"{language}.yaml"
    copy = source.with_suffix(".json")
    assert copy.exists() and copy.read_text(encoding="utf-8") == copy_text(
        source.read_bytes(), read_pack_file(source)), (
        f"{copy.name} is not the copy of {source.name}: run `python tools/pack_json.py`")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_installed_packs_are_read_from_their_copies(language):
    folder = packs_dir()
    source = (folder / f"{language}.yaml").read_bytes()
    assert read_copy(folder / f"{language}.json", source) == read_pack_file(
        folder / f"{language}.yaml")


def _pack(tmp_path: Path, yaml_text: str, copy: dict) -> Path:
    (tmp_path / "xx.yaml").write_text(yaml_text, encoding="utf-8")
    (tmp_path / "xx.json").write_text(json.dumps(copy), encoding="utf-8")
    return tmp_path


def test_a_copy_made_from_these_bytes_is_what_is_read(tmp_path):
    yaml_text = "pack: 1\nlanguage: xx\nsentence_enders: ['.']\n"
    stamp = json.loads(copy_text(yaml_text.encode(), {}))["from_yaml"]
    folder = _pack(tmp_path, yaml_text, {"from_yaml": stamp, "pack": {"from": "copy"}})
    assert read_builtin_pack(folder, "xx") == {"from": "copy"}


def test_a_copy_of_other_bytes_is_ignored_and_the_yaml_read(tmp_path):
    yaml_text = "pack: 1\nlanguage: xx\nsentence_enders: ['.']\n"
    stamp = json.loads(copy_text(b"pack: 1\n", {}))["from_yaml"]  # made before an edit
    folder = _pack(tmp_path, yaml_text, {"from_yaml": stamp, "pack": {"from": "copy"}})
    assert read_builtin_pack(folder, "xx") == {
        "pack": 1, "language": "xx", "sentence_enders": ["."]}


def test_a_missing_or_broken_copy_is_ignored(tmp_path):
    (tmp_path / "xx.yaml").write_text("pack: 1\n", encoding="utf-8")
    assert read_builtin_pack(tmp_path, "xx") == {"pack": 1}
    (tmp_path / "xx.json").write_text("{not json", encoding="utf-8")
    assert read_builtin_pack(tmp_path, "xx") == {"pack": 1}


def test_values_json_cannot_keep_are_refused():
    with pytest.raises(ValueError):
        copy_text(b"1: a\n", {1: "a"})
