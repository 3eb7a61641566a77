"""Safe source edits: rejoin page-split paragraphs, renumber citations, and (on request)
drop unused sources and replace permanently redirected URLs.

Every fix is a ``Fix`` of ``Edit``s over the original code-point offsets of one file, so
the engine can attach it to a finding (FL603, FL103, FL403) and ``factlint fix`` can apply
it. ``factlint fix`` runs the fixes in stages — rejoin, drop unused, renumber, URLs —
and reads the brief afresh after each stage, so that no two stages' edits can overlap.

What each fix promises:

* **Rejoin (FL603).** The footnote-definition blocks that interrupt a paragraph move, in
  their order and with their exact text, to just after the rejoined paragraph (or after
  the first following paragraph that ends a sentence, so that the moved blocks cannot
  split another paragraph). The pieces are joined with nothing between them in Chinese
  (the page broke mid-word: "以试" + "验区") and with one space in English. Only the
  whitespace at the joins and the blank lines around the moved blocks change.
* **Renumber (FL103).** When every label of the brief is a number, markers, definitions
  and the fact file's source keys and claims' ``source`` values are renumbered together
  in order of first citation; defined but uncited sources follow in their written order.
  Ranges (``<sup>3-5</sup>``) stay ranges when the new numbers are still consecutive, else
  become comma lists. Definitions never move across body text, but a run of consecutive
  definitions (only blank lines between them, as in a references list or a page-bottom
  block) is sorted by its new numbers so that it reads 1, 2, 3… . Labels of the fact file
  that the brief does not use keep their number unless it is now taken.
* **Drop unused (FL102, ``--drop-unused`` only).** Removes definitions no marker cites,
  with their line.
* **Redirected URLs (FL403, ``--urls`` only).** Replaces a URL that redirects permanently
  with its final address (keeping the original ``#fragment``).

Files keep their byte-order mark and newline style, and are written atomically.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from factlint.document import (
    CLOSERS,
    FOOTNOTE_MARKER,
    HTML_COMMENT,
    HTML_TAG,
    SUP_MARKER,
    THEMATIC_BREAK,
    Definition,
    Document,
    Marker,
    Paragraph,
    read_document,
    without_inline_code,
)
from factlint.finding import Edit, Fix

BOM = "\ufeff"
SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
FROM_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
NUMERIC = re.compile(r"[0-9]+")
RANGE_DASH = re.compile(r"\s*([-–—~])\s*")
LIST_SEPARATOR = re.compile(r"\s*[,，、˒]\s*")
JOIN_WHITESPACE = " \t\u3000"


class FixError(Exception):
    """A brief (or its fact file) that cannot be fixed safely; nothing of it is written."""


# --- applying edits --------------------------------------------------------------------------


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits; insertions at one offset keep their given order."""
    ordered = sorted(enumerate(edits), key=lambda pair: (pair[1].start, pair[1].end, pair[0]))
    parts = []
    last = 0
    for _, edit in ordered:
        if edit.start < last or edit.end < edit.start or edit.end > len(text):
            raise ValueError(f"overlapping or out-of-range edit {edit}")
        parts.append(text[last : edit.start])
        parts.append(edit.replacement)
        last = edit.end
    parts.append(text[last:])
    return "".join(parts)


def newline_of(text: str) -> str:
    """The newline the file uses most: CRLF stays CRLF."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


# --- rejoining page-split paragraphs (FL603) -------------------------------------------------


@dataclass(frozen=True)
class _Rejoin:
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


def _rejoins(doc: Document) -> list[_Rejoin]:
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


def _rejoin_edits(doc: Document, plans: Sequence[_Rejoin]) -> list[Edit]:
    nl = newline_of(doc.text)
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
    for plan in _rejoins(doc):
        description = (f"rejoin the paragraph split by {len(plan.joins)} footnote block(s) "
                       "and move the definitions after it")
        fixes.append((plan.paragraph, Fix(description, tuple(_rejoin_edits(doc, [plan])))))
    return fixes


def rejoin_fix(doc: Document) -> Fix | None:
    """All page-split paragraphs of the brief rejoined at once."""
    plans = _rejoins(doc)
    if not plans:
        return None
    count = sum(len(p.joins) for p in plans)
    return Fix(f"rejoin {count} page split(s)", tuple(_rejoin_edits(doc, plans)))


# --- renumbering citations (FL103) -----------------------------------------------------------


def renumbering(doc: Document) -> dict[str, str]:
    """Old label -> new label, in order of first citation; empty when nothing changes.

    Only when every marker and definition label is a number, and the numbers look like a
    sequence (not identifiers such as ``[^14125]``, which FL103 also leaves alone).
    """
    cited: list[str] = []
    for marker in doc.markers:
        for label in marker.labels:
            if not NUMERIC.fullmatch(label.strip()):
                return {}
            if label.strip() not in cited:
                cited.append(label.strip())
    defined = []
    for definition in doc.definitions:
        label = definition.label.strip()
        if not NUMERIC.fullmatch(label):
            return {}
        if label not in cited and label not in defined:
            defined.append(label)
    order = cited + defined
    if not cited:
        return {}
    numbers = [int(label) for label in cited]
    if max(numbers) > 2 * len(numbers) + 5:
        return {}
    base = 0 if min(numbers) == 0 else 1
    mapping = {label: str(base + position) for position, label in enumerate(order)}
    if all(old == new for old, new in mapping.items()):
        return {}
    return mapping


def _format_labels(inner: str, new: list[str], superscript: bool) -> str:
    """The inside of a marker for its new labels, in the shape it was written."""
    def show(label: str) -> str:
        return label.translate(SUPERSCRIPTS) if superscript else label

    separator = LIST_SEPARATOR.search(inner)
    sep = separator.group() if separator else ","
    dash = RANGE_DASH.search(inner)
    numbers = [int(n) for n in new]
    if dash is None:
        return sep.join(show(n) for n in new)
    ordered = sorted(set(numbers))
    consecutive = ordered == list(range(ordered[0], ordered[0] + len(ordered)))
    if separator is None and consecutive and len(ordered) > 1:
        return f"{show(str(ordered[0]))}{dash.group()}{show(str(ordered[-1]))}"
    parts, run = [], [ordered[0]]
    for number in ordered[1:] + [None]:
        if number is not None and number == run[-1] + 1:
            run.append(number)
            continue
        if len(run) >= 3:
            parts.append(f"{show(str(run[0]))}{dash.group()}{show(str(run[-1]))}")
        else:
            parts.extend(show(str(n)) for n in run)
        if number is not None:
            run = [number]
    return sep.join(parts)


_MARKER_PATTERNS = {
    "sup": SUP_MARKER,
    "footnote": FOOTNOTE_MARKER,
    "unicode": re.compile(r"([⁰¹²³⁴⁵⁶⁷⁸⁹]+(?:[˒,][⁰¹²³⁴⁵⁶⁷⁸⁹]+)*)"),
    "bracket": re.compile(r"\[([^\]]*)\]"),
}


def _marker_edit(text: str, marker: Marker, mapping: Mapping[str, str]) -> Edit | None:
    new = [mapping.get(label.strip(), label.strip()) for label in marker.labels]
    if new == [label.strip() for label in marker.labels]:
        return None
    match = _MARKER_PATTERNS[marker.style].match(text[marker.start : marker.end])
    if match is None:
        return None
    inner = match.group(1)
    start, end = marker.start + match.start(1), marker.start + match.end(1)
    if marker.style == "footnote":
        label = marker.labels[0].strip()
        offset = inner.find(label)
        return Edit(start + offset, start + offset + len(label), new[0])
    return Edit(start, end, _format_labels(inner, new, marker.style == "unicode"))


def _relabelled(text: str, definition: Definition, new: str) -> str:
    """The definition's text with its label replaced."""
    head = text[definition.start : definition.label_end]
    rest = text[definition.label_end : definition.end]
    if definition.style == "unicode":
        head = re.sub(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+", new.translate(SUPERSCRIPTS), head, count=1)
    elif definition.style == "footnote":
        head = head.replace(definition.label.strip(), new, 1)
    else:
        head = re.sub(r"\d+", new, head, count=1)
    return head + rest


def _definition_runs(doc: Document) -> list[list[Definition]]:
    """Definitions with only whitespace between them, in document order."""
    runs: list[list[Definition]] = []
    for definition in sorted(doc.definitions, key=lambda d: d.start):
        if runs and not doc.text[runs[-1][-1].end : definition.start].strip():
            runs[-1].append(definition)
        else:
            runs.append([definition])
    return runs


def renumber_fix(doc: Document, mapping: Mapping[str, str] | None = None) -> Fix | None:
    """Markers and definitions renumbered in order of first citation (the brief only;
    see ``renumber_facts`` for the fact file)."""
    mapping = renumbering(doc) if mapping is None else mapping
    if not mapping:
        return None
    text = doc.text
    edits = [e for e in (_marker_edit(text, m, mapping) for m in doc.markers) if e is not None]
    for run in _definition_runs(doc):
        def new_label(d: Definition) -> str:
            return mapping.get(d.label.strip(), d.label.strip())

        ordered = sorted(run, key=lambda d: int(new_label(d)) if new_label(d).isdigit() else 0)
        if [d.start for d in ordered] == [d.start for d in run]:
            edits.extend(
                Edit(d.start, d.end, _relabelled(text, d, new_label(d)))
                for d in run if new_label(d) != d.label.strip()
            )
            continue
        parts = []
        for slot, (here, moved) in enumerate(zip(run, ordered, strict=True)):
            if slot:
                parts.append(text[run[slot - 1].end : here.start])
            parts.append(_relabelled(text, moved, new_label(moved)))
        edits.append(Edit(run[0].start, run[-1].end, "".join(parts)))
    changed = sum(1 for old, new in mapping.items() if old != new)
    return Fix(f"renumber {changed} source(s) in order of first citation", tuple(edits))


# --- the fact file ---------------------------------------------------------------------------


def fact_file_for(brief: str) -> str | None:
    """``<stem>.facts.yaml`` (or .yml, .json) beside the brief, as the fact loader finds it."""
    from factlint.facts import find_fact_file

    found = find_fact_file(brief)
    return str(found) if found is not None else None


@dataclass(frozen=True)
class _LabelSite:
    """A source label written in a fact file: a key of ``sources`` or a claim's ``source``."""

    start: int
    end: int
    label: str
    quote: str  # the quote character it is written with, or ""


def _yaml_sites(text: str) -> list[_LabelSite]:
    import yaml

    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        raise FixError(f"fact file is not valid YAML: {exc}") from None
    sites: list[_LabelSite] = []
    if not isinstance(root, yaml.MappingNode):
        return sites

    def site(node: Any) -> None:
        if isinstance(node, yaml.ScalarNode) and node.style in (None, '"', "'"):
            written = text[node.start_mark.index : node.end_mark.index]
            quote = node.style or ""
            if written == f"{quote}{node.value}{quote}":
                sites.append(_LabelSite(node.start_mark.index, node.end_mark.index,
                                        node.value, quote))

    for key, value in root.value:
        if key.value == "sources" and isinstance(value, yaml.MappingNode):
            for source_key, _ in value.value:
                site(source_key)
        elif key.value == "claims" and isinstance(value, yaml.SequenceNode):
            for claim in value.value:
                if not isinstance(claim, yaml.MappingNode):
                    continue
                for claim_key, claim_value in claim.value:
                    if claim_key.value in ("source", "sources"):
                        for node in (claim_value.value if isinstance(claim_value, yaml.SequenceNode)
                                     else [claim_value]):
                            site(node)
    return sites


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_SCALAR = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|NaN|-?Infinity")


class _JsonSpans:
    """Where each key and scalar value of a (valid) JSON text is written, by path."""

    def __init__(self, text: str):
        self.text = text
        self.keys: dict[tuple, tuple[int, int]] = {}
        self.values: dict[tuple, tuple[int, int]] = {}
        self._value(self._space(0), ())

    def _space(self, i: int) -> int:
        while i < len(self.text) and self.text[i] in " \t\r\n":
            i += 1
        return i

    def _value(self, i: int, path: tuple) -> int:
        text = self.text
        if text[i] in "{[":
            closing = "}" if text[i] == "{" else "]"
            i = self._space(i + 1)
            index = 0
            while text[i] != closing:
                if closing == "}":
                    end = _JSON_STRING.match(text, i).end()
                    key = json.loads(text[i:end])
                    self.keys[path + (key,)] = (i, end)
                    i = self._space(self._space(end) + 1)  # past the colon
                    i = self._space(self._value(i, path + (key,)))
                else:
                    i = self._space(self._value(i, path + (index,)))
                    index += 1
                if text[i] == ",":
                    i = self._space(i + 1)
            return i + 1
        match = (_JSON_STRING if text[i] == '"' else _JSON_SCALAR).match(text, i)
        self.values[path] = (i, match.end())
        return match.end()


def _json_sites(text: str) -> list[_LabelSite]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise FixError(f"fact file is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        return []
    spans = _JsonSpans(text)
    sites = []

    def site(start: int, end: int) -> None:
        written = text[start:end]
        quote = '"' if written.startswith('"') else ""
        label = json.loads(written) if quote else written
        sites.append(_LabelSite(start, end, str(label), quote))

    if isinstance(data.get("sources"), dict):
        for key in data["sources"]:
            site(*spans.keys[("sources", key)])
    for index, claim in enumerate(data.get("claims") or []):
        if not isinstance(claim, dict):
            continue
        for name in ("source", "sources"):
            value = claim.get(name)
            if isinstance(value, list):
                for item in range(len(value)):
                    if not isinstance(value[item], (dict, list)):
                        site(*spans.values[("claims", index, name, item)])
            elif value is not None and not isinstance(value, dict):
                site(*spans.values[("claims", index, name)])
    return sites


def renumber_facts(text: str, mapping: Mapping[str, str], is_json: bool = False) -> tuple[str, int]:
    """The fact file with its source labels renumbered like the brief's; (text, labels changed).

    Edits only the label scalars, so comments, order and formatting survive. A label the
    brief does not use keeps its number unless the renumbering took it; then it moves
    past the highest number in use.
    """
    bom = text.startswith(BOM)
    body = text[1:] if bom else text
    sites = _json_sites(body) if is_json else _yaml_sites(body)
    full = dict(mapping)
    taken = {int(n) for n in mapping.values()}
    for site in sites:
        label = site.label.strip()
        if label in full or not NUMERIC.fullmatch(label):
            continue
        if int(label) in taken:
            number = max(int(n) for n in mapping.values()) + 1
            while number in taken:
                number += 1
            full[label] = str(number)
        else:
            number = int(label)
            full[label] = label
        taken.add(number)
    edits = []
    for site in sites:
        new = full.get(site.label.strip())
        if new is not None and new != site.label.strip():
            edits.append(Edit(site.start, site.end, f"{site.quote}{new}{site.quote}"))
    fixed = apply_edits(body, edits)
    _check_still_parses(fixed, is_json)
    return (BOM if bom else "") + fixed, len(edits)


def _check_still_parses(text: str, is_json: bool) -> None:
    import yaml

    try:
        json.loads(text) if is_json else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise FixError(
            f"renumbering would break the fact file ({exc}); renumber it by hand"
        ) from None


# --- dropping unused definitions (FL102) -----------------------------------------------------


def unused_definitions(doc: Document) -> list[Definition]:
    cited = {label.strip().lower() for m in doc.markers for label in m.labels}
    return [d for d in doc.definitions if d.label.strip().lower() not in cited]


def drop_unused_fix(doc: Document, definitions: Sequence[Definition] | None = None) -> Fix | None:
    """Remove each definition no marker cites (or those given), with its line and one blank
    line beside it."""
    text = doc.text
    spans = []
    for definition in unused_definitions(doc) if definitions is None else definitions:
        start = doc.line_starts[bisect_right(doc.line_starts, definition.start) - 1]
        end = text.find("\n", definition.end)
        end = len(text) if end < 0 else end + 1
        before_blank = start == 0 or not text[text.rfind("\n", 0, start - 1) + 1 : start].strip()
        after = re.match(r"[ \t]*\r?\n", text[end:])
        if before_blank and after:
            end += after.end()
        elif not text[end:].strip():  # the last lines: drop the blank lines before them too
            content_end = len(text[:start].rstrip())
            start = text.find("\n", content_end) + 1 if content_end else 0
        spans.append((start, end))
    if not spans:
        return None
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return Fix(f"remove {len(spans)} unused source definition(s)",
               tuple(Edit(start, end, "") for start, end in merged))


# --- redirected URLs (FL403) -----------------------------------------------------------------


def redirected_urls(doc: Document, url_settings: Any) -> dict[tuple[int, int], str]:
    """(start, end) of each cited URL that redirects permanently -> its final URL.

    Calls ``factlint.urls.check_urls``: this is the only fix that uses the network.
    """
    from factlint import urls
    from factlint.finding import UrlRef

    spans = [u for d in doc.definitions for u in d.urls]
    if not spans:
        return {}
    refs = [UrlRef(u.url, doc.path, *doc.span(u.start, u.end)) for u in spans]
    report = urls.check_urls(refs, url_settings, progress=False)
    finals = {}
    for span in spans:
        target = report.redirects.get(span.url)
        if target:
            fragment = span.url.partition("#")[2]
            if fragment and "#" not in target:
                target = f"{target}#{fragment}"
            finals[(span.start, span.end)] = target
    return finals


def redirect_fix(doc: Document, finals: Mapping[tuple[int, int], str]) -> Fix | None:
    """Replace each redirected URL (by its span) with its final address."""
    edits = []
    for (start, end), target in sorted(finals.items()):
        if doc.text[start - 2 : start] == "](":  # a Markdown link target: keep it one token
            target = target.replace("(", "%28").replace(")", "%29")
        if target != doc.text[start:end]:
            edits.append(Edit(start, end, target))
    if not edits:
        return None
    return Fix(f"replace {len(edits)} permanently redirected URL(s)", tuple(edits))


# --- every fix of a brief --------------------------------------------------------------------


def fixes_for(doc: Document, drop_unused: bool = False) -> list[Fix]:
    """The fixes of a brief, each over the original offsets of ``doc.text``.

    Each Fix applies alone; they may overlap one another (a relabelled definition can sit
    inside a paragraph gap), which is why ``fix_text`` applies them stage by stage.
    """
    fixes = [f for _, f in rejoin_fixes(doc)]
    for fix in (drop_unused_fix(doc) if drop_unused else None, renumber_fix(doc)):
        if fix is not None:
            fixes.append(fix)
    return fixes


@dataclass(frozen=True)
class FixOptions:
    rejoin: bool = True
    renumber: bool = True
    drop_unused: bool = False
    urls: bool = False
    url_settings: Any = None  # factlint.urls.UrlSettings, when ``urls``


@dataclass
class FixedText:
    brief: str
    facts: str | None
    issues: int = 0
    facts_issues: int = 0
    done: list[str] = field(default_factory=list)  # the descriptions of the fixes applied


def _surviving(doc: Document, settings: Any, rule: Any) -> tuple[list[Any], int] | None:
    """The findings of ``rule`` that selection and suppression directives leave, and how
    many were suppressed; None when no settings are given (everything may be fixed)."""
    if settings is None:
        return None
    from factlint.engine import Context, active_rules, apply_directives

    if rule.code not in {r.code for r in active_rules(settings)}:
        return [], 0
    findings = list(rule.check(Context(doc, None, settings)))
    kept = [f for f in apply_directives(doc, findings, settings) if f.code == rule.code]
    return kept, len(findings) - len(kept)


def fix_text(
    path: str,
    text: str,
    options: FixOptions = FixOptions(),
    facts_text: str | None = None,
    facts_json: bool = False,
    settings: Any = None,
) -> FixedText:
    """Apply the selected fixes to a brief's text (and its fact file's); raise FixError
    when they cannot be applied safely.

    With ``settings`` (factlint.config.Settings), a fix runs only where its rule is
    selected and its finding is not suppressed by a directive: FL603 per paragraph,
    FL102 per definition, FL103 for the whole brief (any suppressed FL103 finding keeps
    the numbering as written), FL403 when selected.
    """
    from factlint.rules import citations, structure

    bom = text.startswith(BOM)
    text = text[1:] if bom else text
    result = FixedText(text, facts_text)
    packs = settings.packs if settings is not None else ()

    def read(current: str) -> Document:
        return read_document(path, current, extra_packs=packs)

    doc = read(text)
    if options.rejoin:
        plans = _rejoins(doc)
        survivors = _surviving(doc, settings, structure.SPLIT_PARAGRAPH)
        if survivors is not None:
            places = {(f.line, f.column) for f in survivors[0]}
            plans = [plan for plan in plans if places & _split_places(doc, plan.paragraph)]
        if plans:
            rejoined = apply_edits(text, _rejoin_edits(doc, plans))
            after = read(rejoined)
            left = sum(bool(p.splits) for p in doc.paragraphs) - len(plans)
            if sum(bool(p.splits) for p in after.paragraphs) != left:
                raise FixError("rejoining the split paragraphs would split another one; "
                               "move the footnote definitions by hand")
            text, doc = rejoined, after
            splits = sum(len(p.joins) for p in plans)
            result.issues += splits
            result.done.append(f"rejoined {splits} page split(s)")
    if options.drop_unused:
        unused = unused_definitions(doc)
        survivors = _surviving(doc, settings, citations.UNUSED)
        if survivors is not None:
            places = {(f.line, f.column) for f in survivors[0]}
            unused = [d for d in unused if doc.position(d.label_start) in places]
        fix = drop_unused_fix(doc, unused)
        if fix is not None:
            result.issues += len(unused)
            text = apply_edits(text, fix.edits)
            doc = read(text)
            result.done.append(fix.description)
    survivors = _surviving(doc, settings, citations.ORDER) if options.renumber else None
    if options.renumber and (survivors is None or (survivors[1] == 0 and _selected(
            settings, citations.ORDER))):
        mapping = renumbering(doc)
        fix = renumber_fix(doc, mapping)
        if fix is not None:
            if facts_text is not None:
                result.facts, result.facts_issues = renumber_facts(facts_text, mapping, facts_json)
            text = apply_edits(text, fix.edits)
            doc = read(text)
            result.issues += sum(1 for old, new in mapping.items() if old != new)
            result.done.append(fix.description)
    if options.urls and (settings is None or _selected(settings, _url_rule("FL403"))):
        fix = redirect_fix(doc, redirected_urls(doc, options.url_settings))
        if fix is not None:
            text = apply_edits(text, fix.edits)
            result.issues += len(fix.edits)
            result.done.append(fix.description)
    result.brief = (BOM if bom else "") + text
    return result


def _selected(settings: Any, rule: Any) -> bool:
    from factlint.rules import matches

    return matches(rule, settings.select) and not matches(rule, settings.ignore)


def _url_rule(code: str) -> Any:
    from factlint.rules import registry

    return next(r for r in registry() if r.code == code)


def _split_places(doc: Document, paragraph: Paragraph) -> set[tuple[int, int]]:
    """Where FL603 reports each split of the paragraph (as rules/structure.py does)."""
    return {
        doc.position(max(split - 1, paragraph.pieces[index][0]))
        for index, split in enumerate(paragraph.splits)
    }


# --- files -----------------------------------------------------------------------------------


@dataclass
class FileChange:
    path: str
    before: str
    after: str
    issues: int


@dataclass
class BriefResult:
    path: str
    changes: list[FileChange] = field(default_factory=list)
    problem: str = ""
    done: list[str] = field(default_factory=list)


def read_text(path: str) -> tuple[str | None, str]:
    """(text with its BOM kept, problem) — the brief reader's checks, without decoding away
    what a fix must write back."""
    from factlint.engine import decode, read_bytes

    data, problem = read_bytes(path)
    if data is None:
        return None, problem
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, "file is UTF-16; factlint fix writes UTF-8 only: convert it first"
    text, problem = decode(data)
    if text is None:
        return None, problem
    return (BOM + text if data.startswith(b"\xef\xbb\xbf") else text), ""


def fix_brief(path: str, options: FixOptions, facts: str | None = None,
              settings: Any = None) -> BriefResult:
    """Work out the fixed brief and fact file; write nothing."""
    result = BriefResult(path)
    text, problem = read_text(path)
    if text is None:
        result.problem = problem
        return result
    facts_path = facts or fact_file_for(path)
    facts_text = None
    if facts_path is not None:
        facts_text, problem = read_text(facts_path)
        if facts_text is None:
            result.problem = f"fact file {facts_path}: {problem}"
            return result
    try:
        fixed = fix_text(path, text, options, facts_text,
                         bool(facts_path) and facts_path.lower().endswith(".json"), settings)
    except FixError as exc:
        where = f"fact file {facts_path}: " if "fact file" in str(exc) and facts_path else ""
        result.problem = where + str(exc)
        return result
    if fixed.brief != text:
        result.changes.append(FileChange(path, text, fixed.brief, fixed.issues))
    if facts_path is not None and fixed.facts is not None and fixed.facts != facts_text:
        result.changes.append(FileChange(facts_path, facts_text, fixed.facts, fixed.facts_issues))
    result.done = fixed.done
    return result


def write_changes(result: BriefResult) -> None:
    from factlint.fileio import write_atomically

    for change in result.changes:
        write_atomically(change.path, change.after)


def _diff_lines(text: str) -> list[str]:
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1] + "\n\\ No newline at end of file\n")
    return out


def unified_diff(change: FileChange) -> str:
    """A unified diff with ``a/`` and ``b/`` headers, as git and ruff print them."""
    name = Path(change.path).as_posix()
    name = name[2:] if name.startswith("./") else name.lstrip("/")
    import difflib

    return "".join(difflib.unified_diff(
        _diff_lines(change.before), _diff_lines(change.after), f"a/{name}", f"b/{name}",
    ))


def fix_paths(paths: Sequence[str], options: FixOptions, overrides: Any = None,
              facts: str | None = None) -> list[BriefResult]:
    """Work out the fixes of every brief the paths name (folders are walked); write nothing.

    Raises ``factlint.config.ConfigError`` for a configuration that cannot be used.
    """
    from dataclasses import replace

    from factlint.config import Overrides, settings_for
    from factlint.engine import _excluded, discover

    overrides = overrides or Overrides()
    results = []
    for path in discover(paths):
        settings = settings_for(Path(path), overrides)
        if _excluded(path, settings):
            continue
        brief_options = options
        if options.urls:
            from factlint.urls import UrlSettings

            brief_options = replace(options, url_settings=UrlSettings(**settings.url_options()))
        results.append(fix_brief(path, brief_options, facts, settings))
    return results
