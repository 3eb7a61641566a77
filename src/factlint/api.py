"""The public API: check paths, check a text held in memory, fix a text.

The command line, ``factlint fix``, the HTML report and the language server call these;
nothing outside factlint should need another module's internals. Every function reads the
configuration that governs ``path`` (``.factlint.yaml`` up the folders, as the CLI does) and
never raises for bad input: what cannot be read is a finding (FL001) or, for a fix, a
``problem``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from factlint.config import ConfigError, Overrides, forget, settings_for
from factlint.engine import RunOptions, RunResult, run

__all__ = ["ConfigError", "FixedBrief", "Overrides", "check_paths", "check_text", "fix_text"]


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
class FixedBrief:
    """What ``fix_text`` made of a brief: its new text, the fact file's (None when it has
    none or it is unchanged), what was done, and the problem that stopped it ("" if none)."""

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
        return FixedBrief(text, problem=str(exc))
    facts_path = fix.fact_file_for(path)
    facts_text = None
    if facts_path is not None:
        read = fix.read_text(facts_path)
        if read.text is None:
            return FixedBrief(text, problem=f"fact file {facts_path}: {read.problem}")
        facts_text = read.text
    options = fix.FixOptions(drop_unused=drop_unused)
    try:
        fixed = fix.fix_text(path, text, options, facts_path, facts_text, settings,
                             fix.elsewhere_for(path))
    except fix.FixError as exc:
        return FixedBrief(text, problem=str(exc))
    new_facts = fixed.facts if fixed.facts != facts_text else None
    return FixedBrief(fixed.brief, new_facts, list(fixed.done))
