"""Text report: path:line:col: CODE [severity] message, the source line, a caret, a summary.

The source line is shown behind a gutter with its number (``  21 | …``), so that no line
of the report starts with what the brief wrote: on a CI runner, which trims leading
spaces, a brief line ``::add-mask::…`` would otherwise become a live workflow command.
Control characters a file holds (terminal escapes, line breaks inside a message) are
shown as U+FFFD or escaped, never written as they are.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, TextIO

from factlint.messages import render

if TYPE_CHECKING:
    from factlint.engine import RunResult
    from factlint.report import ReportOptions

COLORS = {"error": "31", "warning": "33", "info": "36", "code": "1", "caret": "32", "dim": "2"}


def _paint(text: str, what: str, color: bool) -> str:
    return f"\x1b[{COLORS[what]}m{text}\x1b[0m" if color else text


def display_width(text: str) -> int:
    """Columns a terminal gives text: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all but tab and newline
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029\x85]")


def shown(text: str) -> str:
    """A line of a file as the report shows it: a tab becomes a space and other control
    characters U+FFFD, one character for one, so that the caret stays under its column."""
    return _CONTROLS.sub("\ufffd", text.replace("\t", " ").replace("\n", "\ufffd"))


def shown_path(path: str) -> str:
    """A path at the start of a report line: one that would read as a CI workflow command
    (``::error::x.md``, ``##[error]x.md``) is written ``./::error::x.md``."""
    path = one_line(path)
    return "./" + path if path.lstrip().startswith(COMMAND_STARTS) else path


COMMAND_STARTS = ("::", "##[")  # how GitHub's runner recognises a workflow command in a line


def one_line(text: str) -> str:
    """A path or message on one line: line breaks written as \\n, other controls as U+FFFD."""
    return shown(_LINE_BREAKS.sub(lambda m: "\\r\\n" if m.group() == "\r\n" else "\\n", text))


SHOWN_COLUMNS = 160  # characters of a long source line shown around the finding


def window(source: str, column: int, end_column: int) -> tuple[str, int, int]:
    """A line cut to SHOWN_COLUMNS characters around ``column`` (… marks a cut), with the
    columns moved to match: a 5,000-character line is not a readable report."""
    if len(source) <= SHOWN_COLUMNS:
        return source, column, end_column
    start = max(0, min(column - 1 - SHOWN_COLUMNS // 4, len(source) - SHOWN_COLUMNS))
    stop = start + SHOWN_COLUMNS
    head = "…" if start > 0 else ""
    tail = "…" if stop < len(source) else ""
    shift = start - len(head)
    return (head + source[start:stop] + tail, column - shift,
            min(end_column - shift, len(head) + SHOWN_COLUMNS + 1))


def caret_line(source: str, column: int, end_column: int) -> str:
    prefix = source[: column - 1]
    span = source[column - 1 : max(end_column - 1, column)] or " "
    return " " * display_width(prefix) + "^" + "~" * max(display_width(span) - 1, 0)


def write(result: RunResult, stream: TextIO, options: ReportOptions) -> None:
    color = options.color
    renderings = result.renderings()
    for finding in result.findings:
        where = f"{shown_path(finding.path)}:{finding.line}:{finding.column}:"
        severity = _paint(f"[{finding.severity}]", finding.severity, color)
        # a Word brief's lines are those of `factlint show`; say where that is in the document
        place = (f" ({renderings[finding.path].location(finding.line, finding.column).describe()})"
                 if finding.path in renderings else "")
        stream.write(f"{_paint(where, 'code', color)} {_paint(finding.code, 'code', color)} "
                     f"{severity} {one_line(result.message(finding))}{place}\n")
        source = result.line(finding.path, finding.line)
        if source is not None and source.strip():
            end = finding.end_column if finding.end_line == finding.line else len(source) + 1
            source, column, end = window(shown(source), finding.column, end)
            number = str(finding.line).rjust(4)
            caret = _paint(caret_line(source, column, end), "caret", color)
            stream.write(f"{number} | {source}\n")
            stream.write(f"{' ' * len(number)} | {caret}\n")
    s = result.summary
    language = result.summary_language
    parts = [
        render("summary.files", {"count": s["files"]}, language),
        render("summary.claims", {"count": s["claims"], "sourced": s["sourced_claims"]},
               language),
    ]
    if s["figures_verified"]:
        parts.append(render("summary.figures-verified", {"count": s["figures_verified"]},
                            language))
    if s["urls_checked"] or s["urls_skipped"]:
        parts.append(render("summary.urls", {"checked": s["urls_checked"],
                                             "skipped": s["urls_skipped"]}, language))
    not_checked: dict[str, int] = {}
    for file in result.files:
        for kind, count in file.not_checked.items():
            not_checked[kind] = not_checked.get(kind, 0) + count
    if not_checked:
        from factlint.word import describe_not_checked

        parts.append(render("summary.not-checked",
                            {"what": describe_not_checked(not_checked)}, language))
    counts = render("summary.counts-separator", None, language).join(
        _paint(render(f"summary.{key}", {"count": s[key]}, language), sev, color and s[key] > 0)
        for key, sev in (("errors", "error"), ("warnings", "warning"), ("infos", "info"))
    )
    joined = render("summary.parts-separator", None, language).join(parts)
    stream.write(render("summary.line", {"parts": joined, "counts": counts}, language) + "\n")
