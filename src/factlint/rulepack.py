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
    pattern: re.Pattern[str]  # or, from a pack that is not built in, an RE2 pattern


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


def validate_pack(data: Mapping[str, Any], origin: str, *, linear: bool = True) -> None:
    """Raise PackError unless ``data`` is a valid pack; ``linear``: its patterns must be
    ones RE2 runs (every pack but the built-in ones, see compile_packs)."""
    from factlint.schemas import validation_errors

    problems = validation_errors("rulepack", data)
    if problems:
        raise PackError(f"{origin}: " + "; ".join(problems))
    # A pack that is not built in may come from the checked tree: its patterns run on RE2
    # (linear time, see linear.py), so they must be patterns RE2 accepts.
    from factlint.linear import UnsafePatternError, compile_linear

    patterns = [entry["pattern"] for entry in _entries(data)]
    if isinstance(data.get("source_prefix"), str):
        patterns.append(data["source_prefix"])
    for pattern in patterns:
        try:
            compile_linear(pattern) if linear else re.compile(pattern)
        except re.error as exc:
            raise PackError(f"{origin}: bad pattern {pattern!r}: {exc}") from exc
        except UnsafePatternError as exc:
            raise PackError(f"{origin}: {exc}") from exc


def _entries(data: Mapping[str, Any]):
    yield from data.get("claim_triggers", ())
    yield from data.get("references_headings", ())
    yield from data.get("source_requirements", ())


@lru_cache(maxsize=8)
def builtin_pack_data(language: str) -> dict[str, Any]:
    return read_pack_file(packs_dir() / f"{language}.yaml")


def compile_packs(language: str, packs: Sequence[Mapping[str, Any]]) -> RulePack:
    """Merge packs (built-in first, then user packs) into one compiled RulePack.

    The built-in pack's patterns are compiled by ``re``; every other pack's by RE2, in
    linear time whatever the pattern (linear.py): a user pack may come from the checked tree.
    """
    from factlint.linear import FirstOf, compile_linear

    enders: list[str] = []
    headings: list[list[str]] = [[], []]  # built-in, others
    triggers: list[Trigger] = []
    requirements: list[Trigger] = []
    prefix = None
    for index, data in enumerate(packs):
        compile_ = re.compile if index == 0 else compile_linear
        enders += [e for e in data.get("sentence_enders", ()) if e not in enders]
        headings[index > 0] += [h["pattern"] for h in data.get("references_headings", ())]
        triggers += [
            Trigger(t.get("name", "claim"), compile_(t["pattern"]))
            for t in data.get("claim_triggers", ())
        ]
        requirements += [
            Trigger(t.get("name", "source"), compile_(t["pattern"]))
            for t in data.get("source_requirements", ())
        ]
        if "source_prefix" in data:
            prefix = compile_(data["source_prefix"]) if data["source_prefix"] else None
    heading = re.compile("|".join(f"(?:{h})" for h in headings[0]) or r"(?!)")
    if headings[1]:
        heading = FirstOf((heading, compile_linear("|".join(f"(?:{h})" for h in headings[1]))))
    return RulePack(
        language=language,
        sentence_enders="".join(enders),
        references_heading=heading,
        triggers=tuple(triggers),
        source_requirements=tuple(requirements),
        source_prefix=prefix,
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
