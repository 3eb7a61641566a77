"""reviewdog Diagnostic Format (rdjson): one DiagnosticResult object for ``reviewdog -f=rdjson``.

rdjson counts columns in UTF-8 bytes, 1-based, with an exclusive end; factlint counts code
points, so each column is converted against the line's text. A fix becomes ``suggestions``
only when it is a single edit: a reviewer who accepts one suggestion of a many-edit fix
(a renumbering, say) would leave the brief half changed.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, TextIO

from factlint.finding import SEVERITY_RANK
from factlint.report.sarif import PROJECT_URL, SourceTexts, report_path

if TYPE_CHECKING:
    from factlint.engine import RunResult
    from factlint.finding import Finding
    from factlint.report import ReportOptions

SEVERITIES = {"error": "ERROR", "warning": "WARNING", "info": "INFO"}


def byte_column(line_text: str | None, column: int) -> int:
    """1-based code-point column -> 1-based UTF-8 byte column on that line."""
    if line_text is None:
        return column
    past_end = max(0, column - 1 - len(line_text))  # an end column just past the line
    return len(line_text[: column - 1].encode("utf-8")) + past_end + 1


class _Lines:
    def __init__(self, result: RunResult) -> None:
        self.result = result
        self.texts = SourceTexts()

    def text(self, path: str, line: int) -> str | None:
        known = self.result.line(path, line)
        return known if known is not None else self.texts.line(path, line)

    def position(self, path: str, line: int, column: int) -> dict:
        return {"line": line, "column": byte_column(self.text(path, line), column)}


def diagnostic(finding: Finding, lines: _Lines, root: str = ".") -> dict:
    path = finding.path
    entry = {
        "message": lines.result.message(finding),
        "location": {
            "path": report_path(path, root),
            "range": {
                "start": lines.position(path, finding.line, finding.column),
                "end": lines.position(path, finding.end_line, finding.end_column),
            },
        },
        "severity": SEVERITIES[finding.severity],
        "code": {"value": finding.code, "url": f"{PROJECT_URL}#{finding.code.lower()}"},
    }
    fix = finding.fix
    # a suggestion edits one range of one file: a fix that also edits the fact file is none
    if fix is not None and len(fix.edits) == 1 and not fix.other_files:
        edit = fix.edits[0]
        start = lines.texts.position(path, edit.start)
        end = lines.texts.position(path, edit.end)
        if start is not None and end is not None:
            entry["suggestions"] = [{
                "range": {"start": lines.position(path, *start), "end": lines.position(path, *end)},
                "text": edit.replacement,
            }]
    return entry


def as_dict(result: RunResult, root: str = ".") -> dict:
    lines = _Lines(result)
    document = {
        "source": {"name": "factlint", "url": PROJECT_URL},
        "diagnostics": [diagnostic(f, lines, root) for f in result.findings],
    }
    if result.findings:
        worst = max(result.findings, key=lambda f: SEVERITY_RANK[f.severity]).severity
        document["severity"] = SEVERITIES[worst]
    return document


def write(result: RunResult, stream: TextIO, options: ReportOptions) -> None:
    json.dump(as_dict(result, options.root), stream, ensure_ascii=False, indent=2)
    stream.write("\n")
