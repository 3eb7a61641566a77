"""Reporters: each writes a finished run to a stream, one small module per format.

A reporter is a function ``write(result, stream, options)``; FORMATS maps the name
given to ``--format`` to the module that holds it, imported only when chosen. A format
whose report holds each brief's findings as a part of their own (json) also has
``part(file_result)``: the worker that checked a brief writes its part, and ``write``
joins the parts (``RunResult.parts``) while the findings are still those the checks gave.
"""

# Annotations are evaluated here (no `from __future__ import annotations`): typing.NamedTuple
# compiles each field's annotation given as a string (typing.ForwardRef), ~0.14 M
# instructions a field at every start.

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple, TextIO

if TYPE_CHECKING:
    from factlint.engine import FileResult, RunResult

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


def part_writer(name: str) -> "Callable[[FileResult], str] | None":
    """The format's ``part`` (see above), or None for a format whose report is not made of
    parts."""
    return getattr(importlib.import_module(FORMATS[name]), "part", None)
