"""`factlint check --watch`: check once, then again whenever a brief, fact file, data file,
evidence file or configuration under the paths changes, printing only what changed.

The first run prints its report as `check` does. Each later run prints one line naming the
files that changed and the counts, then a ``-`` line for each finding gone and a ``+`` line
for each new one. A finding is the same finding when its file, code, message and the text of
its line are: an edit above it that moves it down a line does not make it new.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from factlint.messages import Phrase, told

WATCHED_SUFFIXES = (".md", ".markdown", ".txt", ".qmd", ".rmd", ".docx",  # briefs
                    ".yaml", ".yml", ".json",  # fact, evidence, data and configuration files
                    ".csv", ".tsv", ".xlsx", ".toml")
IGNORED_FOLDERS = frozenset({".git", ".hg", ".svn", ".factlint", ".venv", "venv",
                             "node_modules", "__pycache__", ".pytest_cache", ".tox"})
DEBOUNCE_MS = 200  # changes within this time (an editor's save, a git checkout) are one


def roots(paths: Sequence[str]) -> list[str]:
    """The folders to watch: each folder named, and the folder of each file named."""
    found = []
    for path in paths or (".",):
        folder = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
        found.append(os.path.abspath(folder))
    found = sorted(set(found))
    return [f for f in found if not any(f != o and f.startswith(o + os.sep) for o in found)]


def relevant(path: str, ignored: frozenset[str] = frozenset()) -> bool:
    """Whether a change of ``path`` can change the findings (and is not a report we write)."""
    if os.path.abspath(path) in ignored or not path.lower().endswith(WATCHED_SUFFIXES):
        return False
    parts = os.path.normpath(os.path.abspath(path)).split(os.sep)
    return not IGNORED_FOLDERS.intersection(parts[:-1]) and not parts[-1].startswith(".#")


def identity(finding: Any, result: Any) -> tuple:
    """What makes a finding the same across runs (its line number aside)."""
    line = result.line(finding.path, finding.line)
    return finding.path, finding.code, finding.message, (line or "").strip()


def difference(before: Any, after: Any) -> tuple[list[Any], list[Any]]:
    """(new findings, gone findings) between two runs, each in order."""
    old = Counter(identity(f, before) for f in before.findings)
    new = Counter(identity(f, after) for f in after.findings)
    added, removed = new - old, old - new
    return _take(after, added), _take(before, removed)


def _take(result: Any, wanted: Counter) -> list[Any]:
    taken = []
    for finding in result.findings:
        key = identity(finding, result)
        if wanted[key] > 0:
            wanted[key] -= 1
            taken.append(finding)
    return taken


def describe(finding: Any, result: Any) -> str:
    """A finding as the text report begins it, its message in its language."""
    return (f"{finding.path}:{finding.line}:{finding.column}: {finding.code} "
            f"[{finding.severity}] {result.message(finding)}")


def counts(result: Any) -> Phrase:
    summary = result.summary
    return Phrase("watch.counts", errors=summary["errors"], warnings=summary["warnings"],
                  infos=summary["infos"])


def _reason(error: Exception) -> str:
    given = error.args[0] if error.args else None
    return given if isinstance(given, str) else str(error)


def watch(paths: Sequence[str], check: Callable[[], Any], report: Callable[[Any], None],
          echo: Callable[[str], None], ignored: Iterable[str] = (),
          problem: type[Exception] = Exception, stop_event: Any = None,
          language: str = "en") -> int:
    """Run ``check`` and ``report`` its result, then re-run on every relevant change under
    ``paths`` and ``echo`` what changed, until interrupted (exit status 0). A ``problem``
    raised by ``check`` (a configuration that can't be used) is printed and waited out.
    What is said is in the language of the last run's summary, else in ``language``."""
    try:
        return _watch(paths, check, report, echo, ignored, problem, stop_event, language)
    except KeyboardInterrupt:  # Ctrl-C during a check rather than while waiting
        return 0


def _watch(paths, check, report, echo, ignored, problem, stop_event, language) -> int:
    import watchfiles

    def say(phrase: Phrase, result: Any) -> None:
        echo(told(phrase, result.summary_language if result is not None else language))

    ignored_paths = frozenset(os.path.abspath(p) for p in ignored)
    previous = None
    try:
        previous = check()
        report(previous)
    except problem as exc:
        say(Phrase("cli.error", message=_reason(exc)), None)
    folders = roots(paths)
    say(Phrase("watch.watching", folders=", ".join(folders)), previous)
    for changes in watchfiles.watch(
            *folders, watch_filter=lambda _, path: relevant(path, ignored_paths),
            debounce=DEBOUNCE_MS, raise_interrupt=False, stop_event=stop_event):
        changed = sorted({os.path.relpath(path) for _, path in changes})
        stamp = time.strftime("%H:%M:%S")
        try:
            result = check()
        except problem as exc:
            say(Phrase("watch.changed-error", stamp=stamp, changed=", ".join(changed),
                       error=_reason(exc)), previous)
            continue
        if previous is None:
            report(result)
            previous = result
            continue
        new, gone = difference(previous, result)
        say(Phrase("watch.changed", stamp=stamp, changed=", ".join(changed), new=len(new),
                   gone=len(gone), now=counts(result)), result)
        for finding in gone:
            echo(f"- {describe(finding, previous)}")
        for finding in new:
            echo(f"+ {describe(finding, result)}")
        previous = result
    return 0
