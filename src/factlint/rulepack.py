"""Declarative rule packs (rules/*.yaml): what a language's briefs look like.

A pack names claim triggers, the headings that open a references list, what a
source definition must hold, sentence enders, and (in ``figures``) the words
numbers.py needs. Packs are plain data; this module loads and compiles them once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

LANGUAGES = ("zh", "en")


def packs_dir() -> Path:
    """The folder holding the built-in packs (the repo's rules/, or the installed copy)."""
    from factlint.schemas import data_dir

    return data_dir("rules")


class PackError(ValueError):
    """A rule pack that cannot be read or does not match schemas/rulepack.schema.json."""


@dataclass(frozen=True)
class Trigger:
    name: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class RulePack:
    """The compiled view of one or more packs for a language."""

    language: str
    sentence_enders: str
    references_heading: re.Pattern[str]
    triggers: tuple[Trigger, ...]
    source_requirements: tuple[Trigger, ...]
    source_prefix: re.Pattern[str] | None
    raw: tuple[Mapping[str, Any], ...]


def read_pack_file(path: Path) -> dict[str, Any]:
    import yaml

    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # LibYAML when present: faster
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PackError(f"{path}: cannot read rule pack: {exc}") from exc
    if not isinstance(data, dict):
        raise PackError(f"{path}: a rule pack must be a mapping")
    return data


def validate_pack(data: Mapping[str, Any], origin: str) -> None:
    from factlint.schemas import validation_errors

    problems = validation_errors("rulepack", data)
    if problems:
        raise PackError(f"{origin}: " + "; ".join(problems))
    for entry in _entries(data):
        try:
            re.compile(entry["pattern"])
        except re.error as exc:
            raise PackError(f"{origin}: bad pattern {entry['pattern']!r}: {exc}") from exc


def _entries(data: Mapping[str, Any]):
    yield from data.get("claim_triggers", ())
    yield from data.get("references_headings", ())
    yield from data.get("source_requirements", ())


@lru_cache(maxsize=8)
def builtin_pack_data(language: str) -> dict[str, Any]:
    return read_pack_file(packs_dir() / f"{language}.yaml")


def compile_packs(language: str, packs: Sequence[Mapping[str, Any]]) -> RulePack:
    """Merge packs (built-in first, then user packs) into one compiled RulePack."""
    enders: list[str] = []
    headings: list[str] = []
    triggers: list[Trigger] = []
    requirements: list[Trigger] = []
    prefix = None
    for data in packs:
        enders += [e for e in data.get("sentence_enders", ()) if e not in enders]
        headings += [h["pattern"] for h in data.get("references_headings", ())]
        triggers += [
            Trigger(t.get("name", "claim"), re.compile(t["pattern"]))
            for t in data.get("claim_triggers", ())
        ]
        requirements += [
            Trigger(t.get("name", "source"), re.compile(t["pattern"]))
            for t in data.get("source_requirements", ())
        ]
        prefix = data.get("source_prefix", prefix)
    return RulePack(
        language=language,
        sentence_enders="".join(enders),
        references_heading=re.compile("|".join(f"(?:{h})" for h in headings) or r"(?!)"),
        triggers=tuple(triggers),
        source_requirements=tuple(requirements),
        source_prefix=re.compile(prefix) if prefix else None,
        raw=tuple(packs),
    )


@lru_cache(maxsize=16)
def load_rulepack(language: str, extra: tuple[str, ...] = ()) -> RulePack:
    """The built-in pack for ``language`` plus user packs (paths) that apply to it."""
    packs = [builtin_pack_data(language)]
    for path in extra:
        data = read_pack_file(Path(path))
        validate_pack(data, path)
        if data.get("language", language) == language:
            packs.append(data)
    return compile_packs(language, packs)
