"""A Markdown brief, read once into a Document that every rule shares.

Every position is a 0-based code-point offset into the original text;
``Document.position`` turns one into the 1-based (line, column) users see.
Skipped text (code, comments, front matter, tags, URLs) is blanked to spaces of
the same length, so offsets found in the masked text stay true to the original.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from factlint.numbers import Figure, Lexicon, builtin_lexicon, find_figures, load_lexicon
from factlint.rulepack import RulePack, load_rulepack

MARKER_FILL = "\x01"  # stands in for a marker's characters in prose

# --- what the reader recognises -------------------------------------------------------

_LABELS = r"\d{1,4}(?:\s*[,，、]\s*\d{1,4}|\s*[-–—~]\s*\d{1,4})*"
_LINK_TARGET = r"\((?:[^()\s]|\([^()\s]*\))*\)"
SUP_MARKER = re.compile(
    r"<sup>\s*(?:\[?\s*(" + _LABELS + r")\s*\]?"
    r"|\[\\?\[\s*(" + _LABELS + r")\s*\\?\]\]" + _LINK_TARGET + r")\s*</sup>",
    re.IGNORECASE)
FOOTNOTE_MARKER = re.compile(r"\[\^([^\]\n]{1,400})\]")
# [13], pandoc's escaped \[13\] and PDF converters' link-wrapped [\[13\]](#page-3-1); never
# [text][13] reference links, images, or a \[ that escapes something else
BRACKET_MARKER = re.compile(
    r"(?<![0-9_\]\\!])(?:\[\\?\[(" + _LABELS + r")\\?\]\]" + _LINK_TARGET
    + r"|\\\[(" + _LABELS + r")\\\]|\[(" + _LABELS + r"(?:\]\[" + _LABELS + r")*)\](?![\[(:]))"
)
# km<sup>2</sup>, 10<sup>26</sup>, x<sup>2</sup>: an exponent, not a citation
EXPONENT_BASE = re.compile(
    r"(?:(?<![A-Za-z])(?:[kcmdμµn]?m|ft|in|mi|yd|s|kg|[xyzna-e])|(?<![0-9.])10)$")
UNICODE_MARKER = re.compile(r"(?<![A-Za-z0-9⁰¹²³⁴⁵⁶⁷⁸⁹])([⁰¹²³⁴⁵⁶⁷⁸⁹]+(?:[˒,][⁰¹²³⁴⁵⁶⁷⁸⁹]+)*)")
SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")

SUP_DEFINITION = re.compile(r"[ \t]*(<sup>\s*\[?\s*(\d{1,4})\s*\]?\s*</sup>)[ \t]*", re.IGNORECASE)
FOOTNOTE_DEFINITION = re.compile(r" {0,3}(\[\^([^\]\n]{1,400})\]:)[ \t]*")
UNICODE_DEFINITION = re.compile(r"[ \t]*([⁰¹²³⁴⁵⁶⁷⁸⁹]+)[ \t]*(?=\S)")
# An entry of a references list: [13], \[13\], **[13]**, [3][4], 13. or 13) — after a bullet
# or an anchor (<span id=…></span>, blanked) as PDF converters write them
REFERENCE_ENTRY = re.compile(
    r"[ \t]*(?:[-*+][ \t]+)?((?:\*\*)?(?:\\?\[(\d{1,4})\\?\](?:\\?\[\d{1,4}\\?\])*(?!:)"
    r"|(\d{1,4})(?:[.、．](?=\s)|\)))(?:\*\*)?)[^\S\n]*[:：]?[^\S\n]*(?=\S)")
CITED_LIST = re.compile(r"(?<!\])\\?\[(" + _LABELS + r")\\?\](?![:(])")
# The bracketed entries of a list that has no heading: found by their run, not their place
BRACKET_ENTRY = re.compile(r"[ \t]*(?:[-*+][ \t]+)?(?:\*\*)?\\?\[(\d{1,4})\\?\](?![:\[(])")
LINK_REFERENCE_DEFINITION = re.compile(r" {0,3}\[(?!\^)[^\]\n]+\]:[ \t]*\S")
LINK_REFERENCE_LINE = re.compile(r"(?m)^" + LINK_REFERENCE_DEFINITION.pattern)

# A line that starts with none of these and continues a paragraph is plain prose.
MARKUP_STARTS = frozenset("<[#=-*_!?|>+~`{:0123456789⁰¹²³⁴⁵⁶⁷⁸⁹（(一二三四五六七八九十①②③④⑤⑥⑦⑧⑨⑩")
ATX_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+|$)")
SETEXT_UNDERLINE = re.compile(r" {0,3}(=+|-+)[ \t]*$")
# mkdocs content tabs and admonitions (=== "Tab", !!! note, ??? tip) open blocks of their own
CONTAINER_OPENER = re.compile(r" {0,3}(?:===|!!!|\?\?\?\+?)[ \t]")
THEMATIC_BREAK = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
LIST_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
BLOCKQUOTE = re.compile(r"[ \t]{0,3}>")
TABLE_ROW = re.compile(r"[ \t]*\|")

HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
DIRECTIVE = re.compile(r"<!--\s*(factlint\S*)(.*?)-->", re.DOTALL)
RAW_HTML_BLOCK = re.compile(r"<(script|style)\b.*?(?:</\1\s*>|\Z)", re.DOTALL | re.IGNORECASE)
BACKTICK_RUN = re.compile(r"`+")  # read by inline_code_spans(), not by one regex (see there)
# kramdown attribute lists: "{: .class }" lines and "{target="_blank"}" after a link
ATTRIBUTE_LIST = re.compile(r"\{:[^{}\n]*\}|(?<=\))\{[^{}\n]*=[^{}\n]*\}")
HTML_TAG = re.compile(r"</?(?!sup\b)[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
URL = re.compile(r"(?:https?|ftp)://[^\s<>\"'（）《》「」【】，。；、]+|www\.[^\s<>\"'（）《》，。；、]+")
LINK_TARGET = re.compile(r"\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)|\]\[[^\]\n]*\]")
TITLE = re.compile(r"《[^《》\n]{0,80}》|〈[^〈〉\n]{0,80}〉")

DEFINITION_URL = re.compile(
    r"\]\((?P<link>[^()\s]+(?:\([^()\s]*\)[^()\s]*)*)(?:\s+\"[^\"]*\")?\)"
    r"|<(?P<angle>[a-zA-Z][a-zA-Z0-9+.-]*:[^<>\s]+)>"
    r"|(?P<bare>(?:https?|ftp|javascript|mailto|file|data):"
    r"(?://\[[0-9A-Fa-f:.]+\][^\s<>\"'\]]*|[^\s<>\"'\]]+))",  # [::1]: a bare IPv6 host
)
IPV6_HOST = re.compile(r"[a-z]+://\[[0-9A-Fa-f:.]+\]")
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
URL_TRAILING = "。，、；：？！）》」』】.,;:!?)]}'\"”’"

NUMBERING = re.compile(
    r"(?:(?P<decimal>\d{1,3}(?:[.．]\d{1,3})+)[.．]?(?=[ \t\u3000]|[^\x00-\x7f\d.．%])"
    r"|(?P<dashed>\d{1,2}-\d{1,2}(?:-\d{1,2})*)(?=[ \t\u3000]|[^\x00-\x7f\d-])"
    r"|第(?P<cn_article>[一二三四五六七八九十百零〇]{1,5})[条條](?=[ \t\u3000]|[^\x00-\x7f]|$)"
    r"|第?(?P<cn_dun>[一二三四五六七八九十]{1,3})、"
    r"|[（(](?P<cn_paren>[一二三四五六七八九十]{1,3})[）)]"
    r"|(?P<cn_shi>[一二三四五六七八九十]{1,3})是(?=[^\s，,。])"
    r"|(?P<ar_dun>\d{1,2})、"
    r"|[（(](?P<ar_paren>\d{1,2})[）)]"
    r"|(?P<ar_dot>\d{1,2})[.．](?!\d)"
    r"|(?P<circled>[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]))"
)
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

# A list of 、-separated items summed up by a count right after it: 甲、乙、丙三类
ENUMERATION_BEFORE = re.compile(r"((?:[^、，。；：,;！？!?\s\x01]{1,24}、)+)"
                                r"([^、，。；：,;！？!?\s\x01]{1,24})$")
CLOSERS = "”’」』）)]\"'》"
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st no nos fig figs vol vols p pp e.g i.e etc vs al jan feb mar apr "
    "jun jul aug sep sept oct nov dec inc ltd co corp u.s u.k approx ca cf est dept govt".split()
)

HAN = re.compile(r"[\u4e00-\u9fff]")


# --- the records -----------------------------------------------------------------------


@dataclass(frozen=True)
class Marker:
    """A citation in the text: ``<sup>3,4</sup>`` has labels ('3', '4')."""

    labels: tuple[str, ...]
    style: str  # sup | footnote | bracket | unicode
    start: int
    end: int


@dataclass(frozen=True)
class UrlSpan:
    url: str
    start: int
    end: int


@dataclass(frozen=True)
class Definition:
    """A source definition: ``<sup>13</sup> 来源：…``, ``[^13]: …`` or a references entry."""

    label: str
    style: str
    start: int  # the whole definition, marker included
    end: int
    label_start: int
    label_end: int
    body: str
    body_start: int
    urls: tuple[UrlSpan, ...] = ()


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    start: int  # of the text, after the #'s
    end: int
    line_start: int


@dataclass(frozen=True)
class NumberedItem:
    """An enumerator at the start of a heading or paragraph: 一、 （二） 三是 4."""

    style: str
    value: int
    start: int
    end: int
    heading_level: int  # 0 when the item opens a paragraph or list item
    block: str  # heading | paragraph | list
    path: tuple[int, ...] = ()  # 13.1.2 -> (13, 1, 2) for decimal and dashed numbering


@dataclass(frozen=True)
class Trigger:
    name: str
    start: int
    end: int


@dataclass(frozen=True)
class Enumeration:
    """甲、乙、丙三类: a count that sums up the list written just before it."""

    items: tuple[str, ...]
    figure: Figure  # the count, in original offsets


@dataclass(frozen=True)
class Sentence:
    paragraph: int
    start: int  # original offsets of the first and just past the last character
    end: int
    markers: tuple[Marker, ...]
    figures: tuple[Figure, ...]  # in original offsets; counts of enumerations excluded
    triggers: tuple[Trigger, ...]

    @property
    def is_claim(self) -> bool:
        return bool(self.figures or self.triggers)

    @property
    def is_sourced(self) -> bool:
        return bool(self.markers)


@dataclass(frozen=True)
class Paragraph:
    kind: str  # body | list | quote
    pieces: tuple[tuple[int, int], ...]  # original spans, joined in order
    splits: tuple[int, ...] = ()  # original offsets where footnote definitions interrupt it

    @property
    def start(self) -> int:
        return self.pieces[0][0]

    @property
    def end(self) -> int:
        return self.pieces[-1][1]


@dataclass(frozen=True)
class Directive:
    kind: str  # disable | enable | disable-next-line | disable-file | invalid
    codes: tuple[str, ...]
    start: int
    end: int
    problem: str = ""


@dataclass
class Document:
    path: str
    text: str
    language: str
    line_starts: list[int]
    headings: list[Heading] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    definitions: list[Definition] = field(default_factory=list)
    numbered_items: list[NumberedItem] = field(default_factory=list)
    enumerations: list[Enumeration] = field(default_factory=list)
    heading_figures: dict[int, tuple[Figure, ...]] = field(default_factory=dict)
    directives: list[Directive] = field(default_factory=list)
    tables: list[tuple[int, int]] = field(default_factory=list)
    pack: RulePack | None = None

    def position(self, offset: int) -> tuple[int, int]:
        """0-based offset -> 1-based (line, column in code points)."""
        offset = max(0, min(offset, len(self.text)))
        index = bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1

    def span(self, start: int, end: int) -> tuple[int, int, int, int]:
        """(line, column, end_line, end_column) with an exclusive end column."""
        line, column = self.position(start)
        end_line, end_column = self.position(max(end, start + 1) if end <= start else end)
        return line, column, end_line, end_column

    def line_text(self, line: int) -> str:
        start = self.line_starts[line - 1]
        end = self.line_starts[line] - 1 if line < len(self.line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r")

    @property
    def claims(self) -> list[Sentence]:
        return [s for s in self.sentences if s.is_claim]

    def marker_styles(self) -> set[str]:
        return {m.style for m in self.markers}


# --- reading ---------------------------------------------------------------------------


_NOT_LETTERS = bytes(b for b in range(256) if not chr(b).isalpha() or b > 127)


def detect_language(text: str) -> str:
    """zh when Chinese characters carry at least a third as much as Latin letters."""
    sample = text[:20000]
    ascii_part = sample.encode("ascii", "ignore")
    wide = len(sample) - len(ascii_part)  # almost all Han characters and CJK punctuation
    letters = len(ascii_part.translate(None, _NOT_LETTERS))
    return "zh" if wide * 3 >= letters and HAN.search(sample) else "en"


def _blank_text(text: str) -> str:
    if "\n" not in text:
        return " " * len(text)
    return "\n".join(" " * len(part) for part in text.split("\n"))


def _blank(match: re.Match[str]) -> str:
    return _blank_text(match.group())


def inline_code_spans(text: str) -> list[tuple[int, int]]:
    """The code spans of ``text`` as CommonMark reads them, within one line.

    A run of N backticks opens a span that the next run of exactly N backticks on the same
    line closes; a run that nothing closes is plain text. One regex (`+)(?!`).+?\1 does
    the same but tries every run against the rest of the line: quadratic on a line of many
    unmatched runs. Here each run looks up the next run of its length: O(n log n).
    """
    runs = [(m.start(), m.end()) for m in BACKTICK_RUN.finditer(text)]
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    newlines = [i for i, ch in enumerate(text) if ch == "\n"] if "\n" in text else []
    spans = []
    index = 0
    while index < len(runs):
        start, end = runs[index]
        same = by_length[end - start]
        later = bisect_right(same, index)
        line = bisect_left(newlines, end)
        line_end = newlines[line] if line < len(newlines) else len(text)
        if later < len(same) and runs[same[later]][0] < line_end:
            close = same[later]
            spans.append((start, runs[close][1]))
            index = close + 1
        else:
            index += 1
    return spans


def without_inline_code(text: str, fill: str = " ") -> str:
    """``text`` with each inline code span replaced by ``fill`` repeated to its length."""
    pieces, last = [], 0
    for start, end in inline_code_spans(text):
        pieces += [text[last:start], fill * (end - start)]
        last = end
    return "".join(pieces) + text[last:] if pieces else text


def _line_starts(text: str) -> list[int]:
    starts = [0]
    find = text.find
    i = find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts


def read_document(
    path: str,
    text: str,
    language: str | None = None,
    extra_packs: tuple[str, ...] = (),
) -> Document:
    """Build the Document for ``text`` (already decoded) in one pass over its blocks."""
    language = language or detect_language(text)
    pack = load_rulepack(language, extra_packs)
    lexicon = builtin_lexicon(language) if not extra_packs else _lexicon(language, extra_packs)
    return _Reader(path, text, language, pack, lexicon).read()


@lru_cache(maxsize=16)
def _lexicon(language: str, extra_packs: tuple[str, ...]) -> Lexicon:
    """The built-in figure words merged with those of the configured packs."""
    return load_lexicon(load_rulepack(language, extra_packs).raw)


class _Reader:
    def __init__(self, path: str, text: str, language: str, pack: RulePack, lexicon: Lexicon):
        self.doc = Document(path, text, language, _line_starts(text), pack=pack)
        self.text = text
        self.pack = pack
        self.lexicon = lexicon
        self.join = "" if language == "zh" else " "

    # The passes, in order. Each leaves its results on self.doc.
    def read(self) -> Document:
        masked = self._mask_inline(self._mask_blocks(self.text))
        self.masked = masked
        self._scan_blocks(masked)
        self._find_markers(masked)
        self._find_numbering()
        self._read_sentences(masked)
        return self.doc

    # 1. code blocks, front matter, raw HTML blocks -> blanks
    def _mask_blocks(self, text: str) -> str:
        lines = text.split("\n")
        out: list[str] = []
        fence: str | None = None
        previous_blank = True
        in_list = False
        in_container = False  # inside a content tab or admonition: indented text is prose
        in_footnote = False  # inside a [^n]: definition: indented paragraphs continue it
        start = 0
        if lines and lines[0].rstrip() == "---":
            for i in range(1, min(len(lines), 200)):
                if lines[i].rstrip() in ("---", "..."):
                    out = [_blank_text(line) for line in lines[: i + 1]]
                    start = i + 1
                    break
        for line in lines[start:]:
            if fence is not None:
                out.append(_blank_text(line))
                stripped = line.strip()
                if stripped.startswith(fence) and set(stripped) == {fence[0]}:
                    fence = None
                continue
            opening = FENCE.match(line)
            if opening:
                fence = opening.group(1)
                out.append(_blank_text(line))
                continue
            blank = not line.strip()
            if not blank and _indent(line) < 4:
                in_container = bool(CONTAINER_OPENER.match(line))
                in_footnote = bool(FOOTNOTE_DEFINITION.match(line))
            if (not blank and previous_blank and not in_list and not in_container
                    and not in_footnote and _indent(line) >= 4):
                out.append(_blank_text(line))
                continue  # indented code: stays "after a blank" until real text
            if not blank:
                in_list = bool(LIST_ITEM.match(line)) or (in_list and _indent(line) >= 2)
            previous_blank = blank
            out.append(line)
        masked = "\n".join(out)
        return RAW_HTML_BLOCK.sub(_blank, masked)

    # 2. comments (keeping directives), inline code, tags, URLs in prose
    def _mask_inline(self, text: str) -> str:
        doc = self.doc

        def comment(match: re.Match[str]) -> str:
            directive = DIRECTIVE.fullmatch(match.group())
            if directive:
                doc.directives.append(_read_directive(directive, match.start()))
            return _blank(match)

        # Each pass only when its opening character occurs: most briefs have few of them.
        if "<!--" in text:
            text = HTML_COMMENT.sub(comment, text)
        if "`" in text:
            text = without_inline_code(text)
        if "{" in text:
            text = ATTRIBUTE_LIST.sub(_blank, text)
        return HTML_TAG.sub(_blank, text) if "<" in text else text

    # 3. blocks: headings, paragraphs (page-split ones rejoined), definitions, tables
    def _scan_blocks(self, masked: str) -> None:
        doc = self.doc
        starts = doc.line_starts
        lines = masked.split("\n")
        current: list[tuple[int, int]] = []  # spans of the lines of the open paragraph
        kind = "body"
        pending: Paragraph | None = None  # a paragraph interrupted by definitions
        in_references = False
        definition_open: Definition | None = None
        last_closed: Paragraph | None = None  # the body paragraph just ended, if nothing followed
        footnote_waiting: Definition | None = None  # a [^n]: an indented paragraph may continue
        listed = _headingless_references(lines)  # lines of reference lists without a heading

        def take() -> Paragraph | None:
            """The open paragraph, joined to the one it continues across definitions."""
            nonlocal current, pending
            if not current:
                return None
            paragraph = Paragraph(kind, ((current[0][0], current[-1][1]),))
            if pending is not None and kind == "body":
                paragraph = Paragraph(
                    "body", pending.pieces + paragraph.pieces, pending.splits + (pending.end,)
                )
                pending = None
            current = []
            return paragraph

        def flush_pending() -> None:
            nonlocal pending
            if pending is not None:
                doc.paragraphs.append(pending)
                pending = None

        def close(flush: bool = False) -> None:
            """End the open paragraph; ``flush`` also ends one waiting for its continuation."""
            nonlocal last_closed
            paragraph = take()
            if paragraph is not None or flush:
                flush_pending()
            if paragraph is not None:
                doc.paragraphs.append(paragraph)
            last_closed = paragraph if paragraph is not None and paragraph.kind == "body" else (
                None if flush else last_closed)

        for number, line in enumerate(lines):
            start = starts[number]
            end = start + len(line.rstrip("\r"))
            stripped = line.strip()
            if not stripped:
                close()
                if definition_open is not None and definition_open.style == "footnote":
                    footnote_waiting = definition_open
                definition_open = None
                continue
            if footnote_waiting is not None and _indent(line) >= 4 and not current:
                definition_open = footnote_waiting  # gd2md and pandoc indent the note's text
            footnote_waiting = None
            references = in_references or number in listed
            if definition_open is not None and not current and (
                    _indent(line) >= 2 or (references and not self._definitions_at(
                        line, start, end, True) and not ATX_HEADING.match(line))):
                definition_open = self._extend_definition(definition_open, end)
                continue
            if stripped[0] not in MARKUP_STARTS and current and len(stripped) > 40:
                current.append((start, end))  # plain prose continuing a paragraph
                continue
            found = self._definitions_at(line, start, end, references)
            if found:
                definition = found[-1]
                if number in listed and not in_references:
                    close(flush=True)  # a list glued to the last paragraph ends it
                elif current and kind == "body" and not self._ends_sentence(
                        masked, current[-1][1]):
                    pending = take()
                else:
                    close()
                    if (last_closed is not None and doc.paragraphs
                            and doc.paragraphs[-1] is last_closed
                            and not self._ends_sentence(masked, last_closed.end)):
                        pending = doc.paragraphs.pop()
                    last_closed = None
                doc.definitions.extend(found)
                definition_open = definition
                continue
            definition_open = None
            heading = ATX_HEADING.match(line)
            setext = SETEXT_UNDERLINE.match(line)
            if setext and len(current) == 1 and kind == "body" and pending is None:
                first_start, first_end = current[0]
                current = []
                flush_pending()
                self._add_heading(1 if setext.group(1)[0] == "=" else 2, first_start, first_end)
                in_references = self._is_references_heading(masked[first_start:first_end])
                continue
            if heading or THEMATIC_BREAK.match(line) or CONTAINER_OPENER.match(line):
                close(flush=True)
                if heading:
                    text_start = start + heading.end()
                    self._add_heading(len(heading.group(1)), text_start, end, start)
                    in_references = self._is_references_heading(masked[text_start:end])
                continue
            if LINK_REFERENCE_DEFINITION.match(line):
                close()
                continue
            if self._is_references_heading(stripped.strip("*_:：# ")) and not current:
                in_references = True
                continue
            if TABLE_ROW.match(line):
                close(flush=True)
                doc.tables.append((start, end))
                continue
            if LIST_ITEM.match(line) and not (current and kind == "body" and _indent(line) >= 4):
                close(flush=True)
                kind = "list"
                current = [(start, end)]
                continue
            if BLOCKQUOTE.match(line):
                if kind != "quote":
                    close()
                    kind = "quote"
                current.append((start, end))
                continue
            if not current:
                kind = "body"
            current.append((start, end))
        close(flush=True)

    def _ends_sentence(self, masked: str, end: int) -> bool:
        """Does the text before ``end`` close a sentence (or lead in to a block)?"""
        text = masked[max(0, end - 400) : end].replace(MARKER_FILL, " ")
        text = SUP_MARKER.sub("", text)
        text = FOOTNOTE_MARKER.sub("", text)
        text = text.rstrip()
        if text.endswith(("）", ")")):
            return True  # a closed parenthetical remark stands on its own
        text = text.rstrip(CLOSERS + " ")
        # A colon leads in to what follows (a list, a quote): a new block, not a page split.
        return not text or text[-1] in self.pack.sentence_enders + "。！？!?…：:"

    def _add_heading(self, level: int, start: int, end: int, line_start: int | None = None):
        raw = self.text[start:end]
        trimmed = raw.rstrip()
        trimmed = re.sub(r"(?<![ \t])[ \t]+#+$", "", trimmed)  # from a run's start: linear
        self.doc.headings.append(
            Heading(level, trimmed.strip(), start, start + len(trimmed),
                    start if line_start is None else line_start)
        )

    def _is_references_heading(self, text: str) -> bool:
        text = text.strip().strip("*_:：# ").strip()
        return bool(text) and len(text) <= 40 and bool(self.pack.references_heading.match(text))

    def _definitions_at(self, line: str, start: int, end: int, in_references: bool):
        """The definitions a line opens: one, or several for an entry ``[3][4] …``."""
        for pattern, style in ((SUP_DEFINITION, "sup"), (FOOTNOTE_DEFINITION, "footnote")):
            match = pattern.match(line)
            if match:
                return [self._definition(match, style, start, end, match.group(2))]
        match = UNICODE_DEFINITION.match(line)
        if match:
            return [self._definition(
                match, "unicode", start, end, match.group(1).translate(SUPERSCRIPT_DIGITS)
            )]
        if in_references:
            match = REFERENCE_ENTRY.match(line)
            if match:
                first = self._definition(match, "bracket", start, end,
                                         match.group(2) or match.group(3))
                more = [  # the span of "[4]" in "[3][4]"
                    replace(first, label=number.group(1), label_start=start + number.start(),
                            label_end=start + number.end())
                    for number in re.finditer(r"\\?\[(\d+)\\?\]", match.group(1))
                ][1:]
                if more:  # [3][4] …: each label points at the whole entry
                    offset = match.start(1)
                    more = [replace(d, label_start=d.label_start + offset,
                                    label_end=d.label_end + offset) for d in more]
                return [first, *more]
        return []

    def _definition(self, match, style, start, end, label):
        body_start = start + match.end()
        body = self.text[body_start:end]
        return Definition(
            label=label.strip(),
            style=style,
            start=start + match.start(1),
            end=end,
            label_start=start + match.start(1),
            label_end=start + match.end(1),
            body=body,
            body_start=body_start,
            urls=tuple(_definition_urls(body, body_start)),
        )

    def _extend_definition(self, definition: Definition, end: int) -> Definition:
        body = self.text[definition.body_start : end]
        urls = tuple(_definition_urls(body, definition.body_start))
        # every label of an entry [3][4] … grows with it
        for index in range(len(self.doc.definitions) - 1, -1, -1):
            if self.doc.definitions[index].start != definition.start:
                break
            self.doc.definitions[index] = replace(
                self.doc.definitions[index], end=end, body=body, urls=urls)
        return replace(definition, end=end, body=body, urls=urls)

    # 4. markers in the text (not the labels of definitions)
    def _find_markers(self, masked: str) -> None:
        doc = self.doc
        taken = _Spans((d.start, d.end) for d in doc.definitions)
        if "]:" in masked:
            link_defs = [
                (m.start(), masked.find("\n", m.start()))
                for m in LINK_REFERENCE_LINE.finditer(masked)
            ]
            taken.add_all((s, e if e >= 0 else len(masked)) for s, e in link_defs)
        found: list[Marker] = []
        if "<" in masked:
            for match in SUP_MARKER.finditer(masked):
                if taken.covers(match.start()) or EXPONENT_BASE.search(
                        masked, max(0, match.start() - 4), match.start()):
                    continue
                labels = _expand_labels(match.group(1) or match.group(2))
                found.append(Marker(labels, "sup", match.start(), match.end()))
        if "[^" in masked:
            for match in FOOTNOTE_MARKER.finditer(masked):
                if not taken.covers(match.start()):
                    label = (match.group(1).strip(),)
                    found.append(Marker(label, "footnote", match.start(), match.end()))
        bracket_labels = {d.label for d in doc.definitions if d.style == "bracket"}
        if bracket_labels:
            taken.add_all((m.start, m.end) for m in found)  # [\[2\]](…) inside a <sup>
            for match in BRACKET_MARKER.finditer(masked):
                if not taken.covers(match.start()):
                    labels = _expand_labels(
                        next(g for g in match.groups() if g).replace("][", ","))  # [8][9]
                    if (match.start() and masked[match.start() - 1].isascii()
                            and masked[match.start() - 1].isalpha()
                            and not bracket_labels.issuperset(labels)):
                        continue  # a[0]: an index, unless it names a listed source
                    if (len(labels) > 1
                            and 2 * len(bracket_labels.intersection(labels)) <= len(labels)):
                        continue  # [1-10] or [0,1] citing mostly undefined numbers: an interval
                    found.append(Marker(labels, "bracket", match.start(), match.end()))
        for match in UNICODE_MARKER.finditer(masked):
            if not taken.covers(match.start()):
                labels = _expand_labels(
                    match.group(1).translate(SUPERSCRIPT_DIGITS).replace("˒", ","))
                found.append(Marker(labels, "unicode", match.start(), match.end()))
        found.sort(key=lambda m: m.start)
        doc.markers = found

    # 5. numbering of headings and paragraphs
    def _find_numbering(self) -> None:
        doc = self.doc
        items: list[tuple[int, NumberedItem]] = []
        for heading in doc.headings:
            start = heading.start
            while start < heading.end and self.text[start] in "*_ \t":
                start += 1  # ### **9.1 标题**
            item = _numbered_item(self.text, start, heading.level, "heading")
            if item:
                items.append((heading.start, item))
        for paragraph in doc.paragraphs:
            if paragraph.kind == "quote":  # each line of a blockquote may open an item
                lines = [(m.start() + paragraph.start, m.group()) for m in re.finditer(
                    r"[^\n]+", self.text[paragraph.start : paragraph.end])]
            else:
                lines = [(paragraph.start, self.text[paragraph.start : paragraph.end])]
            for line_start, line in lines:
                item = self._line_item(line_start, line, paragraph.kind)
                if item:
                    items.append((item.start, item))
        items.sort(key=lambda pair: pair[0])
        doc.numbered_items = [item for _, item in items]

    def _line_item(self, start: int, line: str, kind: str) -> NumberedItem | None:
        quoted = re.match(r"[ \t]*(?:>[ \t]?)+", line) if kind == "quote" else None
        offset = quoted.end() if quoted else 0
        listed = re.match(r"[ \t]*(\d{1,9})[.)](?:[ \t]|$)", line[offset:])
        if listed and (kind == "list" or quoted):
            return NumberedItem("list", int(listed.group(1)), start + offset + listed.start(1),
                                start + offset + listed.end(1) + 1, 0, "list")
        if kind == "list":
            bullet = re.match(r"[ \t]*[-*+][ \t]+", line)
            if bullet is None:
                return None
            offset = bullet.end()
        while offset < len(line) and line[offset] in " \t\u3000>":
            offset += 1
        return _numbered_item(self.text, start + offset, 0, "paragraph")

    # 6. sentences, figures, claim triggers, enumerations
    def _read_sentences(self, masked: str) -> None:
        """Figures and triggers are read once over the prose of all paragraphs (everything
        else blanked), so their offsets are the original ones; sentences are split per
        paragraph, with page-split pieces joined."""
        doc = self.doc
        prose = self._prose(_marker_filled(masked, doc.markers))
        plain = prose.replace(MARKER_FILL, " ")
        figures = find_figures(plain, self.lexicon)
        counts = self._enumerations(plain, figures)
        figures = [f for f in figures if id(f) not in counts]
        triggers = self._triggers(plain)
        figure_starts = [f.start for f in figures]
        trigger_starts = [t.start for t in triggers]
        marker_starts = [m.start for m in doc.markers]
        for index, paragraph in enumerate(doc.paragraphs):
            joined, offsets = _join(prose, paragraph.pieces, self.join)
            for start, end in self._sentence_bounds(joined):
                o_start, o_end = _orig(offsets, start), _orig(offsets, end - 1) + 1
                doc.sentences.append(Sentence(
                    index, o_start, o_end,
                    _within(doc.markers, marker_starts, o_start, o_end),
                    _within(figures, figure_starts, o_start, o_end),
                    _within(triggers, trigger_starts, o_start, o_end),
                ))
        for heading in doc.headings:
            text = masked[heading.start : heading.end].replace(MARKER_FILL, " ")
            found = [
                replace(f, start=f.start + heading.start, end=f.end + heading.start)
                for f in find_figures(text, self.lexicon)
            ]
            if found:
                doc.heading_figures[heading.start] = tuple(found)

    def _prose(self, text: str) -> str:
        """``text`` with all but the paragraphs blanked, and URLs and link targets too."""
        pieces = sorted(piece for p in self.doc.paragraphs for piece in p.pieces)
        parts = []
        last = 0
        for start, end in pieces:
            parts.append(_blank_text(text[last:start]))
            parts.append(text[start:end])
            last = end
        parts.append(_blank_text(text[last:]))
        prose = "".join(parts)
        return LINK_TARGET.sub(_blank, URL.sub(_blank, prose))

    def _enumerations(self, text: str, figures: list[Figure]) -> set[int]:
        """Record 甲、乙、丙三类 enumerations; return the ids of the figures that are
        their counts."""
        counts: set[int] = set()
        if self.doc.language != "zh":
            return counts
        for figure in figures:
            if figure.numeral != "chinese" or figure.qualifier not in ("exact",):
                continue
            before = text[max(0, figure.start - 240) : figure.start]
            match = ENUMERATION_BEFORE.search(before)
            if not match or "等" in match.group(2):
                continue  # 甲、乙等三类: an open list, the count is a claim of its own
            last = tuple(p for p in re.split(r"和|及|与|以及|或", match.group(2)) if p)
            items = tuple(match.group(1).split("、")[:-1]) + last
            self.doc.enumerations.append(Enumeration(items, figure))
            counts.add(id(figure))
        return counts

    def _triggers(self, text: str) -> list[Trigger]:
        # One pass per pattern: Python's re is several times slower on their alternation.
        found = [
            Trigger(trigger.name, match.start(), match.end())
            for trigger in self.pack.triggers for match in trigger.pattern.finditer(text)
        ]
        if not found:
            return found
        titles = _Spans((m.start(), m.end()) for m in TITLE.finditer(text))
        found = [t for t in found if not titles.covers(t.start)]
        found.sort(key=lambda t: t.start)
        return found

    def _sentence_bounds(self, text: str) -> list[tuple[int, int]]:
        bounds = []
        start = 0
        n = len(text)
        enders = self.pack.sentence_enders
        for match in _sentence_end_pattern(enders).finditer(text):
            end = match.end()
            if match.group().startswith(".") and not _is_sentence_period(text, match.start()):
                continue
            # A marker directly after the ending punctuation belongs to this sentence.
            follow = re.match(r"[ \t]*\x01+(?:[ \t]*\x01+)*", text[end:])
            if follow:
                end += follow.end()
            if text[start:end].strip(" \t\n\r\u3000" + MARKER_FILL):
                bounds.append(_trim(text, start, end))
            start = end
        if start < n and text[start:].strip(" \t\n\r\u3000" + MARKER_FILL):
            bounds.append(_trim(text, start, n))
        return bounds


# --- small helpers ---------------------------------------------------------------------


_END_PATTERNS: dict[str, re.Pattern[str]] = {}


def _sentence_end_pattern(enders: str) -> re.Pattern[str]:
    pattern = _END_PATTERNS.get(enders)
    if pattern is None:
        cjk = "".join(c for c in enders if c not in ".!?") or "。"
        pattern = re.compile(
            "[" + re.escape(cjk) + r"]+[" + re.escape(CLOSERS) + r"]*"
            r"|[.!?]+[" + re.escape(CLOSERS) + r"]*(?=[\s\x01]|$)"
        )
        _END_PATTERNS[enders] = pattern
    return pattern


def _is_sentence_period(text: str, at: int) -> bool:
    word = re.search(r"([A-Za-z][A-Za-z.]*)$", text[max(0, at - 20) : at])
    if word:
        token = word.group(1).lower()
        if token in ABBREVIATIONS or (len(token) == 1 and text[at - 1].isupper()):
            return False
        if "." in token and len(token) <= 5:  # e.g., U.S.
            return False
    return True


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\n\r\u3000":
        start += 1
    while end > start and text[end - 1] in " \t\n\r\u3000":
        end -= 1
    return start, end


def _headingless_references(lines: list[str]) -> set[int]:
    """Line numbers of a references list written without a heading: a run of two or more
    entries [1] …, [2] … numbered one after another (blank lines between entries and
    wrapped lines within them allowed), after text that cites one of them."""
    found: set[int] = set()
    text = "\n".join(lines)
    offsets = _line_starts(text)
    number = 0
    while number < len(lines):
        match = BRACKET_ENTRY.match(lines[number]) if "[" in lines[number] else None
        if match is None:
            number += 1
            continue
        expected = _next_label(lines[number], match)
        labels = [match.group(1)]
        entries, last, blank_before = 1, number, False
        for following in range(number + 1, len(lines)):
            line = lines[following]
            entry = BRACKET_ENTRY.match(line) if "[" in line else None
            if entry is not None:
                if int(entry.group(1)) != expected:
                    break
                expected = _next_label(line, entry)
                labels.append(entry.group(1))
                entries, last, blank_before = entries + 1, following, False
            elif not line.strip():
                blank_before = True
            elif blank_before or _opens_block(line):
                break
            else:
                last = following  # the entry wrapped onto this line
        if entries >= 2 and any(_cited_before(text, offsets[number], label) for label in labels):
            found.update(range(number, last + 1))
        number = last + 1
    return found


def _next_label(line: str, entry: re.Match[str]) -> int:
    """The label expected after this entry: [3][4] … is followed by [5]."""
    extra = re.match(r"(?:\\?\[\d{1,4}\\?\])*", line[entry.end() :]).group()
    return int(entry.group(1)) + 1 + len(re.findall(r"\d+", extra))


def _cited_before(text: str, offset: int, label: str) -> bool:
    """Is [label], alone or in a list ([1, 2], [1-3]), written before ``offset`` (not as a
    reference link ][label])?"""
    if label not in text[:offset]:
        return False
    return any(label in _expand_labels(m.group(1)) for m in CITED_LIST.finditer(text, 0, offset))


def _opens_block(line: str) -> bool:
    stripped = line.lstrip()
    return bool(ATX_HEADING.match(line)) or stripped.startswith(("<", "|", ">", "![", "```"))


def _indent(line: str) -> int:
    width = 0
    for char in line:
        if char == " ":
            width += 1
        elif char == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def _expand_labels(text: str) -> tuple[str, ...]:
    if text.isdigit():
        return (text,)
    labels: list[str] = []
    # (?<!\s): split from the first space of a run only, not from each (quadratic)
    for part in re.split(r"(?<!\s)\s*[,，、]\s*", text.strip()):
        bounds = re.split(r"(?<!\s)\s*[-–—~]\s*", part)
        if len(bounds) == 2 and bounds[0].isdigit() and bounds[1].isdigit():
            low, high = int(bounds[0]), int(bounds[1])
            if low <= high and high - low <= 50:
                labels.extend(str(n) for n in range(low, high + 1))
                continue
        labels.append(part)
    return tuple(labels)


LINK_TEXT = re.compile(r"\[[^\[\]\n]*\](?=\()")


def _definition_urls(body: str, body_start: int):
    # A URL written as a link's text ([https://a.org](https://archive/…)) is not what is cited.
    body = LINK_TEXT.sub(lambda m: "[" + " " * (len(m.group()) - 2) + "]", body)
    for match in DEFINITION_URL.finditer(body):
        kind = match.lastgroup
        url = match.group(kind)
        start = match.start(kind)
        if kind == "link" and not SCHEME.match(url):
            continue  # a relative link to another page of the site, not a cited URL
        if kind == "bare":
            host = IPV6_HOST.match(url)  # its closing ] is no trailing punctuation
            keep = host.end() if host else 0
            url = url[:keep] + url[keep:].rstrip(URL_TRAILING)
            while url.endswith(")") and url.count("(") < url.count(")"):
                url = url[:-1]
        yield UrlSpan(url, body_start + start, body_start + start + len(url))


def _read_directive(match: re.Match[str], offset: int) -> Directive:
    keyword = match.group(1)
    kinds = {
        "factlint-disable": "disable",
        "factlint-enable": "enable",
        "factlint-disable-next-line": "disable-next-line",
        "factlint-disable-file": "disable-file",
    }
    start, end = offset, offset + len(match.group())
    kind = kinds.get(keyword)
    codes = tuple(c for c in re.split(r"[\s,]+", match.group(2).strip()) if c)
    if kind is None:
        return Directive("invalid", codes, start, end, f"unknown directive '{keyword}'")
    if not codes:
        return Directive("invalid", (), start, end,
                         f"'{keyword}' names no codes (give codes or 'all')")
    return Directive(kind, codes, start, end)


def _numbered_item(text: str, start: int, level: int, block: str) -> NumberedItem | None:
    match = NUMBERING.match(text, start)
    if not match:
        return None
    style = match.lastgroup
    raw = match.group(style)
    if block == "paragraph" and style == "ar_dot":
        return None  # "1." opening a plain paragraph is a list Markdown did not see; skip
    if style in ("decimal", "dashed"):
        if block != "heading":
            return None  # "3.5 亿" or "2-3 天" opening a paragraph is a figure
        path = tuple(int(n) for n in re.split(r"[.．-]", raw))
        return NumberedItem(style, path[-1], match.start(), match.end(), level, block, path)
    if style == "circled":
        value = CIRCLED.index(raw) + 1
    elif style.startswith("cn"):
        value = _cn_small(raw)
        if value is None:
            return None
    else:
        value = int(raw)
    return NumberedItem(style, value, match.start(), match.end(), level, block)


def _cn_small(text: str) -> int | None:
    if "百" in text:
        hundreds, _, rest = text.partition("百")
        high = CN_DIGITS.get(hundreds, 1 if not hundreds else None)
        low = _cn_small(rest.lstrip("零〇")) if rest.lstrip("零〇") else 0
        return None if high is None or low is None else high * 100 + low
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        high = CN_DIGITS.get(tens, 1 if not tens else None)
        low = CN_DIGITS.get(ones, 0 if not ones else None)
        if high is None or low is None:
            return None
        return high * 10 + low
    return CN_DIGITS.get(text) if len(text) == 1 else None


def _marker_filled(masked: str, markers: Sequence[Marker]) -> str:
    if not markers:
        return masked
    parts = []
    last = 0
    for marker in markers:
        parts.append(masked[last : marker.start])
        parts.append(MARKER_FILL * (marker.end - marker.start))
        last = marker.end
    parts.append(masked[last:])
    return "".join(parts)


def _join(text: str, pieces, separator: str):
    """Join the pieces of a paragraph; offsets maps joined positions back to the original."""
    parts = []
    offsets = []  # (joined_start, original_start)
    position = 0
    for i, (start, end) in enumerate(pieces):
        if i:
            parts.append(separator)
            position += len(separator)
        offsets.append((position, start))
        parts.append(text[start:end])
        position += end - start
    return "".join(parts), offsets


def _orig(offsets, local: int) -> int:
    index = bisect_right(offsets, (local, float("inf"))) - 1
    joined_start, original_start = offsets[max(index, 0)]
    return original_start + local - joined_start


def _within(items: Sequence, starts: list[int], start: int, end: int) -> tuple:
    """The items (sorted by start, with ``starts``) that start in [start, end)."""
    return tuple(items[bisect_left(starts, start) : bisect_left(starts, end)])


class _Spans:
    """Sorted, non-overlapping enough spans with a fast 'does any cover x' test."""

    def __init__(self, spans=()):
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]

    def add_all(self, spans) -> None:
        self.spans = sorted(self.spans + list(spans))
        self.starts = [s for s, _ in self.spans]

    def covers(self, offset: int) -> bool:
        index = bisect_right(self.starts, offset) - 1
        return index >= 0 and self.spans[index][0] <= offset < self.spans[index][1]
