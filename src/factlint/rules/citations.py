"""FL101-FL108: every number points to a defined, used, well-formed source."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from factlint.documents import Book, book_of, label_key
from factlint.finding import Finding, Fix
from factlint.lazyre import lazy
from factlint.messages import Message
from factlint.notes import REPEAT, SOURCE, is_complete_reference, pinpoints, titles_of
from factlint.rules import Rule

if TYPE_CHECKING:
    from factlint.document import Definition, Document, Marker
    from factlint.rules import Context

__all__ = ["label_key", "shown", "source_identity", "RULES"]

IDENTIFIER = lazy(
    r"https?://|doi\.org/|\b10\.\d{4,9}/\S|\bdoi\s*[:：]|\bISBN[\s:-]*+[\dX-]{10,}|\barXiv\s*:\s*\d"
    r"|〔\d{4}〕\s*\d+\s*号|\[\d{4}\]\s*\d+\s*号|\bISSN\b|\bPMID\b|\bwww\.\S+\.\S+",
    re.IGNORECASE,
)
# Every IDENTIFIER match holds one of these: a cheap test before the costly one. Each
# word's first letter has its cases written out (what re.IGNORECASE matches: ı and İ for i),
# so that a search skips to them at C speed instead of trying every character.
MAY_IDENTIFY = lazy(
    r"[/〔\[]|[dD](?i:oi)|[iIİı](?i:sbn|ssn)|[pP](?i:mid)|[aA](?i:rxiv)|[wW](?i:ww)")
NORMALISE = lazy(r"[\s，,。.、;；:：“”\"'‘’()（）《》<>\[\]-]+")


def shown(marker_style: str, label: str) -> str:
    return {
        "sup": f"<sup>{label}</sup>",
        "footnote": f"[^{label}]",
        "bracket": f"[{label}]",
        "unicode": label,
    }.get(marker_style, label)


def _book(ctx: Context) -> Book:
    return book_of(ctx.doc, getattr(ctx, "book", None))


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
    for marker, label, found in _book(ctx).cited(doc):
        if found is not None:
            continue
        if len(label) > 40 or " " in label.strip():
            yield UNDEFINED.at(
                doc, marker.start, marker.end,
                Message("FL101.inline-note", label=label[:30]),
            )
            continue
        yield UNDEFINED.at(
            doc, marker.start, marker.end,
            Message("FL101.undefined", citation=shown(marker.style, label), label=label),
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
    book = _book(ctx)
    used = [(doc.path, d.start) in book.used for d in doc.definitions]
    # a numbered references list that no marker cites is a bibliography, not notes
    listed_cited = any(u for d, u in zip(doc.definitions, used, strict=True)
                       if d.style == "bracket")
    # chapters outside the folder may cite a shared notes file's later notes
    last_cited = max((int(d.label) for d, u in zip(doc.definitions, used, strict=True)
                      if u and d.label.isdigit()), default=0)
    tail_unknown = book.inferred and doc.path in book.shared
    for definition, is_used in zip(doc.definitions, used, strict=True):
        if is_used or (definition.style == "bracket" and not listed_cited):
            continue
        if tail_unknown and (not definition.label.isdigit() or int(definition.label) > last_cited):
            continue
        yield UNUSED.at(
            doc, definition.label_start, definition.label_end,
            Message("FL102.unused", label=definition.label),
        )


def _numeric_order(book: Book, docs: list[Document]) -> list[tuple[int, Document, Marker]]:
    """First citations of the defined numbers, in reading order (undefined ones are FL101's)."""
    seen: set[int] = set()
    order = []
    for doc in docs:
        for marker, label, found in book.cited(doc):
            if not label.isdigit():
                return []
            if found is None:
                continue
            number = int(label)
            if number not in seen:
                seen.add(number)
                order.append((number, doc, marker))
    return order


def _alphabetical(definitions: list[Definition]) -> bool:
    """A numbered bibliography sorted by author (alphabetical numeric style): its numbers
    follow the list, not the order of citation."""
    entries = sorted((int(d.label), d.body) for d in definitions
                     if d.style == "bracket" and d.label.isdigit())
    keys = [m.group().lower() for _, body in entries
            if (m := re.search(r"[A-Za-zÀ-ɏ]{2,}", body))]
    if len(keys) < 4 or len(keys) < len(entries) * 0.8:
        return False
    in_order = sum(1 for a, b in zip(keys, keys[1:], strict=False) if a <= b)
    return in_order >= 0.9 * (len(keys) - 1)


def check_order(ctx: Context) -> Iterator[Finding]:
    """Numeric citations not numbered 1, 2, 3… in order of first citation, or with gaps.

    Readers expect note 5 to come after note 4; a jump or a gap usually means a marker was
    moved, lost or mistyped. Word labels (``[^first]``), identifiers (``[^14125]`` among
    other such numbers) and numbered bibliographies sorted by author are exempt; chapters
    citing one shared notes file are numbered as one series. `factlint fix` renumbers.

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
    book = _book(ctx)
    scope = list(book.scopes[doc.path])
    if len(scope) == 1:
        yield from _series_findings(book, scope).get(doc.path, ())
        return
    by_file = book.memo(("FL103", tuple(d.path for d in scope)),
                        lambda: _series_findings(book, scope))
    yield from by_file.get(doc.path, ())


def _series_findings(book: Book, scope: list[Document]) -> dict[str, list[Finding]]:
    """FL103 findings of one numbered series, by the file they are in."""
    found: dict[str, list[Finding]] = {}
    order = _numeric_order(book, scope)
    if not order:
        return found
    plausible = 2 * len(order) + 5
    typos = [(n, d, m) for n, d, m in order if n > plausible] if len(order) >= 5 else []
    if 2 * len(typos) > len(order):
        return found  # labels such as [^14125] are identifiers, not a sequence
    in_range = [n for n, _, _ in order if n <= plausible or not typos]
    if len(in_range) * 2 < max(in_range) - min(min(in_range), 1) + 1:
        return found  # [^2] … [^12] alone: a part of a series numbered elsewhere
    for number, where, marker in typos:
        found.setdefault(where.path, []).append(ORDER.at(
            where, marker.start, marker.end,
            Message("FL103.far-beyond", number=number, count=len(order)),
        ))
    order = [item for item in order if item[0] <= plausible or not typos]
    definitions, alphabetical = _series_definitions(book, scope)
    numbers = [n for n, _, _ in order]
    if not alphabetical:
        for where, finding in _order_findings(order, numbers, fixable=len(scope) == 1):
            found.setdefault(where.path, []).append(finding)
    base = 0 if min(numbers) == 0 else 1
    defined = {int(d.label) for d in definitions if d.label.isdigit() and int(d.label) <= plausible}
    used = set(numbers) | defined
    files = {d.path: d for d in (*scope, *(x for x in book.docs if x.path in book.shared))}
    for missing in sorted(set(range(base, max(used) + 1)) - used):
        for doc in files.values():
            following = next((d for d in doc.definitions
                              if d.label.isdigit() and int(d.label) > missing), None)
            if following is not None:
                found.setdefault(doc.path, []).append(ORDER.at(
                    doc, following.label_start, following.label_end,
                    Message("FL103.skipped", missing=missing, label=following.label),
                ))
                break
    return found


def _series_definitions(book: Book, scope: list[Document]) -> tuple[list[Definition], bool]:
    """The definitions a numbered series draws on, and whether they are sorted by author."""
    files = {d.path: d for d in (*scope, *(x for x in book.docs if x.path in book.shared))}
    definitions = [d for doc in files.values() for d in doc.definitions]
    return definitions, _alphabetical(definitions)


RENUMBERING_SHOWN = 8  # label changes a message lists before "…"


def _order_findings(order, numbers: list[int], fixable: bool
                    ) -> Iterator[tuple[Document, Finding]]:
    highest = (0 if min(numbers) == 0 else 1) - 1
    fix, renumbering = None, ""
    for number, where, marker in order:
        if number < highest:
            message_id, arguments = "FL103.first-cited-after", {"before": highest}
        elif number > highest + 1:
            skipped = highest + 1
            message_id = "FL103.cited-before" if skipped in numbers else "FL103.cited-before-unused"
            arguments = {"before": skipped}
        else:
            highest = number
            continue
        highest = max(highest, number)
        if fix is None and fixable:
            fix, renumbering = _renumbering_fix(where)
        if renumbering:  # the ids ending .renumbered say which label becomes which
            message_id, arguments = f"{message_id}.renumbered", {**arguments,
                                                                 "renumbering": renumbering}
        yield where, ORDER.at(where, marker.start, marker.end,
                              Message(message_id, number=number, **arguments), fix)


def _renumbering_fix(doc: Document) -> tuple[Fix | None, str]:
    """The renumbering `factlint fix` makes (the brief's edits; `fix` also does the fact
    file), and which label becomes which (``2 → 1, 1 → 2``; "" without a fix)."""
    from factlint.renumber import renumber_fix, renumbering

    mapping = renumbering(doc)
    fix = renumber_fix(doc, mapping)
    if fix is None:
        return None, ""
    changes = [f"{old} → {new}" for old, new in sorted(mapping.items(), key=lambda p: int(p[1]))
               if old != new]
    shown = ", ".join(changes[:RENUMBERING_SHOWN]) + (" …" if len(changes) > RENUMBERING_SHOWN
                                                       else "")
    return fix, shown


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
    previous: Definition | None = None
    for key, definition in zip(_book(ctx).keys(doc), doc.definitions, strict=True):
        if previous is not None and _restarts(doc, previous, definition):
            first = {}  # a new references list under its own heading, numbered afresh
        previous = definition
        if key in first:
            line, _ = doc.position(first[key].start)
            yield DUPLICATE_DEFINITION.at(
                doc, definition.label_start, definition.label_end,
                Message("FL104.defined-twice", label=definition.label, line=line),
            )
        else:
            first[key] = definition


def _restarts(doc: Document, previous: Definition, definition: Definition) -> bool:
    """Does a second references list start here (at 1, after text between the lists)?"""
    return (definition.style == "bracket" and definition.label in ("0", "1")
            and bool(re.search(r"\S", doc.text[previous.end : definition.start])))


NO_URLS: frozenset[str] = frozenset()  # made once: most definitions have none


def source_identity(definition: Definition, prefix: re.Pattern[str] | None,
                    body: str | None = None, titles: frozenset[str] | None = None):
    """(normalised text, titles, urls) of a definition, for spotting the same source twice.
    ``body``: its text without the source prefix (notes.source_body), and ``titles`` the
    titles it names, when known."""
    if body is None:
        body = definition.body
        if prefix is not None:
            body = prefix.sub("", body.strip())
    if titles is None:
        titles = titles_of(body)
    urls = frozenset(u.url.rstrip("/") for u in definition.urls) if definition.urls else NO_URLS
    return NORMALISE.sub("", body).lower(), titles, urls


def check_duplicate_source(ctx: Context) -> Iterator[Finding]:
    """Two labels define the same source (same text, same titles or same URL).

    Citing one source under two numbers makes the list look longer than it is and
    hides that two claims rest on the same document: cite the first number again.
    Notes are not sources: repeat notes (Ibid., 同上, short notes) and notes citing
    other pages of one work are not duplicates. Where the notes repeat their sources
    by convention (a document with repeat notes), only a URL given for two different
    titles is reported: a copy-paste slip.

    Bad:
        甲地企业 120 家<sup>1</sup>，乙地 80 家<sup>2</sup>。

        <sup>1</sup> 来源：某报，《园区企业名录》

        <sup>2</sup> 来源：某报，《园区企业名录》

    Good:
        甲地企业 120 家，乙地 80 家<sup>1</sup>。

        <sup>1</sup> 来源：某报，《园区企业名录》
    """
    doc = ctx.doc
    book = _book(ctx)
    kinds = book.kinds(doc)
    bodies = book.bodies(doc)
    named = book.titles(doc)
    keys = book.keys(doc)
    prefix = doc.pack.source_prefix if doc.pack else None
    notes_repeat = any(k.kind == REPEAT for k in kinds)
    # Earlier definitions by each part of their identity: one look-up each, not a scan.
    earlier: dict[tuple, list[tuple[int, Definition]]] = {}
    identities: dict[int, tuple] = {}  # index -> (text, titles, urls), read once
    pages: dict[int, frozenset[str]] = {}  # index -> its pinpoints, read once when compared

    def same_pages(i: int, j: int) -> bool:
        for k in (i, j):
            if k not in pages:
                pages[k] = pinpoints(doc.definitions[k].body)
        return pages[i] == pages[j]

    for index, (definition, kind) in enumerate(zip(doc.definitions, kinds, strict=True)):
        if kind.kind != SOURCE:
            continue
        text, titles, urls = identities[index] = source_identity(
            definition, prefix, bodies[index], named[index])
        parts = [("url", url) for url in urls] if urls else []
        if not notes_repeat:
            if text:
                parts.append(("text", text))
            if titles:
                parts.append(("titles", titles))
        key = keys[index]
        start = definition.start
        # (a part no earlier definition shares is passed over before _earlier_of is made)
        if notes_repeat and any(titles & identities[i][1] for part in parts if part in earlier
                                for i, _ in _earlier_of(earlier, part, keys, key, start)):
            same = None  # it repeats an earlier note whole: the convention, not a slip
        else:
            same = None  # the earliest same source; each part's list is in document order
            for part in parts:
                if part not in earlier:
                    continue
                for found in _earlier_of(earlier, part, keys, key, start):
                    if _same_source(identities[index], identities[found[0]], notes_repeat,
                                    same_pages(index, found[0])):
                        same = found if same is None or found[0] < same[0] else same
                        break
        if same is not None:
            first = same[1]
            line, _ = doc.position(first.start)
            yield DUPLICATE_SOURCE.at(
                doc, definition.label_start, definition.label_end,
                Message("FL105.same-url" if notes_repeat else "FL105.same-source",
                        first=first.label, label=definition.label, line=line),
            )
        for part in parts:
            earlier.setdefault(part, []).append((index, definition))


def _earlier_of(earlier: dict, part: tuple, keys: list[str], key: str, start: int
                ) -> Iterator[tuple[int, Definition]]:
    """The earlier definitions sharing ``part`` of an identity, under another label."""
    for found in earlier.get(part, ()):
        if keys[found[0]] != key and found[1].start != start:
            yield found


def _same_source(identity: tuple, other_identity: tuple, notes_repeat: bool,
                 same_pages: bool) -> bool:
    if identity[2] and other_identity[2] and not identity[2] & other_identity[2]:
        return False  # a title such as "GET test result" over two different pages
    if not same_pages:
        return False  # other pages of one work
    if notes_repeat:  # the same URL for two different titles
        return bool(identity[1] and other_identity[1] and not identity[1] & other_identity[1])
    return True


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
    book = _book(ctx)
    for definition, kind, body in zip(doc.definitions, book.kinds(doc), book.bodies(doc),
                                      strict=True):
        if kind.kind != SOURCE:
            continue  # a note that explains, or one that repeats an earlier source
        if not body:
            yield MALFORMED.at(
                doc, definition.start, definition.end,
                Message("FL106.empty", label=definition.label),
            )
        elif pack and pack.source_requirements and not any(
            r.pattern.search(body) for r in pack.source_requirements
        ):
            yield MALFORMED.at(
                doc, definition.start, definition.end,
                Message("FL106.unfindable", label=definition.label, body=body[:40]),
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
    for definition, kind in zip(doc.definitions, _book(ctx).kinds(doc), strict=True):
        if kind.kind != SOURCE or not definition.body.strip():
            continue  # notes need no locator; an empty source is FL106's
        if definition.urls or (MAY_IDENTIFY.search(definition.body)
                               and IDENTIFIER.search(definition.body)):
            continue
        if is_complete_reference(definition.body):
            continue  # a book or article with its publisher and year: found without a URL
        source = fact_sources.get(definition.label)
        if source is not None and (source.url or source.doi):
            continue
        yield LOCATOR.at(
            doc, definition.label_start, definition.label_end,
            Message("FL107.no-locator", label=definition.label),
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
                Message("FL108.mixed-styles", style=names[marker.style],
                        first_style=names[first_style]),
            )
            return


UNDEFINED = Rule("FL101", "undefined-citation", "error", check_undefined, whole_document=True)
UNUSED = Rule("FL102", "unused-source", "warning", check_unused, whole_document=True)
ORDER = Rule("FL103", "citation-out-of-order", "warning", check_order, fixable=True,
             whole_document=True)
DUPLICATE_DEFINITION = Rule("FL104", "duplicate-definition", "error", check_duplicate_definition,
                            whole_document=True)
DUPLICATE_SOURCE = Rule("FL105", "duplicate-source", "warning", check_duplicate_source)
MALFORMED = Rule("FL106", "malformed-source", "warning", check_malformed)
LOCATOR = Rule("FL107", "source-without-locator", "info", check_locator)
MIXED_STYLES = Rule("FL108", "mixed-citation-styles", "warning", check_mixed_styles)

RULES = (UNDEFINED, UNUSED, ORDER, DUPLICATE_DEFINITION, DUPLICATE_SOURCE, MALFORMED, LOCATOR,
         MIXED_STYLES)
