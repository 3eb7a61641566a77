"""Rejoining page-split paragraphs (FL603): the edits, over the original code-point offsets.

FL603 attaches ``rejoin_fixes`` to its findings; ``factlint fix`` (fix.py) applies
``rejoin_edits`` of the plans ``rejoins`` makes. What the edits promise is in fix.py's
docstring.
"""

# Annotations are evaluated here (no `from __future__ import annotations`): typing.NamedTuple
# compiles each field's annotation given as a string (typing.ForwardRef), ~0.14 M
# instructions a field at every start.

import re
from collections.abc import Sequence
from typing import NamedTuple

from factlint.document import (
    CLOSERS,
    FOOTNOTE_MARKER,
    HTML_COMMENT,
    HTML_TAG,
    SUP_MARKER,
    THEMATIC_BREAK,
    Document,
    Paragraph,
    without_inline_code,
)
from factlint.finding import Edit, Fix
from factlint.messages import Phrase

JOIN_WHITESPACE = " \t\u3000"


def newline_of(text: str) -> str:
    """The newline the file uses most: CRLF stays CRLF."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


class _Rejoin(NamedTuple):
    paragraph: Paragraph
    joins: tuple[Edit, ...]  # each gap between two pieces -> the joiner
    blocks: tuple[str, ...]  # the text of each gap, without its surrounding blank lines
    insert_at: int  # where the blocks go: the end of a paragraph


def _ends_sentence(doc: Document, end: int) -> bool:
    """The reader's test: does the text before ``end`` close a sentence?"""
    text = doc.text[max(0, end - 400) : end]
    text = without_inline_code(HTML_COMMENT.sub("", text), fill="")
    for pattern in (HTML_TAG, SUP_MARKER, FOOTNOTE_MARKER):
        text = pattern.sub("", text)
    text = text.rstrip().rstrip(CLOSERS + " ")
    enders = (doc.pack.sentence_enders if doc.pack else "") + "。！？!?…."
    return not text or text[-1] in enders


def _separated(doc: Document, start: int, end: int) -> bool:
    """Does something between two paragraphs keep the reader from joining them?"""
    if any(start <= h.line_start < end for h in doc.headings):
        return True
    if any(start <= t[0] < end for t in doc.tables):
        return True
    if any(start <= d.start < end for d in doc.definitions):
        return True
    return any(THEMATIC_BREAK.match(line) for line in doc.text[start:end].split("\n"))


def _landing(doc: Document, paragraphs: Sequence[Paragraph], index: int) -> int:
    """The paragraph after which moved definitions cannot split anything.

    Definitions after a paragraph that does not end a sentence, followed by body text,
    would read as a page split again; such definitions go after the next paragraph.
    """
    j = index
    while j + 1 < len(paragraphs):
        here, after = paragraphs[j], paragraphs[j + 1]
        if (_ends_sentence(doc, here.end) or after.kind != "body"
                or _separated(doc, here.end, after.start)):
            break
        j += 1
    return j


def _gap_block(text: str, start: int, end: int) -> str:
    """The lines between two pieces, without the blank lines around them."""
    gap = text[start:end]
    first = re.search(r"\S", gap)
    if first is None:
        return ""
    block_start = gap.rfind("\n", 0, first.start()) + 1
    last = len(gap.rstrip()) - 1
    block_end = gap.find("\n", last)
    block_end = len(gap) if block_end < 0 else block_end
    if block_end > 0 and gap[block_end - 1] == "\r":
        block_end -= 1
    return gap[block_start:block_end]


def rejoins(doc: Document) -> list[_Rejoin]:
    text = doc.text
    joiner = "" if doc.language == "zh" else " "
    paragraphs = sorted(doc.paragraphs, key=lambda p: p.start)
    plans = []
    for index, paragraph in enumerate(paragraphs):
        if not paragraph.splits:
            continue
        joins, blocks = [], []
        pairs = zip(paragraph.pieces, paragraph.pieces[1:], strict=False)
        for (_, left_end), (right_start, _) in pairs:
            start = left_end
            while start > 0 and text[start - 1] in JOIN_WHITESPACE:
                start -= 1
            end = right_start
            while end < len(text) and text[end] in JOIN_WHITESPACE:
                end += 1
            joins.append(Edit(start, end, joiner))
            block = _gap_block(text, left_end, right_start)
            if block:
                blocks.append(block)
        landing = paragraphs[_landing(doc, paragraphs, index)]
        plans.append(_Rejoin(paragraph, tuple(joins), tuple(blocks), landing.end))
    return plans


def _insertion(text: str, at: int, blocks: Sequence[str], nl: str) -> str:
    """Blocks to insert at the end of a paragraph, with a blank line before and after."""
    inserted = nl + nl + (nl + nl).join(blocks)
    rest = text[at:]
    following = re.match(r"\r?\n([ \t]*)(\S)?", rest)
    if following and following.group(2) is not None:
        inserted += nl  # the next block followed directly: keep a blank line before it
    return inserted


def rejoin_edits(doc: Document, plans: Sequence[_Rejoin], nl: str | None = None
                 ) -> list[Edit]:
    nl = nl or newline_of(doc.text)
    edits: list[Edit] = []
    landing: dict[int, list[str]] = {}
    for plan in plans:
        edits.extend(plan.joins)
        landing.setdefault(plan.insert_at, []).extend(plan.blocks)
    for at, blocks in landing.items():
        if blocks:
            edits.append(Edit(at, at, _insertion(doc.text, at, blocks, nl)))
    return edits


def rejoin_fixes(doc: Document) -> list[tuple[Paragraph, Fix]]:
    """One Fix per page-split paragraph: attach it to that paragraph's FL603 findings."""
    fixes = []
    nl = newline_of(doc.text)  # once: a scan of the whole text
    for plan in rejoins(doc):
        description = Phrase("fixdesc.rejoin-paragraph", count=len(plan.joins))
        fixes.append((plan.paragraph, Fix(description, tuple(rejoin_edits(doc, [plan], nl)))))
    return fixes


def rejoin_fix(doc: Document) -> Fix | None:
    """All page-split paragraphs of the brief rejoined at once."""
    plans = rejoins(doc)
    if not plans:
        return None
    count = sum(len(p.joins) for p in plans)
    return Fix(Phrase("fixdesc.rejoin", count=count), tuple(rejoin_edits(doc, plans)))
