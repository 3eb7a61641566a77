"""The one record every rule, loader and checker produces."""

# Annotations are evaluated here (no `from __future__ import annotations`): typing.NamedTuple
# compiles each field's annotation given as a string (typing.ForwardRef), ~0.14 M
# instructions a field at every start.

from dataclasses import dataclass, field
from functools import total_ordering
from operator import attrgetter
from typing import NamedTuple

from factlint.messages import Message, Phrase, shorten

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


class Edit(NamedTuple):
    """Replace the text between two 0-based code-point offsets of a file."""

    start: int
    end: int
    replacement: str


class Fix(NamedTuple):
    """Edits of the finding's file; ``other_files``: (path, edits) of files the fix changes
    with it (an FL301 figure edit also edits the fact file's quote)."""

    description: str
    edits: tuple[Edit, ...] = ()
    other_files: tuple[tuple[str, tuple[Edit, ...]], ...] = ()


@total_ordering
@dataclass(frozen=True)
class Finding:
    """A fault at a place. Lines and columns are 1-based; columns count code points.

    ``end_column`` is exclusive (the column just past the span), as in SARIF.
    Findings sort by position and compare by value.

    ``message_id`` and ``arguments`` say what the finding says, for the reporters to put into
    the reader's language (``factlint.messages``); ``message`` is its English text, kept for
    code and tests that read it.
    """

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    name: str
    severity: str
    message: str
    fix: Fix | None = field(default=None, compare=False)
    message_id: str = field(default="", compare=False)
    arguments: tuple[tuple[str, object], ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", shorten(self.message))

    @classmethod
    def of(cls, path: str, line: int, column: int, end_line: int, end_column: int,
           code: str, name: str, severity: str, message: Message | str, fix: Fix | None = None
           ) -> "Finding":
        """A finding that says ``message`` (an id with its arguments)."""
        if isinstance(message, Phrase):
            message = message.message
        if isinstance(message, str):  # not yet in the catalog: English only
            return cls(path, line, column, end_line, end_column, code, name, severity,
                       message, fix)
        # Set whole, as the generated __init__ would field by field (a frozen dataclass sets
        # each through object.__setattr__, then __post_init__ shortens what render already
        # shortened): most findings are made here, and this takes half the time.
        finding = object.__new__(cls)
        object.__setattr__(finding, "__dict__", {
            "path": path, "line": line, "column": column, "end_line": end_line,
            "end_column": end_column, "code": code, "name": name, "severity": severity,
            "message": message.text("en"), "fix": fix, "message_id": message.id,
            "arguments": message.arguments})
        return finding

    def worded(self) -> Message | str:
        """What the finding says, as a message id with its arguments (its English text
        when it has no id)."""
        return Message(self.message_id, **dict(self.arguments)) if self.message_id \
            else self.message

    def __lt__(self, other: object) -> bool:
        # What dataclass(order=True) would make, by hand: its four generated comparisons
        # (the others come from total_ordering and __eq__) cost ~2.4 M instructions to
        # compile at every start.
        if other.__class__ is not self.__class__:
            return NotImplemented
        return IN_ORDER(self) < IN_ORDER(other)

    @property
    def fixable(self) -> bool:
        return self.fix is not None


# The fields findings are ordered by, as a sort key: ``sorted(findings, key=IN_ORDER)`` is
# ``sorted(findings)`` without a compared pair of tuples built per comparison.
IN_ORDER = attrgetter("path", "line", "column", "end_line", "end_column", "code", "name",
                      "severity", "message")


@dataclass(frozen=True)
class UrlRef:
    """A URL cited at a place: in a brief's source definition or a fact file's source."""

    url: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    # where a brief writes it: [start, end) code-point offsets of its text, for FL403's fix
    # (None in a fact file or a Word brief, which are not edited)
    span: tuple[int, int] | None = field(default=None, compare=False)
