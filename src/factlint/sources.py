"""`factlint sources`: read every source the briefs cite and keep what they say.

For each brief found, the sources its definitions and fact file name are read (or their
snapshots reused) and ``<stem>.evidence.yaml`` is written beside it, for ``check
--evidence`` (see evidence.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from factlint.config import settings_for
from factlint.document import read_document
from factlint.engine import find_briefs, read_any_brief
from factlint.evidence import Evidence, evidence_data, gather, write_evidence_file
from factlint.messages import Phrase
from factlint.related import fact_file_for
from factlint.trust import repository_root


@dataclass
class BriefSources:
    path: str
    evidence: Evidence | None
    problem: str = ""  # why the brief could not be read
    unwritten: str = ""  # why its evidence file or snapshots could not be written


def fetch_sources(paths: Sequence[str], overrides: Any, *, update: bool = False,
                  progress: bool | None = None) -> list[BriefSources]:
    """Read every source the briefs under ``paths`` cite and write their evidence files."""
    done = []
    for path in find_briefs(paths, overrides).briefs:
        settings = settings_for(Path(path), overrides)
        root = repository_root(path, settings.origin if settings.origin != "defaults" else None)
        text, _, problem = read_any_brief(path, root)
        if text is None:
            done.append(BriefSources(path, None, problem))
            continue
        doc = read_document(path, text, extra_packs=settings.packs)
        facts = None
        if fact_file_for(path):
            from factlint.factfiles import load_for_brief  # only briefs with a fact file pay

            facts, _ = load_for_brief(path, root=root, found=fact_file_for(path))
        try:
            evidence = gather(path, doc, facts, settings, offline=False, update=update,
                              root=root, progress=progress)
            if evidence.sources:
                write_evidence_file(evidence.evidence_file,
                                    evidence_data(doc, evidence, settings))
        except OSError as exc:  # a snapshot folder or evidence file that can't be written
            where = exc.filename2 or exc.filename or path
            done.append(BriefSources(path, None, unwritten=Phrase(
                "sources.cannot-write", path=path,
                why=f"{where}: {exc.strerror or exc}")))
            continue
        done.append(BriefSources(path, evidence))
    return done
