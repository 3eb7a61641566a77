"""JSON report: one object, as SPEC section 5 fixes it (schemas/report.schema.json)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, TextIO

from factlint import __version__

if TYPE_CHECKING:
    from factlint.engine import RunResult
    from factlint.report import ReportOptions


def as_dict(result: "RunResult") -> dict:
    return {
        "version": 1,
        "tool": {"name": "factlint", "version": __version__},
        "findings": [
            {
                "path": f.path, "line": f.line, "column": f.column,
                "end_line": f.end_line, "end_column": f.end_column,
                "code": f.code, "rule": f.name, "severity": f.severity,
                "message": f.message, "fixable": f.fixable,
            }
            for f in result.findings
        ],
        "summary": result.summary,
    }


def write(result: "RunResult", stream: TextIO, options: "ReportOptions") -> None:
    json.dump(as_dict(result), stream, ensure_ascii=False, indent=2)
    stream.write("\n")
