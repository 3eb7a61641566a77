"""JSON report: one object, as SPEC section 5 fixes it (schemas/report.schema.json)."""

from __future__ import annotations

import json
from json.encoder import encode_basestring  # what json.dumps(ensure_ascii=False) quotes with
from typing import TYPE_CHECKING, TextIO

from factlint import __version__

if TYPE_CHECKING:
    from collections.abc import Iterable

    from factlint.engine import FileResult, RunResult
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
    parts = result.parts(part)
    if parts is None:
        told = ((f, result.message(f)) for f in result.findings)
        lines = ",\n  ".join(_lines(told, result.renderings()))
    else:
        lines = ",\n  ".join(part for part in parts if part)
    stream.write(f'{head}, "findings": [\n  {lines}\n]}}\n' if lines
                 else f'{head}, "findings": []}}\n')


def part(result: FileResult) -> str:
    """The lines of one brief's findings (its result as check_file made it), as ``write``
    writes them: each told as its check told it."""
    renderings = {result.path: result.rendering} if result.rendering is not None else {}
    return ",\n  ".join(_lines(((f, text) for f, _, text in result.told), renderings))


def _lines(told: Iterable[tuple[Finding, str]], renderings: dict):
    """Each (finding, its message) as json.dumps(ensure_ascii=False) writes its entry, put
    together from its fields: a general encoder per finding took most of the time of a
    large report."""
    encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder, not one per finding
    # the parts before the line and before the message recur: each is quoted once
    opening: dict[str, str] = {}  # path -> '{"path": …, "line": '
    kinds: dict[tuple[str, str, str], str] = {}  # (code, rule, severity) -> their entries
    for f, message in told:
        if f.path in renderings or not (type(f.line) is type(f.column) is type(f.end_line)
                                        is type(f.end_column) is int):
            yield encode(_entry(f, message, renderings))
            continue
        start = opening.get(f.path)
        if start is None:
            start = opening[f.path] = f'{{"path": {encode_basestring(f.path)}, "line": '
        kind = kinds.get((f.code, f.name, f.severity))
        if kind is None:
            kind = kinds[(f.code, f.name, f.severity)] = (
                f'"code": {encode_basestring(f.code)}, "rule": {encode_basestring(f.name)}, '
                f'"severity": {encode_basestring(f.severity)}, "message": ')
        yield (f'{start}{f.line}, "column": {f.column}, "end_line": {f.end_line}, '
               f'"end_column": {f.end_column}, {kind}{encode_basestring(message)}, '
               f'"fixable": {"true" if f.fix is not None else "false"}}}')
