"""Where a checked tree ends: the repository root, and whether a path stays inside it.

factlint runs on untrusted pull requests, so files a brief, fact file or configuration
names (data files, packs, caches, `file:` sources) must resolve inside the repository.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=256)
def _git_top(folder: str) -> str | None:
    current = Path(folder)
    for candidate in (current, *current.parents):
        if (candidate / ".git").exists():
            return str(candidate)
    return None


def repository_root(path: str | os.PathLike, fallback: str | os.PathLike | None = None) -> Path:
    """The git top level above ``path``; else ``fallback`` (a config file's folder); else the
    folder of ``path`` itself."""
    resolved = Path(os.path.abspath(path))
    folder = resolved if resolved.is_dir() else resolved.parent
    top = _git_top(str(folder.resolve()))
    if top is not None:
        return Path(top)
    if fallback is not None:
        fallback = Path(os.path.abspath(fallback))
        return (fallback if fallback.is_dir() else fallback.parent).resolve()
    return folder.resolve()


def is_within(path: str | os.PathLike, root: str | os.PathLike) -> bool:
    """True when ``path``, with every symlink resolved, lies inside ``root``."""
    try:
        target = os.path.realpath(path)
        top = _real_root(os.fspath(root))
    except (OSError, RuntimeError, ValueError):  # a symlink loop
        return False
    return target == top or target.startswith(top.rstrip(os.sep) + os.sep)


@lru_cache(maxsize=256)
def _real_root(root: str) -> str:
    """A root resolved once per run: every brief of a tree asks about the same one."""
    return os.path.realpath(root)
