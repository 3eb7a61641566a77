"""related.briefs_for: from changed files (briefs, fact and data files) to the briefs to check."""

from __future__ import annotations

import json
import os

import pytest

from factlint.related import briefs_for, data_files_of, search_root


def write(path, text=""):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A project: briefs in briefs/, their fact files beside them, data in data/."""
    (tmp_path / ".git").mkdir()
    write(tmp_path / "briefs" / "harbour.md", "# Harbour\n")
    write(tmp_path / "briefs" / "harbour.facts.yaml",
          "factlint: 1\nclaims:\n  - quote: q\n    data: {file: ../data/ports.csv, column: value}\n"
          "    source: 1\n")
    write(tmp_path / "briefs" / "rail.markdown", "# Rail\n")
    write(tmp_path / "briefs" / "rail.facts.json", json.dumps({
        "factlint": 1,
        "claims": [{"quote": "q", "data": {"file": "../data/lines.json", "pointer": "/0"}},
                   {"quote": "r", "value": 3}],
    }))
    write(tmp_path / "briefs" / "orphan.facts.yaml", "factlint: 1\nclaims: []\n")
    write(tmp_path / "data" / "ports.csv", "indicator,value\nberths,12\n")
    write(tmp_path / "data" / "lines.json", "[4]")
    write(tmp_path / "data" / "unused.csv", "a\n1\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_brief_stays_as_named(repo):
    named = ["briefs/harbour.md", "notes/new.txt"]
    assert briefs_for(named) == named


def test_a_fact_file_stands_for_the_brief_beside_it(repo):
    assert briefs_for(["briefs/harbour.facts.yaml"]) == [os.path.join("briefs", "harbour.md")]
    assert briefs_for(["briefs/rail.facts.json"]) == [os.path.join("briefs", "rail.markdown")]


def test_a_fact_file_without_a_brief_yields_nothing(repo):
    assert briefs_for(["briefs/orphan.facts.yaml"]) == []


def test_a_data_file_stands_for_the_briefs_whose_facts_read_it(repo):
    assert briefs_for(["data/ports.csv"]) == [os.path.join("briefs", "harbour.md")]
    assert briefs_for(["data/lines.json"]) == [os.path.join("briefs", "rail.markdown")]


def test_a_data_file_named_by_an_absolute_path(repo):
    assert briefs_for([str(repo / "data" / "ports.csv")]) == [os.path.join("briefs", "harbour.md")]


def test_unrelated_files_are_dropped_silently(repo):
    write(repo / "setup.py", "")
    assert briefs_for(["data/unused.csv", "setup.py", "package.json", "image.png"]) == []


def test_each_brief_once_in_the_form_first_met(repo):
    got = briefs_for([
        "briefs/rail.markdown", "data/ports.csv", "briefs/harbour.facts.yaml",
        "./briefs/harbour.md", "data/lines.json",
    ])
    assert got == ["briefs/rail.markdown", "briefs/harbour.md"]


def test_broken_fact_files_are_skipped_not_raised(repo):
    write(repo / "briefs" / "bad.md", "# Bad\n")
    write(repo / "briefs" / "bad.facts.yaml", "claims: [unclosed\n")
    write(repo / "briefs" / "odd.md", "# Odd\n")
    write(repo / "briefs" / "odd.facts.json",
          '{"claims": [1, {"data": "x"}, {"data": {"file": 3}}]}')
    assert data_files_of(str(repo / "briefs" / "bad.facts.yaml")) == set()
    assert data_files_of(str(repo / "briefs" / "odd.facts.json")) == set()
    assert briefs_for(["data/ports.csv"]) == [os.path.join("briefs", "harbour.md")]


def test_hidden_and_vendored_folders_are_not_searched(repo):
    for folder in (".cache", "node_modules"):
        write(repo / folder / "copy.md", "# Copy\n")
        write(repo / folder / "copy.facts.yaml",
              "claims:\n  - data: {file: ../data/ports.csv}\n")
    assert briefs_for(["data/ports.csv"]) == [os.path.join("briefs", "harbour.md")]


def test_search_root_is_the_repository(repo):
    assert search_root(["data/ports.csv"]) == str(repo)


def test_search_root_without_git_is_the_common_folder(tmp_path):
    write(tmp_path / "a" / "b" / "x.csv")
    write(tmp_path / "a" / "c" / "y.csv")
    root = search_root([str(tmp_path / "a" / "b" / "x.csv"), str(tmp_path / "a" / "c" / "y.csv")])
    # no .git above tmp_path on a test machine is the usual case; either way it contains both
    assert str(tmp_path / "a").startswith(root)
