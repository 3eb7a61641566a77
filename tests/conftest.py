"""Shared test helpers: lint a snippet the way the CLI would, find the shared corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from factlint.engine import RunOptions, check_file

# Property tests run on loaded machines (CI, two cores shared with other work), where
# hypothesis's 200 ms deadline per example turns a slow moment into a failure.
settings.register_profile("factlint", deadline=None)
settings.load_profile("factlint")

# The CLI (in-process and in subprocesses) speaks English in the tests, which read its
# wording; tests of the message languages set FACTLINT_MESSAGES or --messages themselves.
os.environ["FACTLINT_MESSAGES"] = "en"

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "guangxi-data-industry-brief.md"
CORPUS = SHARED / "corpus"


def shared_or_skip(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared seed and corpus live beside the repo "
                    "in ../shared")
    return path


@pytest.fixture
def locale(monkeypatch):
    """Set the locale for ``--messages auto``, with no other language setting: call it
    with a LANG value; it returns the monkeypatch."""
    def set_locale(lang: str):
        monkeypatch.delenv("FACTLINT_MESSAGES", raising=False)
        for name in ("LC_ALL", "LC_MESSAGES"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("LANG", lang)
        return monkeypatch
    return set_locale


@pytest.fixture
def seed_text() -> str:
    return shared_or_skip(SEED).read_text(encoding="utf-8")


@pytest.fixture
def lint(tmp_path):
    """lint(text, name='brief.md', select=None) -> findings for that brief, offline."""

    def run(text: str, name: str = "brief.md", select: tuple[str, ...] | None = None):
        from factlint.config import Overrides

        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        options = RunOptions(paths=(str(path),), overrides=Overrides(select=select), offline=True)
        return check_file(str(path), options).findings

    return run


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def at(findings, code: str) -> list[tuple[int, int]]:
    return [(f.line, f.column) for f in findings if f.code == code]


# CI runs a fixed set of generated examples so a run is repeatable; locally they vary.
try:
    import os

    from hypothesis import settings as _hypothesis_settings

    _hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
    if os.environ.get("CI"):
        _hypothesis_settings.load_profile("ci")
except ImportError:  # pragma: no cover - hypothesis is a test dependency
    pass
