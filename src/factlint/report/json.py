"""JSON report: one object, as SPEC section 5 fixes it (schemas/report.schema.json)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, TextIO

from factlint import __version__

if TYPE_CHECKING:
    from factlint.engine import RunResult
    from factlint.report import ReportOptions


def as_dict(result: RunResult) -> dict:
    renderings = result.renderings()
    findings = []
    for f in result.findings:
        entry = {
            "path": f.path, "line": f.line, "column": f.column,
            "end_line": f.end_line, "end_column": f.end_column,
            "code": f.code, "rule": f.name, "severity": f.severity,
            "message": result.message(f), "fixable": f.fixable,
        }
        if f.path in renderings:  # a Word brief: lines are those `factlint show` prints
            entry["location"] = renderings[f.path].location(f.line, f.column).as_dict()
        findings.append(entry)
    return {
        "version": 1,
        "tool": {"name": "factlint", "version": __version__},
        "findings": findings,
        "summary": result.summary,
    }


def write(result: RunResult, stream: TextIO, options: ReportOptions) -> None:
    # One finding per line: readable, and several times faster to write than indent=2.
    report = as_dict(result)
    findings = report.pop("findings")
    head = json.dumps(report, ensure_ascii=False)[:-1]
    encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder, not one per finding
    lines = ",\n  ".join(map(encode, findings))
    stream.write(f'{head}, "findings": [\n  {lines}\n]}}\n' if findings
                 else f'{head}, "findings": []}}\n')
