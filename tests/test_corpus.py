"""Every document of the shared corpus is checked without a traceback, with findings we expect.

The corpus holds real public documents with their own citation habits (see
../shared/corpus/SOURCES.tsv). Expectations here come from reading them by hand.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import pytest
from conftest import CORPUS, shared_or_skip


def _corpus_files():
    if not CORPUS.exists():
        return [pytest.param(None, marks=pytest.mark.skip(reason="../shared/corpus is absent"))]
    return sorted(CORPUS.glob("*.md"))


@pytest.fixture(scope="module")
def report():
    shared_or_skip(CORPUS)
    done = subprocess.run(
        [sys.executable, "-m", "factlint", "check", "--offline", "--format", "json", str(CORPUS)],
        capture_output=True, text=True, timeout=300,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def by_file(report, name):
    return Counter(f["code"] for f in report["findings"] if f["path"].endswith(name))


def findings(report, name, code):
    return [f for f in report["findings"] if f["path"].endswith(name) and f["code"] == code]


def test_every_document_is_checked(report):
    assert report["summary"]["files"] == len(list(CORPUS.glob("*.md")))


def test_clean_policy_briefs_are_clean(report):
    for name in ("zh-ooni-internet-freedom.md", "en-ooni-internet-freedom.md"):
        assert {c for c in by_file(report, name)} <= {"FL107"}, by_file(report, name)


def test_apple_marker_without_definition_and_label_defined_twice(report):
    name = "zh-ggame-apple.md"
    assert [f["message"] for f in findings(report, name, "FL101")] == [
        "citation [^nyt_apple_china_icloud] points to no source: add source "
        "nyt_apple_china_icloud to the notes, or correct the number"]
    assert ["44539" in f["message"] for f in findings(report, name, "FL104")] == [True]


def test_github_label_collision(report):
    assert ["25154" in f["message"]
            for f in findings(report, "zh-ggame-github.md", "FL104")] == [True]


def test_inline_footnote_typo(report):
    (finding,) = findings(report, "zh-solargelm-ch07-adaptation.md", "FL101")
    assert "looks like a note written into the text" in finding["message"]


def test_references_list_in_gbt_style(report):
    name = "zh-solargelm-ch14-llama.md"
    order = findings(report, name, "FL103")
    assert any("12 is cited before 11" in f["message"] for f in order)
    assert not findings(report, name, "FL102")  # "Transformer[3]" cites 3 after a Latin word
    assert not findings(report, name, "FL101")  # [J] and [M] type codes are not citations
    assert not findings(report, name, "FL106")  # English references in a Chinese chapter


def test_reference_lists_that_restart_and_are_never_cited(report):
    """Each metric's section has its own reading list, numbered from 1 and cited by no
    marker: bibliographies, neither duplicate labels nor unused notes."""
    name = "zh-kaiyuanshe-2024-data.md"
    assert not findings(report, name, "FL104")
    assert not findings(report, name, "FL102")
    assert not findings(report, name, "FL101")  # "[1-10] 区间" is an interval


def test_numbered_reference_links_are_not_citations(report):
    for name in ("en-18f-hsts-preload.md", "en-18f-one-year.md"):
        counts = by_file(report, name)
        assert not {"FL101", "FL102", "FL103", "FL104"} & set(counts), counts


def test_word_labels_are_not_numbered(report):
    for name in ("zh-tw-opengov-ch2.md", "en-tw-opengov-ch2.md"):
        counts = by_file(report, name)
        assert "FL103" not in counts and "FL101" not in counts, counts


def test_wapi_footnotes_after_paragraphs_are_not_page_splits(report):
    assert len(findings(report, "zh-ggame-wapi.md", "FL603")) <= 1


def test_unsourced_chapter_is_flagged(report):
    counts = by_file(report, "zh-kaiyuanshe-2024-ossai.md")
    assert counts["FL201"] >= 20
