"""--changed-since REF: a pull-request gate is blamed only for the faults it adds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

OLD = "# 标题\n\n旧的数字 120 家没有来源。\n"


def git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"})


def factlint(repo, *args):
    done = subprocess.run([sys.executable, "-m", "factlint", "check", "--offline",
                           "--format", "json", *args], cwd=repo, capture_output=True, text=True)
    return done.returncode, json.loads(done.stdout) if done.stdout else done.stderr


@pytest.fixture
def repo(tmp_path):
    git(tmp_path, "init", "-q")
    (tmp_path / "brief.md").write_text(OLD, encoding="utf-8")
    (tmp_path / "other.md").write_text(OLD, encoding="utf-8")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "first")
    return tmp_path


def test_reports_the_fault_the_last_commit_added(repo):
    (repo / "brief.md").write_text(OLD + "\n新的数字 442 家也没有来源。\n", encoding="utf-8")
    git(repo, "commit", "-qam", "second")
    code, report = factlint(repo, "--changed-since", "HEAD~1", ".")
    assert code == 1
    assert [(f["path"], f["line"]) for f in report["findings"]] == [("./brief.md", 5)]


def test_nothing_changed_nothing_reported(repo):
    code, report = factlint(repo, "--changed-since", "HEAD", ".")
    assert code == 0 and report["findings"] == []


def test_a_changed_fact_file_counts_for_its_brief(repo):
    (repo / "brief.facts.yaml").write_text(
        "factlint: 1\nclaims:\n  - quote: 旧的数字 120 家\n    value: 118\n    unit: 家\n",
        encoding="utf-8")
    code, report = factlint(repo, "--changed-since", "HEAD", ".")
    codes = sorted(f["code"] for f in report["findings"] if f["path"] == "./brief.md")
    assert "FL301" in codes and "FL201" in codes  # the whole brief counts as changed
    assert not [f for f in report["findings"] if f["path"] == "./other.md"]


def test_unknown_ref_is_exit_2(repo):
    code, message = factlint(repo, "--changed-since", "no-such-ref", ".")
    assert code == 2 and "no-such-ref" in message


# --- the user's git configuration changes nothing -------------------------------------------

NEW_FAULT = "\n新的数字 442 家也没有来源。\n"


def changed_brief(repo, name="brief.md"):
    (repo / name).write_text(OLD + NEW_FAULT, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "second")


@pytest.mark.parametrize("setting", [
    "diff.mnemonicPrefix=true",
    "diff.noprefix=true",
    "color.diff=always",
    "color.ui=always",
    "core.quotePath=true",
    "diff.relative=true",
])
def test_git_settings_do_not_change_what_is_kept(repo, setting):
    key, value = setting.split("=")
    git(repo, "config", key, value)
    changed_brief(repo)
    code, report = factlint(repo, "--changed-since", "HEAD~1", ".")
    assert code == 1, report
    assert [(f["path"], f["line"]) for f in report["findings"]] == [("./brief.md", 5)]


def test_an_external_diff_driver_is_not_used(repo, tmp_path_factory):
    script = tmp_path_factory.mktemp("driver") / "extdiff"
    script.write_text("#!/bin/sh\necho 'nothing to see'\n", encoding="utf-8")
    script.chmod(0o755)
    git(repo, "config", "diff.external", str(script))
    changed_brief(repo)
    code, report = factlint(repo, "--changed-since", "HEAD~1", ".")
    assert code == 1 and [f["line"] for f in report["findings"]] == [5]


def test_a_textconv_driver_is_not_used(repo):
    (repo / ".gitattributes").write_text("*.md diff=upper\n", encoding="utf-8")
    git(repo, "config", "diff.upper.textconv", "sed s/^/x/")
    changed_brief(repo)
    code, report = factlint(repo, "--changed-since", "HEAD~1", ".")
    assert [(f["path"], f["line"]) for f in report["findings"]] == [("./brief.md", 5)]


@pytest.mark.parametrize("renames", ["true", "false", "copies"])
def test_a_renamed_brief_reports_only_the_lines_the_move_changed(repo, renames):
    git(repo, "config", "diff.renames", renames)
    (repo / "brief.md").rename(repo / "moved.md")
    (repo / "moved.md").write_text(OLD + NEW_FAULT, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "move")
    code, report = factlint(repo, "--changed-since", "HEAD~1", ".")
    assert [(f["path"], f["line"]) for f in report["findings"]] == [("./moved.md", 5)]


@pytest.mark.parametrize("name", ["简报.md", "two words.md", 'quote"d.md', "tab\tname.md"])
def test_non_ascii_and_odd_file_names(repo, name):
    git(repo, "config", "core.quotePath", "true")
    (repo / name).write_text(OLD, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "add")
    changed_brief(repo, name)
    code, report = factlint(repo, "--changed-since", "HEAD~1", ".")
    assert code == 1, report
    assert [(f["path"], f["line"]) for f in report["findings"]] == [(f"./{name}", 5)]


def test_environment_cannot_bring_in_an_external_diff(repo, tmp_path_factory):
    script = tmp_path_factory.mktemp("driver") / "extdiff"
    script.write_text("#!/bin/sh\necho 'nothing to see'\n", encoding="utf-8")
    script.chmod(0o755)
    changed_brief(repo)
    done = subprocess.run(
        [sys.executable, "-m", "factlint", "check", "--offline", "--format", "json",
         "--changed-since", "HEAD~1", "."], cwd=repo, capture_output=True, text=True,
        env={**os.environ, "GIT_EXTERNAL_DIFF": str(script),
             "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "diff.mnemonicPrefix",
             "GIT_CONFIG_VALUE_0": "true"})
    assert [f["line"] for f in json.loads(done.stdout)["findings"]] == [5]


# --- the merge base, as a pull request shows it -------------------------------------------------


@pytest.fixture
def diverged(repo):
    """A feature branch that adds one fault, while main meanwhile fixes an old one."""
    git(repo, "checkout", "-qb", "feature")
    (repo / "other.md").write_text(OLD + NEW_FAULT, encoding="utf-8")
    git(repo, "commit", "-qam", "feature adds a fault")
    git(repo, "checkout", "-q", "-")
    (repo / "brief.md").write_text("# 标题\n\n旧的数字 120 家有来源。[1]\n\n[1] 某局，年报。\n",
                                   encoding="utf-8")
    git(repo, "commit", "-qam", "main fixes brief.md")
    git(repo, "checkout", "-q", "feature")
    return repo


def base_branch(repo):
    names = subprocess.run(["git", "branch", "--format=%(refname:short)"], cwd=repo,
                           capture_output=True, text=True).stdout.split()
    return next(name for name in names if name != "feature")  # master or main


def test_compares_with_the_merge_base_by_default(diverged):
    code, report = factlint(diverged, "--changed-since", base_branch(diverged), ".")
    assert code == 1
    assert [(f["path"], f["line"]) for f in report["findings"]] == [("./other.md", 5)]


def test_two_point_compares_with_the_ref_itself(diverged):
    code, report = factlint(diverged, "--changed-since", base_branch(diverged), "--two-point",
                            ".")
    paths = sorted({f["path"] for f in report["findings"]})
    assert paths == ["./brief.md", "./other.md"]  # main's fix reads as this branch's change


def test_no_common_ancestor_is_exit_2(repo):
    empty_tree = subprocess.run(["git", "hash-object", "-t", "tree", "/dev/null"], cwd=repo,
                                capture_output=True, text=True, check=True).stdout.strip()
    lonely = subprocess.run(["git", "commit-tree", empty_tree, "-m", "unrelated"], cwd=repo,
                            capture_output=True, text=True, check=True,
                            env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_COMMITTER_NAME": "t",
                                 "GIT_AUTHOR_EMAIL": "t@example.org",
                                 "GIT_COMMITTER_EMAIL": "t@example.org"}).stdout.strip()
    git(repo, "tag", "lonely-tag", lonely)
    code, message = factlint(repo, "--changed-since", "lonely-tag", ".")
    assert code == 2 and "common ancestor" in message
