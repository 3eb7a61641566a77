"""`factlint extract BRIEF`: a fact-file skeleton for a brief's figures, for an editor to fill in.

One claim per figure of the brief's sentences, each with the shortest quote around it that
occurs once in the brief, the figure as written, its unit, the source its sentence cites and
an empty `value`; `sources` from the brief's definitions. The text is YAML that validates
against schemas/facts.schema.json (strings are written double-quoted, so nothing in a brief
can change the YAML's structure).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from factlint.facts import Searchable, searchable
from factlint.messages import render

if TYPE_CHECKING:
    from factlint.document import Definition, Document, Sentence
    from factlint.numbers import Figure

MIN_CONTEXT = 4  # characters of context a quote carries beyond the figure, when there are any
# Opening marks are excluded inside (“[^“”]…, \[[^\[\]]…): else a run of them with no
# closing mark is scanned once per mark, quadratic.
TITLE = re.compile(r"《((?:[^《》]|《[^《》]*》)+)》|\*([^*\n]+)\*|_([^_\n]+)_|“([^“”]{3,})”"
                   r"|\"([^\"]{3,})\"|\[([^\[\]]+)\]\(")
CURRENCIES = ("$", "£", "€", "¥", "₹", "US$", "HK$")
LATIN = re.compile(r"[A-Za-z]")
NOUN_AFTER = re.compile(r"(?:(?![之的等和及与、])[\u4e00-\u9fff]){1,6}")
# Where a quote may start or end: punctuation, spaces, and the edges of markup.
BOUNDARY = frozenset(" \t\n\u3000，,、；;：:。.！!？?（）()「」『』“”\"'《》【】[]|<>*_")
PHRASE_REACH = 12  # characters a quote grows at most to reach a phrase boundary


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def fact_unit_for(figure: Figure, after: str = "") -> str:
    """The unit to write in the fact file for a figure: 亿元, %, 家, £bn, million people;
    for 八大行动 the noun counted (行动), given the text ``after`` the figure."""
    if figure.is_percent:
        return "%"
    scale = figure.scale_text
    unit = figure.unit
    if unit == "大" and figure.numeral == "chinese":
        noun = NOUN_AFTER.match(after)
        unit = noun.group() if noun else unit
    if not scale:
        return unit
    if unit in CURRENCIES:
        return unit + scale
    if LATIN.search(scale):
        return f"{scale} {unit}".strip()
    return scale + unit


def shortest_quote(doc: Document, search: Searchable, figure: Figure,
                   sentence: Sentence | None, bounds: tuple[int, int] | None = None) -> str:
    """The shortest text around ``figure`` that occurs once in the brief, widened to
    phrase boundaries (广东等10个省份, never 东等10个省份) and kept inside ``bounds``
    (original offsets: the sentence, or the table cell)."""
    text = search.text
    start = search.folded_index(figure.start)
    end = search.folded_index(figure.end)
    if bounds is None and sentence is not None:
        bounds = (sentence.start, sentence.end)
    low = search.folded_index(bounds[0]) if bounds else 0
    high = search.folded_index(bounds[1]) if bounds else len(text)
    a, b = start, end
    right = True  # grow right, then left, in turn
    while True:
        whole_sentence = a <= low and b >= high
        if ((start - a) + (b - end) >= MIN_CONTEXT or whole_sentence) \
                and search.count(text[a:b]) == 1:
            break
        if a <= 0 and b >= len(text):
            break
        left_ok, right_ok = (a > low, b < high) if not whole_sentence else (a > 0, b < len(text))
        if not (left_ok or right_ok):
            break
        if right_ok and (right or not left_ok):
            b += 1
        else:
            a -= 1
        right = not right
    a, b = _phrase(doc, search, a, b, low, high)
    return _original(doc, search, a, b)


def _phrase(doc: Document, search: Searchable, a: int, b: int, low: int, high: int):
    """[a, b) grown to the nearest phrase boundary on each side, if one is near."""
    def boundary(i: int) -> bool:
        return doc.text[search.origin[i]] in BOUNDARY

    for step in range(PHRASE_REACH + 1):
        if a - step <= low or boundary(a - step - 1):
            a = max(low, a - step)
            break
    for step in range(PHRASE_REACH + 1):
        if b + step >= high or boundary(b + step):
            b = min(high, b + step)
            break
    return a, b


def _original(doc: Document, search: Searchable, a: int, b: int) -> str:
    """The folded range [a, b) as the brief writes it, without markers or definitions."""
    pieces = []
    last = None
    for i in range(a, b):
        origin = search.origin[i]
        if origin == last:
            continue
        if last is not None and origin > last + 1:
            gap = doc.text[last + 1: origin]
            if gap.strip():  # a marker or definitions were cut out here
                pieces.append("")
            elif doc.language != "zh" or "\n" not in gap:
                pieces.append(" ")
        pieces.append(doc.text[origin])
        last = origin
    return "".join(pieces).strip()


def table_cell(doc: Document, figure: Figure) -> tuple[int, int]:
    """The table cell holding ``figure``: from the '|' or '>' before it to the '|' or '<'
    after it."""
    text = doc.text
    start = max(text.rfind("|", 0, figure.start), text.rfind(">", 0, figure.start)) + 1
    ends = [i for i in (text.find("|", figure.end), text.find("<", figure.end)) if i >= 0]
    return start, min(ends) if ends else figure.end


def _governing_labels(sentence: Sentence | None, figure: Figure) -> tuple[str, ...]:
    if sentence is None or not sentence.markers:
        return ()
    after = [m for m in sentence.markers if m.start >= figure.end]
    marker = after[0] if after else sentence.markers[-1]
    return marker.labels


def parse_definition(definition: Definition, prefix: re.Pattern[str] | None) -> dict[str, str]:
    """publisher / title / url of a source definition, as far as its text shows them."""
    body = definition.body
    for url in definition.urls:
        body = body.replace(url.url, " ")
    body = re.sub(r"\]\(\s*\)", "]", body).strip()
    if prefix is not None:
        body = prefix.sub("", body, count=1).strip()
    first = re.split(r"[；;](?=\s*\S)", body)[0]
    found: dict[str, str] = {}
    match = TITLE.search(first)
    if match:
        title = next(g for g in match.groups() if g).strip()
        publisher = first[: match.start()].strip(" \t,，、:：.。")
        publisher = re.sub(r"^(?:Source|Sources|来源|资料来源)\s*[:：]\s*", "", publisher,
                           flags=re.I)
        if title:
            found["title"] = title
        if publisher:
            found["publisher"] = publisher
    else:
        parts = [p.strip() for p in re.split(r"[，,]", first) if p.strip()]
        if len(parts) >= 2:
            found["publisher"] = parts[0]
            found["title"] = parts[1]
    if definition.urls:
        found["url"] = definition.urls[0].url
    return found


def claim_skeleton(doc: Document, figure: Figure, sentence: Sentence | None,
                   cell: tuple[int, int] | None = None, search: Searchable | None = None,
                   language: str = "en") -> list[str]:
    """The lines of one skeleton claim (an item of ``claims:``, indented two spaces) for
    ``figure`` of ``sentence`` (or of the table ``cell``); ``value`` left empty, its
    comments in ``language``."""
    search = search or searchable(doc)
    quote = shortest_quote(doc, search, figure, sentence, cell)
    line, _ = doc.position(figure.start)
    lines = [f"  - quote: {_q(quote)}  {render('extract.line', {'line': line}, language)}",
             f"    figure: {_q(' '.join(figure.text.split()))}",
             "    value:"]
    unit = fact_unit_for(figure, doc.text[figure.end : figure.end + 8])
    if unit:
        lines.append(f"    unit: {_q(unit)}")
    labels = _governing_labels(sentence, figure)
    if len(labels) == 1:
        lines.append(f"    source: {_q(labels[0])}")
    elif labels:
        lines.append("    " + render("extract.cites-several", {"labels": ", ".join(labels)},
                                       language))
    else:
        lines.append("    " + render("extract.cites-none", None, language))
    return lines


def extract_skeleton(doc: Document, language: str = "en") -> str:
    """A fact-file skeleton (YAML text) for ``doc``, its comments in ``language``; see the
    module docstring."""
    search = searchable(doc)
    name = doc.path.replace("\\", "/").rsplit("/", 1)[-1]
    lines = [render("extract.header", {"name": name}, language), "factlint: 1"]
    prefix = doc.pack.source_prefix if doc.pack else None
    seen: set[str] = set()
    source_lines = []
    for definition in doc.definitions:
        if definition.label in seen:
            continue
        seen.add(definition.label)
        fields = parse_definition(definition, prefix)
        if not fields:
            source_lines.append(f"  {_q(definition.label)}: {{}}  "
                                + render("extract.unread-source", None, language))
            continue
        source_lines.append(f"  {_q(definition.label)}:")
        for key in ("publisher", "title", "url"):
            if key in fields:
                source_lines.append(f"    {key}: {_q(fields[key])}")
    if source_lines:
        lines.append("sources:")
        lines.extend(source_lines)
    else:
        lines.append("sources: {}")
    claim_lines = []
    places = [(figure, sentence, None) for sentence in doc.sentences
              for figure in sentence.figures]
    places += [(figure, None, table_cell(doc, figure)) for table in doc.table_blocks
               for figure in table.figures if hasattr(figure, "unit")]
    places.sort(key=lambda place: place[0].start)
    for figure, sentence, cell in places:
        claim_lines.extend(claim_skeleton(doc, figure, sentence, cell, search, language))
    if claim_lines:
        lines.append("claims:")
        lines.extend(claim_lines)
    else:
        lines.append("claims: []")
    return "\n".join(lines) + "\n"
