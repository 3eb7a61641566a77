"""Declarative rule packs (rules/*.yaml): what a language's briefs look like.

A pack names claim triggers, the headings that open a references list, what a
source definition must hold, sentence enders, the words that attribute a claim in
prose or frame it as the document's own (``attributions``, ``framings``), the words
that introduce a list the sentence counts (``list_intros``), and (in ``figures``) the
words numbers.py needs. Packs are plain data; this module loads and compiles them once.

A pack may carry a ``traditional`` table (Simplified character -> its Traditional
forms, written by tools/traditional_table.py from OpenCC): every pattern and figure
word of that pack then matches Traditional Chinese too, without a second copy.
"""

# Annotations are evaluated here (no `from __future__ import annotations`): typing.NamedTuple
# compiles each field's annotation given as a string (typing.ForwardRef), ~0.14 M
# instructions a field at every start.

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from factlint import patterncache
from factlint.lazyre import lazy
from factlint.multiscan import MultiScan

LANGUAGES = ("zh", "en")


def packs_dir() -> Path:
    """The folder holding the built-in packs (the repo's rules/, or the installed copy)."""
    from factlint.schemas import data_dir

    return data_dir("rules")


class PackError(ValueError):
    """A rule pack that cannot be read or does not match schemas/rulepack.schema.json."""


class Trigger(NamedTuple):
    name: str
    pattern: re.Pattern[str]  # or, from a pack that is not built in, an RE2 pattern


class RulePack(NamedTuple):
    """The compiled view of one or more packs for a language."""

    language: str
    sentence_enders: str
    references_heading: re.Pattern[str]
    triggers: tuple[Trigger, ...]
    source_requirements: tuple[Trigger, ...]
    source_prefix: re.Pattern[str] | None
    raw: tuple[Mapping[str, Any], ...]
    attributions: tuple[Trigger, ...] = ()
    framings: tuple[Trigger, ...] = ()  # name: own | goal | hypothetical | proposal
    list_intros: tuple[Trigger, ...] = ()
    not_claim_sections: re.Pattern[str] | None = None
    document_sources: tuple[Trigger, ...] = ()
    own_data_reports: tuple[Trigger, ...] = ()
    trigger_scan: MultiScan | None = None  # the triggers' matches in one pass (multiscan.py)


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


PATTERN_SECTIONS = ("claim_triggers", "references_headings", "source_requirements",
                    "attributions", "framings", "list_intros", "not_claim_sections",
                    "document_sources", "own_data_reports")


def _entries(data: Mapping[str, Any]):
    for key in PATTERN_SECTIONS:
        yield from data.get(key, ())


def builtin_pack_data(language: str, traditional: bool = False) -> dict[str, Any]:
    """The built-in pack; ``traditional`` widens it to Traditional Chinese by its table
    (only briefs that hold Traditional characters pay for the wider patterns)."""
    return _widened_builtin_pack(language) if traditional else _builtin_pack(language)


# Cached by language alone: lru_cache would read the file again for each spelling of the
# same call (``f("zh")``, ``f("zh", False)``).
@lru_cache(maxsize=8)
def _builtin_pack(language: str) -> dict[str, Any]:
    return read_builtin_pack(packs_dir(), language)


def read_builtin_pack(folder: Path, language: str) -> dict[str, Any]:
    """``folder``/<language>.yaml, from its JSON copy while that is current (packcopy.py)."""
    from factlint.packcopy import read_copy

    path = folder / f"{language}.yaml"
    try:
        source = path.read_bytes()
    except OSError as exc:
        raise PackError(f"{path}: cannot read rule pack: {exc}") from exc
    copy = read_copy(path.with_suffix(".json"), source)
    return copy if copy is not None else read_pack_file(path)


@lru_cache(maxsize=8)
def _widened_builtin_pack(language: str) -> dict[str, Any]:
    return with_traditional(_builtin_pack(language))


@lru_cache(maxsize=8)
def traditional_characters(language: str) -> re.Pattern[str] | None:
    """A pattern that finds a Traditional-only character of the pack's table, or None."""
    table = builtin_pack_data(language).get("traditional") or {}
    forms = {c for value in table.values() for c in str(value)} - set(table)
    return patterncache.compile("[" + re.escape("".join(sorted(forms))) + "]") if forms else None


@lru_cache(maxsize=1)
def script_characters() -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """Patterns that find a Traditional-only and a Simplified-only character of the zh
    pack's table (which script a Chinese text is written in), or None without a table."""
    table = builtin_pack_data("zh").get("traditional") or {}
    traditional = {c for value in table.values() for c in str(value)} - set(table)
    simplified = set(table) - {c for value in table.values() for c in str(value)}
    return tuple(re.compile("[" + re.escape("".join(sorted(chars))) + "]") if chars else None
                 for chars in (traditional, simplified))


def with_traditional(data: dict[str, Any]) -> dict[str, Any]:
    """The pack with its patterns and figure words widened to the Traditional forms its
    ``traditional`` table gives (no table: the pack as it is)."""
    table = data.get("traditional")
    if not table:
        return data
    variants = {simplified: str(forms) for simplified, forms in table.items()}
    out = dict(data)
    for key in PATTERN_SECTIONS:
        if key in data:
            out[key] = [dict(e, pattern=both_scripts(e["pattern"], variants)) for e in data[key]]
    if "source_prefix" in data:
        out["source_prefix"] = both_scripts(data["source_prefix"], variants)
    if isinstance(data.get("figures"), Mapping):
        out["figures"] = _widen_words(data["figures"], variants)
    return out


def traditional_forms(word: str, variants: Mapping[str, str]) -> list[str]:
    """``word`` in its Traditional spellings (one per variant column): 个 -> 個, 为 -> 爲, 為."""
    width = max((len(variants[c]) for c in word if c in variants), default=0)
    return [
        "".join(variants[c][min(k, len(variants[c]) - 1)] if c in variants else c for c in word)
        for k in range(width)
    ]


def _widen_words(value: Any, variants: Mapping[str, str]) -> Any:
    """Every word list in a figures section, with the Traditional spellings added."""
    if isinstance(value, Mapping):
        return {k: (v if k in ("examples", "counter_examples") else _widen_words(v, variants))
                for k, v in value.items()}
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            widened = list(value)
            for word in value:
                widened += [w for w in traditional_forms(word, variants) if w not in widened]
            return widened
        return [_widen_words(v, variants) for v in value]
    return value


def both_scripts(pattern: str, variants: Mapping[str, str]) -> str:
    """A regex that matches what ``pattern`` matches in Simplified or Traditional
    characters: 个 becomes [个個], and inside a class [个家] becomes [个個家]."""
    out = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        forms = variants.get(char)
        if forms:
            out.append(char + forms if in_class else f"[{char}{forms}]")
        else:
            out.append(char)
        i += 1
    return "".join(out)


def compile_packs(language: str, packs: Sequence[Mapping[str, Any]]) -> RulePack:
    """Merge packs (built-in first, then user packs) into one compiled RulePack.

    The built-in pack's patterns are compiled by ``re`` when first used (lazyre.py); every
    other pack's by RE2, in linear time whatever the pattern (linear.py): a user pack may
    come from the checked tree.
    """
    enders: list[str] = []
    headings: list[list[str]] = [[], []]  # built-in, others
    triggers: list[Trigger] = []
    requirements: list[Trigger] = []
    prefix = None
    attributions: list[Trigger] = []
    framings: list[Trigger] = []
    intros: list[Trigger] = []
    sections: list[list[str]] = [[], []]  # built-in, others
    document_sources: list[Trigger] = []
    own_data: list[Trigger] = []
    for index, data in enumerate(packs):
        if index == 0:
            compile_ = lazy
        else:  # RE2 is loaded only for a pack that is not built in
            from factlint.linear import compile_linear as compile_
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
        attributions += _triggers(data, "attributions", "attribution", compile_)
        framings += _triggers(data, "framings", "own", compile_)
        intros += _triggers(data, "list_intros", "list", compile_)
        sections[index > 0] += [h["pattern"] for h in data.get("not_claim_sections", ())]
        document_sources += _triggers(data, "document_sources", "document-source", compile_)
        own_data += _triggers(data, "own_data_reports", "own-data", compile_)
    return RulePack(
        language=language,
        sentence_enders="".join(enders),
        references_heading=_first_of(headings),
        triggers=tuple(triggers),
        source_requirements=tuple(requirements),
        source_prefix=prefix,
        raw=tuple(packs),
        attributions=tuple(attributions),
        framings=tuple(framings),
        list_intros=tuple(intros),
        document_sources=tuple(document_sources),
        own_data_reports=tuple(own_data),
        not_claim_sections=_first_of([headings[0] + sections[0], headings[1] + sections[1]]),
        trigger_scan=MultiScan([t.pattern for t in triggers]),
    )


def _first_of(patterns: list[list[str]]):
    """One alternation of the built-in patterns (``re``), tried before one of the others
    (RE2, linear time: they may come from the checked tree)."""
    builtin = lazy("|".join(f"(?:{p})" for p in patterns[0]) or r"(?!)")
    if not patterns[1]:
        return builtin
    from factlint.linear import FirstOf, compile_linear

    return FirstOf((builtin, compile_linear("|".join(f"(?:{p})" for p in patterns[1]))))


def _triggers(data: Mapping[str, Any], key: str, default: str, compile_) -> list[Trigger]:
    return [Trigger(t.get("name", default), compile_(t["pattern"])) for t in data.get(key, ())]


@lru_cache(maxsize=16)
def load_rulepack(
    language: str, extra: tuple[str, ...] = (), traditional: bool = False
) -> RulePack:
    """The built-in pack for ``language`` plus user packs (paths) that apply to it;
    ``traditional``: widened to Traditional Chinese."""
    packs = [builtin_pack_data(language, traditional)]
    for path in extra:
        data = read_pack_file(Path(path))
        validate_pack(data, path)
        if data.get("language", language) == language:
            packs.append(data)
    return compile_packs(language, packs)
