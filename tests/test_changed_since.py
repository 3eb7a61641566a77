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
