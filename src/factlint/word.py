"""A Word brief (.docx), rendered once into Markdown-like text that the Markdown reader reads.

Every rule reads one ``Document``; rather than teach each rule about Word, a ``.docx`` is
rendered into the shapes the reader already knows, with a map from each character of the
rendering back to where it came from (part, paragraph, character offset):

- a paragraph is a block of its own; a heading (by style, outline level or numbered text) is
  ``#`` … ``######`` before its text;
- a real footnote or endnote reference is ``[^label]`` (footnotes numbered 1, 2, 3… in order
  of first reference, as Word shows them; endnotes i, ii, iii…), and each note becomes a
  ``[^label]: …`` definition after the body;
- digits in a superscript run (a citation typed by hand) are ``¹⁸``, a list ``<sup>3,4</sup>``;
- a hyperlink (a ``w:hyperlink`` or a HYPERLINK field) is ``[text](url)``; a REF or NOTEREF
  field to a bookmark around a note reference cites that note again;
- a table is rows of ``| cell | cell |``.

Text boxes, SmartArt, charts, embedded objects and equations are not read: they are counted,
so a report can say what it did not check. ``factlint show brief.docx`` prints the rendering.
"""

from __future__ import annotations

import io
import re
import zipfile
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from factlint.finding import Finding
from factlint.messages import Message, Phrase, catalog

MAX_UNPACKED_BYTES = 256 * 1024 * 1024  # a zip bomb is refused before it is inflated
EXCERPT_CHARS = 24

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
MATH = "http://schemas.openxmlformats.org/officeDocument/2006/math"
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
ENDNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml"


def w(name: str) -> str:
    return f"{{{W}}}{name}"


P, RUN, TEXT, TABLE, ROW, CELL = w("p"), w("r"), w("t"), w("tbl"), w("tr"), w("tc")
FOOTNOTE_REFERENCE, ENDNOTE_REFERENCE = w("footnoteReference"), w("endnoteReference")
BOOKMARK_START, BOOKMARK_END = w("bookmarkStart"), w("bookmarkEnd")
# What a run shows besides w:t, as python-docx's Run.text counts it.
ONE_CHARACTER = {w("tab"): "\t", w("ptab"): "\t", w("cr"): "\n", w("noBreakHyphen"): "-"}
# Block-level wrappers whose paragraphs are part of the text (content controls, insertions).
CONTAINERS = {w("sdt"), w("sdtContent"), w("customXml"), w("ins")}
# Containers whose runs are not part of the visible text.
HIDDEN = {w("pPr"), w("rPr"), w("del"), w("moveFrom"), w("instrText"), w("delText")}
# Parts of a run that hold content the reader can't check (counted as not checked).
UNSUPPORTED = (
    ("text box", ".//w:txbxContent"),
    ("SmartArt diagram", ".//*[local-name()='graphicData'][contains(@uri, 'diagram')]"),
    ("chart", ".//*[local-name()='graphicData'][contains(@uri, 'chart')]"),
    ("embedded object", ".//w:object"),
    ("equation", ".//m:oMath"),
)
NAMESPACES = {"w": W, "m": MATH}
PLURALS = {"text box": "text boxes", "SmartArt diagram": "SmartArt diagrams", "chart": "charts",
           "embedded object": "embedded objects", "equation": "equations",
           "header or footer": "headers or footers"}


def describe_not_checked(counts: dict[str, int]) -> str:
    """{"text box": 2, "chart": 1} -> "1 chart, 2 text boxes"."""
    return ", ".join(f"{count} {kind if count == 1 else PLURALS.get(kind, kind + 's')}"
                     for kind, count in sorted(counts.items()))
# A paragraph opening with these would read as a code fence, a table, a quote or a heading;
# a zero-width space before it (in the rendering only) keeps it a paragraph.
BLOCK_OPENERS = ("```", "~~~", "|", ">", "#")
PLAIN_MARK = "\u200b"
CITATION_DIGITS = re.compile(r"\d{1,4}(?:\s*[,，、]\s*\d{1,4}|\s*[-–—~]\s*\d{1,4})*")
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
HEADING_STYLE = re.compile(r"(?:heading|标题)\s*([1-9])", re.IGNORECASE)
TITLE_STYLES = {"title", "标题"}
TOC_STYLE = re.compile(r"(?:toc|目录)\s*\d", re.IGNORECASE)
# A short paragraph opening with 一、 or （一） and no closing punctuation is a heading.
NUMBERED_HEADINGS = ((re.compile(r"[一二三四五六七八九十]{1,3}、"), 2),
                     (re.compile(r"[（(][一二三四五六七八九十]{1,3}[）)]"), 3))
NUMBERED_HEADING_MAX = 40
FIELD_TARGET = re.compile(r'^\s*(HYPERLINK|REF|NOTEREF)\s+(?:"([^"]*)"|(\S+))(.*)$',
                          re.IGNORECASE | re.DOTALL)
ROMAN = (("m", 1000), ("cm", 900), ("d", 500), ("cd", 400), ("c", 100), ("xc", 90),
         ("l", 50), ("xl", 40), ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))


# Advice the rules give in Markdown terms, said as an editor does it in Word: a heading
# level is a style, a hand-typed citation style is named as typed, and `factlint fix`
# (which edits text briefs only) is not offered.
WORD_STYLES = {"[^N]": "word.style.footnote", "¹²³": "word.style.unicode"}


def in_word_terms(finding: Finding) -> Finding:
    """``finding`` (of a Word brief) with its advice in Word's terms, in every language: the
    message id's ``.word`` variant where the catalog has one (no `factlint fix` hint), a
    heading's ``#`` marks as the style Heading N, citation styles as Word shows them."""
    if not finding.message_id:
        return replace(finding, fix=None)
    base = finding.message_id.removesuffix(".renumbered")
    message_id = f"{base}.word" if f"{base}.word" in catalog("en") else finding.message_id
    arguments = {}
    for name, value in finding.arguments:
        if name == "marks" and isinstance(value, str) and HEADING_MARKS.fullmatch(value):
            value = Phrase("word.heading-style", level=len(value))
        elif name in ("style", "first_style") and value in WORD_STYLES:
            value = Phrase(WORD_STYLES[value])
        arguments[name] = value
    message = Message(message_id, **arguments)
    return replace(finding, fix=None, message=message.text("en"), message_id=message.id,
                   arguments=message.arguments)


HEADING_MARKS = re.compile(r"#{1,6}")


class WordError(Exception):
    """A file that is not a .docx factlint can read; the message says what to do."""


# --- the records ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A paragraph of the Word document, as an editor finds it."""

    part: str  # body | footnotes | endnotes
    number: int  # 1-based: among the body's paragraphs (tables included), or within its note
    note: str | None  # the note's label (as Word numbers it), for a paragraph of a note
    text: str  # the paragraph's text (python-docx's Paragraph.text)


@dataclass(frozen=True)
class Location:
    part: str
    paragraph: int
    offset: int  # 0-based code-point offset into the paragraph's text
    excerpt: str
    note: str | None = None

    def as_dict(self) -> dict:
        found = {"part": self.part, "paragraph": self.paragraph, "offset": self.offset,
                 "excerpt": self.excerpt}
        if self.note is not None:
            found["note"] = self.note
        return found

    def describe(self) -> str:
        """body ¶12:34, footnote 3 ¶1:0"""
        where = "body" if self.note is None else f"{self.part[:-1]} {self.note}"
        return f"{where} ¶{self.paragraph}:{self.offset}"


@dataclass
class Rendering:
    """The text the Markdown reader reads, and where each of its characters came from."""

    text: str
    places: list[Place]
    # (rendering start, place index, paragraph offset, exact): from `start` on, characters map
    # one to one onto the paragraph's text when `exact`, else all onto `paragraph offset`
    pieces: list[tuple[int, int, int, bool]]
    not_checked: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._starts = [piece[0] for piece in self.pieces]
        self._lines = [0] + [i + 1 for i, c in enumerate(self.text) if c == "\n"]

    def locate(self, offset: int) -> tuple[int, int]:
        """Rendering offset -> (place index, offset in that paragraph's text)."""
        index = max(0, bisect_right(self._starts, offset) - 1)
        start, place, local, exact = self.pieces[index]
        local = local + (offset - start if exact else 0)
        return place, min(local, len(self.places[place].text))

    def span(self, start: int, end: int) -> tuple[tuple[int, int], tuple[int, int]]:
        """Rendering offsets [start, end) -> (place, offset) of the first character and
        (place, offset) just past the last; both the same for a span on markup alone."""
        first = self.locate(start)
        if end <= start:
            return first, first
        index = max(0, bisect_right(self._starts, end - 1) - 1)
        piece_start, place, local, exact = self.pieces[index]
        if exact:
            local += end - piece_start
        return first, (place, min(local, len(self.places[place].text)))

    def offset_of(self, line: int, column: int) -> int:
        line = max(1, min(line, len(self._lines)))
        return min(self._lines[line - 1] + column - 1, len(self.text))

    def location(self, line: int, column: int) -> Location:
        place_index, offset = self.locate(self.offset_of(line, column))
        place = self.places[place_index]
        return Location(place.part, place.number, offset, excerpt(place.text, offset),
                        place.note)


def excerpt(text: str, offset: int) -> str:
    """A few words either side of ``offset``, on one line, with … where cut."""
    start, end = max(0, offset - EXCERPT_CHARS // 2), min(len(text), offset + EXCERPT_CHARS)
    shown = " ".join(text[start:end].split())
    return ("…" if start > 0 else "") + shown + ("…" if end < len(text) else "")


# --- opening the package --------------------------------------------------------------------


def problem_with(data: bytes, path: str) -> str:
    """Why ``data`` can't be read as a .docx, in words that say what to do; '' when it can."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return Phrase("word.old-doc")
    if not data.startswith(b"PK"):
        return Phrase("word.not-zip")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = package.namelist()
            if sum(info.file_size for info in package.infolist()) > MAX_UNPACKED_BYTES:
                return Phrase("word.too-large")
    except zipfile.BadZipFile as exc:
        return Phrase("word.damaged", error=str(exc))
    if "word/document.xml" not in names:
        return Phrase("word.no-document")
    return ""


def open_word(data: bytes, path: str):
    """The python-docx Document for ``data``; WordError says why not."""
    import docx
    from docx.opc.part import PartFactory, XmlPart

    problem = problem_with(data, path)
    if problem:
        raise WordError(problem)
    # python-docx has no footnote API: loading the notes parts as XML parts lets the reader
    # walk them and lets `annotate` anchor comments in them (the documented extension point).
    PartFactory.part_type_for.setdefault(FOOTNOTES_TYPE, XmlPart)
    PartFactory.part_type_for.setdefault(ENDNOTES_TYPE, XmlPart)
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx and lxml raise many kinds for a damaged package
        raise WordError(Phrase("word.damaged", error=f"{type(exc).__name__}: {exc}")) from exc


def notes_part(document, kind: str):
    """The footnotes or endnotes part of ``document``, or None."""
    wanted = f"/relationships/{kind}"
    for rel in document.part.rels.values():
        if rel.reltype.endswith(wanted) and not rel.is_external:
            return rel.target_part
    return None


# --- reading ------------------------------------------------------------------------------


def read_word(data: bytes, path: str) -> Rendering:
    """Render the .docx in ``data``; raise WordError for a file that can't be read."""
    return render(open_word(data, path))


def render(document) -> Rendering:
    return _Renderer(document).render()


def render_with_elements(document) -> tuple[Rendering, list]:
    """The rendering and, for each of its places, the w:p element it came from and the
    relationships of its part."""
    renderer = _Renderer(document)
    return renderer.render(), renderer.elements


def roman(number: int) -> str:
    out = []
    for letters, value in ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def characters_of(child) -> str:
    """The characters a child of a w:r shows, as python-docx's Run.text counts them."""
    tag = child.tag
    if tag == TEXT:
        return child.text or ""
    if tag in ONE_CHARACTER:
        return ONE_CHARACTER[tag]
    if tag == w("br"):
        return "\n" if child.get(w("type"), "textWrapping") == "textWrapping" else ""
    return ""


def run_characters(run) -> Iterator[tuple[object, str]]:
    """(child, the characters it shows) for each child of a w:r that shows any."""
    for child in run:
        chars = characters_of(child)
        if chars:
            yield child, chars


def is_superscript(run) -> bool:
    align = run.find(f"{w('rPr')}/{w('vertAlign')}")
    return align is not None and align.get(w("val")) == "superscript"


class _Styles:
    """Heading level and kind of each paragraph style, following `basedOn`."""

    def __init__(self, document) -> None:
        self.by_id = {}
        for style in document.styles:
            element = style.element
            outline = element.find(f"{w('pPr')}/{w('outlineLvl')}")
            based = element.find(w("basedOn"))
            self.by_id[style.style_id] = (
                (style.name or "").strip(),
                int(outline.get(w("val"))) if outline is not None else None,
                based.get(w("val")) if based is not None else None,
            )

    def level(self, style_id: str | None) -> int:
        """1-6 for a heading style, 0 for body text."""
        for _ in range(10):
            if style_id not in self.by_id:
                return 0
            name, outline, based = self.by_id[style_id]
            match = HEADING_STYLE.fullmatch(name)
            if match:
                return min(int(match.group(1)), 6)
            if name.lower() in TITLE_STYLES:
                return 1
            if outline is not None:
                return min(outline + 1, 6) if outline < 9 else 0
            style_id = based
        return 0

    def is_toc(self, style_id: str | None) -> bool:
        return style_id in self.by_id and bool(TOC_STYLE.fullmatch(self.by_id[style_id][0]))


class _Renderer:
    def __init__(self, document) -> None:
        self.document = document
        self.styles = _Styles(document)
        self.out: list[str] = []
        self.length = 0
        self.pieces: list[tuple[int, int, int, bool]] = []
        self.places: list[Place] = []
        self.elements: list = []
        self.not_checked: dict[str, int] = {}
        self.body_paragraphs = 0
        self.labels: dict[tuple[str, str], str] = {}  # (part, note id) -> label
        self.bookmarks: dict[str, str] = {}  # bookmark name -> label of the note inside it
        self.rels = document.part.rels

    # the output, with its map
    def emit(self, text: str, place: int, offset: int, exact: bool) -> None:
        if text:
            self.pieces.append((self.length, place, offset, exact))
            self.out.append(text)
            self.length += len(text)

    def render(self) -> Rendering:
        body = self.document.element.body
        self._number_notes(body)
        for block in self._blocks(body):
            if block.tag == TABLE:
                self._table(block)
            else:
                self._body_paragraph(block)
        self._count_unsupported(body)
        self._count_headers()
        for part_name, kind in (("footnotes", "footnote"), ("endnotes", "endnote")):
            self._notes(part_name, kind)
        if not self.places:  # an empty document: one empty paragraph to point at
            self.places.append(Place("body", 1, None, ""))
            self.emit("\n", 0, 0, False)
        return Rendering("".join(self.out), self.places, self.pieces, self.not_checked)

    def _blocks(self, container) -> Iterator:
        """Paragraphs and tables of the body in order, through content controls."""
        for child in container:
            if child.tag in (P, TABLE):
                yield child
            elif child.tag in CONTAINERS:
                yield from self._blocks(child)

    def _number_notes(self, body) -> None:
        """Labels as Word shows them, in order of first reference; bookmarks around them."""
        counts = {"footnotes": 0, "endnotes": 0}
        open_marks: dict[str, str] = {}
        for element in body.iter(FOOTNOTE_REFERENCE, ENDNOTE_REFERENCE, BOOKMARK_START,
                                 BOOKMARK_END):
            tag = element.tag
            if tag == BOOKMARK_START:
                open_marks[element.get(w("id"))] = element.get(w("name"))
                continue
            if tag == BOOKMARK_END:
                open_marks.pop(element.get(w("id")), None)
                continue
            if _deleted(element):
                continue
            part = "footnotes" if tag == FOOTNOTE_REFERENCE else "endnotes"
            key = (part, element.get(w("id")))
            if key not in self.labels:
                counts[part] += 1
                self.labels[key] = (str(counts[part]) if part == "footnotes"
                                    else roman(counts[part]))
            for name in open_marks.values():
                self.bookmarks.setdefault(name, self.labels[key])

    def _new_place(self, element, part: str, number: int, note: str | None, rels=None) -> int:
        rels = self.rels if rels is None else rels
        text = "".join(chars for _, chars in self._characters(element, rels))
        self.places.append(Place(part, number, note, text))
        self.elements.append((element, rels))
        return len(self.places) - 1

    def _characters(self, paragraph, rels) -> Iterator[tuple[object, str]]:
        for token in paragraph_tokens(paragraph, rels):
            if token[0] == "text":
                yield token[2], token[1]

    def _next_body_number(self) -> int:
        self.body_paragraphs += 1
        return self.body_paragraphs

    def _body_paragraph(self, paragraph) -> None:
        place = self._new_place(paragraph, "body", self._next_body_number(), None)
        style = paragraph.find(f"{w('pPr')}/{w('pStyle')}")
        style_id = style.get(w("val")) if style is not None else None
        if self.styles.is_toc(style_id):
            return  # a table of contents repeats the headings: not checked twice
        level = self._heading_level(paragraph, style_id, self.places[place].text)
        if self.out:
            self.emit("\n\n", place, 0, False)
        if level:
            self.emit("#" * level + " ", place, 0, False)
        elif self.places[place].text.lstrip().startswith(BLOCK_OPENERS):
            self.emit(PLAIN_MARK, place, 0, False)  # typed text, not Markdown: a plain paragraph
        self._inline(paragraph, place, self.rels)

    def _heading_level(self, paragraph, style_id: str | None, text: str) -> int:
        outline = paragraph.find(f"{w('pPr')}/{w('outlineLvl')}")
        if outline is not None:
            value = int(outline.get(w("val")))
            return min(value + 1, 6) if value < 9 else 0
        level = self.styles.level(style_id)
        if level:
            return level
        stripped = text.strip()
        if len(stripped) <= NUMBERED_HEADING_MAX and stripped[-1:] not in "。！？.!?；;：:，,":
            for pattern, numbered_level in NUMBERED_HEADINGS:
                if pattern.match(stripped):
                    return numbered_level
        return 0

    def _table(self, table) -> None:
        rows = [row for row in table.iter(ROW) if _nearest(row, TABLE) is table]
        for index, row in enumerate(rows):
            cells = [cell for cell in row if cell.tag == CELL]
            opening = "\n\n| " if self.out and index == 0 else "\n| " if index else "| "
            for number, cell in enumerate(cells):
                for line, paragraph in enumerate(paragraphs_in(cell)):  # nested tables' too
                    place = self._new_place(paragraph, "body", self._next_body_number(), None)
                    self.emit(opening if number == line == 0 else " | " if line == 0 else " ",
                              place, 0, False)
                    self._inline(paragraph, place, self.rels, in_table=True)
            if self.places:
                last = len(self.places) - 1
                end = len(self.places[last].text)
                self.emit(" |" + ("\n|" + " --- |" * len(cells) if index == 0 else ""),
                          last, end, False)

    def _notes(self, part_name: str, kind: str) -> None:
        part = notes_part(self.document, part_name)
        if part is None or not hasattr(part, "element"):
            return
        rels = part.rels
        notes = [n for n in part.element if n.tag == w(kind)
                 and n.get(w("type"), "normal") == "normal"]
        order = {key: index for index, key in enumerate(self.labels)}
        unreferenced = len(order)
        # in order of first reference; a note no reference shows (hand-edited XML) comes last
        notes.sort(key=lambda n: order.get((part_name, n.get(w("id"))), unreferenced))
        for note in notes:
            label = self.labels.get((part_name, note.get(w("id"))),
                                    f"{kind}-{note.get(w('id'))}")
            for number, paragraph in enumerate(paragraphs_in(note), start=1):
                place = self._new_place(paragraph, part_name, number, label, rels)
                if number == 1:
                    self.emit(f"\n\n[^{label}]: " if self.out else f"[^{label}]: ",
                              place, 0, False)
                else:
                    self.emit(" ", place, 0, False)
                self._inline(paragraph, place, rels)
                self._count_unsupported(paragraph)

    def _count_headers(self) -> None:
        """Page headers and footers with text: running titles, not the brief, but counted."""
        for rel in self.rels.values():
            if rel.reltype.endswith(("/header", "/footer")) and not rel.is_external:
                element = getattr(rel.target_part, "element", None)
                if element is not None and "".join(element.itertext()).strip():
                    kind = "header or footer"
                    self.not_checked[kind] = self.not_checked.get(kind, 0) + 1

    def _count_unsupported(self, root) -> None:
        from lxml import etree

        for name, path in UNSUPPORTED:
            search = etree.XPath(path, namespaces=NAMESPACES)
            found = [e for e in search(root) if not _in_fallback(e)]
            if found:
                self.not_checked[name] = self.not_checked.get(name, 0) + len(found)

    def _inline(self, paragraph, place: int, rels, in_table: bool = False) -> None:
        offset = 0
        leading = True  # leading blanks would make the reader see an indented code block
        open_links: list[tuple[str, str, int, int]] = []  # (kind, target, offset, out index)
        superscript: list[str] = []
        superscript_at = 0

        def flush_superscript() -> None:
            """Digits typed in superscript: ¹⁸ (a hand-made citation, or m² after a letter,
            which the reader knows is no marker); a list or range: <sup>3-5</sup>."""
            nonlocal superscript
            if not superscript:
                return
            chars = "".join(superscript)
            if chars.isdigit():
                self.emit(chars.translate(SUPERSCRIPT), place, superscript_at, True)
            elif CITATION_DIGITS.fullmatch(chars.strip()):
                self.emit("<sup>", place, superscript_at, False)
                self.emit(chars, place, superscript_at, True)
                self.emit("</sup>", place, superscript_at + len(chars), False)
            else:
                self.emit(chars, place, superscript_at, True)
            superscript = []

        for token in paragraph_tokens(paragraph, rels):
            kind = token[0]
            if kind == "text":
                chars, run = token[1], token[3]
                shown = chars.replace("\n", " ").replace("\t", " ")
                if in_table:
                    shown = shown.replace("|", "/")
                if leading:
                    stripped = shown.lstrip()
                    offset += len(shown) - len(stripped)
                    shown = stripped
                    if not shown:
                        continue
                    leading = False
                if is_superscript(run) and not any(k != "field" for k, *_ in open_links):
                    if not superscript:
                        superscript_at = offset
                    superscript.append(shown)
                else:
                    flush_superscript()
                    self.emit(shown, place, offset, True)
                offset += len(shown)
                continue
            flush_superscript()
            if kind == "note":
                label = self.labels.get((token[1], token[2]))
                if label is not None:
                    self.emit(f"[^{label}]", place, offset, False)
                    leading = False
            elif kind == "open":
                link = token[1] if token[2] or token[1] != "link" else "field"  # no URL
                open_links.append((link, token[2], offset, len(self.out)))
                if link == "link":
                    self.emit("[", place, offset, False)
            elif kind == "close" and open_links:
                link, target, start, index = open_links.pop()
                if link == "link":
                    self.emit(f"]({target})", place, offset, False)
                elif link == "ref" and target in self.bookmarks and not open_links:
                    self._replace_since(index, f"[^{self.bookmarks[target]}]", place, start)
        flush_superscript()

    def _replace_since(self, index: int, text: str, place: int, offset: int) -> None:
        """Replace what was emitted since ``self.out[index]`` by ``text`` (a REF's result)."""
        removed = sum(len(part) for part in self.out[index:])
        del self.out[index:]
        self.length -= removed
        while self.pieces and self.pieces[-1][0] >= self.length:
            self.pieces.pop()
        self.emit(text, place, offset, False)


def paragraphs_in(container) -> Iterator:
    """The w:p of a table cell or a note in order, nested tables included; not those of
    text boxes inside their runs (counted as not checked)."""
    for child in container:
        if child.tag == P:
            yield child
        elif child.tag in (TABLE, ROW, CELL) or child.tag in CONTAINERS:
            yield from paragraphs_in(child)


def paragraph_tokens(paragraph, rels) -> Iterator[tuple]:
    """("text", chars, child, run) | ("note", part, id, run) | ("open", kind, target)
    | ("close",) for the visible content of a w:p, in order."""
    fields: list[list] = []  # complex fields open: [instruction, showing result]
    for run in _runs(paragraph, rels):
        if isinstance(run, tuple):
            yield run
            continue
        for child in run:
            tag = child.tag
            if tag == w("fldChar"):
                kind = child.get(w("fldCharType"))
                if kind == "begin":
                    fields.append(["", False])
                elif kind == "separate" and fields:
                    fields[-1][1] = True
                    yield ("open", *_field_target(fields[-1][0]))
                elif kind == "end" and fields:
                    if fields.pop()[1]:
                        yield ("close",)
            elif tag == w("instrText") and fields:
                fields[-1][0] += child.text or ""
            elif tag in (FOOTNOTE_REFERENCE, ENDNOTE_REFERENCE):
                part = "footnotes" if tag == FOOTNOTE_REFERENCE else "endnotes"
                yield ("note", part, child.get(w("id")), run)
        if fields and not fields[-1][1]:
            continue  # inside a field's instruction: nothing shown
        for child, chars in run_characters(run):
            if chars:
                yield ("text", chars, child, run)


def runs_in(paragraph, rels) -> list[tuple[object, int, int]]:
    """(w:r, start, end) for each run showing text in the paragraph, with its offsets in the
    paragraph's text; a note reference's run has start == end."""
    runs: list[list] = []
    offset = 0
    for token in paragraph_tokens(paragraph, rels):
        if token[0] == "text":
            if runs and runs[-1][0] is token[3]:
                runs[-1][2] += len(token[1])
            else:
                runs.append([token[3], offset, offset + len(token[1])])
            offset += len(token[1])
        elif token[0] == "note":
            runs.append([token[3], offset, offset])
    return [(run, start, end) for run, start, end in runs]


def _runs(paragraph, rels) -> Iterator:
    """The w:r elements of a paragraph in order, with ("open", "link", url) / ("close",)
    around hyperlinks and simple fields; deleted text and properties skipped."""
    for child in paragraph:
        tag = child.tag
        if tag == RUN:
            yield child
        elif tag in HIDDEN:
            continue
        elif tag == w("hyperlink"):
            yield ("open", "link", _hyperlink_target(child, rels))
            yield from _runs(child, rels)
            yield ("close",)
        elif tag == w("fldSimple"):
            yield ("open", *_field_target(child.get(w("instr")) or ""))
            yield from _runs(child, rels)
            yield ("close",)
        elif tag == f"{{{MC}}}AlternateContent":
            choice = child.find(f"{{{MC}}}Choice")
            if choice is not None:
                yield from _runs(choice, rels)
        else:
            yield from _runs(child, rels)  # w:ins, w:smartTag, w:sdt, w:sdtContent, w:customXml


def _hyperlink_target(element, rels) -> str:
    """The URL of a w:hyperlink (from its part's relationships), or ''."""
    rid = element.get(f"{{{R}}}id")
    if rid is None:
        return ""  # a link to a bookmark in the document: no URL to check
    rel = rels.get(rid)
    return _link_target(rel.target_ref if rel is not None and rel.is_external else "")


def _link_target(url: str) -> str:
    return url.strip().replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _field_target(instruction: str) -> tuple[str, str]:
    """("link", url) for HYPERLINK, ("ref", bookmark) for REF/NOTEREF, else ("field", "")."""
    match = FIELD_TARGET.match(instruction or "")
    if not match:
        return ("field", "")
    kind, target = match.group(1).upper(), match.group(2) or match.group(3) or ""
    if target.startswith("\\"):  # HYPERLINK \l "bookmark": a place in the document
        return ("field", "")
    if kind == "HYPERLINK":
        return ("link", _link_target(target))
    return ("ref", target)


def _deleted(element) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent.tag in (w("del"), w("moveFrom")):
            return True
        parent = parent.getparent()
    return False


def _nearest(element, tag: str):
    parent = element.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


def _in_fallback(element) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent.tag == f"{{{MC}}}Fallback":
            return True
        parent = parent.getparent()
    return False
