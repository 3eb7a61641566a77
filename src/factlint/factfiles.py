"""A brief's fact file as a run reads it: the FactFile, and a finding (FL501, FL502) for
each thing wrong with it.

``facts.py`` reads and checks the file (raising FactFileError, listing schema problems); the
rules' FL501/FL502 records that say it live in ``rules/facts.py``, above it. The engine,
``factlint fix`` and ``factlint sources`` load fact files through here.
"""

from __future__ import annotations

import os
from pathlib import Path

from factlint.facts import (
    FactFile,
    FactFileError,
    Place,
    build_fact_file,
    find_fact_file,
    read_tree,
    schema_problems,
)
from factlint.finding import Finding
from factlint.messages import Message
from factlint.rules import facts as fact_rules


def load_for_brief(brief_path: str, explicit: str | None = None,
                   root: str | os.PathLike | None = None, found: str | None = None
                   ) -> tuple[FactFile | None, list[Finding]]:
    """The engine's entry point: the fact file named by --facts, else ``found`` (the engine
    finds it, see related.fact_file_for), else the one beside the brief. A fact file that
    was not named, and the data files it names, must lie inside the repository whose top
    is ``root`` (the brief's); one named by --facts is trusted."""
    if explicit:
        return load_facts(explicit)
    found = found or find_fact_file(brief_path)
    if found is None:
        return None, []
    return load_facts(str(found), root=root)


def _syntax(path: str, message: Message, line: int = 1, column: int = 1) -> Finding:
    return fact_rules.SYNTAX.at_position(path, line, column, message)


def _schema_finding(path: str, place: Place, message: str) -> Finding:
    return fact_rules.SCHEMA.at_position(path, place.line, place.column,
                                         Message("FL502.problem", problem=message),
                                         place.end_line, place.end_column)


def load_facts(path: str | os.PathLike, text: str | None = None,
               root: str | os.PathLike | None = None) -> tuple[FactFile | None, list[Finding]]:
    """Read and validate a fact file (``text``: its content, not yet written, as
    ``factlint fix`` checks it). Findings (FL501/FL502) point into it. With ``root``, the
    fact file must lie inside it; its data files always must lie inside the repository
    (``root``, else the fact file's own repository_root)."""
    path = str(path)
    try:
        tree = read_tree(path, text, root)
    except FileNotFoundError:
        return None, [_syntax(path, Message("FL501.not-found"))]
    except IsADirectoryError:
        return None, [_syntax(path, Message("FL501.folder"))]
    except OSError as exc:
        return None, [_syntax(path, Message("FL501.unreadable",
                                                    why=exc.strerror or str(exc)))]
    except FactFileError as exc:
        return None, [_syntax(path, Message("FL501.problem", problem=exc.message),
                                    exc.line, exc.column)]
    problems, bad_claims = schema_problems(tree)
    findings = [_schema_finding(path, tree.clamped(place), message)
                for _, place, message in problems]
    if any(code == "fatal" for code, _, _ in problems):
        return None, findings
    facts = build_fact_file(path, tree, bad_claims)
    facts.root = Path(root) if root is not None else None
    return facts, findings
