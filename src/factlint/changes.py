"""``--changed-since REF``: keep only findings on lines changed since a git ref.

A pull-request gate should blame a change for the faults it adds, not for old ones. Lines
come from ``git diff --unified=0 REF`` (the working tree against REF) plus untracked files;
a brief whose fact file or data file changed counts as changed throughout.
"""

from __future__ import annotations

import os
import re
import subprocess
from typing import TYPE_CHECKING

from factlint.config import ConfigError
from factlint.related import briefs_for

if TYPE_CHECKING:
    from factlint.engine import RunResult

WHOLE_FILE = None  # a changed file whose every line counts
HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)


def _git(args: list[str], cwd: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    except FileNotFoundError as exc:
        raise ConfigError("--changed-since needs git, which is not installed") from exc
    if done.returncode != 0:
        raise ConfigError(f"git {' '.join(args[:2])} failed: {done.stderr.strip() or done.stdout}")
    return done.stdout


def changed_lines(ref: str, cwd: str = ".") -> dict[str, set[int] | None]:
    """Absolute path -> changed line numbers (None: the whole file is new or stands changed)."""
    root = _git(["rev-parse", "--show-toplevel"], cwd).strip()
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root)
    except ConfigError as exc:
        raise ConfigError(f"--changed-since: '{ref}' is not a commit in {root}") from exc
    diff = _git(["-c", "core.quotepath=off", "diff", "--unified=0", "--no-color",
                 "--no-ext-diff", "--relative=", ref, "--"], root)
    changed: dict[str, set[int] | None] = {}
    current: set[int] | None = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            name = line[4:]
            if name == "/dev/null":
                current = None
                continue
            path = os.path.join(root, name[2:] if name.startswith("b/") else name)
            current = changed.setdefault(os.path.abspath(path), set())
        elif line.startswith("@@") and current is not None:
            match = HUNK.match(line)
            if match:
                start, count = int(match.group(1)), int(match.group(2) or 1)
                current.update(range(start, start + count))
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], root)
    for name in filter(None, untracked.split("\0")):
        changed[os.path.abspath(os.path.join(root, name))] = WHOLE_FILE
    for brief in briefs_for(
        [p for p in changed if not p.lower().endswith((".md", ".markdown", ".txt"))]
    ):
        changed[os.path.abspath(brief)] = WHOLE_FILE
    return changed


def keep_changed(result: RunResult, changed: dict[str, set[int] | None]) -> int:
    """Drop findings outside the changed lines; return how many were dropped."""
    kept = []
    for finding in result.findings:
        key = os.path.abspath(finding.path)
        if key in changed and (changed[key] is WHOLE_FILE or finding.line in changed[key]):
            kept.append(finding)
    dropped = len(result.findings) - len(kept)
    result.findings = kept
    return dropped
