"""Baselines: record today's findings, then report only new ones.

A finding is matched by its code, its file and a fingerprint of the text around it (the
source line, whitespace folded), not by its line number, so a baseline survives edits
that move lines. Identical findings are counted: a second copy of a recorded fault is new.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from typing import TYPE_CHECKING

from factlint.config import ConfigError
from factlint.messages import Phrase

if TYPE_CHECKING:
    from factlint.engine import RunResult
    from factlint.finding import Finding

FORMAT = 1


def _relative(path: str, base: str) -> str:
    return os.path.relpath(os.path.abspath(path), base).replace(os.sep, "/")


def fingerprint(finding: Finding, line_text: str | None) -> str:
    context = re.sub(r"\s+", " ", line_text or "").strip()
    return hashlib.sha256(f"{finding.code}\0{context}".encode()).hexdigest()[:16]


def _keys(result: RunResult, base: str) -> list[tuple[str, str, str]]:
    return [
        (f.code, _relative(f.path, base), fingerprint(f, result.line(f.path, f.line)))
        for f in result.findings
    ]


def write_baseline(result: RunResult, path: str) -> int:
    from factlint.fileio import write_atomically

    base = os.path.dirname(os.path.abspath(path))
    entries = [
        {"code": code, "path": file, "fingerprint": print_, "message": f.message}
        for (code, file, print_), f in zip(_keys(result, base), result.findings, strict=True)
    ]
    write_atomically(path, json.dumps({"factlint_baseline": FORMAT, "findings": entries},
                                      ensure_ascii=False, indent=1) + "\n")
    return len(entries)


def apply_baseline(result: RunResult, path: str) -> int:
    """Drop findings recorded in the baseline at ``path``; return how many were dropped."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        recorded = Counter(
            (e["code"], e["path"], e["fingerprint"]) for e in data["findings"]
        )
    except FileNotFoundError as exc:
        raise ConfigError(Phrase("config.no-baseline", path=path)) from exc
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(Phrase("config.not-baseline", path=path, problem=str(exc))) from exc
    base = os.path.dirname(os.path.abspath(path))
    kept = []
    for key, finding in zip(_keys(result, base), result.findings, strict=True):
        if recorded[key] > 0:
            recorded[key] -= 1
        else:
            kept.append(finding)
    dropped = len(result.findings) - len(kept)
    result.findings = kept
    return dropped
