"""The repository boundary that data files, packs and caches must stay inside."""

from __future__ import annotations

import os

from factlint.trust import is_within, repository_root


def test_git_top_level_is_the_root(tmp_path):
    (tmp_path / ".git").mkdir()
    brief = tmp_path / "docs" / "brief.md"
    brief.parent.mkdir()
    brief.write_text("x", encoding="utf-8")
    assert repository_root(brief) == tmp_path.resolve()


def test_without_git_the_fallback_then_the_folder(tmp_path):
    brief = tmp_path / "a" / "brief.md"
    brief.parent.mkdir()
    brief.write_text("x", encoding="utf-8")
    config = tmp_path / "factlint.yaml"
    config.write_text("", encoding="utf-8")
    if repository_root(brief) != brief.parent.resolve():  # tmp inside some repository
        return
    assert repository_root(brief, fallback=config) == tmp_path.resolve()


def test_escapes_and_symlinks_out_are_outside(tmp_path):
    inside = tmp_path / "repo"
    inside.mkdir()
    (inside / "data.csv").write_text("a\n", encoding="utf-8")
    outside = tmp_path / "secret.csv"
    outside.write_text("s\n", encoding="utf-8")
    os.symlink(outside, inside / "link.csv")
    assert is_within(inside / "data.csv", inside)
    assert not is_within(inside / ".." / "secret.csv", inside)
    assert not is_within(outside, inside)
    assert not is_within(inside / "link.csv", inside)
