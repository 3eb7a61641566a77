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
* **Renumber (FL103, ``factlint.renumber``).** When every label of the brief is a number,
  markers, definitions and the fact file's source keys and claims' ``source`` values are
  renumbered together in order of first citation, from the reader's markers whatever their
  form; defined but uncited sources follow in their written order. Labels tied to another
  file (``elsewhere_for``) keep their number. Ranges (``<sup>3-5</sup>``) stay ranges when
  the new numbers are still consecutive, else are written out. Definitions never move
  across body text, but a run of consecutive definitions (only blank lines or list bullets
  between them, as in a references list or a page-bottom block) is sorted by its new
  numbers so that it reads 1, 2, 3… . Labels of the fact file that the brief does not use
  keep their number unless it is now taken.
* **Drop unused (FL102, ``--drop-unused`` only).** Removes definitions no marker cites (in
  the brief or another file of its document), with their line.
* **Redirected URLs (FL403, ``--urls`` only).** Replaces a URL that redirects permanently
  with its final address as the checker vetted it (keeping the original ``#fragment``),
  only when it is an http(s) URL, with what Markdown would read in it percent-encoded.

Before anything is written, ``verify`` re-reads the result and checks it
(``factlint.fixcheck``); ``write_changes`` then commits the brief and its fact file together
(``factlint.fileio.Transaction``). Files keep their byte-order mark and newline style.
"""

from __future__ import annotations

import json
import os
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from factlint import fileio
from factlint.document import (
    Definition,
    Document,
    Paragraph,
    read_document,
)
from factlint.finding import Edit, Fix
from factlint.lazyre import lazy
from factlint.messages import Phrase
from factlint.rejoin import rejoin_edits, rejoin_fixes, rejoins
from factlint.renumber import (
    NOWHERE,
    NUMERIC,
    Elsewhere,
    RenumberError,
    changed_labels,
    kept_labels,
    overlapping,
    renumber_edits,
    renumber_fix,
    renumbering,
    unread_citations,
)
from factlint.urlfix import citable_url, final_target, redirect_edit, redirects_replaced

BOM = "\ufeff"


class FixError(Exception):
    """A brief (or its fact file) that cannot be fixed safely; nothing of it is written.
    Raised with a Phrase, which ``reason`` keeps (``str()`` is its English text)."""

    @property
    def reason(self) -> str:
        return self.args[0] if self.args and isinstance(self.args[0], str) else str(self)


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


# --- renumbering citations (FL103): see factlint.renumber ----------------------------------


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
        raise FixError(Phrase("fix.facts-yaml", error=str(exc), **_parser_said(exc))) from None
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


_JSON_STRING = lazy(r'"(?:[^"\\]|\\.)*"')
_JSON_SCALAR = lazy(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|NaN|-?Infinity")


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
        raise FixError(Phrase("fix.facts-json", error=str(exc), **_parser_said(exc))) from None
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


def renumber_facts(text: str, mapping: Mapping[str, str], is_json: bool = False,
                   kept: Iterable[str] = ()) -> tuple[str, int]:
    """The fact file with its source labels renumbered like the brief's; (text, labels changed).

    Edits only the label scalars, so comments, order and formatting survive. ``kept``
    labels (tied to another file) keep their number; so does a label the brief does not
    use, unless the renumbering took it; then it moves past the highest number in use.
    """
    bom = text.startswith(BOM)
    body = text[1:] if bom else text
    sites = _json_sites(body) if is_json else _yaml_sites(body)
    full = {label: label for label in kept} | dict(mapping)
    taken = {int(n) for n in full.values() if NUMERIC.fullmatch(n)}
    highest = max(taken, default=0)  # of the numbers the brief uses
    for site in sites:
        label = site.label.strip()
        if label in full or not NUMERIC.fullmatch(label):
            continue
        if int(label) in taken:
            number = highest + 1
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
        raise FixError(Phrase("fix.facts-broken", error=str(exc), **_parser_said(exc))
                       ) from None


def _parser_said(error: Exception) -> dict[str, Any]:
    """What a YAML or JSON parser's error says, on one line, and where (line, column)."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = (getattr(error, "problem", None) or getattr(error, "msg", None)
               or str(error).strip().split("\n")[0])
    line = mark.line + 1 if mark is not None else getattr(error, "lineno", 1)
    column = mark.column + 1 if mark is not None else getattr(error, "colno", 1)
    return {"problem": problem, "line": line, "column": column}


# --- dropping unused definitions (FL102) -----------------------------------------------------


def unused_definitions(doc: Document, elsewhere: Elsewhere = NOWHERE) -> list[Definition]:
    """Definitions no marker cites, in this file or (``elsewhere``) in another, and no text
    that looks like a citation the reader skipped (``\\[3\\]`` in a link) names. None in a
    file that cites nothing: a file of notes only serves other files."""
    if not doc.markers:
        return []
    cited = {label.strip().lower() for m in doc.markers for label in m.labels}
    cited |= {label.strip().lower() for label in elsewhere.cited}
    unused = [d for d in doc.definitions if d.label.strip().lower() not in cited]
    named = {label for unread in unread_citations(doc, {d.label.strip() for d in unused})
             for label in unread.labels}
    return [d for d in unused if d.label.strip() not in named]


def droppable(doc: Document, definitions: Sequence[Definition]) -> list[Definition]:
    """The definitions that can be removed whole: not followed, after blank lines, by an
    indented paragraph (which may continue a footnote the reader ended early)."""
    def continues(definition: Definition) -> bool:
        line = bisect_right(doc.line_starts, definition.end)  # the next line, 0-based
        while line < len(doc.line_starts):
            text = doc.line_text(line + 1)
            if text.strip():
                return text.startswith(("    ", "\t"))
            line += 1
        return False

    return [d for d in definitions if not continues(d)]


def drop_unused_fix(doc: Document, definitions: Sequence[Definition] | None = None) -> Fix | None:
    """Remove each definition no marker cites (or those given), with its line and one blank
    line beside it."""
    text = doc.text
    spans = []
    for definition in droppable(doc, unused_definitions(doc) if definitions is None
                                else definitions):
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
    return Fix(Phrase("fixdesc.drop-unused", count=len(spans)),
               tuple(Edit(start, end, "") for start, end in merged))


# --- redirected URLs (FL403) -----------------------------------------------------------------


def redirected_urls(doc: Document, url_settings: Any) -> dict[tuple[int, int], str]:
    """(start, end) of each cited URL that redirects permanently -> its final URL, as the
    URL checker vetted it (every hop checked against the network policy).

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
        target = final_target(span.url, report.redirects)
        if target:
            finals[(span.start, span.end)] = target
    return finals


def redirect_fix(doc: Document, finals: Mapping[tuple[int, int], str]) -> Fix | None:
    """Replace each redirected URL (by its span) with its final address, when that can be
    written safely (``citable_url``)."""
    edits = [redirect_edit(start, end, doc.text[start:end], target)
             for (start, end), target in sorted(finals.items())]
    return redirects_replaced([edit for edit in edits if edit is not None])


# --- archived copies of dead URLs (FL401, ``--archive`` only) --------------------------------


ARCHIVED_COPY = lazy(r"/web/[0-9]{8,14}[a-z_]*/")  # a Wayback copy is not looked up again


def _accessed(facts_path: str | None, facts_text: str | None) -> dict[str, str]:
    """URL -> the date the fact file says it was read."""
    if facts_path is None or facts_text is None:
        return {}
    from factlint.factfiles import load_facts

    facts, _ = load_facts(facts_path, facts_text.removeprefix(BOM))
    if facts is None:
        return {}
    return {s.url.strip(): s.accessed for s in facts.sources.values() if s.url and s.accessed}


def archived_urls(doc: Document, url_settings: Any, endpoint: str,
                  accessed: Mapping[str, str]) -> dict[tuple[int, int], str]:
    """(start, end) of each dead cited URL (FL401) -> its archived copy closest before the
    date it was accessed, from ``endpoint`` (the Wayback availability API)."""
    from factlint import urls
    from factlint.finding import UrlRef

    spans = [u for d in doc.definitions for u in d.urls]
    refs = [UrlRef(u.url, doc.path, *doc.span(u.start, u.end)) for u in spans]
    report = urls.check_urls(refs, replace(url_settings, use_cache=False), progress=False)
    dead = {(f.line, f.column) for f in report.findings if f.code == "FL401"}
    dead_spans = [u for u in spans if doc.position(u.start) in dead
                  and not ARCHIVED_COPY.search(u.url)]
    copies = urls.archived_copies({u.url: accessed.get(u.url) for u in dead_spans}, endpoint,
                                  url_settings)
    return {(u.start, u.end): copies[u.url].url for u in dead_spans if u.url in copies}


def archive_fix(doc: Document, copies: Mapping[tuple[int, int], str]) -> Fix | None:
    """Add each archived copy after its dead URL in the definition (once)."""
    edits = []
    body_of = {(u.start, u.end): d.body for d in doc.definitions for u in d.urls}
    label = "，存档：" if doc.language == "zh" else "; archived copy: "
    for (start, end), copy in sorted(copies.items()):
        written = citable_url(copy)
        if written is not None and written not in body_of[(start, end)]:
            edits.append(Edit(end, end, f"{label}{written}"))
    if not edits:
        return None
    return Fix(Phrase("fixdesc.archive", count=len(edits)), tuple(edits))


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
    url_settings: Any = None  # factlint.urls.UrlSettings, when ``urls`` or ``archive``
    archive: str | None = None  # an archive endpoint: add archived copies of dead URLs
    figures: bool = False  # write the true value of a figure that does not hold (FL301)


@dataclass(frozen=True)
class Stage:
    """One stage of a fix: the text it started from and the edits it made on it."""

    code: str  # the rule whose findings it sets out to fix
    text: str
    edits: tuple[Edit, ...]
    facts: str | None  # the fact file after the stage


@dataclass
class FixedText:
    brief: str
    facts: str | None
    issues: int = 0
    facts_issues: int = 0
    done: list[str] = field(default_factory=list)  # the descriptions of the fixes applied
    stages: list[Stage] = field(default_factory=list)


def _surviving(doc: Document, settings: Any, rule: Any) -> tuple[list[Any], int] | None:
    """The findings of ``rule`` that selection and suppression directives leave, and how
    many were suppressed; None when no settings are given (everything may be fixed)."""
    if settings is None:
        return None
    from factlint.engine import active_rules, apply_directives
    from factlint.rules import Context

    if rule.code not in {r.code for r in active_rules(settings)}:
        return [], 0
    findings = list(rule.check(Context(doc, None, settings)))
    kept = [f for f in apply_directives(doc, findings, settings) if f.code == rule.code]
    return kept, len(findings) - len(kept)


def fix_text(
    path: str,
    text: str,
    options: FixOptions = FixOptions(),
    facts_path: str | None = None,
    facts_text: str | None = None,
    settings: Any = None,
    elsewhere: Elsewhere = NOWHERE,
) -> FixedText:
    """Apply the selected fixes to a brief's text (and its fact file's), check the result
    (``verify``); raise FixError when they cannot be applied safely.

    With ``settings`` (factlint.config.Settings), a fix runs only where its rule is
    selected and its finding is not suppressed by a directive: FL603 per paragraph,
    FL102 per definition, FL103 for the whole brief (any suppressed FL103 finding keeps
    the numbering as written), FL403 when selected. ``elsewhere``: what the other files
    of the brief's document cite and define (``elsewhere_for``), which stays as it is.
    """
    from factlint.rules import citations, structure

    bom = text.startswith(BOM)
    text = text[1:] if bom else text
    result = FixedText(text, facts_text)
    packs = settings.packs if settings is not None else ()

    def read(current: str) -> Document:
        return read_document(path, current, extra_packs=packs)

    def stage(code: str, edits: Sequence[Edit], description: str) -> Document:
        nonlocal text
        result.stages.append(Stage(code, text, tuple(edits), result.facts))
        text = apply_edits(text, edits)
        result.done.append(description)
        return read(text)

    doc = read(text)
    if options.rejoin:
        plans = rejoins(doc)
        survivors = _surviving(doc, settings, structure.SPLIT_PARAGRAPH)
        if survivors is not None:
            places = {(f.line, f.column) for f in survivors[0]}
            plans = [plan for plan in plans if places & _split_places(doc, plan.paragraph)]
        if plans:
            splits = sum(len(p.joins) for p in plans)
            left = sum(bool(p.splits) for p in doc.paragraphs) - len(plans)
            doc = stage("FL603", rejoin_edits(doc, plans), Phrase("fixdesc.rejoin", count=splits))
            if sum(bool(p.splits) for p in doc.paragraphs) != left:
                raise FixError(Phrase("fix.rejoin-splits"))
            result.issues += splits
    if options.drop_unused:
        unused = unused_definitions(doc, elsewhere)
        survivors = _surviving(doc, settings, citations.UNUSED)
        if survivors is not None:
            places = {(f.line, f.column) for f in survivors[0]}
            unused = [d for d in unused if doc.position(d.label_start) in places]
        unused = droppable(doc, unused)
        fix = drop_unused_fix(doc, unused)
        if fix is not None:
            result.issues += len(unused)
            doc = stage("FL102", fix.edits, fix.description)
    if options.figures and facts_path is not None and result.facts is not None:
        doc = _write_true_values(doc, facts_path, result, stage, settings)
    survivors = _surviving(doc, settings, citations.ORDER) if options.renumber else None
    if options.renumber and (survivors is None or (survivors[1] == 0 and _selected(
            settings, citations.ORDER))):
        doc = _renumber(doc, elsewhere, result, stage, facts_path)
    if options.urls and (settings is None or _selected(settings, _url_rule("FL403"))):
        fix = redirect_fix(doc, redirected_urls(doc, options.url_settings))
        if fix is not None:
            result.issues += len(fix.edits)
            doc = stage("FL403", fix.edits, fix.description)
    if options.archive and (settings is None or _selected(settings, _url_rule("FL401"))):
        fix = archive_fix(doc, archived_urls(doc, options.url_settings, options.archive,
                                             _accessed(facts_path, facts_text)))
        if fix is not None:
            result.issues += len(fix.edits)
            doc = stage("FL401", fix.edits, fix.description)
    result.brief = (BOM if bom else "") + text
    if result.stages:
        verify(path, result, facts_path, facts_text, settings)
    return result


def _renumber(doc: Document, elsewhere: Elsewhere, result: FixedText, stage: Any,
              facts_path: str | None) -> Document:
    mapping = renumbering(doc, elsewhere)
    if not mapping:
        return doc
    unread = unread_citations(doc, changed_labels(mapping))
    if unread:
        line, column = doc.position(unread[0].offset)
        raise FixError(Phrase("fix.unread-citation", written=unread[0].written, line=line,
                              column=column))
    try:
        edits = renumber_edits(doc, mapping)
    except RenumberError as exc:
        raise FixError(Phrase("fix.by-hand", problem=exc.reason)) from None
    if overlapping(edits):
        raise FixError(Phrase("fix.edit-twice"))
    if result.facts is not None:
        is_json = bool(facts_path) and facts_path.lower().endswith(".json")
        result.facts, result.facts_issues = renumber_facts(
            result.facts, mapping, is_json, kept_labels(doc, elsewhere))
    changed = sum(1 for old, new in mapping.items() if old != new)
    result.issues += changed
    return stage("FL103", edits, Phrase("fixdesc.renumber", count=changed))


def _write_true_values(doc: Document, facts_path: str, result: FixedText, stage: Any,
                       settings: Any) -> Document:
    """FL301 (``--figures``): each figure that does not hold for its true value, where the
    finding's fix is an exact edit, and the fact file's quote with it."""
    from factlint.config import Settings
    from factlint.engine import active_rules, apply_directives
    from factlint.factfiles import load_facts
    from factlint.rules import Context
    from factlint.rules.facts import MISMATCH

    settings = settings if settings is not None else Settings()
    if MISMATCH.code not in {r.code for r in active_rules(settings)}:
        return doc
    body = result.facts.removeprefix(BOM)
    facts, _ = load_facts(facts_path, body)
    if facts is None:
        return doc
    found = list(MISMATCH.check(Context(doc, facts, settings)))
    fixes = [f.fix for f in apply_directives(doc, found, settings) if f.fix is not None]
    if not fixes:
        return doc
    try:
        body = apply_edits(body, [e for fix in fixes for path, edits in fix.other_files
                                  if path == facts.path for e in edits])
    except ValueError:
        raise FixError(Phrase("fix.figures-overlap")) from None
    result.facts = (BOM if result.facts.startswith(BOM) else "") + body
    result.facts_issues += len(fixes)
    result.issues += len(fixes)
    return stage("FL301", [e for fix in fixes for e in fix.edits],
                 Phrase("fixdesc.true-values", count=len(fixes)))


def _selected(settings: Any, rule: Any) -> bool:
    from factlint.rules import matches

    return matches(rule, settings.select) and not matches(rule, settings.ignore)


def _url_rule(code: str) -> Any:
    from factlint.registry import registry

    return next(r for r in registry() if r.code == code)


def _split_places(doc: Document, paragraph: Paragraph) -> set[tuple[int, int]]:
    """Where FL603 reports each split of the paragraph (as rules/structure.py does)."""
    return {
        doc.position(max(split - 1, paragraph.pieces[index][0]))
        for index, split in enumerate(paragraph.splits)
    }


# --- the checks before writing (factlint.fixcheck) -------------------------------------------


def _findings(path: str, text: str, facts_path: str | None, facts_text: str | None,
              settings: Any) -> list[Any]:
    """What ``factlint check --offline`` would report for the brief with these texts."""
    from factlint.config import Settings
    from factlint.engine import active_rules, apply_directives
    from factlint.factfiles import load_facts
    from factlint.rules import Context

    settings = settings if settings is not None else Settings()
    doc = read_document(path, text, extra_packs=settings.packs)
    facts, found = None, []
    if facts_path is not None and facts_text is not None:
        facts, found = load_facts(facts_path, facts_text.removeprefix(BOM))
    for rule in active_rules(settings):
        found.extend(rule.check(Context(doc, facts, settings)))
    return (apply_directives(doc, [f for f in found if f.path == path], settings)
            + [f for f in found if f.path != path])


def verify(path: str, fixed: FixedText, facts_path: str | None, facts_text: str | None,
           settings: Any = None) -> None:
    """Re-read the fixed texts and check them (``factlint.fixcheck``); raise FixError with
    the first problem found."""
    from factlint import fixcheck

    packs = settings.packs if settings is not None else ()
    stages = fixed.stages
    brief = fixed.brief.removeprefix(BOM)
    # the brief and fact file before each stage, and after the last
    states = [(stages[0].text, facts_text)] + [
        (stages[i + 1].text if i + 1 < len(stages) else brief, stages[i].facts)
        for i in range(len(stages))
    ]
    docs = [read_document(path, text, extra_packs=packs) for text, _ in states]
    problem = (fixcheck.citations_problem(docs[0], docs[-1])
               or fixcheck.characters_problem(states[0][0],
                                              [(s.text, s.edits) for s in stages], brief))
    if problem is None and facts_text is not None:
        is_json = bool(facts_path) and facts_path.lower().endswith(".json")
        for index, stage in enumerate(stages):
            if stage.code == "FL103":
                problem = fixcheck.facts_problem(states[index][1], states[index + 1][1],
                                                 is_json, docs[index], docs[index + 1])
    if problem is None:
        reports = [_findings(path, text, facts_path, facts, settings) for text, facts in states]
        for index, stage in enumerate(stages):
            gone = _gone_with(stage, path, reports[index])
            problem = fixcheck.findings_problem(
                [f for f in reports[index] if f not in gone], reports[index + 1], {stage.code})
            if problem:
                break
    if problem is not None:
        raise FixError(Phrase("fix.nothing-written", problem=problem))


def _gone_with(stage: Stage, path: str, findings: Sequence[Any]) -> list[Any]:
    """Findings of the brief inside text a stage removes (a dropped definition's FL105)."""
    if stage.code != "FL102":
        return []
    starts = [0]
    for index, char in enumerate(stage.text):
        if char == "\n":
            starts.append(index + 1)
    removed = []
    for finding in findings:
        if finding.path != path or finding.line > len(starts):
            continue
        offset = starts[finding.line - 1] + finding.column - 1
        if any(e.start <= offset < e.end and not e.replacement for e in stage.edits):
            removed.append(finding)
    return removed


# --- files -----------------------------------------------------------------------------------


@dataclass
class FileChange:
    path: str
    before: str
    after: str
    issues: int
    digest: str = ""  # of the bytes ``before`` was read from


@dataclass
class BriefResult:
    path: str
    changes: list[FileChange] = field(default_factory=list)
    problem: str = ""  # a Phrase: told in the brief's language (``messages.chosen``)
    done: list[str] = field(default_factory=list)
    language: str = ""  # the brief's: en, zh or zh-Hant; "" when it could not be read
    messages: str = "auto"  # its `messages` setting: auto, zh or en


@dataclass(frozen=True)
class ReadText:
    text: str | None  # with its BOM kept; None when it cannot be read
    problem: str = ""
    digest: str = ""


def read_text(path: str) -> ReadText:
    """The brief reader's checks, without decoding away what a fix must write back."""
    from factlint.engine import decode, read_bytes
    from factlint.fileio import digest

    data, problem = read_bytes(path)
    if data is None:
        return ReadText(None, problem)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ReadText(None, Phrase("fix.utf16"))
    text, problem = decode(data)
    if text is None:
        return ReadText(None, problem)
    return ReadText(BOM + text if data.startswith(b"\xef\xbb\xbf") else text, "", digest(data))


def brief_language(text: str) -> str:
    """en, zh or zh-Hant: the language of a brief's words, as the check tells its findings
    (Traditional when more of its characters are Traditional-only than Simplified-only)."""
    from factlint.document import detect_language
    from factlint.rulepack import script_characters

    if detect_language(text) != "zh":
        return "en"
    traditional, simplified = script_characters()
    if traditional is None or simplified is None:
        return "zh"
    sample = text[:20000]
    return ("zh-Hant" if len(traditional.findall(sample)) > len(simplified.findall(sample))
            else "zh")


def unresolved_labels(path: str) -> frozenset[str]:
    """The labels a file cites without defining them."""
    read = read_text(path)
    if read.text is None:
        return frozenset()
    doc = read_document(path, read.text.removeprefix(BOM))
    defined = {d.label.strip().lower() for d in doc.definitions}
    return frozenset(label.strip().lower() for m in doc.markers for label in m.labels
                     if label.strip().lower() not in defined)


def elsewhere_for(path: str, known: dict[str, frozenset[str]] | None = None) -> Elsewhere:
    """What the other files of the brief's document cite without defining.

    Today a document is the brief and the other briefs in its folder (a chapter whose
    notes live in a sibling ``footnotes.md``). Only what a sibling cites without defining
    ties it to the brief, so unrelated briefs in one folder, each citing its own notes,
    leave each other free. ``known`` caches each file's labels over a run.
    """
    from factlint.related import BRIEF_SUFFIXES

    folder = os.path.dirname(os.path.abspath(path))
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return NOWHERE
    cited: set[str] = set()
    me = os.path.realpath(path)
    for name in names:
        other = os.path.join(folder, name)
        if (not name.lower().endswith(BRIEF_SUFFIXES) or fileio.TEMPORARY.fullmatch(name)
                or os.path.realpath(other) == me or not os.path.isfile(other)):
            continue
        if known is None:
            cited |= unresolved_labels(other)
            continue
        if other not in known:
            known[other] = unresolved_labels(other)
        cited |= known[other]
    return Elsewhere(frozenset(cited))


def fix_brief(path: str, options: FixOptions, facts: str | None = None,
              settings: Any = None, elsewhere: Elsewhere | None = None) -> BriefResult:
    """Work out the fixed brief and fact file, and check them; write nothing."""
    from factlint.related import WORD_SUFFIXES

    result = BriefResult(path, messages=settings.messages if settings is not None else "auto")
    if path.lower().endswith(WORD_SUFFIXES):
        result.problem = Phrase("fix.word-brief")
        return result
    brief = read_text(path)
    if brief.text is None:
        result.problem = brief.problem
        return result
    result.language = brief_language(brief.text)
    facts_path = facts or fact_file_for(path)
    fact_file = ReadText(None)
    if facts_path is not None:
        fact_file = read_text(facts_path)
        if fact_file.text is None:
            result.problem = Phrase("fix.in-fact-file", path=facts_path,
                                    problem=fact_file.problem)
            return result
    if elsewhere is None:
        elsewhere = elsewhere_for(path)
    try:
        fixed = fix_text(path, brief.text, options, facts_path, fact_file.text, settings,
                         elsewhere)
    except FixError as exc:
        result.problem = (Phrase("fix.in-fact-file", path=facts_path, problem=exc.reason)
                          if "fact file" in str(exc) and facts_path else exc.reason)
        return result
    if fixed.brief != brief.text:
        result.changes.append(FileChange(path, brief.text, fixed.brief, fixed.issues,
                                         brief.digest))
    if facts_path is not None and fixed.facts is not None and fixed.facts != fact_file.text:
        result.changes.append(FileChange(facts_path, fact_file.text, fixed.facts,
                                         fixed.facts_issues, fact_file.digest))
    result.done = fixed.done
    return result


def write_changes(result: BriefResult) -> str:
    """Write a brief's changed files together (``factlint.fileio.Transaction``): each is
    staged, read back and compared, then all are committed. Returns the problem that
    stopped it ("" when written); then nothing was written."""
    if not result.changes:
        return ""
    try:
        with fileio.Transaction(os.path.dirname(os.path.abspath(result.path))) as transaction:
            for change in result.changes:
                data = change.after.encode("utf-8")
                transaction.stage(change.path, data, change.digest)
                if transaction.read_back(change.path) != data:
                    return Phrase("fix.read-back", path=change.path)
            transaction.commit()
    except fileio.WriteError as exc:
        return exc.reason
    except OSError as exc:
        return Phrase("fix.cannot-write", path=str(exc.filename or result.path),
                      why=str(exc.strerror or exc))
    return ""


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


def interrupted(paths: Sequence[str], complete: bool = True) -> list[str]:
    """What an interrupted ``factlint fix`` left beside these files: completed or rolled
    back (``factlint.fileio.recover``), or with ``complete=False`` only named."""
    folders = dict.fromkeys(os.path.dirname(os.path.abspath(p)) for p in paths)
    if complete:
        return [note for folder in folders for note in fileio.recover(folder)]
    journals = [os.path.join(folder, fileio.JOURNAL) for folder in folders]
    return [Phrase("fix.journal-left", journal=journal)
            for journal in journals if os.path.exists(journal)]


def fix_paths(paths: Sequence[str], options: FixOptions, overrides: Any = None,
              facts: str | None = None, notes: list[str] | None = None,
              complete: bool = True) -> list[BriefResult]:
    """Work out the fixes of every brief the paths name (folders are walked); write nothing
    but, with ``complete``, what an interrupted run left to finish (``interrupted``; said in
    ``notes``).

    Raises ``factlint.config.ConfigError`` for a configuration that cannot be used.
    """
    from dataclasses import replace

    from factlint.config import Overrides, settings_for
    from factlint.engine import discover, excluded

    overrides = overrides or Overrides()
    briefs = [p for p in discover(paths, overrides)
              if not fileio.TEMPORARY.fullmatch(os.path.basename(p))]
    found = interrupted([*briefs, *([facts] if facts else [])], complete)
    if notes is not None:
        notes.extend(found)
    known: dict[str, frozenset[str]] = {}
    results = []
    for path in briefs:
        settings = settings_for(Path(path), overrides)
        if excluded(path, settings):
            continue
        brief_options = options
        if options.archive == "":  # --archive: the endpoint the configuration names
            endpoint = dict(settings.evidence).get("archive")
            if not endpoint:
                from factlint.config import ConfigError

                raise ConfigError(Phrase("config.archive-endpoint"))
            brief_options = replace(options, archive=endpoint)
        if options.urls or brief_options.archive:
            from factlint.config import ConfigError
            from factlint.urls import UrlSettings

            try:
                url_settings = UrlSettings(**settings.url_options())
            except (TypeError, ValueError) as exc:  # e.g. a timeout out of range
                raise ConfigError(Phrase("config.urls", origin=settings.origin,
                                         problem=str(exc))) from exc
            brief_options = replace(brief_options, url_settings=url_settings)
        results.append(fix_brief(path, brief_options, facts, settings,
                                 elsewhere_for(path, known)))
    if options.renumber and not facts:
        from factlint.documents import find_documents

        groupings = find_documents([r.path for r in results],
                                   lambda p: settings_for(Path(p), overrides))
        results = renumber_documents(results, groupings, overrides)
    return results


# --- a document of several files, renumbered as one -------------------------------------------


def renumber_documents(results: list[BriefResult], groupings: Mapping[str, Any],
                       overrides: Any) -> list[BriefResult]:
    """Renumber each multi-file document whose files are all being fixed as one: its
    chapters' markers and its notes in order of first citation across the files (FL103),
    every file together or none, the fact files of its renumbered files with them. The
    document's changes are gathered in the result of its first file, so that they are
    written in one transaction."""
    from factlint.config import settings_for

    by_key = {os.path.normcase(os.path.abspath(r.path)): r for r in results}
    for grouping in dict.fromkeys(groupings.values()):
        members = [by_key.get(os.path.normcase(os.path.abspath(f))) for f in grouping.files]
        if any(m is None or m.problem for m in members):
            continue  # the whole document, or none of it
        settings = settings_for(Path(members[0].path), overrides)
        if not _selected(settings, _rule("FL103")):
            continue
        try:
            changes = _document_renumbering(members, grouping, settings.packs)
        except FixError as exc:
            members[0].problem = Phrase("fix.document", paths=", ".join(m.path for m in members),
                                        problem=exc.reason)
            for member in members[1:]:
                member.changes = []
            continue
        if not changes:
            continue
        first = members[0]
        gathered = {c.path: c for m in members for c in m.changes}
        for change in changes:
            earlier = gathered.get(change.path)
            gathered[change.path] = change if earlier is None else FileChange(
                change.path, earlier.before, change.after, earlier.issues + change.issues,
                earlier.digest)
        first.changes = list(gathered.values())
        first.done.append(Phrase("fixdesc.renumber-document", count=len(members)))
        for member in members[1:]:
            member.changes = []
    return results


def _rule(code: str) -> Any:
    from factlint.registry import by_code

    return by_code()[code]


def _current_text(member: BriefResult) -> tuple[str, str]:
    """(text the document stage starts from, digest of the bytes read) for one file."""
    change = next((c for c in member.changes if c.path == member.path), None)
    if change is not None:
        return change.after, change.digest
    read = read_text(member.path)
    if read.text is None:
        raise FixError(Phrase("fix.cannot-read", path=member.path, problem=read.problem))
    return read.text, read.digest


def _document_renumbering(members: Sequence[BriefResult], grouping: Any,
                          packs: tuple[str, ...]) -> list[FileChange]:
    from factlint.documents import Book
    from factlint.rules import Context, citations

    texts = [_current_text(m) for m in members]
    docs = [read_document(m.path, text.removeprefix(BOM), extra_packs=packs,
                          shared_labels=grouping.shared_labels)
            for m, (text, _) in zip(members, texts, strict=True)]
    book = Book(docs, grouping.inferred)
    scope = [d for d in docs if book.scopes[d.path] != (d,)]
    if not scope:
        return []
    reordered = any("cited" in f.message for d in scope
                    for f in citations.check_order(Context(d, None, book=book)))
    if not reordered:
        return []
    mapping = _book_mapping(book, scope)
    if not mapping:
        return []
    shared = [d for d in docs if d.path in book.shared]
    edited = {d.path for d in (*scope, *shared)}
    after_texts = {}
    for doc, (text, _) in zip(docs, texts, strict=True):
        if doc.path not in edited:
            continue
        unread = unread_citations(doc, changed_labels(mapping))
        if unread:
            line, column = doc.position(unread[0].offset)
            raise FixError(Phrase("fix.unread-citation-in", written=unread[0].written,
                                  path=doc.path, line=line, column=column))
        try:
            edits = renumber_edits(doc, mapping)
        except RenumberError as exc:
            raise FixError(exc.reason) from None
        after_texts[doc.path] = (BOM if text.startswith(BOM) else "") + apply_edits(
            doc.text, edits)
    after = _check_document(book, docs, after_texts, grouping, packs)
    changes = _renumbered_fact_files(members, edited, mapping, book, after)
    changed = sum(1 for old, new in mapping.items() if old != new)
    for member, (text, digest) in zip(members, texts, strict=True):
        written = after_texts.get(member.path, text)
        if written != text:
            before = next((c.before for c in member.changes if c.path == member.path), text)
            issues = changed if member.path == scope[0].path else 0
            changes.append(FileChange(member.path, before, written, issues, digest))
    return changes


def _book_mapping(book: Any, scope: Sequence[Document]) -> dict[str, str]:
    """Old label -> new label over a document's shared numbering: the cited labels in order
    of first citation across its files, then the defined but uncited ones as written."""
    order: list[str] = []
    for doc in scope:
        for marker in doc.markers:
            for label in marker.labels:
                label = label.strip()
                if not NUMERIC.fullmatch(label):
                    return {}
                if book.resolve(doc, label) is not None and label not in order:
                    order.append(label)
    for doc in book.docs:
        if doc.path in book.shared or doc in scope:
            for definition in doc.definitions:
                label = definition.label.strip()
                if not NUMERIC.fullmatch(label):
                    return {}
                if label not in order:
                    order.append(label)
    base = 0 if order and min(int(label) for label in order) == 0 else 1
    mapping = {label: str(base + index) for index, label in enumerate(order)}
    return {} if all(old == new for old, new in mapping.items()) else mapping


def _renumbered_fact_files(members: Sequence[BriefResult], edited: set[str],
                           mapping: Mapping[str, str], book: Any, after: Any
                           ) -> list[FileChange]:
    """The fact files of the document's renumbered files, their source labels renumbered
    with the document, each checked before anything is written: its claims name the same
    sources, and each source's label still resolves to the same note, in whichever file
    of the document that note is."""
    from factlint import fixcheck

    before_docs = {d.path: d for d in book.docs}
    after_docs = {d.path: d for d in after.docs}
    changes = []
    for member in members:
        facts_path = fact_file_for(member.path) if member.path in edited else None
        if facts_path is None:
            continue
        text, digest, original = _current_fact_text(member, facts_path)
        is_json = facts_path.lower().endswith(".json")
        try:
            fixed, issues = renumber_facts(text, mapping, is_json)
        except FixError as exc:
            raise FixError(Phrase("fix.in-fact-file", path=facts_path,
                                  problem=exc.reason)) from None
        problem = fixcheck.resolved_facts_problem(  # also when it would stay as it is
            text, fixed, is_json, _note_texts(book, before_docs[member.path]),
            _note_texts(after, after_docs[member.path]))
        if problem:
            raise FixError(Phrase("fix.in-fact-file", path=facts_path, problem=problem))
        if fixed != text:
            changes.append(FileChange(facts_path, original, fixed, issues, digest))
    return changes


def _note_texts(book: Any, doc: Document):
    """Label -> the text of the note it names in ``doc``, wherever in the book that is."""
    def texts(label: str) -> tuple[str, ...]:
        hit = book.resolve(doc, label)
        return (" ".join(hit[1].body.split()),) if hit else ()
    return texts


def _current_fact_text(member: BriefResult, facts_path: str) -> tuple[str, str, str]:
    """(text the document stage starts from, digest of the bytes read, text as read) of a
    brief's fact file."""
    change = next((c for c in member.changes if c.path == facts_path), None)
    if change is not None:
        return change.after, change.digest, change.before
    read = read_text(facts_path)
    if read.text is None:
        raise FixError(Phrase("fix.cannot-read-facts", path=facts_path, problem=read.problem))
    return read.text, read.digest, read.text


def _check_document(book: Any, docs: Sequence[Document], after_texts: Mapping[str, str],
                    grouping: Any, packs: tuple[str, ...]) -> Any:
    """Every marker of the document still cites the same text, across its files; the
    document as it would be written (a Book)."""
    from factlint.documents import Book

    after_docs = [read_document(d.path, after_texts[d.path].removeprefix(BOM), extra_packs=packs,
                                shared_labels=grouping.shared_labels)
                  if d.path in after_texts else d for d in docs]
    after = Book(after_docs, grouping.inferred)

    def targets(b: Any) -> list[tuple[str, ...]]:
        found = []
        for doc in b.docs:
            for marker in doc.markers:
                bodies = []
                for label in marker.labels:
                    hit = b.resolve(doc, label)
                    bodies.append(" ".join(hit[1].body.split()) if hit else f"({label})")
                found.append((doc.path, *sorted(bodies)))
        return found

    was, now = targets(book), targets(after)
    if len(was) != len(now):
        raise FixError(Phrase("fix.marker-lost"))
    for old, new in zip(was, now, strict=True):
        if old != new:
            raise FixError(Phrase("fix.points-elsewhere", path=new[0]))
    return after

