"""Which files a run checks: briefs named on the command line, and folders walked.

A walk takes the files whose suffix says "brief" (related.is_walked_brief: `.md`,
`.markdown`) and those a configuration's `include:` adds, and leaves out what `.gitignore`
and `.factlintignore` files say (gitignore syntax, read by pathspec; each applies to its
folder and below, from the repository's top down, plus `.git/info/exclude`), hidden and
vendored folders. A folder that cannot be read is reported, never skipped in silence.

A file named on the command line is checked whatever its suffix or the ignore files say,
unless ``force_exclude`` asks for the walk's rules (pre-commit names every file it matched).
A fact file or data file named stands for the briefs that use it (related.briefs_for).
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from factlint.reading import read_bytes_limited
from factlint.related import (
    DATA_SUFFIXES,
    FACT_FILE,
    briefs_for,
    is_brief_name,
    is_walked_brief,
)
from factlint.trust import repository_root

if TYPE_CHECKING:
    from factlint.settings import Settings

SettingsOf = Callable[[str], "Settings"]  # the configuration that governs a file

IGNORE_FILES = (".gitignore", ".factlintignore")
SKIPPED_FOLDERS = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox"}
STDIN = "-"
MAX_IGNORE_BYTES = 1024 * 1024


@dataclass(eq=False, repr=False)
class Found:
    """What a walk of the paths found: the briefs, the folders it could not read and the
    files named that are not briefs."""

    briefs: list[str] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (folder, why)
    set_aside: list[str] = field(default_factory=list)  # named, but not briefs to check


@lru_cache(maxsize=1024)
def _spec(folder: str, name: str):
    """The gitignore rules of one file in ``folder`` (None when it has none). Only a regular
    file is read (a FIFO named .gitignore must not block the walk), at most 1 MB of it."""
    try:
        lines = read_bytes_limited(os.path.join(folder, name), MAX_IGNORE_BYTES,
                                   "ignore file").decode("utf-8", "replace").splitlines()
    except OSError:
        return None
    if not lines:
        return None
    import pathspec  # only when there are rules to read: it costs ~50 ms to import

    return pathspec.GitIgnoreSpec.from_lines(lines)


class IgnoreRules:
    """The ignore files that govern one folder: (folder, spec), outermost first."""

    def __init__(self, specs: tuple[tuple[str, object], ...] = ()):
        self.specs = specs

    @classmethod
    def above(cls, folder: str) -> IgnoreRules:
        """The rules from the repository's top (or ``folder`` itself) down to ``folder``."""
        real = os.path.realpath(folder)
        top = str(repository_root(real))
        relative = os.path.relpath(real, top)
        if relative == "." or relative.startswith(".."):
            chain = [real]
        else:
            parts = relative.split(os.sep)
            chain = [top] + [os.path.join(top, *parts[:i + 1]) for i in range(len(parts))]
        rules = cls()
        exclude = _spec(os.path.join(top, ".git", "info"), "exclude")
        if exclude is not None and chain[0] == top:
            rules = cls(((top, exclude),))
        for ancestor in chain:
            rules = rules.entering(ancestor)
        return rules

    def entering(self, folder: str) -> IgnoreRules:
        added = tuple((folder, spec) for name in IGNORE_FILES
                      if (spec := _spec(folder, name)) is not None)
        return IgnoreRules(self.specs + added) if added else self

    def ignored(self, path: str, is_dir: bool = False) -> bool:
        """Whether the ignore files leave out ``path`` (its folder given as a real path)."""
        verdict = False
        for folder, spec in self.specs:
            relative = os.path.relpath(path, folder).replace(os.sep, "/")
            if relative.startswith("../"):
                continue
            result = spec.check_file(relative + "/" if is_dir else relative)
            if result.include is not None:
                verdict = result.include
        return verdict


def _matches(path: str, patterns: tuple[tuple[str, str], ...]) -> bool:
    """Whether ``path`` matches one of (folder, glob), each glob relative to its folder."""
    absolute = os.path.abspath(path)
    for folder, pattern in patterns:
        relative = os.path.relpath(absolute, folder).replace(os.sep, "/")
        if not relative.startswith("../") and fnmatch.fnmatch(relative, pattern):
            return True
    return False


def _is_brief(path: str, settings: Settings, named: bool = False) -> bool:
    """Whether a walk (or, ``named``, --force-exclude) takes ``path`` as a brief: by suffix
    (related.py), Word briefs when named or configured (`docx: true`), and what `include:`
    adds."""
    return (is_walked_brief(path, docx=named or settings.docx)
            or (is_brief_name(path) and _matches(path, settings.include)))


def walk(folder: str, settings_of: SettingsOf, found: Found) -> None:
    """Add the briefs under ``folder`` to ``found``; ``settings_of(path)`` is the
    configuration of a file there (its `include:` and `docx:`)."""
    rules_of = {os.path.realpath(folder): IgnoreRules.above(folder)}

    def unreadable(error: OSError) -> None:
        found.unreadable.append((error.filename or folder, error.strerror or str(error)))

    for root, folders, files in os.walk(folder, onerror=unreadable):
        real = os.path.realpath(root)
        rules = rules_of.pop(real, None) or IgnoreRules.above(root)
        kept = []
        for name in sorted(folders):
            inner = os.path.join(real, name)
            if name in SKIPPED_FOLDERS or name.startswith(".") or rules.ignored(inner, True):
                continue
            kept.append(name)
            rules_of[inner] = rules.entering(inner)
        folders[:] = kept
        for name in sorted(files):
            path = os.path.join(root, name)
            if rules.ignored(os.path.join(real, name)):
                continue
            if _is_brief(path, settings_of(path)):
                found.briefs.append(path)


def discover(paths: Sequence[str], settings_of: SettingsOf, force_exclude: bool = False
             ) -> Found:
    """Briefs named on the command line or found in the folders named, in a stable order."""
    found = Found()
    related: list[str] = []  # fact and data files stand for the briefs that use them
    for given in paths:
        path = Path(given)
        if given == STDIN:
            found.briefs.append(given)
        elif FACT_FILE.search(path.name) or (
            path.suffix.lower() in DATA_SUFFIXES and not is_brief_name(path.name)
        ):
            related.append(given)
        elif os.path.isdir(given):  # False too when it cannot be looked at: then FL001
            walk(given, settings_of, found)
        elif force_exclude and (
            IgnoreRules.above(str(path.parent)).ignored(
                os.path.join(os.path.realpath(path.parent), path.name))
            or not _is_brief(given, settings_of(given), named=True)
        ):
            found.set_aside.append(given)
        else:
            found.briefs.append(given)  # a missing file becomes FL001 when it is read
    if related:
        briefs = briefs_for(related)
        if not briefs:
            found.set_aside.extend(related)
        found.briefs.extend(briefs)
    unique: dict[str, str] = {}
    for brief in found.briefs:  # `a.md`, `./a.md` and a fact file's `a.md` are one brief
        unique.setdefault(brief if brief == STDIN else os.path.normpath(os.path.abspath(brief)),
                          brief)
    found.briefs = list(unique.values())
    return found
