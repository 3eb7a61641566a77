"""`factlint annotate brief.docx -o brief.checked.docx`: the findings as Word comments.

The brief is checked as `factlint check` checks it; a copy gets one comment per finding
(author ``factlint``), anchored on the words the finding concerns. To anchor a comment on a
span, the runs at its ends are split in two; both halves keep the run's properties, so no
character and no formatting changes. Before writing, the copy is read back and every
paragraph's text compared with the original's: if anything differs, nothing is written.
factlint's own comments from an earlier run are replaced; everyone else's are kept.
The original is never written.
"""

from __future__ import annotations

import copy
import io
import os
from dataclasses import dataclass, replace

from factlint import engine, messages
from factlint.engine import RunOptions, RunResult, read_word_bytes
from factlint.fileio import write_bytes_atomically
from factlint.finding import Finding
from factlint.word import (
    WordError,
    characters_of,
    notes_part,
    open_word,
    render_with_elements,
    runs_in,
    w,
)

AUTHOR = "factlint"
INITIALS = "FL"
SEVERITY_WORDS = {
    "zh": {"error": "错误", "warning": "警告", "info": "提示"},
    "en": {"error": "error", "warning": "warning", "info": "info"},
}
NOTE_WORDS = {"zh": {"footnotes": "脚注", "endnotes": "尾注"},
              "en": {"footnotes": "Footnote", "endnotes": "Endnote"}}
COLON = {"zh": "：", "en": ": "}
WORDS_BEFORE_MARK = 12  # characters a comment about a note covers before the note's mark
SENTENCE_BREAKS = "。！？；，、.!?;,\n"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
COMMENT_MARKS = (w("commentRangeStart"), w("commentRangeEnd"))


class AnnotateError(Exception):
    """The copy can't be written; the message says why."""


@dataclass
class Annotated:
    result: RunResult  # the check, as `factlint check` would report it
    comments: int  # comments written (every finding gets one if the document has any text)
    replaced: int  # factlint comments of an earlier run removed


def comment_text(finding: Finding, language: str, brief: str) -> str:
    words = SEVERITY_WORDS.get(language, SEVERITY_WORDS["en"])
    where = "" if finding.path == brief else f"{finding.path}:{finding.line}: "
    severity = words[finding.severity]
    text = messages.text_of(finding, "zh" if language == "zh" else "en")
    if language == "zh":
        return f"{finding.code} {finding.name}（{severity}）：{where}{text}"
    return f"{finding.code} {finding.name} ({severity}): {where}{text}"


def annotate(brief: str, output: str, options: RunOptions) -> Annotated:
    """Check ``brief`` and write ``output``, a copy with the findings as comments."""
    if os.path.exists(output) and os.path.samefile(brief, output):
        raise AnnotateError(messages.Phrase("annotate.overwrite"))
    result = engine.run(replace(options, paths=(brief,)))
    if any(f.unreadable for f in result.files):
        unread = next(f for f in result.findings if f.code == "FL001")
        raise AnnotateError(messages.Phrase(unread.message_id, **dict(unread.arguments)))
    data, problem = read_word_bytes(brief)
    if data is None:
        raise AnnotateError(messages.Phrase("cli.cannot-read", path=brief, problem=problem))
    try:
        document = open_word(data, brief)
    except WordError as exc:
        raise AnnotateError(messages.Phrase("cli.cannot-read", path=brief,
                                            problem=exc.args[0] if exc.args else str(exc))
                            ) from exc
    replaced = remove_own_comments(document)
    before, elements = render_with_elements(document)
    if before.text != result.files[0].rendering.text:
        raise AnnotateError(messages.Phrase("annotate.changed", brief=brief))
    from factlint.document import detect_language

    forced = result.files[0].messages  # --messages or `messages:`, else the document's
    language = forced if forced in ("zh", "en") else detect_language(before.text)
    findings = [f for f in result.findings if f.path == brief] + [
        f for f in result.findings if f.path != brief]
    written = sum(anchor_comment(document, before, elements, finding, brief, language)
                  for finding in findings)
    if written:
        _renumber(document)
    stream = io.BytesIO()
    document.save(stream)
    check_unchanged(before, stream.getvalue(), brief)
    write_bytes_atomically(output, stream.getvalue())
    return Annotated(result, written, replaced)


def check_unchanged(before, written: bytes, brief: str) -> None:
    """Refuse a copy whose text differs from the original's in any paragraph."""
    from factlint.word import read_word

    after = read_word(written, brief)
    if after.text != before.text or [p.text for p in after.places] != [
            p.text for p in before.places]:
        raise AnnotateError(messages.Phrase("annotate.text-changed"))


# --- comments in and out --------------------------------------------------------------------


def _story_parts(document) -> list:
    """The parts whose text may hold comment marks (notes too: Word lets editors put them
    there)."""
    parts = [document.part]
    for kind in ("footnotes", "endnotes"):
        part = notes_part(document, kind)
        if part is not None and hasattr(part, "element"):
            parts.append(part)
    return parts


def remove_own_comments(document) -> int:
    """Remove the comments a previous run of factlint wrote, with their marks in the text."""
    comments = notes_part(document, "comments")
    if comments is None:
        return 0
    own = [c for c in comments.element if c.tag == w("comment") and c.get(w("author")) == AUTHOR]
    ids = {c.get(w("id")) for c in own}
    for comment in own:
        comments.element.remove(comment)
    if not ids:
        return 0
    for part in _story_parts(document):
        for mark in list(part.element.iter(*COMMENT_MARKS, w("commentReference"))):
            if mark.get(w("id")) not in ids:
                continue
            parent = mark.getparent()
            parent.remove(mark)
            if parent.tag == w("r") and not [c for c in parent if c.tag != w("rPr")]:
                parent.getparent().remove(parent)  # the run that held only the reference
    return len(ids)


def anchor_comment(document, rendering, elements, finding: Finding, brief: str,
                   language: str) -> bool:
    """Add a comment on the words of the brief ``finding`` points at. One in a note goes on
    the words just before the note's reference mark in the text (LibreOffice cannot open a
    document with comments inside notes, and misnumbers notes whose mark a comment encloses);
    one in the fact file on the first paragraph. False if there is no text to put it on."""
    from docx.text.run import Run

    text = comment_text(finding, language, brief)
    runs = None
    if finding.path == brief:
        start = rendering.offset_of(finding.line, finding.column)
        end = rendering.offset_of(finding.end_line, finding.end_column)
        (first_place, first), (last_place, last) = rendering.span(start, end)
        place = rendering.places[first_place]
        if place.part != "body":
            word = NOTE_WORDS[language][place.part]
            numbered = not place.note.startswith(("footnote-", "endnote-"))  # else: unreferenced
            text = f"{word}{' ' + place.note if numbered else ''}{COLON[language]}{text}"
            runs = _before_reference(document, rendering, elements, first_place, place.part)
        else:
            if rendering.places[last_place].part != "body":
                last_place, last = first_place, len(place.text)
            runs = _anchor_runs(elements, first_place, first, last_place, last)
    for index, place in enumerate(rendering.places):
        if runs is not None:
            break
        if place.part == "body":
            runs = _anchor_runs(elements, index, 0, index, 0)
    if runs is None:
        return False
    document.add_comment([Run(runs[0], None), Run(runs[1], None)], text=text,
                         author=AUTHOR, initials=INITIALS)
    return True


def _renumber(document) -> None:
    """Give every comment an id above every note's: LibreOffice (7.4) shows the wrong text
    in notes whose id equals a comment's. The ids are internal: comments stay as they are."""
    comments = notes_part(document, "comments").element
    notes = [0]
    for kind in ("footnotes", "endnotes"):
        part = notes_part(document, kind)
        if part is not None and hasattr(part, "element"):
            notes += [int(n.get(w("id"))) for n in part.element if n.get(w("id"))]
    base = max(notes) + 1
    new = {c.get(w("id")): str(base + index) for index, c in enumerate(comments.iter(
        w("comment")))}
    marks = [m for part in _story_parts(document)
             for m in part.element.iter(*COMMENT_MARKS, w("commentReference"))]
    for element in (*comments.iter(w("comment")), *marks):
        if element.get(w("id")) in new:
            element.set(w("id"), new[element.get(w("id"))])


def _before_reference(document, rendering, elements, note_place: int, part: str):
    """(first run, last run) on the words just before the first reference to the note
    holding place ``note_place`` (back to the sentence's start, at most a few characters);
    None for a note nothing refers to."""
    note = elements[note_place][0].getparent()
    while note is not None and note.tag not in (w("footnote"), w("endnote")):
        note = note.getparent()
    if note is None:
        return None
    tag = w("footnoteReference") if part == "footnotes" else w("endnoteReference")
    reference = next((r for r in document.element.body.iter(tag)
                      if r.get(w("id")) == note.get(w("id"))), None)
    paragraph = reference
    while paragraph is not None and paragraph.tag != w("p"):
        paragraph = paragraph.getparent()
    index = next((i for i, (p, _) in enumerate(elements) if p is paragraph), None)
    if index is None:
        return None
    element, rels = elements[index]
    at = next(s for r, s, e in runs_in(element, rels) if r is reference.getparent())
    return _words_before(elements, rendering.places[index].text, index, at)


def _words_before(elements, text: str, index: int, at: int):
    """(first run, last run) on the words before offset ``at`` of place ``index`` (back to
    the sentence's start, at most a few characters), or after it when a sentence opens
    there: never on a note's reference mark itself."""
    start = at
    while start > max(0, at - WORDS_BEFORE_MARK) and text[start - 1] not in SENTENCE_BREAKS:
        start -= 1
    if start == at:
        return _anchor_runs(elements, index, at, index, min(len(text), at + WORDS_BEFORE_MARK))
    return _anchor_runs(elements, index, start, index, at)


def _anchor_runs(elements, first_place: int, first: int, last_place: int, last: int):
    """(first run, last run) covering the span, splitting runs at its ends; for an empty
    span, the words before the note reference there, or the whole paragraph."""
    paragraph, rels = elements[first_place]
    if first_place == last_place and first >= last:
        runs = runs_in(paragraph, rels)
        shown = [r for r, s, e in runs if e > s]
        if any(s == e == first for _, s, e in runs) and shown:  # a note's mark
            text = "".join(characters_of(c) for r in shown for c in r)
            return _words_before(elements, text, first_place, first)
        return (shown[0], shown[-1]) if shown else None
    _split_at(paragraph, rels, first)
    last_paragraph, last_rels = elements[last_place]
    _split_at(last_paragraph, last_rels, last)
    starting = [r for r, s, e in runs_in(paragraph, rels) if s >= first and e > s]
    ending = [r for r, s, e in runs_in(last_paragraph, last_rels) if e <= last and e > s]
    if not starting or not ending:
        return None
    return starting[0], ending[-1]


def _split_at(paragraph, rels, offset: int) -> None:
    """Make ``offset`` fall on a run boundary, splitting the run across it in two."""
    for run, start, end in runs_in(paragraph, rels):
        if start < offset < end:
            right = copy.deepcopy(run)
            _keep(run, offset - start, left=True)
            _keep(right, offset - start, left=False)
            run.addnext(right)
            return


def _keep(run, at: int, left: bool) -> None:
    """Keep the run's characters before ``at`` (left) or from ``at`` on; its properties stay,
    and marks without text go with the half they sit in."""
    position = 0
    for child in list(run):
        if child.tag == w("rPr"):
            continue
        chars = characters_of(child)
        child_start, position = position, position + len(chars)
        if not chars:
            if (child_start < at) != left:
                run.remove(child)
        elif (child_start >= at) if left else (position <= at):
            run.remove(child)  # wholly in the other half
        elif child_start < at < position:
            child.text = chars[: at - child_start] if left else chars[at - child_start :]
            child.set(XML_SPACE, "preserve")
