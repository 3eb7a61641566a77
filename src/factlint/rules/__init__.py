"""Rules: small, pure functions of a brief (and its fact file) that yield findings.

Each rule is a ``Rule`` record: a stable code, a kebab-case name that reads as the
fault, a default severity, and a docstring whose first line is its summary and whose
``Bad:`` and ``Good:`` sections are runnable example briefs. ``factlint rules``, the
README's rule table and SARIF metadata all read this one source.
"""

# Annotations are evaluated here (no `from __future__ import annotations`): typing.NamedTuple
# compiles each field's annotation given as a string (typing.ForwardRef), ~0.14 M
# instructions a field at every start.

import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from factlint.finding import Finding, Fix
from factlint.messages import Message
from factlint.settings import Settings

if TYPE_CHECKING:
    from factlint.document import Document


@dataclass(eq=False, repr=False)
class Context:
    """What a rule sees: the brief, its fact file (or None) and the settings. Rules never
    change it (not frozen: a frozen dataclass's generated methods cost ~2 M instructions
    to compile at every start)."""

    doc: "Document"
    facts: Any = None
    settings: Settings = field(default_factory=Settings)
    book: Any = None  # documents.Book, when the brief is one file of a multi-file document
    evidence: Any = None  # evidence.Evidence, with --evidence (FL410-FL414)

    @cached_property
    def verifications(self) -> list:
        """What the fact file says of the brief's figures (facts.verify), computed the first
        time it is asked for and shared by the FL30x rules, the engine's count and the HTML
        view; [] without a fact file."""
        if self.facts is None:
            return []
        from factlint.facts import verify  # only briefs with a fact file need it

        return verify(self.doc, self.facts, self.settings.near_ratio, self.settings.about_ratio)


class Rule(NamedTuple):
    code: str
    name: str
    severity: str
    check: Callable[[Context], Iterable[Finding]] | None
    doc_source: Callable | None = None  # where the docstring lives when ``check`` is None
    fixable: bool = False
    whole_document: bool = False  # judged over all files of a multi-file document

    @property
    def doc(self) -> str:
        return inspect.cleandoc((self.check or self.doc_source).__doc__ or "")

    @property
    def summary(self) -> str:
        return self.doc.splitlines()[0] if self.doc else ""

    @property
    def description(self) -> str:
        """The docstring without its examples: summary and why it matters."""
        return re.split(r"\n(?:Bad|Good):", self.doc)[0].strip()

    def example(self, kind: str) -> str:
        """The ``Bad:`` or ``Good:`` example brief, dedented."""
        match = re.search(rf"^{kind}:\n((?:(?:    .*)?\n?)+)", self.doc + "\n", re.MULTILINE)
        return inspect.cleandoc(match.group(1)) + "\n" if match else ""

    def at(
        self, doc: "Document", start: int, end: int, message: Message, fix: Fix | None = None
    ) -> Finding:
        """A finding of this rule over the original offsets [start, end) of ``doc``."""
        line, column, end_line, end_column = doc.span(start, end)
        return Finding.of(
            doc.path, line, column, end_line, end_column,
            self.code, self.name, self.severity, message, fix,
        )

    def at_position(
        self, path: str, line: int, column: int, message: Message,
        end_line: int | None = None, end_column: int | None = None,
    ) -> Finding:
        return Finding.of(
            path, line, column, end_line or line, end_column or column + 1,
            self.code, self.name, self.severity, message,
        )


def matches(rule: Rule, selectors: Iterable[str]) -> bool:
    """A selector is a code (FL201), a prefix (FL2, FL) or a name (unsourced-figure)."""
    for selector in selectors:
        s = selector.strip()
        if s and (rule.code.startswith(s.upper()) or s.lower() in (rule.name, "all")):
            return True
    return False
