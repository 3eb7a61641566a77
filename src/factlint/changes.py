"""``--changed-since REF``: keep only findings on lines changed since a git ref.

A pull-request gate should blame a change for the faults it adds, not for old ones. Lines
come from ``git diff --unified=0`` of the working tree against the merge base of REF and
HEAD (what a pull request shows), or against REF itself with ``two_point``, plus untracked
files; a brief whose fact file or data file changed counts as changed throughout.

The diff is asked for in one fixed shape whatever the user's git configuration says
(prefixes, external diff drivers, colour, rename detection, path quoting), and file
names that git still quotes are unquoted here.
"""

from __future__ import annotations

import os
import re
import subprocess
from typing import TYPE_CHECKING

from factlint.config import ConfigError
from factlint.messages import Phrase
from factlint.related import briefs_for, is_brief_name

if TYPE_CHECKING:
    from factlint.engine import RunResult

WHOLE_FILE = None  # a changed file whose every line counts
HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")

# Settings that change the shape of `git diff` output, pinned for our call. Renames are
# detected (as GitHub's pull-request view does), so a moved brief reports only the lines
# the move changed; copies are not, so a copied brief counts as new.
FIXED_CONFIG = (
    "core.quotePath=false", "diff.mnemonicPrefix=false", "diff.noprefix=false",
    "diff.relative=false", "diff.renames=true", "color.diff=false", "color.ui=false",
    "diff.suppressBlankEmpty=false",
)
DIFF_OPTIONS = (
    "--no-ext-diff", "--no-textconv", "--no-color", "--find-renames",
    "--src-prefix=a/", "--dst-prefix=b/", "--unified=0", "--diff-filter=d",
)
# Environment variables that would change git's diff output or where it looks.
DROPPED_ENVIRONMENT = ("GIT_EXTERNAL_DIFF", "GIT_DIFF_OPTS", "GIT_CONFIG_PARAMETERS",
                       "GIT_CONFIG_COUNT")


def _git(args: list[str], cwd: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENVIRONMENT
           and not k.startswith(("GIT_CONFIG_KEY_", "GIT_CONFIG_VALUE_"))}
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=120,
                              env=env)
    except FileNotFoundError as exc:
        raise ConfigError(Phrase("config.no-git")) from exc
    if done.returncode != 0:
        problem = done.stderr.decode("utf-8", "replace").strip()
        raise ConfigError(Phrase("config.git-failed", command=" ".join(args[:2]),
                                 problem=problem))
    return done.stdout.decode("utf-8", "surrogateescape")


def _unquote(name: str) -> str:
    """A path as git writes it in a diff header: plain, or C-quoted with octal escapes."""
    if not (len(name) >= 2 and name.startswith('"') and name.endswith('"')):
        return name
    escapes = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}
    raw, body, i = bytearray(), name[1:-1], 0
    while i < len(body):
        char = body[i]
        if char != "\\":
            raw += char.encode("utf-8", "surrogateescape")
            i += 1
        elif body[i + 1:i + 4].isdigit() and len(body[i + 1:i + 4]) == 3:
            raw.append(int(body[i + 1:i + 4], 8) & 0xFF)
            i += 4
        else:
            raw.append(escapes.get(body[i + 1:i + 2], ord("\\")))
            i += 2
    return raw.decode("utf-8", "surrogateescape")


def _target(header: str) -> str | None:
    """The new path of a ``+++ b/…`` header, or None for ``/dev/null``."""
    name = header[4:]
    if name.endswith("\t"):  # git ends names holding spaces with a tab
        name = name[:-1]
    name = _unquote(name)
    if name == "/dev/null":
        return None
    return name[2:] if name.startswith("b/") else name


def parse_diff(diff: str, root: str) -> dict[str, set[int]]:
    """Absolute path -> the line numbers added or changed in it, from unified=0 output."""
    changed: dict[str, set[int]] = {}
    current: set[int] | None = None
    for line in diff.split("\n"):
        if line.startswith("+++ "):
            name = _target(line)
            current = None if name is None else changed.setdefault(
                os.path.abspath(os.path.join(root, name)), set())
        elif line.startswith("@@") and current is not None:
            match = HUNK.match(line)
            if match:
                start, count = int(match.group(1)), int(match.group(2) or 1)
                current.update(range(start, start + count))
        elif line.startswith("diff --git "):
            current = None
    return changed


def base_commit(ref: str, root: str, two_point: bool = False) -> str:
    """The commit to diff against: the merge base of REF and HEAD, or REF itself."""
    try:
        commit = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root).strip()
    except ConfigError as exc:
        raise ConfigError(Phrase("config.not-a-commit", ref=ref, root=str(root))) from exc
    if two_point:
        return commit
    try:
        return _git(["merge-base", commit, "HEAD"], root).strip()
    except ConfigError as exc:
        raise ConfigError(Phrase("config.no-ancestor", ref=ref, root=str(root))) from exc


def changed_lines(ref: str, cwd: str = ".", two_point: bool = False
                  ) -> dict[str, set[int] | None]:
    """Absolute path -> changed line numbers (None: the whole file is new or stands changed)."""
    root = _git(["rev-parse", "--show-toplevel"], cwd).strip()
    base = base_commit(ref, root, two_point)
    pinned = [part for setting in FIXED_CONFIG for part in ("-c", setting)]
    diff = _git([*pinned, "diff", *DIFF_OPTIONS, base, "--"], root)
    changed: dict[str, set[int] | None] = dict(parse_diff(diff, root))
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], root)
    for name in filter(None, untracked.split("\0")):
        changed[os.path.abspath(os.path.join(root, name))] = WHOLE_FILE
    for brief in briefs_for([p for p in changed if not is_brief_name(p)]):
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
