"""GitHub Actions report: one workflow command per finding, so findings show as annotations.

``::error file=brief.md,line=3,col=14,endLine=3,endColumn=25,title=FL201 unsourced-figure::…``
(error -> ``error``, warning -> ``warning``, info -> ``notice``), then a plain summary line.
Property values and the message are escaped as GitHub's runner unescapes them.

GitHub shows at most ANNOTATION_LIMIT annotations of each kind per step and drops the rest
without a word; when a run has more, a notice ahead of them says how many are not shown.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, TextIO

from factlint import messages
from factlint.report.sarif import report_path
from factlint.report.text import COMMAND_STARTS

if TYPE_CHECKING:
    from factlint.engine import RunResult
    from factlint.finding import Finding
    from factlint.report import ReportOptions

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
ANNOTATION_LIMIT = 10  # per kind (error, warning, notice) and step


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(finding: Finding, root: str = ".", text: str | None = None) -> str:
    """The workflow command of ``finding``; ``text`` is its message (default: English)."""
    properties = [("file", report_path(finding.path, root)), ("line", finding.line)]
    # GitHub takes columns only for an annotation on a single line.
    if finding.end_line == finding.line:
        properties.append(("col", finding.column))
        properties += [("endLine", finding.end_line), ("endColumn", finding.end_column)]
    else:
        properties.append(("endLine", finding.end_line))
    properties.append(("title", f"{finding.code} {finding.name}"))
    joined = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties)
    text = finding.message if text is None else text
    return f"::{COMMANDS[finding.severity]} {joined}::{escape_data(text)}"


def summary_line(result: RunResult, language: str = "en") -> str:
    s = result.summary

    def said(message_id: str, **arguments) -> str:
        return messages.render(message_id, arguments, language)

    counts = messages.template("summary.counts-separator", language).join(
        said(f"summary.{key}", count=s[key]) for key in ("errors", "warnings", "infos"))
    parts = [said("summary.files", count=s["files"]),
             said("summary.claims", count=s["claims"], sourced=s["sourced_claims"])]
    if s["figures_verified"]:
        parts.append(said("summary.figures-verified", count=s["figures_verified"]))
    if s["urls_checked"] or s["urls_skipped"]:
        parts.append(said("summary.urls", checked=s["urls_checked"], skipped=s["urls_skipped"]))
    line = said("summary.line", counts=counts,
                parts=messages.template("summary.parts-separator", language).join(parts))
    return said("github.summary", summary=line)


def hidden_notice(findings: list[Finding], language: str = "en") -> str | None:
    """The annotation saying how many findings GitHub will not show, or None if none."""
    kinds = {kind: 0 for kind in COMMANDS.values()}
    for finding in findings:
        kinds[COMMANDS[finding.severity]] += 1
    if max(kinds.values()) <= ANNOTATION_LIMIT:
        return None
    kinds["notice"] += 1  # this notice comes first and takes one of the notice slots
    over = {kind: count - ANNOTATION_LIMIT for kind, count in kinds.items()
            if count > ANNOTATION_LIMIT}
    hidden = sum(over.values())
    detail = messages.template("summary.counts-separator", language).join(
        messages.render(f"github.kind.{kind}", {"count": count}, language)
        for kind, count in over.items())
    return "::notice title=factlint::" + escape_data(messages.render("github.hidden", {
        "hidden": hidden, "total": len(findings), "detail": detail,
        "limit": ANNOTATION_LIMIT}, language))


class EscapedStream:
    """What factlint writes beside a GitHub report (its stderr), made inert: a line that
    would start a workflow command (``::`` or ``##[`` after spaces, which the runner trims)
    gets a ``factlint: `` prefix, so no text quoted in a message (a configuration value, a
    file name, with line breaks of its own) can forge an annotation or another command."""

    def __init__(self, stream: TextIO):
        self._stream = stream
        self._at_line_start = True

    def write(self, text: str) -> int:
        pieces = _LINE_ENDS.split(text)  # every piece but the last ends a line
        for index, piece in enumerate(pieces):
            starts_line = index > 0 or self._at_line_start
            content = piece.lstrip(" \t")
            if starts_line and content.startswith(COMMAND_STARTS):
                pieces[index] = piece[: len(piece) - len(content)] + "factlint: " + content
        if text:
            self._at_line_start = text.endswith(("\n", "\r"))
        return self._stream.write("".join(pieces))

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


_LINE_ENDS = re.compile(r"(?<=[\r\n])")


def write(result: RunResult, stream: TextIO, options: ReportOptions) -> None:
    language = result.summary_language
    notice = hidden_notice(result.findings, language)
    if notice:
        stream.write(notice + "\n")
    for finding in result.findings:
        stream.write(command(finding, options.root, result.message(finding)) + "\n")
    stream.write(summary_line(result, language) + "\n")
