"""The public API: check paths, check a text held in memory, fix a text.

The command line, ``factlint fix``, the HTML report and the language server call these;
nothing outside factlint should need another module's internals. Every function reads the
configuration that governs ``path`` (``.factlint.yaml`` up the folders, as the CLI does) and
never raises for bad input: what cannot be read is a finding (FL001) or, for a fix, a
``problem``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from factlint.config import ConfigError, Overrides, forget, settings_for
from factlint.engine import RunOptions, RunResult, run
from factlint.messages import Phrase
from factlint.related import FACT_SUFFIXES

__all__ = ["CheckedText", "ConfigError", "FixedBrief", "Overrides", "check_paths", "check_text",
           "document_files", "fix_text", "inspect_text"]


def check_paths(paths: Sequence[str], *, facts: str | None = None, offline: bool = False,
                overrides: Overrides | None = None, evidence: bool = False,
                across_briefs: bool = False) -> RunResult:
    """Check the briefs the paths name (folders are walked) as ``factlint check`` does.

    Raises ConfigError for a configuration that cannot be used."""
    return run(RunOptions(paths=tuple(paths), overrides=overrides or Overrides(), facts=facts,
                          offline=offline, evidence=evidence, across_briefs=across_briefs,
                          progress=False))


def check_text(text: str, path: str, *, facts: str | None = None, offline: bool = True,
               overrides: Overrides | None = None) -> RunResult:
    """Check ``text`` as if it were the content of the brief at ``path`` (which need not
    exist, or may hold an older version: an editor's unsaved buffer). The configuration,
    fact file and sibling files are those of ``path``; findings name ``path``.

    Offline by default: a buffer is checked at every keystroke, its links on demand."""
    return run(RunOptions(paths=("-",), overrides=overrides or Overrides(), facts=facts,
                          offline=offline, progress=False, stdin=text.encode("utf-8"),
                          stdin_filename=path))


@dataclass
class CheckedText:
    """``check_text``'s result with what an editor shows beside the findings.

    ``document`` is the brief as read (None when the text could not be read), ``facts``
    its fact file (None without one) and ``verifications`` what each fact found in it;
    ``depends_on`` the absolute paths whose change can change the findings: configuration
    files, the fact file, its data files, the evidence file and the other files of the
    brief's multi-file document. ``problem`` says why nothing was checked (a
    configuration that cannot be used; a Phrase), "" when the text was checked."""

    result: RunResult
    document: Any = None  # factlint.document.Document
    facts: Any = None  # factlint.facts.FactFile
    verifications: list = field(default_factory=list)  # factlint.facts.Verification
    depends_on: frozenset[str] = frozenset()
    settings: Any = None  # factlint.config.Settings of the brief
    problem: str = ""


def inspect_text(text: str, path: str, *, facts: str | None = None,
                 overrides: Overrides | None = None, cached_urls: bool = False) -> CheckedText:
    """``check_text`` (offline), keeping the Document, the fact file and its verifications.
    With ``cached_urls``, the URL findings the URL cache knows (FL403 with its fix: what
    ``factlint check`` learned), though nothing is fetched. Never raises for a
    configuration that cannot be used: ``problem`` says why."""
    try:
        result = run(RunOptions(paths=("-",), overrides=overrides or Overrides(), facts=facts,
                                offline=True, urls_cached=cached_urls, progress=False,
                                stdin=text.encode("utf-8"),
                                stdin_filename=path, view_of=_context))
    except ConfigError as exc:
        return CheckedText(RunResult([], []), problem=_reason(exc))
    checked = CheckedText(result)
    ctx = next((f.view for f in result.files if f.view is not None), None)
    if ctx is None:
        return checked
    settings = ctx.settings
    checked.document, checked.facts, checked.settings = ctx.doc, ctx.facts, settings
    depends = {os.path.abspath(f) for f in settings.files}
    stem = os.path.splitext(path)[0]  # the fact file, when it is created, and the evidence
    depends.update(os.path.abspath(stem + suffix)
                   for suffix in (*FACT_SUFFIXES, ".evidence.yaml"))
    grouping = next(iter(result.groupings.values()), None)  # document_files, as the run found
    depends.update(os.path.abspath(f) for f in (grouping.files if grouping is not None else ()))
    if ctx.facts is not None:
        checked.verifications = ctx.verifications
        depends.add(os.path.abspath(ctx.facts.path))
        depends.update(str(p) for p in ctx.facts.data_paths())
    depends.discard(os.path.abspath(path))
    checked.depends_on = frozenset(depends)
    return checked


def _reason(error: Exception) -> str:
    """What an error says: the Phrase it was raised with (which a front end puts into the
    reader's language), else its text."""
    given = error.args[0] if error.args else None
    return given if isinstance(given, str) else str(error)


def _context(ctx: Any, findings: list) -> Any:
    """What ``inspect_text`` keeps of the brief (RunOptions.view_of): the rules' Context."""
    return ctx


def document_files(path: str, overrides: Overrides | None = None) -> tuple[str, ...]:
    """The files of the multi-file document ``path`` belongs to, in reading order (see
    documents.py); () when it is a document by itself."""
    from factlint.documents import find_documents

    found = find_documents([path], lambda p: settings_for(Path(p), overrides or Overrides()))
    grouping = next(iter(found.values()), None)
    return grouping.files if grouping is not None else ()


@dataclass
class FixedBrief:
    """What ``fix_text`` made of a brief: its new text, the fact file's (None when it has
    none or it is unchanged), what was done, and the problem that stopped it ("" if none);
    ``done`` and ``problem`` are Phrases, to be told in the reader's language."""

    text: str
    facts: str | None = None
    done: list[str] = field(default_factory=list)
    problem: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.done)


def fix_text(text: str, path: str, *, overrides: Overrides | None = None,
             drop_unused: bool = False) -> FixedBrief:
    """The text ``factlint fix`` would write for the brief at ``path`` if it held ``text``:
    the offline fixes (rejoin split paragraphs, renumber, and with ``drop_unused`` remove
    unused definitions), each verified; nothing is written. The brief's fact file is read
    from disk and its new text returned when a renumbering changes it."""
    from factlint import fix

    forget()
    try:
        settings = settings_for(Path(path), overrides or Overrides())
    except ConfigError as exc:
        return FixedBrief(text, problem=_reason(exc))
    facts_path = fix.fact_file_for(path)
    facts_text = None
    if facts_path is not None:
        read = fix.read_text(facts_path)
        if read.text is None:
            return FixedBrief(text, problem=Phrase("fix.cannot-read-facts", path=facts_path,
                                                   problem=read.problem))
        facts_text = read.text
    options = fix.FixOptions(drop_unused=drop_unused)
    try:
        fixed = fix.fix_text(path, text, options, facts_path, facts_text, settings,
                             fix.elsewhere_for(path))
    except fix.FixError as exc:
        return FixedBrief(text, problem=exc.reason)
    new_facts = fixed.facts if fixed.facts != facts_text else None
    return FixedBrief(fixed.brief, new_facts, list(fixed.done))
