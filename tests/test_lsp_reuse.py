"""What `factlint lsp` keeps from one edit to the next gives what a fresh start gives."""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from factlint import api, lsp

# line ends, astral characters (two UTF-16 units each), CJK and Latin text
PIECES = st.text(alphabet=st.sampled_from(["\n", "😀", "𠀀", "数", "a", " ", "\r"]),
                 max_size=12)


@st.composite
def edits(draw):
    text = draw(PIECES)
    changes = []
    length = len(text)
    for _ in range(draw(st.integers(1, 6))):
        start = draw(st.integers(0, length))
        end = draw(st.integers(start, length))
        new = draw(PIECES)
        changes.append((start, end, new))
        length += len(new) - (end - start)
    return text, changes


@settings(max_examples=400, deadline=None)
@given(edits(), st.booleans())
def test_an_edited_text_is_the_text_read_afresh(case, utf16):
    text, changes = case
    kept = lsp.Text(text, utf16)
    for start, end, new in changes:
        kept = kept.edited(start, end, new, utf16)
        text = text[:start] + new + text[end:]
        fresh = lsp.Text(text, utf16)
        assert (kept.text, kept.starts, kept.utf16, kept.astral) == (
            fresh.text, fresh.starts, fresh.utf16, fresh.astral)


def test_a_checked_buffer_depends_on_the_other_files_of_its_document(tmp_path):
    """inspect_text takes the brief's document from its run (RunResult.groupings), which
    found it as document_files does."""
    notes = "[^a]: 澜州市数据局，《数据企业名录》\n\n[^b]: 澜州市统计局，《统计公报》\n"
    (tmp_path / "guide-notes.md").write_text(notes, encoding="utf-8")
    (tmp_path / "guide-02.md").write_text("# 二\n\n骨干企业达42家[^b]。\n", encoding="utf-8")
    brief = tmp_path / "guide-01.md"
    brief.write_text("# 一\n\n全市数据企业超600家[^a]。\n", encoding="utf-8")
    files = api.document_files(str(brief))
    assert {os.path.basename(f) for f in files} == {"guide-01.md", "guide-02.md",
                                                    "guide-notes.md"}
    checked = api.inspect_text("# 一\n\n全市数据企业超600家[^a]。骨干企业达42家[^b]。\n",
                               str(brief))
    assert "FL101" not in {f.code for f in checked.result.findings}  # [^b] is in the notes
    others = {os.path.abspath(f) for f in files} - {os.path.abspath(brief)}
    assert others <= checked.depends_on
    alone = tmp_path / "alone" / "brief.md"
    alone.parent.mkdir()
    alone_checked = api.inspect_text("# 一\n\n全市数据企业超600家[^a]。\n", str(alone))
    assert not {f for f in alone_checked.depends_on if f.endswith(".md")}
