"""Text report: path:line:col: CODE [severity] message, the source line, a caret, a summary."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from factlint.engine import RunResult
    from factlint.report import ReportOptions

COLORS = {"error": "31", "warning": "33", "info": "36", "code": "1", "caret": "32", "dim": "2"}


def _paint(text: str, what: str, color: bool) -> str:
    return f"\x1b[{COLORS[what]}m{text}\x1b[0m" if color else text


def display_width(text: str) -> int:
    """Columns a terminal gives text: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def caret_line(source: str, column: int, end_column: int) -> str:
    prefix = source[: column - 1].replace("\t", " ")
    span = source[column - 1 : max(end_column - 1, column)] or " "
    return " " * display_width(prefix) + "^" + "~" * max(display_width(span) - 1, 0)


def write(result: RunResult, stream: TextIO, options: ReportOptions) -> None:
    color = options.color
    renderings = result.renderings()
    for finding in result.findings:
        where = f"{finding.path}:{finding.line}:{finding.column}:"
        severity = _paint(f"[{finding.severity}]", finding.severity, color)
        # a Word brief's lines are those of `factlint show`; say where that is in the document
        place = (f" ({renderings[finding.path].location(finding.line, finding.column).describe()})"
                 if finding.path in renderings else "")
        stream.write(f"{_paint(where, 'code', color)} {_paint(finding.code, 'code', color)} "
                     f"{severity} {finding.message}{place}\n")
        source = result.line(finding.path, finding.line)
        if source is not None and source.strip():
            end = finding.end_column if finding.end_line == finding.line else len(source) + 1
            stream.write(f"    {source}\n")
            stream.write(f"    {_paint(caret_line(source, finding.column, end), 'caret', color)}\n")
    s = result.summary
    parts = [
        f"{s['files']} file{'s' if s['files'] != 1 else ''}",
        f"{s['claims']} claim{'s' if s['claims'] != 1 else ''} ({s['sourced_claims']} sourced)",
    ]
    if s["figures_verified"]:
        parts.append(f"{s['figures_verified']} figures verified")
    if s["urls_checked"] or s["urls_skipped"]:
        parts.append(f"{s['urls_checked']} URLs checked, {s['urls_skipped']} skipped")
    not_checked: dict[str, int] = {}
    for file in result.files:
        for kind, count in file.not_checked.items():
            not_checked[kind] = not_checked.get(kind, 0) + count
    if not_checked:
        parts.append("not checked: " + ", ".join(
            f"{count} {kind}{'es' if kind.endswith('x') and count != 1 else ''}"
            f"{'s' if count != 1 and not kind.endswith('x') else ''}"
            for kind, count in sorted(not_checked.items())))
    counts = ", ".join(
        _paint(f"{s[key]} {label}{'s' if s[key] != 1 else ''}", sev, color and s[key] > 0)
        for key, label, sev in (("errors", "error", "error"), ("warnings", "warning", "warning"),
                                ("infos", "info", "info"))
    )
    stream.write(f"{'; '.join(parts)}: {counts}\n")
