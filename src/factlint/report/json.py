"""JSON report: one object, as SPEC section 5 fixes it (schemas/report.schema.json)."""

from __future__ import annotations

import json
from json.encoder import encode_basestring  # what json.dumps(ensure_ascii=False) quotes with
from typing import TYPE_CHECKING, TextIO

from factlint import __version__

if TYPE_CHECKING:
    from factlint.engine import RunResult
    from factlint.finding import Finding
    from factlint.report import ReportOptions


def as_dict(result: RunResult) -> dict:
    renderings = result.renderings()
    return {
        "version": 1,
        "tool": {"name": "factlint", "version": __version__},
        "findings": [_entry(f, result.message(f), renderings) for f in result.findings],
        "summary": result.summary,
    }


def _entry(f: Finding, message: str, renderings: dict) -> dict:
    entry = {
        "path": f.path, "line": f.line, "column": f.column,
        "end_line": f.end_line, "end_column": f.end_column,
        "code": f.code, "rule": f.name, "severity": f.severity,
        "message": message, "fixable": f.fixable,
    }
    if f.path in renderings:  # a Word brief: lines are those `factlint show` prints
        entry["location"] = renderings[f.path].location(f.line, f.column).as_dict()
    return entry


def write(result: RunResult, stream: TextIO, options: ReportOptions) -> None:
    # One finding per line: readable, and several times faster to write than indent=2.
    head = json.dumps({"version": 1, "tool": {"name": "factlint", "version": __version__},
                       "summary": result.summary}, ensure_ascii=False)[:-1]
    lines = ",\n  ".join(_lines(result))
    stream.write(f'{head}, "findings": [\n  {lines}\n]}}\n' if lines
                 else f'{head}, "findings": []}}\n')


def _lines(result: RunResult):
    """Each finding as json.dumps(ensure_ascii=False) writes its entry, put together from
    its fields: a general encoder per finding took most of the time of a large report."""
    renderings = result.renderings()
    encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder, not one per finding
    quoted: dict[str, str] = {}  # paths, codes, names and severities recur: quoted once

    def quote(text: str) -> str:
        if text not in quoted:
            quoted[text] = encode_basestring(text)
        return quoted[text]

    for f in result.findings:
        message = result.message(f)
        if f.path in renderings or not all(
                type(n) is int for n in (f.line, f.column, f.end_line, f.end_column)):
            yield encode(_entry(f, message, renderings))
            continue
        yield (f'{{"path": {quote(f.path)}, "line": {f.line}, "column": {f.column}, '
               f'"end_line": {f.end_line}, "end_column": {f.end_column}, '
               f'"code": {quote(f.code)}, "rule": {quote(f.name)}, '
               f'"severity": {quote(f.severity)}, "message": {encode_basestring(message)}, '
               f'"fixable": {"true" if f.fixable else "false"}}}')
