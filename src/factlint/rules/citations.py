"""FL101-FL108: every number points to a defined, used, well-formed source."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from factlint.finding import Finding
from factlint.rules import Rule

if TYPE_CHECKING:
    from factlint.document import Definition, Document, Marker
    from factlint.engine import Context

IDENTIFIER = re.compile(
    r"https?://|doi\.org/|\b10\.\d{4,9}/\S|\bdoi\s*[:：]|\bISBN[\s:-]*+[\dX-]{10,}|\barXiv\s*:\s*\d"
    r"|〔\d{4}〕\s*\d+\s*号|\[\d{4}\]\s*\d+\s*号|\bISSN\b|\bPMID\b|\bwww\.\S+\.\S+",
    re.IGNORECASE,
)
# Every IDENTIFIER match holds one of these: a cheap test before the costly one.
_MAY_IDENTIFY = re.compile(r"[/〔\[]|doi|isbn|issn|pmid|arxiv|www", re.IGNORECASE)
# An opening mark ends a title too: a run of 《 or “ with no closing mark is read once, not
# once per mark (quadratic).
TITLE = re.compile(r"《([^《》]+)》|“([^“”]{4,})”|(?<![=\w])\"([^\"]{4,})\"")
NORMALISE = re.compile(r"[\s，,。.、;；:：“”\"'‘’()（）《》<>\[\]-]+")


def label_key(label: str) -> str:
    """Footnote labels compare case-insensitively, as in GitHub Markdown."""
    return label.strip().lower()


def shown(marker_style: str, label: str) -> str:
    return {
        "sup": f"<sup>{label}</sup>",
        "footnote": f"[^{label}]",
        "bracket": f"[{label}]",
        "unicode": label,
    }.get(marker_style, label)


def _cited(doc: Document) -> Iterator[tuple[Marker, str]]:
    for marker in doc.markers:
        for label in marker.labels:
            yield marker, label


def _defined(doc: Document) -> dict[str, Definition]:
    first: dict[str, Definition] = {}
    for definition in doc.definitions:
        first.setdefault(label_key(definition.label), definition)
    return first


def check_undefined(ctx: Context) -> Iterator[Finding]:
    """A citation marker whose number has no source definition.

    A reader who follows the number finds nothing: the claim is as good as unsourced.

    Bad:
        数据商已有 1159 家<sup>2</sup>。

        <sup>1</sup> 来源：某局，《数据交易年报》

    Good:
        数据商已有 1159 家<sup>1</sup>。

        <sup>1</sup> 来源：某局，《数据交易年报》
    """
    doc = ctx.doc
    defined = _defined(doc)
    for marker, label in _cited(doc):
        if label_key(label) in defined:
            continue
        if len(label) > 40 or " " in label.strip():
            yield UNDEFINED.at(
                doc, marker.start, marker.end,
                f"footnote label '{label[:30]}…' has no definition: this looks like an inline "
                "footnote written as [^…]; write ^[…] or move the text to a [^label]: definition",
            )
            continue
        yield UNDEFINED.at(
            doc, marker.start, marker.end,
            f"citation {shown(marker.style, label)} has no source definition: add one for "
            f"'{label}' or correct the number",
        )


def check_unused(ctx: Context) -> Iterator[Finding]:
    """A source definition that no marker cites.

    Either a marker was lost when the text was edited, or the source is dead weight.

    Bad:
        数据商已有 1159 家<sup>1</sup>。

        <sup>1</sup> 来源：某局，《数据交易年报》

        <sup>2</sup> 来源：某报，《无人引用的报道》

    Good:
        数据商已有 1159 家<sup>1</sup>，中介 442 家<sup>2</sup>。

        <sup>1</sup> 来源：某局，《数据交易年报》

        <sup>2</sup> 来源：某报，《中介机构名录》
    """
    doc = ctx.doc
    cited = {label_key(label) for _, label in _cited(doc)}
    for definition in doc.definitions:
        if label_key(definition.label) not in cited:
            yield UNUSED.at(
                doc, definition.label_start, definition.label_end,
                f"source {definition.label} is defined but never cited: cite it where its claim "
                "is made, or remove it",
            )


def _numeric_order(doc: Document) -> list[tuple[int, Marker]]:
    seen: set[int] = set()
    order = []
    for marker, label in _cited(doc):
        if not label.isdigit():
            return []
        number = int(label)
        if number not in seen:
            seen.add(number)
            order.append((number, marker))
    return order


def check_order(ctx: Context) -> Iterator[Finding]:
    """Numeric citations not numbered 1, 2, 3… in order of first citation, or with gaps.

    Readers expect note 5 to come after note 4; a jump or a gap usually means a marker was
    moved, lost or mistyped. Word labels (``[^first]``) and number-like identifiers far
    larger than the count of sources (``[^14125]``) are exempt. `factlint fix` renumbers.

    Bad:
        甲地有企业 120 家<sup>2</sup>，乙地有 80 家<sup>1</sup>。

        <sup>1</sup> 来源：乙地统计局，《乙地企业名录》

        <sup>2</sup> 来源：甲地统计局，《甲地企业名录》

    Good:
        甲地有企业 120 家<sup>1</sup>，乙地有 80 家<sup>2</sup>。

        <sup>1</sup> 来源：甲地统计局，《甲地企业名录》

        <sup>2</sup> 来源：乙地统计局，《乙地企业名录》
    """
    doc = ctx.doc
    order = _numeric_order(doc)
    if not order:
        return
    numbers = [n for n, _ in order]
    if max(numbers) > 2 * len(numbers) + 5:
        return  # labels such as [^14125] are identifiers, not a sequence
    highest = (0 if min(numbers) == 0 else 1) - 1
    fix = None
    for number, marker in order:
        if number < highest:
            message = (f"citation {number} is first cited after {highest}: number citations in "
                       "order of first appearance (factlint fix renumbers)")
        elif number > highest + 1:
            skipped = highest + 1
            message = (f"citation {number} is cited before {skipped}"
                       f"{'' if skipped in numbers else f' ({skipped} is never cited)'}: number "
                       "citations in order of first appearance (factlint fix renumbers)")
        else:
            highest = number
            continue
        highest = max(highest, number)
        if fix is None:
            from factlint.fix import (
                renumber_fix,  # the brief's edits; `fix` also does the fact file
            )

            fix = renumber_fix(doc)
        yield ORDER.at(doc, marker.start, marker.end, message, fix)
    base = 0 if min(numbers) == 0 else 1
    defined = {int(d.label) for d in doc.definitions if d.label.isdigit()}
    used = set(numbers) | defined
    for missing in sorted(set(range(base, max(used) + 1)) - used):
        following = next((d for d in doc.definitions
                          if d.label.isdigit() and int(d.label) > missing), None)
        if following is not None:
            yield ORDER.at(
                doc, following.label_start, following.label_end,
                f"source numbers skip {missing}: numbering jumps to {following.label}",
            )


def check_duplicate_definition(ctx: Context) -> Iterator[Finding]:
    """A label defined twice.

    A marker can only point at one source; which one the reader gets is an accident.

    Bad:
        数据商已有 1159 家<sup>1</sup>。

        <sup>1</sup> 来源：某局，《数据交易年报》

        <sup>1</sup> 来源：某报，《另一篇报道》

    Good:
        数据商已有 1159 家<sup>1</sup>，另见报道<sup>2</sup>。

        <sup>1</sup> 来源：某局，《数据交易年报》

        <sup>2</sup> 来源：某报，《另一篇报道》
    """
    doc = ctx.doc
    first: dict[str, Definition] = {}
    for definition in doc.definitions:
        key = label_key(definition.label)
        if key in first:
            line, _ = doc.position(first[key].start)
            yield DUPLICATE_DEFINITION.at(
                doc, definition.label_start, definition.label_end,
                f"source {definition.label} is defined twice (first at line {line}): give each "
                "source its own number",
            )
        else:
            first[key] = definition


def source_identity(definition: Definition, prefix: re.Pattern[str] | None):
    """(normalised text, titles, urls) of a definition, for spotting the same source twice."""
    body = definition.body
    if prefix is not None:
        body = prefix.sub("", body.strip())
    titles = frozenset(
        NORMALISE.sub("", next(g for g in m.groups() if g)) for m in TITLE.finditer(body)
    )
    urls = frozenset(u.url.rstrip("/") for u in definition.urls)
    return NORMALISE.sub("", body).lower(), titles, urls


def check_duplicate_source(ctx: Context) -> Iterator[Finding]:
    """Two labels define the same source (same text, same titles or same URL).

    Citing one source under two numbers makes the list look longer than it is and
    hides that two claims rest on the same document: cite the first number again.

    Bad:
        甲地企业 120 家<sup>1</sup>，乙地 80 家<sup>2</sup>。

        <sup>1</sup> 来源：某报，《园区企业名录》

        <sup>2</sup> 来源：某报，《园区企业名录》

    Good:
        甲地企业 120 家，乙地 80 家<sup>1</sup>。

        <sup>1</sup> 来源：某报，《园区企业名录》
    """
    doc = ctx.doc
    prefix = doc.pack.source_prefix if doc.pack else None
    # Earlier definitions by each part of their identity: one look-up each, not a scan.
    earlier: dict[tuple, list[tuple[int, Definition]]] = {}
    for index, definition in enumerate(doc.definitions):
        text, titles, urls = source_identity(definition, prefix)
        parts = [("url", url) for url in urls]
        if text:
            parts.append(("text", text))
        if titles:
            parts.append(("titles", titles))
        key = label_key(definition.label)
        same = min(
            (found for part in parts for found in earlier.get(part, ())
             if label_key(found[1].label) != key),
            default=None, key=lambda found: found[0],
        )
        if same is not None:
            first = same[1]
            line, _ = doc.position(first.start)
            yield DUPLICATE_SOURCE.at(
                doc, definition.label_start, definition.label_end,
                f"sources {first.label} and {definition.label} are the same source "
                f"(line {line}): cite {first.label} again and drop {definition.label}",
            )
        for part in parts:
            earlier.setdefault(part, []).append((index, definition))


def check_malformed(ctx: Context) -> Iterator[Finding]:
    """A source definition that is empty or lacks what the rule pack requires (a title, URL or DOI).

    "来源：" alone, or a bare publisher name, does not let a reader find the source.

    Bad:
        数据商已有 1159 家<sup>1</sup>。

        <sup>1</sup> 来源：

    Good:
        数据商已有 1159 家<sup>1</sup>。

        <sup>1</sup> 来源：某局，《数据交易年报》
    """
    doc = ctx.doc
    pack = doc.pack
    for definition in doc.definitions:
        body = definition.body.strip()
        if pack and pack.source_prefix is not None:
            body = pack.source_prefix.sub("", body).strip()
        if not body:
            yield MALFORMED.at(
                doc, definition.start, definition.end,
                f"source {definition.label} is empty: name the publisher and title, or give a URL",
            )
        elif pack and pack.source_requirements and not any(
            r.pattern.search(body) for r in pack.source_requirements
        ):
            yield MALFORMED.at(
                doc, definition.start, definition.end,
                f"source {definition.label} names no title, URL or DOI ('{body[:40]}'): "
                "give enough for a reader to find it",
            )


def check_locator(ctx: Context) -> Iterator[Finding]:
    """A source with no URL, DOI or other identifier, in the brief or in the fact file.

    Titles change and pages move; a locator lets a reader (and the URL checker) find it.

    Bad:
        数据商已有 1159 家<sup>1</sup>。

        <sup>1</sup> 来源：某局，《数据交易年报》

    Good:
        数据商已有 1159 家<sup>1</sup>。

        <sup>1</sup> 来源：某局，《数据交易年报》，https://example.org/report
    """
    doc = ctx.doc
    fact_sources = ctx.facts.sources if ctx.facts is not None else {}
    for definition in doc.definitions:
        if definition.urls or (_MAY_IDENTIFY.search(definition.body)
                               and IDENTIFIER.search(definition.body)):
            continue
        source = fact_sources.get(definition.label)
        if source is not None and (source.url or source.doi):
            continue
        yield LOCATOR.at(
            doc, definition.label_start, definition.label_end,
            f"source {definition.label} has no URL, DOI or other identifier: add one here or as "
            "`url` in the fact file",
        )


def check_mixed_styles(ctx: Context) -> Iterator[Finding]:
    """More than one citation-marker style in a document.

    A brief that mixes <sup>1</sup>, [^2] and [3] was usually pasted together from
    several sources; readers and converters handle one style at a time.

    Bad:
        数据商已有 1159 家<sup>1</sup>，中介 442 家[^2]。

        <sup>1</sup> 来源：某局，《数据交易年报》

        [^2]: 来源：某报，《中介机构名录》

    Good:
        数据商已有 1159 家<sup>1</sup>，中介 442 家<sup>2</sup>。

        <sup>1</sup> 来源：某局，《数据交易年报》

        <sup>2</sup> 来源：某报，《中介机构名录》
    """
    doc = ctx.doc
    if not doc.markers:
        return
    first_style = doc.markers[0].style
    names = {"sup": "<sup>N</sup>", "footnote": "[^N]", "bracket": "[N]", "unicode": "¹²³"}
    for marker in doc.markers:
        if marker.style != first_style:
            yield MIXED_STYLES.at(
                doc, marker.start, marker.end,
                f"citation style {names[marker.style]} mixed with {names[first_style]} used "
                "earlier: use one style throughout",
            )
            return


UNDEFINED = Rule("FL101", "undefined-citation", "error", check_undefined)
UNUSED = Rule("FL102", "unused-source", "warning", check_unused)
ORDER = Rule("FL103", "citation-out-of-order", "warning", check_order, fixable=True)
DUPLICATE_DEFINITION = Rule("FL104", "duplicate-definition", "error", check_duplicate_definition)
DUPLICATE_SOURCE = Rule("FL105", "duplicate-source", "warning", check_duplicate_source)
MALFORMED = Rule("FL106", "malformed-source", "warning", check_malformed)
LOCATOR = Rule("FL107", "source-without-locator", "info", check_locator)
MIXED_STYLES = Rule("FL108", "mixed-citation-styles", "warning", check_mixed_styles)

RULES = (UNDEFINED, UNUSED, ORDER, DUPLICATE_DEFINITION, DUPLICATE_SOURCE, MALFORMED, LOCATOR,
         MIXED_STYLES)
