"""The text of a cited source: HTML, PDF or plain text -> SourceText, for the evidence checks.

Pure functions of the bytes and the declared content type; no I/O. Libraries, and why:

* lxml (already a dependency, for Word briefs) parses broken markup as browsers do
  and is fast enough for 20 MB pages;
* pypdf reads a PDF's text layer in pure Python (no system library); a PDF without one
  (a scan) is said to be unreadable, never guessed at;
* charset-normalizer (requests' own dependency) detects the encoding of a page that
  declares none. A declared GB2312 or GBK is read as GB18030, the superset that pages
  labelled GB2312 really use; Big5 as Big5-HKSCS likewise.

Main content: the page's ``<article>`` or ``<main>`` (or ``role=main``) when it has one,
else the body; navigation, headers, footers, asides, forms, scripts and elements whose
class or id says menu/nav/footer/sidebar/breadcrumb/share/comment are left out.
"""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass
from functools import lru_cache

from factlint.lazyre import lazy
from factlint.messages import Phrase

MIN_PDF_TEXT = 20  # characters a PDF's text layer must hold to count as text (else: a scan)

# labels pages use -> the codec that reads what those pages really contain
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030",
              "big5": "big5hkscs", "ascii": "utf-8", "iso-8859-1": "cp1252",
              "latin-1": "cp1252", "us-ascii": "utf-8"}
_CHARSET = lazy(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.IGNORECASE)
_HEADER_CHARSET = lazy(r"charset\s*=\s*[\"']?([A-Za-z0-9_:.-]+)", re.IGNORECASE)
_DROPPED_TAGS = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside",
                 "form", "iframe", "svg", "button", "select")
_BOILERPLATE = lazy(r"(?:^|[\s_-])(?:nav|navbar|menu|footer|sidebar|breadcrumbs?|share|"
                          r"social|comments?|advert|ads|related|site-header|topbar)(?:$|[\s_-])",
                          re.IGNORECASE)
_BOILERPLATE_TAG = "{urn:factlint}boilerplate"
_BLOCKS = frozenset("p div section article main li ul ol table tr td th h1 h2 h3 h4 h5 h6 br "
                    "blockquote pre dd dt dl figure figcaption hr caption".split())
_DATE_META = ("article:published_time", "og:published_time", "pubdate", "publishdate",
              "publish_date", "date", "dc.date", "dc.date.issued", "citation_publication_date",
              "pubtime", "firstpublishedtime")
_DATE_WORDS = ("日期", "时间", "Published", "Posted")  # each label below holds one (a cheap test)
_DATE_IN_TEXT = lazy(r"(?:发布时间|发布日期|日期|时间|Published|Posted)\s*[:：]?\s*"
                           r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})")
_SPACES = lazy(r"[ \t\u00a0\u3000]+")
_BLANK_LINES = lazy(r"\n\s*\n+")


@dataclass(frozen=True)
class SourceText:
    """What a source says, as text; ``problem`` says why there is none (then text is "")."""

    text: str
    kind: str  # html | pdf | text | other
    title: str = ""
    og_title: str = ""
    h1: str = ""
    published: str = ""
    encoding: str = ""
    problem: str = ""

    @property
    def titles(self) -> tuple[str, ...]:
        return tuple(t for t in (self.title, self.og_title, self.h1) if t)


def kind_of(body: bytes, content_type: str) -> str:
    media = content_type.split(";", 1)[0].strip().lower()
    head = body[:1024].lstrip().lower()
    if media == "application/pdf" or body[:5] == b"%PDF-":
        return "pdf"
    if media in ("text/html", "application/xhtml+xml") or head.startswith((b"<!doctype html",
                                                                         b"<html")):
        return "html"
    if media.startswith("text/") or media in ("", "application/json", "application/xml"):
        return "text" if not _binary(body) else "other"
    return "other"


def extract(body: bytes, content_type: str = "", name: str = "") -> SourceText:
    """The text of a source from its bytes (``name``: a file name, when there is no
    content type)."""
    if not content_type and name.lower().endswith((".html", ".htm")):
        content_type = "text/html"
    elif not content_type and name.lower().endswith(".pdf"):
        content_type = "application/pdf"
    kind = kind_of(body, content_type)
    if kind == "pdf":
        return _pdf(body)
    if kind == "html":
        return _html(body, content_type)
    if kind == "text":
        text, encoding = decode(body, content_type)
        return SourceText(_tidy(text), "text", encoding=encoding)
    media = content_type.split(";", 1)[0].strip() or "unknown type"
    return SourceText("", "other", problem=Phrase("source.not-text", media=media))


# --- encodings ---------------------------------------------------------------------------------


def _codec(label: str) -> str | None:
    label = label.strip().lower()
    label = _SUPERSETS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode(body: bytes, content_type: str = "", html: bool = False) -> tuple[str, str]:
    """(text, encoding used): a BOM, then the declared charset (HTTP header, then
    ``<meta>``), then detection."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if body.startswith(bom):
            return body.decode(name, errors="replace"), name
    declared = _HEADER_CHARSET.search(content_type)
    label = declared.group(1) if declared else None
    if label is None and html:
        meta = _CHARSET.search(body[:8192])
        label = meta.group(1).decode("ascii", "replace") if meta else None
    codec = _codec(label) if label else None
    if codec is not None:
        try:
            return body.decode(codec), codec
        except UnicodeDecodeError:
            pass  # a wrong declaration: detect instead
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(body[:200_000]).best()
    codec = _codec(best.encoding) if best is not None else None
    codec = codec or "gb18030"
    return body.decode(codec, errors="replace"), codec


def _binary(body: bytes) -> bool:
    head = body[:4096]
    return b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


# --- HTML --------------------------------------------------------------------------------------


def _html(body: bytes, content_type: str) -> SourceText:
    from lxml import etree

    text, encoding = decode(body, content_type, html=True)
    if not text.strip():
        return SourceText("", "html", encoding=encoding, problem=Phrase("source.empty-page"))
    # lxml.etree's parser (libxml2's HTML parser, as lxml.html uses) without lxml.html's
    # element classes, whose Python look-up per element cost more than the parsing
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True)
    utf8 = body if encoding == "utf-8" else text.encode("utf-8", "replace")  # decoded whole
    try:
        root = etree.fromstring(utf8, parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as error:
        return SourceText("", "html", encoding=encoding,
                          problem=Phrase("source.bad-html", error=str(error)))
    if root is None:
        return SourceText("", "html", encoding=encoding, problem=Phrase("source.no-element"))
    title = _clean(" ".join(root.xpath("//title//text()")))
    # "/descendant::" rather than "//": libxml2 walks "//x[...]" as every node's children
    og_title = _clean(" ".join(root.xpath("/descendant::meta[@property='og:title']/@content")))
    h1s = root.xpath("//h1")
    h1 = _clean("".join(h1s[0].itertext())) if h1s else ""
    published = _published(root)
    # Dropped by libxml2, the text after each element kept in place (setting it from Python
    # refused the control characters a page may hold); a boilerplate element is renamed
    # first to a tag no HTML page has (the HTML parser makes no namespaces). Broken markup
    # can leave elements beside the root: those have no parent and stay.
    etree.strip_elements(root, *_DROPPED_TAGS, with_tail=False)
    for element in root.xpath("(//@class|//@id)/.."):  # faster than //*[@class or @id]
        marks = f"{element.get('class', '')} {element.get('id', '')}"
        if element.tag not in ("body", "html", "main", "article") and _BOILERPLATE.search(marks) \
                and element.getparent() is not None:
            element.tag = _BOILERPLATE_TAG
    for top in root.xpath("/*"):
        etree.strip_elements(top, _BOILERPLATE_TAG, with_tail=False)
    main = (root.xpath("//article") or root.xpath("//main") or root.xpath("//@role[.='main']/..")
            or root.xpath("//body") or [root])
    content = _tidy("\n".join(_text_of(element) for element in main))
    if not published and any(word in content for word in _DATE_WORDS):
        found = _DATE_IN_TEXT.search(content)
        if found:
            published = f"{found[1]}-{int(found[2]):02d}-{int(found[3]):02d}"
    problem = "" if content.strip() else Phrase("source.no-text")
    return SourceText(content, "html", title, og_title, h1, published, encoding, problem)


def _text_of(element) -> str:
    """The element's text, a line break after each block (an XSLT transform, in C: setting
    each block's tail from Python cost more than the parsing)."""
    return bytes(_text_transform()(element)).decode("utf-8")


@lru_cache(maxsize=1)
def _text_transform():
    """Text nodes as they are, a line break after each block element; given the root
    element, lxml transforms its whole document, so the template of "/" takes the first
    element alone (broken markup can leave elements beside it)."""
    from lxml import etree

    blocks = "|".join(sorted(_BLOCKS))
    return etree.XSLT(etree.XML(
        '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
        '<xsl:output method="text" encoding="UTF-8"/>'
        '<xsl:template match="/"><xsl:apply-templates select="*[1]"/></xsl:template>'
        f'<xsl:template match="{blocks}"><xsl:apply-templates/><xsl:text>&#10;</xsl:text>'
        '</xsl:template></xsl:stylesheet>'))


def _published(root) -> str:
    metas = {}
    for meta in root.iter("meta"):
        name = (meta.get("property") or meta.get("name") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if name and content:
            metas.setdefault(name, content)
    for name in _DATE_META:
        if name in metas:
            return metas[name]
    times = root.xpath("//time/@datetime")
    return times[0].strip() if times else ""


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _tidy(text: str) -> str:
    """Each line's runs of spaces made one space, its ends trimmed, blank lines dropped
    (str methods, in C: regular expressions over a page of Chinese text cost several ms)."""
    lines = text.replace("\0", "").replace("\r", "\0").replace("\n", "\0")
    lines = " ".join(lines.split())  # every run of spaces one space; lines end at NULs
    return "\n".join(filter(None, map(str.strip, lines.split("\0"))))


# --- PDF ---------------------------------------------------------------------------------------


def _pdf(body: bytes) -> SourceText:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    pypdf_log = logging.getLogger("pypdf")
    if not pypdf_log.handlers:  # its warnings ("EOF marker not found") are for developers:
        pypdf_log.addHandler(logging.NullHandler())  # the problem says what the user needs
    try:
        reader = PdfReader(io.BytesIO(body))
        if reader.is_encrypted:
            return SourceText("", "pdf", problem=Phrase("source.encrypted"))
        title = ""
        if reader.metadata is not None and reader.metadata.title:
            title = _clean(str(reader.metadata.title))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as error:
        return SourceText("", "pdf", problem=Phrase("source.bad-pdf", error=str(error)))
    text = _tidy("\n".join(pages))
    if len(re.sub(r"\s", "", text)) < MIN_PDF_TEXT:
        return SourceText("", "pdf", title, problem=Phrase("source.no-text-layer",
                                                           count=len(pages)))
    return SourceText(text, "pdf", title)
