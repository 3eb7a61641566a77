"""Reporters: each writes a finished run to a stream, one small module per format.

A reporter is a function ``write(result, stream, options)``; FORMATS maps the name
given to ``--format`` to the module that holds it, imported only when chosen.
"""

# Annotations are evaluated here (no `from __future__ import annotations`): typing.NamedTuple
# compiles each field's annotation given as a string (typing.ForwardRef), ~0.14 M
# instructions a field at every start.

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple, TextIO

if TYPE_CHECKING:
    from factlint.engine import RunResult

FORMATS = {
    "text": "factlint.report.text",
    "json": "factlint.report.json",
    "sarif": "factlint.report.sarif",
    "github": "factlint.report.github",
    "rdjson": "factlint.report.rdjson",
    "html": "factlint.report.html",
}


class ReportOptions(NamedTuple):
    color: bool = False
    root: str = "."  # paths in reports are shown relative to this folder where possible
    # the text report: columns a source excerpt may use, whether messages wrap to them too
    # (on a terminal; a pipe keeps one finding's header on one line, for grep), errors
    # only, every info on its own, counts per code
    width: int = 100
    wrap: bool = False
    quiet: bool = False
    verbose: bool = False
    statistics: bool = False


def reporter(name: str) -> "Callable[[RunResult, TextIO, ReportOptions], None]":
    return importlib.import_module(FORMATS[name]).write
