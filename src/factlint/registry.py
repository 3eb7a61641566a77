"""The explicit registry: every rule of every rule module, in code order.

It sits above the rule modules (``factlint.rules.*``), which know nothing of each other's
rules; the engine, the configuration's selector check, ``factlint rules`` and SARIF read it.
"""

from __future__ import annotations

from factlint.rules import Rule, matches


def registry() -> tuple[Rule, ...]:
    """Every rule, in code order. Imported on demand so start-up stays small."""
    from factlint.rules import (
        citations,
        claims,
        consistency,
        evidence,
        facts,
        inputs,
        structure,
        urls,
    )

    rules = (
        *inputs.RULES,
        *citations.RULES,
        *claims.RULES,
        *facts.RULES,
        *consistency.RULES,
        *urls.RULES,
        *evidence.RULES,
        *structure.RULES,
    )
    return tuple(sorted(rules, key=lambda r: r.code))


def by_code() -> dict[str, Rule]:
    return {rule.code: rule for rule in registry()}


def known_selector(selector: str) -> bool:
    return any(matches(rule, [selector]) for rule in registry())
