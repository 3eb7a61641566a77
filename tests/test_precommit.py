"""The pre-commit hook as a user meets it: the real pre-commit, `try-repo`, a throwaway repository.

pre-commit builds a virtualenv and pip-installs factlint from a snapshot of this checkout
(so it needs PyPI for factlint's dependencies), then runs the `factlint` hook on a brief.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
    pytest.mark.skipif(importlib.util.find_spec("pre_commit") is None,
                       reason="pre-commit is not installed (pip install -e '.[test]')"),
    pytest.mark.skipif(not (ROOT / ".git").exists(), reason="not a git checkout of factlint"),
]

CLEAN = """\
# Harbour brief

The harbour handled 1,200 ships last year.<sup>1</sup>

<sup>1</sup> Source: Port Authority, Annual Report 2024, https://example.org/report
"""

UNSOURCED = """\
# Harbour brief

The harbour handled 1,200 ships last year.
"""


def git(*args: str, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="factlint tests", GIT_AUTHOR_EMAIL="tests@factlint.invalid",
               GIT_COMMITTER_NAME="factlint tests", GIT_COMMITTER_EMAIL="tests@factlint.invalid")
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> Path:
    """A one-commit copy of this checkout as it is on disk, new and changed files included.

    try-repo on the checkout itself would see only tracked files (it shadow-commits
    `git add -u`), so a file not yet added would be missing from the installed hook.
    """
    snapshot = tmp_path_factory.mktemp("factlint-hook")
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT)
    for name in filter(None, listed.split("\0")):
        if name.startswith(("bench/", "tests/")):
            continue
        source, target = ROOT / name, snapshot / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the working tree
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, target)
    git("init", "-q", cwd=snapshot)
    git("add", "-A", cwd=snapshot)
    git("commit", "-q", "--no-verify", "-m", "snapshot", cwd=snapshot)
    return snapshot


def try_repo(hook_repo: Path, project: Path, files: dict[str, str]) -> subprocess.CompletedProcess:
    for name, text in files.items():
        (project / name).write_text(text, encoding="utf-8")
    git("init", "-q", cwd=project)
    git("add", "-A", cwd=project)
    git("commit", "-q", "--no-verify", "-m", "briefs", cwd=project)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "factlint",
         "--color", "never", "--verbose", "--files", *files],
        cwd=project, env=env, capture_output=True, text=True, encoding="utf-8", timeout=300,
    )


def test_a_sourced_brief_passes_the_hook(hook_repo, tmp_path):
    outcome = try_repo(hook_repo, tmp_path, {"harbour.md": CLEAN})
    assert outcome.returncode == 0, outcome.stdout + outcome.stderr
    assert "Passed" in outcome.stdout


def test_an_unsourced_figure_fails_the_hook(hook_repo, tmp_path):
    outcome = try_repo(hook_repo, tmp_path, {"harbour.md": UNSOURCED})
    assert outcome.returncode == 1, outcome.stdout + outcome.stderr
    assert "Failed" in outcome.stdout
    assert "harbour.md:3:21: FL201" in outcome.stdout


FACTS = "factlint: 1\nclaims:\n  - quote: handled 1,200 ships\n    value: 1200\n    unit: ships\n"


def test_each_brief_is_reported_once_when_named_with_its_fact_file(hook_repo, tmp_path):
    files = {}
    for n in range(6):  # enough files for pre-commit to split them between processes
        files[f"h{n}.md"] = UNSOURCED
        files[f"h{n}.facts.yaml"] = FACTS
    outcome = try_repo(hook_repo, tmp_path, files)
    assert outcome.returncode == 1, outcome.stdout + outcome.stderr
    for n in range(6):
        assert outcome.stdout.count(f"h{n}.md:3:21: FL201") == 1, outcome.stdout


def test_a_changelog_passes_the_hook(hook_repo, tmp_path):
    outcome = try_repo(hook_repo, tmp_path, {
        "CHANGELOG.txt": "Release 2.0\n\nThis release adds 3 features and fixes 12 bugs.\n",
        "harbour.md": CLEAN})
    assert outcome.returncode == 0, outcome.stdout + outcome.stderr
