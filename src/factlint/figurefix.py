"""What FL301 and FL307 suggest for a figure, and FL301's exact edit as a fix.

FL301: the wordings that hold for the true value (`factlint.wording`); when one of them is
the true value itself, the fix writes it in the brief and makes the same change in the
fact file's ``quote`` (and ``figure``), so that the claim still finds its figure. The fix
is offered only when the fact file writes the figure exactly as the brief does, once, and
the edited fact file still reads back with the new quote.

FL307: the figure written in the fact's unit or scale (``10万元`` → ``10亿元``), when that
wording holds for the true value.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from factlint.finding import Edit, Fix
from factlint.messages import Phrase
from factlint.numbers import builtin_lexicon
from factlint.wording import Wording, in_unit, wordings

if TYPE_CHECKING:
    from factlint.document import Document
    from factlint.facts import FactFile, Verification


def _language(doc: Document, verification: Verification) -> str:
    sentence = verification.sentence
    language = sentence.language if sentence is not None and sentence.language else doc.language
    return "zh" if language.startswith("zh") else "en"


def figure_wordings(doc: Document, verification: Verification, near_ratio: float = 0.9,
                    about_ratio: float = 0.05) -> list[Wording]:
    """Wordings of a mismatched figure that hold for its true value."""
    figure, value = verification.figure, verification.true_value
    if figure is None or value is None:
        return []
    language = _language(doc, verification)
    return wordings(figure, value, doc.text, builtin_lexicon(language, language == "zh"),
                    language, near_ratio, about_ratio, verification.tolerance)


def unit_wording(doc: Document, verification: Verification, fact_scale_text: str,
                 fact_unit: str, near_ratio: float = 0.9,
                 about_ratio: float = 0.05) -> Wording | None:
    """The figure in the fact's scale and unit, when that holds for the true value."""
    figure, value = verification.figure, verification.true_value
    if figure is None or value is None:
        return None
    language = _language(doc, verification)
    return in_unit(figure, value, doc.text, builtin_lexicon(language, language == "zh"),
                   fact_scale_text, fact_unit, near_ratio, about_ratio,
                   verification.tolerance)


def _offset(starts: list[int], line: int, column: int) -> int:
    return starts[line - 1] + column - 1 if 0 < line <= len(starts) else -1


def exact_fix(facts: FactFile, verification: Verification, wording: Wording) -> Fix | None:
    """The brief's figure replaced by ``wording`` (an exact value), with the same change in
    the fact file's quote and figure; None when the fact file cannot follow safely."""
    figure, claim = verification.figure, verification.claim
    tree = facts.tree
    if figure is None or tree is None or not tree.text or not wording.exact:
        return None
    text = tree.text
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    edits = []
    for name in ("quote", "figure"):
        if name == "figure" and not claim.figure:
            continue
        place = claim.places.get(name)
        if place is None:
            return None
        start = _offset(starts, place.line, place.column)
        end = _offset(starts, place.end_line, place.end_column)
        written = text[start:end] if 0 <= start <= end else ""
        if written.count(figure.text) != 1:
            return None
        at = start + written.index(figure.text)
        edits.append(Edit(at, at + len(figure.text), wording.replacement))
    if not _reads_back(facts, text, edits, claim, figure.text, wording.replacement):
        return None
    return Fix(Phrase("fixdesc.true-value", wording=wording.replacement),
               (Edit(figure.start, figure.end, wording.replacement),),
               ((facts.path, tuple(edits)),))


def _reads_back(facts: FactFile, text: str, edits: list[Edit], claim, old: str,
                new: str) -> bool:
    """Does the edited fact file parse, with the claim's quote (and figure) changed so?"""
    import yaml

    fixed = text
    for edit in sorted(edits, reverse=True):
        fixed = fixed[: edit.start] + edit.replacement + fixed[edit.end:]
    try:
        data = (json.loads(fixed) if facts.path.lower().endswith(".json")
                else yaml.safe_load(fixed))
        written = data["claims"][claim.index]
    except (ValueError, yaml.YAMLError, KeyError, IndexError, TypeError):
        return False
    if not isinstance(written, dict) or written.get("quote") != claim.quote.replace(old, new):
        return False
    return not claim.figure or written.get("figure") == claim.figure.replace(old, new)
