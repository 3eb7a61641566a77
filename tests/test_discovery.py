"""Which files a run checks: ignore files, .txt only when named or included, stdin, and
runs that checked nothing, or could not read a folder, never pass."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from factlint.cli import main

UNSOURCED = "# 标题\n\n全省已汇聚数据商 1159 家。\n"
CHANGELOG = "Release 2.0\n\nThis release adds 3 features and fixes 12 bugs.\n"


def run(*args, input=None):
    return CliRunner().invoke(main, ["check", "--offline", "--format", "json", *map(str, args)],
                              input=input)


def paths_of(result):
    return sorted({f["path"] for f in json.loads(result.stdout)["findings"]})


def files_of(result):
    return json.loads(result.stdout)["summary"]["files"]


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- ignore files -----------------------------------------------------------------------------


def test_a_walk_respects_gitignore_and_factlintignore(tmp_path, monkeypatch):
    for name in ("keep.md", "build/out.md", "notes/draft.md", "notes/final.md", "vendor/x.md",
                 "deep/er/skip.md", "deep/er/keep.md"):
        write(tmp_path / name, UNSOURCED)
    write(tmp_path / ".gitignore", "build/\nnotes/*.md\n!notes/final.md\n")
    write(tmp_path / ".factlintignore", "vendor/\n")
    write(tmp_path / "deep" / ".gitignore", "er/skip.md\n")
    monkeypatch.chdir(tmp_path)
    assert paths_of(run(".")) == ["./deep/er/keep.md", "./keep.md", "./notes/final.md"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_walk_inside_a_repository_reads_the_ignore_files_above_it(tmp_path, monkeypatch):
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    write(tmp_path / ".gitignore", "generated.md\n")
    write(tmp_path / ".git" / "info" / "exclude", "local.md\n")
    for name in ("docs/generated.md", "docs/local.md", "docs/brief.md"):
        write(tmp_path / name, UNSOURCED)
    monkeypatch.chdir(tmp_path / "docs")
    assert paths_of(run(".")) == ["./brief.md"]


def test_a_named_file_is_checked_even_if_ignored(tmp_path, monkeypatch):
    write(tmp_path / ".factlintignore", "*.md\n")
    write(tmp_path / "a.md", UNSOURCED)
    monkeypatch.chdir(tmp_path)
    assert paths_of(run("a.md")) == ["a.md"]
    assert run("--force-exclude", "a.md").exit_code == 0  # the hook's way: left out


# --- .txt files -------------------------------------------------------------------------------


def test_a_changelog_is_not_a_brief_in_a_walk(tmp_path, monkeypatch):
    write(tmp_path / "CHANGELOG.txt", CHANGELOG)
    write(tmp_path / "brief.md", "# 标题\n")
    monkeypatch.chdir(tmp_path)
    result = run(".")
    assert result.exit_code == 0 and files_of(result) == 1


def test_a_changelog_named_by_the_hook_passes(tmp_path, monkeypatch):
    write(tmp_path / "CHANGELOG.txt", CHANGELOG)
    monkeypatch.chdir(tmp_path)
    result = run("--force-exclude", "CHANGELOG.txt")
    assert result.exit_code == 0, result.output


def test_a_txt_file_named_plainly_is_a_brief(tmp_path, monkeypatch):
    write(tmp_path / "CHANGELOG.txt", CHANGELOG)
    monkeypatch.chdir(tmp_path)
    assert run("CHANGELOG.txt").exit_code == 1


def test_include_makes_txt_files_briefs(tmp_path, monkeypatch):
    write(tmp_path / "factlint.yaml", 'include: ["notes/*.txt"]\n')
    write(tmp_path / "notes" / "a.txt", UNSOURCED)
    write(tmp_path / "other.txt", UNSOURCED)
    monkeypatch.chdir(tmp_path)
    assert paths_of(run(".")) == ["./notes/a.txt"]
    assert run("--force-exclude", "notes/a.txt").exit_code == 1


# --- nothing to check ------------------------------------------------------------------------


@pytest.mark.parametrize("files", [{}, {"CHANGELOG.txt": CHANGELOG}, {"build/x.md": UNSOURCED}])
def test_a_folder_without_briefs_is_exit_2(tmp_path, monkeypatch, files):
    write(tmp_path / ".gitignore", "build/\n")
    for name, text in files.items():
        write(tmp_path / name, text)
    monkeypatch.chdir(tmp_path)
    result = run(".")
    assert result.exit_code == 2
    assert "no briefs to check in ." in result.output and "Traceback" not in result.output


def test_a_fact_file_without_a_brief_is_exit_2(tmp_path, monkeypatch):
    write(tmp_path / "lonely.facts.yaml", "factlint: 1\nclaims: []\n")
    monkeypatch.chdir(tmp_path)
    result = run("lonely.facts.yaml")
    assert result.exit_code == 2 and "lonely.facts.yaml" in result.output


def test_excluded_by_configuration_is_nothing_to_check(tmp_path, monkeypatch):
    write(tmp_path / "factlint.yaml", 'exclude: ["*.md"]\n')
    write(tmp_path / "a.md", UNSOURCED)
    monkeypatch.chdir(tmp_path)
    assert run(".").exit_code == 2


# --- an unreadable folder ----------------------------------------------------------------------


def _as_nobody() -> list[str]:
    """How to run a command without root's power to read anything (empty: not root)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: a folder cannot be made unreadable")
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def test_an_unreadable_sub_folder_is_exit_2():
    tree = Path(tempfile.mkdtemp(prefix="factlint-"))  # not under pytest's owner-only folder
    write(tree / "ok.md", "# 标题\n")
    write(tree / "locked" / "hidden.md", UNSOURCED)
    tree.chmod(0o755)
    (tree / "locked").chmod(0)
    try:
        done = subprocess.run(
            [*_as_nobody(), sys.executable, "-m", "factlint", "check", "--offline", str(tree)],
            capture_output=True, text=True, cwd=tree, env={**os.environ, "HOME": str(tree)})
    finally:
        (tree / "locked").chmod(0o755)
        shutil.rmtree(tree)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "FL001" in done.stdout and "locked" in done.stdout
    assert "cannot read folder" in done.stdout


# --- standard input ---------------------------------------------------------------------------


def test_a_brief_from_standard_input(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("-", input=UNSOURCED.encode())
    assert result.exit_code == 1 and paths_of(result) == ["-"]


def test_stdin_filename_names_it_for_configuration_and_messages(tmp_path):
    write(tmp_path / "sub" / "factlint.yaml", "severity: {FL201: warning}\n")
    done = subprocess.run(
        [sys.executable, "-m", "factlint", "check", "--offline", "-", "--stdin-filename",
         "sub/draft.md"], input=UNSOURCED, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr  # a warning, by sub's configuration
    assert "sub/draft.md:3:" in done.stdout and "FL201 [warning]" in done.stdout


def test_stdin_filename_without_dash_is_a_usage_error(tmp_path):
    assert run("--stdin-filename", "x.md", tmp_path).exit_code == 2


# --- each brief once ---------------------------------------------------------------------------


def test_a_brief_named_with_its_fact_file_is_checked_once(tmp_path, monkeypatch):
    write(tmp_path / "a.md", UNSOURCED)
    write(tmp_path / "a.facts.yaml", "factlint: 1\nclaims: []\n")
    monkeypatch.chdir(tmp_path)
    result = run("a.md", "./a.facts.yaml", "./a.md", str(tmp_path / "a.md"))
    assert files_of(result) == 1


# --- where the report goes -------------------------------------------------------------------


def test_output_into_a_missing_folder_creates_it(tmp_path):
    brief = write(tmp_path / "a.md", UNSOURCED)
    target = tmp_path / "reports" / "deep" / "out.json"
    result = run("--output", target, brief)
    assert result.exit_code == 1 and json.loads(target.read_text())["summary"]["files"] == 1


def test_output_where_a_folder_cannot_be_made_is_exit_2(tmp_path):
    brief = write(tmp_path / "a.md", UNSOURCED)
    write(tmp_path / "plain", "a file, not a folder\n")
    result = run("--output", tmp_path / "plain" / "out.json", brief)
    assert result.exit_code == 2 and "cannot write the report" in result.output
    assert "Traceback" not in result.output


def test_several_reports_from_one_run(tmp_path):
    brief = write(tmp_path / "a.md", UNSOURCED)
    sarif, html = tmp_path / "out" / "f.sarif", tmp_path / "out" / "f.html"
    result = CliRunner().invoke(main, ["check", "--offline", "--report", "github",
                                       "--report", f"sarif={sarif}", "--report", f"html={html}",
                                       str(brief)])
    assert result.exit_code == 1
    assert result.stdout.startswith("::error file=")
    assert json.loads(sarif.read_text())["runs"][0]["results"][0]["ruleId"] == "FL201"
    assert "<html" in html.read_text().lower()


def test_two_reports_to_stdout_is_a_usage_error(tmp_path):
    brief = write(tmp_path / "a.md", UNSOURCED)
    result = CliRunner().invoke(main, ["check", "--report", "text", "--report", "json",
                                       str(brief)])
    assert result.exit_code == 2 and "at most one report" in result.output


def test_a_fifo_named_gitignore_does_not_block_the_walk(tmp_path, monkeypatch):
    os.mkfifo(tmp_path / ".gitignore")
    write(tmp_path / "a.md", UNSOURCED)
    monkeypatch.chdir(tmp_path)
    assert paths_of(run(".")) == ["./a.md"]
