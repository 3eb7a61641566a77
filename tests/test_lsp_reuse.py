"""What `factlint lsp` keeps from one edit to the next gives what a fresh start gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from factlint import lsp

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
