"""HTML report: one self-contained page an editor reads in a browser, or prints.

The brief is shown readably (headings, paragraphs, a sources list) with every claim
highlighted by its status, every marker linked to its source, and every finding
linked to its place in the text. Nothing is loaded from elsewhere: the CSS and the
little script are inline, and fonts come from the reader's system.

The engine calls :func:`document_view` in the worker that read the brief, so the view
is plain data (str, int, list, dict) that survives pickling; :func:`write` turns the
views and the run's findings into the page.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TextIO

from factlint import __version__
from factlint.messages import Phrase, Quoted, joined, render, told

if TYPE_CHECKING:
    from factlint.engine import FileResult, RunResult
    from factlint.finding import Finding
    from factlint.report import ReportOptions
    from factlint.rules import Context

VIEW_VERSION = 1

# A finding of these inside a claim means the brief says something the data does not.
MISMATCH_CODES = frozenset({"FL301", "FL304", "FL307"})

# status -> (English, Chinese, glyph shown after the claim, description for the legend)
STATUSES = {
    "verified": ("verified", "已核实", "✓", "a fact file confirmed its figure"),
    "sourced": ("sourced", "有来源", "", "cites a source; no fact file checked its figure"),
    "unsourced": ("unsourced", "无来源", "!", "states a figure or a ranking and cites nothing"),
    "mismatched": ("mismatch", "不符", "✗",
                   "the figure or its source disagrees with the fact file"),
}
SEVERITY_ORDER = ("error", "warning", "info")
LANG_TAGS = {"zh": "zh-CN", "en": "en"}

_OK_VERDICTS = {"ok", "match", "matches", "matched", "verified", "holds", "pass", "passed",
                "confirmed"}
_BAD_VERDICTS = {"mismatch", "mismatched", "figure-mismatch", "unit-mismatch", "wrong-source",
                 "fail", "failed", "wrong", "error"}


# --- the view: what the page needs of one brief, as plain data ---------------------------


def document_view(ctx: Context, findings: Iterable[Finding]) -> dict:
    """The brief's text, blocks, claims (with status), markers and definitions.

    Offsets are 0-based code points into ``text``. ``findings`` are the brief's
    findings after suppression; those of the mismatch family decide which claims are
    shown as mismatched.
    """
    doc = ctx.doc
    verifications = _verifications(ctx)
    mismatch_offsets = [
        _offset(doc.line_starts, len(doc.text), f.line, f.column)
        for f in findings if f.code in MISMATCH_CODES
    ]
    claims = []
    for sentence in doc.sentences:
        if not sentence.is_claim:
            continue
        # a sentence of a page-split paragraph skips the definitions that interrupt it
        pieces = doc.paragraphs[sentence.paragraph].pieces
        spans = [[max(a, sentence.start), min(b, sentence.end)] for a, b in pieces
                 if a < sentence.end and sentence.start < b] or [[sentence.start, sentence.end]]

        def within(offset: int, spans: list[list[int]] = spans) -> bool:
            return any(a <= offset < b for a, b in spans)

        inside = [v for v in verifications if within(v["start"])]
        figures = []
        for figure in sentence.figures:
            verdict = next((v for v in inside
                            if v["start"] < figure.end and figure.start < v["end"]), None)
            figures.append({
                "start": figure.start, "end": figure.end, "text": figure.text,
                "verdict": None if verdict is None else verdict["verdict"],
                "note": "" if verdict is None else verdict["note"],
            })
        if (any(within(o) for o in mismatch_offsets)
                or any(v["verdict"] == "mismatched" for v in inside)):
            status = "mismatched"
        elif any(v["verdict"] == "verified" for v in inside):
            status = "verified"
        elif sentence.is_sourced:
            status = "sourced"
        else:
            status = "unsourced"
        claims.append({
            "start": sentence.start, "end": sentence.end, "status": status,
            "spans": spans,
            "figures": figures,
            "triggers": [doc.text[t.start:t.end] for t in sentence.triggers],  # as written
            "labels": [label for m in sentence.markers for label in m.labels],
        })
    return {
        "version": VIEW_VERSION,
        "path": doc.path,
        "language": doc.language,
        "text": doc.text,
        "line_starts": list(doc.line_starts),
        "has_facts": ctx.facts is not None,
        "blocks": _blocks(doc),
        "claims": claims,
        "markers": [
            {"start": m.start, "end": m.end, "labels": list(m.labels), "style": m.style}
            for m in doc.markers
        ],
        "definitions": [
            {
                "label": d.label, "start": d.start, "end": d.end,
                "label_start": d.label_start, "label_end": d.label_end,
                "body": d.body, "body_start": d.body_start,
                "urls": [{"url": u.url, "start": u.start, "end": u.end} for u in d.urls],
            }
            for d in doc.definitions
        ],
        "evidence": _evidence_rows(ctx),
    }


def _evidence_rows(ctx: Context) -> list[dict]:
    """One row per figure of a sourced sentence checked against its sources (--evidence)."""
    evidence = getattr(ctx, "evidence", None)
    if evidence is None:
        return []
    settings = ctx.settings
    rows = []
    for item in evidence.assessments(ctx.doc, settings.near_ratio, settings.about_ratio):
        cited = [evidence.sources[lb] for lb in item.labels if lb in evidence.sources]
        state = item.verdict  # html.evidence.<state>: found, changed, not-found, ...
        if item.verdict == "unread" and all(s.skipped for s in cited):
            state = "skipped"
        holder = next((s for s in evidence.sources.values() if s.cited.label == item.label), None)
        snapshot = ""
        if holder is not None and holder.record.get("snapshot"):
            kept = evidence.evidence_file.parent / holder.record["snapshot"]
            snapshot = kept.resolve().as_uri()
        why = joined([s.problem for s in cited if s.problem], "list.semicolon")
        rows.append({"start": item.figure.start, "figure": item.figure.text.strip(),
                     "cites": ", ".join(s.cited.label for s in cited), "state": state,
                     "source": item.label, "snippet": item.snippet or item.closest or why,
                     "snapshot": snapshot})
    return rows


def _evidence_table(rows: list[dict], say) -> str:
    heads = "".join(f"<th>{_text(say(f'evidence.{key}'))}</th>"
                    for key in ("figure", "cites", "in-source", "snippet", "snapshot"))
    lines = [f"<table class=\"evidence\"><caption>{_text(say('evidence.caption'))}"
             f"</caption><tr>{heads}</tr>"]
    for row in rows:
        link = (f"<a href=\"{_attr(row['snapshot'])}\">"
                f"{_text(say('evidence.source', label=row['source']))}</a>"
                if row["snapshot"] else "")
        kind = render(f"html.evidence.{row['state']}", None, "en").split(" ")[0]
        lines.append(f"<tr class=\"ev-{_attr(kind)}\">"
                     f"<td>{_text(row['figure'])}</td><td>{_text(row['cites'])}</td>"
                     f"<td>{_text(say('evidence.' + row['state']))}</td>"
                     f"<td>{_text(told(row['snippet'], say.language))}</td>"
                     f"<td>{link}</td></tr>")
    lines.append("</table>")
    return "\n".join(lines)


def _blocks(doc) -> list[dict]:
    """Headings, paragraphs, runs of definitions and tables, in the order of the text."""
    blocks: list[dict] = []
    for heading in doc.headings:
        blocks.append({"kind": "heading", "level": heading.level,
                       "start": heading.start, "end": heading.end})
    for paragraph in doc.paragraphs:
        blocks.append({"kind": paragraph.kind, "start": paragraph.start,
                       "pieces": [list(p) for p in paragraph.pieces],
                       "splits": list(paragraph.splits)})
    run: list[int] = []
    for index, definition in enumerate(doc.definitions):
        if run and _only_space_between(doc.text, doc.definitions[run[-1]].end, definition.start):
            run.append(index)
            continue
        if run:
            blocks.append(_definition_run(doc, run))
        run = [index]
    if run:
        blocks.append(_definition_run(doc, run))
    rows: list[list[int]] = []
    for start, end in doc.tables:
        if rows and _only_space_between(doc.text, rows[-1][1], start):
            rows.append([start, end])
            continue
        if rows:
            blocks.append({"kind": "table", "start": rows[0][0], "rows": rows})
        rows = [[start, end]]
    if rows:
        blocks.append({"kind": "table", "start": rows[0][0], "rows": rows})
    blocks.sort(key=lambda b: b["start"])
    return blocks


def _definition_run(doc, indexes: list[int]) -> dict:
    return {"kind": "definitions", "start": doc.definitions[indexes[0]].start,
            "definitions": list(indexes)}


def _only_space_between(text: str, end: int, start: int) -> bool:
    return not text[end:start].strip()


def _verifications(ctx: Context) -> list[dict]:
    """What the fact file says of the brief's figures: [{start, end, verdict, note}]."""
    found = []
    for item in ctx.verifications:  # computed once per brief, shared with the FL30x rules
        span = _span_of(item)
        if span is None:
            continue
        verdict = _verdict_of(item)
        if verdict is None:
            continue
        found.append({"start": span[0], "end": span[1], "verdict": verdict, "note": _note_of(item)})
    return found


def _span_of(item: Any) -> tuple[int, int] | None:
    for holder in (item, getattr(item, "figure", None), getattr(item, "span", None)):
        start, end = getattr(holder, "start", None), getattr(holder, "end", None)
        if isinstance(start, int) and isinstance(end, int):
            return start, max(end, start + 1)
    span = getattr(item, "span", None)
    if isinstance(span, tuple) and len(span) == 2 and all(isinstance(x, int) for x in span):
        return span
    return None


def _note_of(item: Any) -> str:
    """The fact's explanation: its detail, else the true value and where it came from."""
    detail = getattr(item, "detail", "") or getattr(item, "message", "") or ""
    if detail:  # a Phrase, told in the page's language
        return detail if isinstance(detail, str) else str(detail)
    truth = getattr(item, "truth", None)
    value, origin = getattr(truth, "value", None), getattr(truth, "origin", "")
    if value is None:
        return ""
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    if origin:
        return Phrase("html.true-value-from", value=shown, origin=origin)
    return Phrase("html.true-value", value=shown)


def _verdict_of(item: Any) -> str | None:
    """'verified', 'mismatched' or None (not judged) from a Verification, whatever it calls it."""
    for name in ("verdict", "status", "result", "ok", "holds", "matches", "verified"):
        value = getattr(item, name, None)
        if value is None:
            continue
        if isinstance(value, bool):
            return "verified" if value else "mismatched"
        value = str(getattr(value, "value", value)).lower()
        if value in _OK_VERDICTS:
            return "verified"
        if value in _BAD_VERDICTS or value.startswith(("mismatch", "fl30")):
            return "mismatched"
        return None
    return None


def _offset(line_starts: list[int], length: int, line: int, column: int) -> int:
    """1-based (line, column in code points) -> 0-based offset, clamped to the text."""
    if line < 1:
        return 0
    if line > len(line_starts):
        return length
    return max(0, min(line_starts[line - 1] + max(column, 1) - 1, length))


# --- rendering inline text ---------------------------------------------------------------


@dataclass
class _Range:
    """An element around [start, end): opened with ``open_html`` the first time and
    ``reopen_html`` when nesting forces it to be closed and opened again."""

    start: int
    end: int
    open_html: str
    close_tag: str
    reopen_html: str
    suffix: str = ""  # written just before the final close
    order: int = 0  # among ranges opening at one place, lower opens outside


@dataclass
class _Inline:
    """Renders spans of the original text with nested ranges, atomic tokens and points."""

    text: str
    ranges: list[_Range] = field(default_factory=list)
    tokens: dict[int, tuple[int, str]] = field(default_factory=dict)  # start -> (end, html)
    points: list[tuple[int, str]] = field(default_factory=list)  # zero-width insertions
    opened: set[int] = field(default_factory=set)  # ranges already written once (ids are unique)
    emitted: set[int] = field(default_factory=set)  # points already written

    def render(self, segments: list[tuple[int, int]], joiner: str = "") -> tuple[str, int, int]:
        """HTML for the segments joined in order; ranges continue across the joins.

        Returns the html and the span of original text actually covered.
        """
        if not segments:
            return "", 0, 0
        low, high = segments[0][0], segments[-1][1]
        ranges = sorted(
            (r for r in self.ranges if r.start < high and r.end > low),
            key=lambda r: (r.start, r.order, -r.end),
        )
        points = sorted(
            (p for i, p in enumerate(self.points) if low <= p[0] <= high and i not in self.emitted),
            key=lambda p: p[0],
        )
        point_index = {id(p): i for i, p in enumerate(self.points)}
        out: list[str] = []
        stack: list[_Range] = []
        opened = self.opened
        next_range = 0
        next_point = 0

        def close_until(position: int) -> None:
            while any(r.end <= position for r in stack):
                # close from the top down to the deepest range that ends, then reopen the rest
                deepest = min(i for i, r in enumerate(stack) if r.end <= position)
                reopen = [r for r in stack[deepest:] if r.end > position]
                for r in reversed(stack[deepest:]):
                    if r.end <= position:
                        out.append(r.suffix)
                    out.append(r.close_tag)
                del stack[deepest:]
                for r in reopen:
                    out.append(r.reopen_html)
                    stack.append(r)

        def open_from(position: int) -> None:
            nonlocal next_range
            while next_range < len(ranges) and ranges[next_range].start <= position:
                r = ranges[next_range]
                next_range += 1
                if r.end > position:
                    out.append(r.reopen_html if id(r) in opened else r.open_html)
                    opened.add(id(r))
                    stack.append(r)

        def emit_points(position: int) -> None:
            nonlocal next_point
            while next_point < len(points) and points[next_point][0] <= position:
                self.emitted.add(point_index[id(points[next_point])])
                out.append(points[next_point][1])
                next_point += 1

        for index, (seg_start, seg_end) in enumerate(segments):
            if index:
                out.append(joiner)
            position = seg_start
            while position < seg_end:
                close_until(position)
                open_from(position)
                emit_points(position)
                token = self.tokens.get(position)
                if token is not None and token[0] <= seg_end:
                    out.append(token[1])
                    position = max(token[0], position + 1)
                    continue
                stop = seg_end
                for r in stack:
                    stop = min(stop, r.end)
                if next_range < len(ranges):
                    stop = min(stop, max(ranges[next_range].start, position + 1))
                if next_point < len(points):
                    stop = min(stop, max(points[next_point][0], position + 1))
                stop = min(stop, self._next_token(position, stop))
                out.append(html.escape(self.text[position:stop], quote=False))
                position = stop
            close_until(seg_end)
            emit_points(seg_end)
        close_until(high + len(self.text) + 1)
        return "".join(out), low, high

    def leftover_points(self) -> str:
        """Points no rendered span reached, e.g. past the last block."""
        left = [p for i, p in enumerate(self.points) if i not in self.emitted]
        self.emitted.update(range(len(self.points)))
        return "".join(html for _, html in sorted(left, key=lambda p: p[0]))

    def _next_token(self, position: int, limit: int) -> int:
        for candidate in range(position + 1, limit):
            if candidate in self.tokens:
                return candidate
        return limit


def _split_mark(say) -> str:
    return f"<span class=\"split\" title=\"{_attr(say('split'))}\">¶</span>"


# --- the page ----------------------------------------------------------------------------


@dataclass
class _Placed:
    """A finding with its place in a rendered brief."""

    finding: Finding
    number: int
    start: int = 0
    end: int = 0
    anchored: bool = False


def write(result: RunResult, stream: TextIO, options: ReportOptions) -> None:
    """Write the whole report. Briefs whose view is missing are shown as findings only."""
    files = list(result.files)
    by_path: dict[str, list[Finding]] = {}
    for finding in result.findings:  # each told in its language (RunResult.message)
        told = replace(finding, message=result.message(finding))
        by_path.setdefault(finding.path, []).append(told)
    known = {f.path for f in files}
    others = [path for path in by_path if path not in known]

    sections = []
    counts = {"claims": 0, "cited": 0, "sourced": 0, "verified": 0, "unsourced": 0, "mismatched": 0}
    any_view = False
    for index, file_result in enumerate(files):
        view = file_result.view if isinstance(file_result.view, dict) else None
        any_view = any_view or view is not None
        if view is not None:
            for claim in view["claims"]:
                counts["claims"] += 1
                counts[claim["status"]] += 1
                counts["cited"] += bool(claim["labels"])
        sections.append((f"d{index}", file_result.path, view,
                         by_path.get(file_result.path, []), file_result))
    for offset, path in enumerate(others, start=len(files)):
        sections.append((f"d{offset}", path, None, by_path[path], None))

    summary = result.summary
    say = _sayer(result.summary_language)
    if not any_view:
        counts["claims"] = summary["claims"]
        counts["cited"] = summary["sourced_claims"]
        counts["verified"] = summary["figures_verified"]
    title = say("title")
    if len(files) == 1:
        title += f" — {files[0].path}"
    lang = {"zh": "zh-CN", "zh-Hant": "zh-TW"}.get(result.summary_language, "en")
    stream.write(f"<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                 f"<meta name=\"generator\" content=\"factlint {_attr(__version__)}\">\n"
                 f"<title>{_text(title)}</title>\n<style>{CSS}</style>\n"
                 f"<script>{ERROR_HOOK}</script>\n</head>\n<body>\n")
    stream.write(_header(result, summary, counts, files, others, any_view, say))
    stream.write("<main>\n")
    for section in sections:
        stream.write(_file_section(*section, say))
    if not sections:
        stream.write(f"<p class=\"empty\">{_text(say('nothing-checked'))}</p>\n")
    stream.write("</main>\n")
    stream.write(f"<footer>{_text(say('footer', version=__version__))}</footer>\n"
                 f"<script>{SCRIPT}</script>\n</body>\n</html>\n")


def _sayer(language: str):
    """The page's words in ``language`` (the run's summary language): html.* messages."""
    def say(key: str, **arguments) -> str:
        return render(f"html.{key}", arguments, language)

    say.language = language  # for the texts the view keeps as Phrases
    return say


def _header(result, summary, counts, files, others, any_view, say) -> str:
    items = [
        ("files", summary["files"]),
        ("claims", counts["claims"]),
        ("sourced", counts["cited"]),
        ("verified", counts["verified"]),
        ("unsourced", counts["unsourced"]),
        ("mismatched", counts["mismatched"]),
        ("error", summary["errors"]),
        ("warning", summary["warnings"]),
        ("info", summary["infos"]),
    ]
    if not any_view:
        items = [item for item in items if item[0] not in ("unsourced", "mismatched")]
    cells = "".join(
        f"<div class=\"stat stat-{key}\"><dt>{_text(say(f'stat.{key}'))}</dt>"
        f"<dd>{value}</dd></div>"
        for key, value in items
    )
    legend = "".join(
        f"<li><span class=\"claim st-{key}\" title=\"{_attr(say(f'status.{key}.says'))}\">"
        f"{_text(say(f'status.{key}'))}{_badge(key)}</span> {_text(say(f'status.{key}.says'))}</li>"
        for key in STATUSES
    )
    legend += (f"<li><span class=\"fig\">123 家</span> {_text(say('legend.figure'))} · "
               f"<sup class=\"cite\">[1]</sup> {_text(say('legend.citation'))}</li>"
               + "<li>" + " ".join(f"<mark class=\"hit sev-{sev}\">{_text(say(f'severity.{sev}'))}"
                                   "</mark>" for sev in SEVERITY_ORDER)
               + f" {_text(say('legend.finding'))}</li>")
    urls = ""
    if summary.get("urls_checked") or summary.get("urls_skipped"):
        said = say("urls", checked=summary["urls_checked"], skipped=summary["urls_skipped"])
        urls = f"<p class=\"urls\">{_text(said)}</p>"
    nav = ""
    if len(files) + len(others) > 1:
        links = "".join(
            f"<li><a href=\"#d{i}\">{_text(path)}</a> {_severity_counts(findings, say)}</li>"
            for i, (path, findings) in enumerate(
                [(f.path, [x for x in result.findings if x.path == f.path]) for f in files]
                + [(p, [x for x in result.findings if x.path == p]) for p in others])
        )
        nav = (f"<nav aria-label=\"{_attr(say('files'))}\"><h2>{_text(say('files'))}</h2>"
               f"<ol>{links}</ol></nav>")
    filters = "".join(
        f"<label><input type=\"checkbox\" data-severity=\"{sev}\" checked> "
        f"<span class=\"sev-label sev-{sev}\">{_text(say(f'severities.{sev}'))}</span></label>"
        for sev in SEVERITY_ORDER
    )
    return (
        f"<header>\n<h1>{_text(say('title'))}</h1>\n"
        f"<dl class=\"summary\">{cells}</dl>\n{urls}"
        f"<details class=\"legend\" open><summary>{_text(say('legend'))}</summary>"
        f"<ul>{legend}</ul></details>\n"
        f"<div class=\"controls\" hidden>{_text(say('show'))} {filters}</div>\n{nav}\n"
        "</header>\n"
    )


def _severity_counts(findings: list[Finding], say) -> str:
    parts = []
    for sev in SEVERITY_ORDER:
        n = sum(1 for f in findings if f.severity == sev)
        if n:
            parts.append(f"<span class=\"sev-label sev-{sev}\">"
                         f"{_text(say(f'count.{sev}', count=n))}</span>")
    return " ".join(parts) or f"<span class=\"clean\">{_text(say('no-findings'))}</span>"


def _file_section(prefix: str, path: str, view: dict | None, findings: list[Finding],
                  file_result: FileResult | None, say) -> str:
    placed = [_Placed(f, i) for i, f in enumerate(findings)]
    if view is not None:
        body = _brief(prefix, view, placed, say)
        lang = LANG_TAGS.get(view.get("language", ""), view.get("language", ""))
        article = f"<article class=\"brief\" lang=\"{_attr(lang)}\">{body}</article>"
    else:
        reason = say("unreadable" if file_result is not None and file_result.unreadable
                     else "not-shown")
        article = (f"<article class=\"brief missing\"><p>{_text(say('only-findings'))} "
                   f"{_text(reason)}</p></article>")
    items = "".join(_finding_item(prefix, p, say) for p in placed)
    findings_html = (f"<ol class=\"finding-list\">{items}</ol>" if placed
                     else f"<p class=\"clean\">{_text(say('none-here'))}</p>")
    return (
        f"<section class=\"file\" id=\"{prefix}\" aria-labelledby=\"{prefix}-title\">\n"
        f"<h2 id=\"{prefix}-title\" class=\"file-title\">{_text(path)}</h2>\n"
        f"<p class=\"file-counts\">{_file_counts(view, say)}{_severity_counts(findings, say)}"
        f"</p>\n<div class=\"columns\">{article}\n"
        f"<aside class=\"findings\" aria-label=\"{_attr(say('findings-in', path=path))}\">"
        f"<h3>{_text(say('findings', count=len(findings)))}</h3>{findings_html}</aside></div>\n"
        "</section>\n"
    )


def _file_counts(view: dict | None, say) -> str:
    if view is None:
        return ""
    claims = view["claims"]
    parts = [_text(say("claims", count=len(claims)))]
    for key in ("verified", "sourced", "unsourced", "mismatched"):
        n = sum(1 for c in claims if c["status"] == key)
        if n:
            parts.append(f"<span class=\"claim st-{key}\">"
                         f"{_text(say(f'claims.{key}', count=n))}</span>")
    return " · ".join(parts) + " — "


def _finding_item(prefix: str, placed: _Placed, say) -> str:
    f = placed.finding
    content = (f"<span class=\"code\">{_text(f.code)}</span> "
               f"<span class=\"sev-label sev-{_attr(f.severity)}\">"
               f"{_text(say(f'severity.{f.severity}'))}</span> "
               f"<span class=\"loc\">{f.line}:{f.column}</span> "
               f"<span class=\"msg\">{_text(f.message)}</span>")
    item_id = f"{prefix}-i{placed.number}"
    title = say("finding-title", code=f.code, name=f.name,
                severity=say(f"severity.{f.severity}"), line=f.line, column=f.column)
    if placed.anchored:
        content = f"<a href=\"#{prefix}-f{placed.number}\" title=\"{_attr(title)}\">{content}</a>"
    return (f"<li id=\"{item_id}\" class=\"finding sev-{_attr(f.severity)}\" "
            f"data-severity=\"{_attr(f.severity)}\">{content}</li>")


def _brief(prefix: str, view: dict, placed: list[_Placed], say) -> str:
    text = view["text"]
    definitions = view["definitions"]
    joiner = "" if view.get("language") == "zh" else " "
    inline = _Inline(text)

    # where each label is defined (the first definition wins; duplicates get their own ids)
    definition_ids = [f"{prefix}-s{index}" for index in range(len(definitions))]
    first_by_label: dict[str, int] = {}
    for index, d in enumerate(definitions):
        first_by_label.setdefault(d["label"], index)
    cited_by: dict[str, list[str]] = {}

    for index, marker in enumerate(view["markers"]):
        marker_id = f"{prefix}-m{index}"
        links = []
        for label in marker["labels"]:
            defined = first_by_label.get(label)
            if defined is None:
                said = _attr(say("undefined", label=label))
                links.append(f"<span class=\"undefined\" title=\"{said}\">{_text(label)}?</span>")
                continue
            cited_by.setdefault(defined, []).append(marker_id)
            body = definitions[defined]["body"].strip()
            shown = say("source-title", label=label, body=_shorten(body, 160))
            links.append(f"<a href=\"#{definition_ids[defined]}\" title=\"{_attr(shown)}\">"
                         f"{_text(label)}</a>")
        inline.tokens[marker["start"]] = (
            marker["end"],
            f"<sup class=\"cite\" id=\"{marker_id}\">[{','.join(links)}]</sup>",
        )

    line_starts = view["line_starts"]
    notes = sorted(
        (_offset(line_starts, len(text), p.finding.line, p.finding.column),
         f"{p.finding.code}: {p.finding.message}")
        for p in placed
    )
    for index, claim in enumerate(view["claims"]):
        status = claim["status"]
        title = _claim_title(claim, notes, say)
        claim_id = f"{prefix}-c{index}"
        attributes = f"data-claim=\"{claim_id}\" data-status=\"{status}\" title=\"{_attr(title)}\""
        opening = (f"<span class=\"claim st-{status}\" id=\"{claim_id}\" {attributes}>"
                   f"<span class=\"sr-only\">"
                   f"{_text(say('claim-tag', status=say(f'status.{status}')))}</span>")
        again = f"<span class=\"claim st-{status}\" {attributes}>"
        spans = claim["spans"]
        for number, (start, end) in enumerate(spans):
            inline.ranges.append(_Range(
                start, end, opening if number == 0 else again, "</span>", again,
                suffix=_badge(status) if number == len(spans) - 1 else "", order=0,
            ))
        for figure in claim["figures"]:
            state = figure["verdict"] or "unverified"
            note = say("figure-note", figure=figure["text"], state=say(f"figure.{state}")) + (
                f" — {told(figure['note'], say.language)}" if figure["note"] else "")
            tag = f"<span class=\"fig fig-{state}\" title=\"{_attr(note)}\">"
            inline.ranges.append(
                _Range(figure["start"], figure["end"], tag, "</span>", tag, order=2))

    # definitions: the label is a token, URLs are links
    for d in definitions:
        inline.tokens[d["label_start"]] = (
            d["label_end"], f"<span class=\"label\">{_text(d['label'])}</span> ")
        for url in d["urls"]:
            if re.match(r"https?://", url["url"], re.IGNORECASE):
                tag = (f"<a class=\"url\" href=\"{_attr(url['url'])}\" rel=\"noopener noreferrer\" "
                       f"target=\"_blank\">")
                inline.ranges.append(_Range(url["start"], url["end"], tag, "</a>", tag, order=3))

    rendered = _rendered_spans(view)
    token_starts = sorted(inline.tokens)
    for p in placed:
        f = p.finding
        start = _offset(line_starts, len(text), f.line, f.column)
        end = _offset(line_starts, len(text), f.end_line, f.end_column)
        start = _token_edge(inline.tokens, token_starts, start, outward="start")
        end = _token_edge(inline.tokens, token_starts, max(end, start + 1), outward="end")
        home = _rendered_at(rendered, start)
        severity = _attr(f.severity)
        title = _attr(say("hit-title", code=f.code, severity=say(f"severity.{f.severity}"),
                          message=f.message))
        link = f"data-item=\"{prefix}-i{p.number}\""
        if home is not None:
            end = min(end, home[1]) if end > home[1] else end
            tag = (f"<mark class=\"hit sev-{severity}\" id=\"{prefix}-f{p.number}\" "
                   f"title=\"{title}\" {link}>")
            again = f"<mark class=\"hit sev-{severity}\" title=\"{title}\" {link}>"
            inline.ranges.append(_Range(start, max(end, start + 1), tag, "</mark>", again, order=1))
        else:
            # not in rendered text (a code block, a comment, past the end): pin it to the next block
            start = _next_rendered(rendered, start, len(text))
            inline.points.append((start, f"<span class=\"pin sev-{severity}\" "
                                         f"id=\"{prefix}-f{p.number}\" "
                                         f"title=\"{title}\" {link}>⚑</span>"))
        p.anchored = True

    parts: list[str] = []
    for block in view["blocks"]:
        kind = block["kind"]
        if kind == "heading":
            level = min(block["level"] + 2, 6)
            body, _, _ = inline.render([(block["start"], block["end"])])
            parts.append(f"<h{level} class=\"h{block['level']}\">{body}</h{level}>")
        elif kind in ("body", "list", "quote"):
            segments = [tuple(p) for p in block["pieces"]]
            body, _, _ = inline.render(segments, joiner + _split_mark(say))
            element = {"body": "p", "list": "p", "quote": "blockquote"}[kind]
            parts.append(f"<{element} class=\"block-{kind}\">{body}</{element}>")
        elif kind == "definitions":
            shown = block["definitions"]
            links = ", ".join(
                f"<a href=\"#{definition_ids[i]}\">{_text(definitions[i]['label'])}</a>"
                for i in shown)
            said = _text(say("moved", count=len(shown), links="\x00")).replace("\x00", links)
            parts.append(f"<p class=\"moved\">{said}</p>")
        elif kind == "table":
            parts.append(_table(inline, block["rows"], text))
    if view.get("evidence"):
        parts.append(_evidence_table(view["evidence"], say))
    parts.append(_sources(prefix, inline, definitions, definition_ids, cited_by, say))
    tail = inline.leftover_points()
    if tail:
        said = _text(say("elsewhere", points="\x00")).replace("\x00", tail)
        parts.append(f"<p class=\"moved\">{said}</p>")
    return "\n".join(parts)


def _claim_title(claim: dict, notes: list[tuple[int, str]], say) -> str:
    """The claim's status in words; ``notes`` are (offset, "CODE: message"), sorted."""
    status = claim["status"]
    title = say("claim-title", status=say(f"status.{status}"), chinese=STATUSES[status][1],
                says=say(f"status.{status}.says"))
    figures = ", ".join(f["text"] for f in claim["figures"])
    if figures:
        title += say("claim-figures", figures=figures)
    if claim["triggers"]:
        title += say("claim-words", words=Quoted(claim["triggers"]))
    if claim["labels"]:
        title += say("claim-cites", labels=", ".join(claim["labels"]))
    for start, end in claim["spans"]:
        index = bisect_right(notes, (start, ""))
        while index < len(notes) and notes[index][0] < end:
            title += say("claim-note", note=notes[index][1])
            index += 1
    return title


def _sources(prefix: str, inline: _Inline, definitions: list[dict], ids: list[str],
             cited_by: dict[int, list[str]], say) -> str:
    if not definitions:
        return ""
    items = []
    for index, d in enumerate(definitions):
        body, _, _ = inline.render([(d["start"], d["end"])])
        back = cited_by.get(index, [])
        if back:
            links = " ".join(
                f"<a href=\"#{marker}\" "
                f"title=\"{_attr(say('back', number=n, label=d['label']))}\">"
                f"↩{'' if len(back) == 1 else n}</a>"
                for n, marker in enumerate(back, start=1)
            )
            backrefs = (f"<span class=\"backrefs\" "
                        f"aria-label=\"{_attr(say('cited-times', count=len(back)))}\">"
                        f"{links}</span>")
        else:
            backrefs = f"<span class=\"uncited\">{_text(say('not-cited'))}</span>"
        items.append(f"<li id=\"{ids[index]}\" class=\"source\">{body} {backrefs}</li>")
    return (f"<section class=\"sources\"><h3>{_text(say('sources'))}</h3>"
            f"<ol>{''.join(items)}</ol></section>")


def _table(inline: _Inline, rows: list[list[int]], text: str) -> str:
    out = []
    for start, end in rows:
        line = text[start:end]
        # spaces only after a token: \s*\|?\s* side by side is cubic on a line of spaces
        if re.fullmatch(r"\s*(?:\|\s*)?(?::?-{2,}:?\s*\|\s*)*:?-{2,}:?\s*(?:\|\s*)?", line):
            continue
        cells = []
        bars = [i for i, c in enumerate(line) if c == "|" and (i == 0 or line[i - 1] != "\\")]
        edges = [-1] + bars + [len(line)]
        for a, b in zip(edges, edges[1:], strict=False):
            cell_start, cell_end = start + a + 1, start + b
            if not text[cell_start:cell_end].strip() and (a == -1 or b == len(line)):
                continue
            body, _, _ = inline.render([(cell_start, cell_end)])
            cells.append(f"<td>{body}</td>")
        out.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table class=\"brief-table\">{''.join(out)}</table>"


def _rendered_spans(view: dict) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for block in view["blocks"]:
        if block["kind"] == "heading":
            spans.append((block["start"], block["end"]))
        elif block["kind"] in ("body", "list", "quote"):
            spans.extend(tuple(p) for p in block["pieces"])
        elif block["kind"] == "table":
            spans.extend(tuple(r) for r in block["rows"])
    spans.extend((d["start"], d["end"]) for d in view["definitions"])
    return sorted(spans)


def _rendered_at(spans: list[tuple[int, int]], offset: int) -> tuple[int, int] | None:
    """The rendered span holding ``offset`` (spans do not overlap), or None."""
    index = bisect_right(spans, (offset, float("inf"))) - 1
    if index >= 0 and spans[index][0] <= offset < spans[index][1]:
        return spans[index]
    return None


def _next_rendered(spans: list[tuple[int, int]], offset: int, length: int) -> int:
    for start, _ in spans:
        if start >= offset:
            return start
    return length


def _token_edge(tokens: dict[int, tuple[int, str]], starts: list[int], offset: int,
                outward: str) -> int:
    """Move an offset out of the middle of a marker (which renders as one piece)."""
    index = bisect_right(starts, offset - 1) - 1
    if index >= 0:
        token_start = starts[index]
        token_end = tokens[token_start][0]
        if token_start < offset < token_end:
            return token_start if outward == "start" else token_end
    return offset


def _badge(status: str) -> str:
    glyph = STATUSES[status][2]
    return f"<span class=\"badge\" aria-hidden=\"true\">{glyph}</span>" if glyph else ""


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text(value: str) -> str:
    return html.escape(str(value), quote=False)


def _attr(value: str) -> str:
    return html.escape(str(value), quote=True)


# --- what the page carries inline ----------------------------------------------------------

CJK_SANS = ('"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", '
            '"Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Sans SC"')
LATIN_SANS = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial'

CSS = """
:root { --ok: #137333; --ok-bg: #e6f4ea; --src: #1a56b0; --src-bg: #e8f0fe;
  --warn: #b45309; --warn-bg: #fff1dc; --bad: #c5221f; --bad-bg: #fce8e6;
  --info: #0b6e79; --info-bg: #e0f4f6; --ink: #1f2328; --muted: #59636e; --line: #d0d7de;
  --paper: #ffffff; --page: #f6f8fa; }
* { box-sizing: border-box; }
html { font-family: LATIN, CJK, sans-serif; color: var(--ink); background: var(--page); }
:lang(zh) { font-family: CJK, LATIN, sans-serif; }
body { margin: 0; line-height: 1.6; }
header, main, footer { max-width: 84rem; margin: 0 auto; padding: 0 1.5rem; }
header { padding-top: 1.25rem; }
h1 { font-size: 1.5rem; margin: 0 0 .75rem; }
.summary { display: flex; flex-wrap: wrap; gap: .5rem; margin: 0 0 .75rem; }
.stat { background: var(--paper); border: 1px solid var(--line); border-radius: 6px;
  padding: .35rem .75rem; min-width: 5.5rem; }
.stat dt { font-size: .8rem; color: var(--muted); }
.stat dd { margin: 0; font-size: 1.35rem; font-weight: 600; }
.stat-verified dd { color: var(--ok); } .stat-sourced dd { color: var(--src); }
.stat-unsourced dd { color: var(--warn); } \
.stat-mismatched dd, .stat-error dd { color: var(--bad); }
.stat-warning dd { color: var(--warn); } .stat-info dd { color: var(--info); }
.legend { background: var(--paper); border: 1px solid var(--line); border-radius: 6px;
  padding: .4rem .9rem; margin-bottom: .75rem; font-size: .9rem; }
.legend summary { cursor: pointer; font-weight: 600; }
.legend ul { margin: .4rem 0 .2rem; padding-left: 1.1rem; }
.legend li { margin: .2rem 0; }
.controls { font-size: .9rem; margin-bottom: .75rem; }
.controls label { margin-left: .6rem; cursor: pointer; }
nav ol { margin: .25rem 0 .75rem; }
nav h2 { font-size: 1rem; margin: .5rem 0 0; }
.file { background: var(--paper); border: 1px solid var(--line); border-radius: 8px;
  margin: 0 0 1.5rem; padding: 1rem 1.5rem 1.5rem; }
.file-title { font-size: 1.15rem; margin: 0; font-family: ui-monospace, Menlo, Consolas, monospace;
  overflow-wrap: anywhere; }
.file-counts { color: var(--muted); font-size: .9rem; margin: .25rem 0 1rem; }
.columns { display: grid; grid-template-columns: minmax(0, 1fr) minmax(18rem, 26rem); gap: 2rem;
  align-items: start; }
.brief { max-width: 48rem; font-size: 1.05rem; }
.brief:lang(zh) { line-height: 1.95; text-align: justify; }
.brief h3, .brief h4, .brief h5, .brief h6 { line-height: 1.4; margin: 1.4em 0 .5em; }
.brief h3 { font-size: 1.35rem; } .brief h4 { font-size: 1.15rem; } \
.brief h5, .brief h6 { font-size: 1.05rem; }
.brief p, .brief blockquote { margin: 0 0 1em; }
.brief:lang(zh) p.block-body { text-indent: 2em; }
.block-list { white-space: pre-line; padding-left: 1.2em; }
.brief blockquote { white-space: pre-line; border-left: 3px solid var(--line); padding-left: 1em; \
color: var(--muted); }
.brief-table { border-collapse: collapse; margin: 0 0 1em; font-size: .95rem; }
.brief-table td { border: 1px solid var(--line); padding: .2rem .5rem; }
.moved { font-size: .85rem; color: var(--muted); text-indent: 0 !important;
  border-top: 1px dashed var(--line); border-bottom: 1px dashed var(--line); padding: .1rem 0; }
.split { color: var(--muted); font-size: .8em; padding: 0 .15em; cursor: help; }
.claim { border-radius: 4px; padding: .08em .05em; margin: 0 1px; \
border-bottom: 2px solid transparent;
  -webkit-box-decoration-break: clone; box-decoration-break: clone; }
.st-verified { background: var(--ok-bg); border-bottom: 2px solid var(--ok); }
.st-sourced { background: var(--src-bg); border-bottom: 2px dotted var(--src); }
.st-unsourced { background: var(--warn-bg); border-bottom: 2px dashed var(--warn); }
.st-mismatched { background: var(--bad-bg); border-bottom: 3px double var(--bad); }
.badge { font-weight: 700; font-size: .8em; vertical-align: super; margin-left: .1em; }
.st-verified .badge { color: var(--ok); } .st-unsourced .badge { color: var(--warn); }
.st-mismatched .badge { color: var(--bad); }
.fig { font-weight: 600; }
.fig-verified { color: var(--ok); }
.fig-mismatched { color: var(--bad); text-decoration: line-through; \
text-decoration-thickness: 1px; }
.cite { font-size: .72em; line-height: 0; white-space: nowrap; }
.cite a, .backrefs a { color: var(--src); text-decoration: none; padding: 0 .1em; }
.cite a:hover, .cite a:focus, .backrefs a:hover { text-decoration: underline; }
.undefined { color: var(--bad); font-weight: 700; }
.hit { background: transparent; color: inherit; text-decoration: underline wavy; \
text-decoration-skip-ink: none;
  text-underline-offset: .25em; cursor: pointer; }
.hit.sev-error { text-decoration-color: var(--bad); }
.hit.sev-warning { text-decoration-color: var(--warn); }
.hit.sev-info { text-decoration-color: var(--info); text-decoration-style: dotted; }
.pin { font-size: .8em; cursor: pointer; padding: 0 .15em; text-indent: 0; }
.pin.sev-error { color: var(--bad); } .pin.sev-warning { color: var(--warn); } \
.pin.sev-info { color: var(--info); }
.sources { border-top: 1px solid var(--line); margin-top: 2rem; font-size: .92rem; \
text-align: start; }
.sources h3 { font-size: 1.05rem; }
.sources ol { list-style: none; padding-left: 0; }
.source { margin: .3rem 0; padding: .15rem .4rem; border-radius: 4px; overflow-wrap: anywhere; }
.source .label { display: inline-block; min-width: 1.8em; font-weight: 700; color: var(--src); }
.uncited { color: var(--warn); font-size: .85em; border: 1px solid var(--warn); \
border-radius: 3px; padding: 0 .3em; }
.url { color: var(--src); }
.findings { position: sticky; top: .75rem; max-height: calc(100vh - 1.5rem); overflow: auto;
  border-left: 1px solid var(--line); padding-left: 1.25rem; font-size: .9rem; }
.findings h3 { font-size: 1rem; margin: 0 0 .5rem; }
.finding-list { list-style: none; padding: 0; margin: 0; }
.finding { border-left: 4px solid var(--line); background: var(--page); margin: 0 0 .4rem;
  padding: .3rem .5rem; border-radius: 0 4px 4px 0; }
.finding a { color: inherit; text-decoration: none; display: block; }
.finding a:hover .msg, .finding a:focus .msg { text-decoration: underline; }
.finding.sev-error { border-left-color: var(--bad); }
.finding.sev-warning { border-left-color: var(--warn); }
.finding.sev-info { border-left-color: var(--info); }
.finding.current { outline: 2px solid var(--src); }
.code { font-family: ui-monospace, Menlo, Consolas, monospace; font-weight: 700; }
.loc { color: var(--muted); font-family: ui-monospace, Menlo, Consolas, monospace; \
font-size: .85em; }
.sev-label { font-size: .75rem; font-weight: 600; text-transform: uppercase; letter-spacing: .03em;
  border-radius: 3px; padding: 0 .35em; }
.sev-label.sev-error { color: #fff; background: var(--bad); }
.sev-label.sev-warning { color: #fff; background: var(--warn); }
.sev-label.sev-info { color: #fff; background: var(--info); }
.clean { color: var(--ok); }
.missing { color: var(--muted); }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }
body.hide-error .finding.sev-error, body.hide-warning .finding.sev-warning,
body.hide-info .finding.sev-info { display: none; }
body.hide-error .hit.sev-error, body.hide-warning .hit.sev-warning,
body.hide-info .hit.sev-info { text-decoration: none; }
body.hide-error .pin.sev-error, body.hide-warning .pin.sev-warning, \
body.hide-info .pin.sev-info { display: none; }
:target, .flash { animation: flash 1.6s ease-out 1; }
@keyframes flash { 0%, 35% { box-shadow: 0 0 0 4px #ffd54f; background-color: #fff3b0; }
  100% { box-shadow: 0 0 0 4px transparent; } }
:focus-visible { outline: 2px solid var(--src); outline-offset: 2px; }
footer { color: var(--muted); font-size: .8rem; padding-bottom: 2rem; }
@media (max-width: 60rem) { .columns { grid-template-columns: 1fr; }
  .findings { position: static; max-height: none; border-left: 0; padding-left: 0;
    border-top: 1px solid var(--line); padding-top: 1rem; } }
@media (prefers-reduced-motion: reduce) { :target, .flash { animation: none; \
outline: 3px solid #ffd54f; } }
@media print {
  html, body { background: #fff; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  header, main, footer { max-width: none; padding: 0; }
  .controls, .legend summary, nav { display: none; }
  .legend { border: 0; padding: 0; }
  .file { border: 0; padding: 0; break-before: page; }
  .file:first-of-type { break-before: auto; }
  .columns { display: block; }
  .brief { max-width: none; }
  .findings { position: static; max-height: none; overflow: visible; border: 0; padding: 0;
    border-top: 1px solid #999; margin-top: 1rem; break-before: avoid; }
  .finding, .source { break-inside: avoid; }
  a { color: inherit; }
  :target, .flash { animation: none; }
}
""".replace("LATIN", LATIN_SANS).replace("CJK", CJK_SANS)

# Records a script error on the page itself, so a headless browser run can detect it.
ERROR_HOOK = ("window.addEventListener('error',function(e){document.documentElement"
              ".setAttribute('data-js-error',String(e.message||e))});")

SCRIPT = """
(function () {
  'use strict';
  var reduced = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  function flash(el) {
    el.classList.remove('flash');
    void el.offsetWidth;
    el.classList.add('flash');
    window.setTimeout(function () { el.classList.remove('flash'); }, 1700);
  }
  function show(el) {
    el.scrollIntoView({behavior: reduced ? 'auto' : 'smooth', block: 'center'});
    flash(el);
  }
  function markCurrent(item) {
    var old = document.querySelectorAll('.finding.current');
    for (var i = 0; i < old.length; i++) { old[i].classList.remove('current'); }
    if (item) { item.classList.add('current'); }
  }
  document.addEventListener('click', function (event) {
    var link = event.target.closest('a[href^="#"]');
    if (link) {
      var id = decodeURIComponent(link.getAttribute('href').slice(1));
      var target = document.getElementById(id);
      if (!target) { return; }
      event.preventDefault();
      if (history.replaceState) { history.replaceState(null, '', '#' + id); }
      show(target);
      markCurrent(link.closest('.finding'));
      return;
    }
    var hit = event.target.closest('[data-item]');
    if (hit) {
      var item = document.getElementById(hit.getAttribute('data-item'));
      if (item) {
        item.scrollIntoView({behavior: reduced ? 'auto' : 'smooth', block: 'nearest'});
        flash(item);
        markCurrent(item);
      }
    }
  });
  var boxes = document.querySelectorAll('.controls input[data-severity]');
  for (var i = 0; i < boxes.length; i++) {
    boxes[i].addEventListener('change', function (event) {
      var box = event.target;
      document.body.classList.toggle('hide-' + box.getAttribute('data-severity'), !box.checked);
    });
  }
  var controls = document.querySelector('.controls');
  if (controls) { controls.hidden = false; }
  if (location.hash.length > 1) {
    var start = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (start) { flash(start); }
  }
  document.documentElement.setAttribute('data-factlint', 'ready');
})();
"""
