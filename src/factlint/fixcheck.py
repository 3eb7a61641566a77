"""The checks ``factlint fix`` makes on its own output before anything is written.

Each takes what was read before and what the fix would write, and returns a problem
(a sentence saying exactly what would go wrong) or None:

* every marker occurrence resolves to the same source texts as before (a multiset per
  occurrence, in reading order), and the fact file's claims to the same sources, which
  the brief's definitions still describe;
* no non-whitespace character is added or lost outside the planned edits;
* the findings the fix did not set out to fix are the same ones.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from factlint.document import Document
from factlint.finding import Edit, Finding
from factlint.messages import Message, Phrase, Quoted

WHITESPACE = re.compile(r"\s+")


def _cut(text: str) -> str:
    return f"{text[:60]}{'…' if len(text) > 60 else ''}"


def _shown(texts: Sequence[str]) -> str:
    return " + ".join(f"'{_cut(t)}'" for t in texts) or "nothing"


def _quoted(texts: Sequence[str]) -> Any:
    """The texts as a Chinese message shows them (“a”、“b”), or that there are none."""
    return Quoted(_cut(t) for t in texts) if texts else Phrase("fixcheck.nothing")


def source_texts(doc: Document) -> dict[str, list[str]]:
    """Label -> the texts of its definitions in the brief (two when it is defined twice),
    each URL in them written as <URL> (``fix --urls`` replaces URLs, and only URLs)."""
    texts: dict[str, list[str]] = {}
    for definition in doc.definitions:
        body, last = [], definition.body_start
        for url in definition.urls:
            body.append(doc.text[last : url.start])
            body.append("<URL>")
            last = url.end
        body.append(doc.text[last : definition.end])
        body = WHITESPACE.sub(" ", "".join(body)).strip()
        texts.setdefault(definition.label.strip().lower(), []).append(body)
    return texts


def citation_targets(doc: Document) -> list[tuple[str, ...]]:
    """For each marker, in reading order, the sorted texts its labels resolve to; a label
    defined in no definition of the brief resolves to itself (it is defined elsewhere)."""
    texts = source_texts(doc)
    targets = []
    for marker in doc.markers:
        found: list[str] = []
        for label in marker.labels:
            found.extend(texts.get(label.strip().lower(), [f"(label {label.strip()}, "
                                                            "defined outside this file)"]))
        targets.append(tuple(sorted(found)))
    return targets


def citations_problem(before: Document, after: Document) -> str | None:
    old, new = citation_targets(before), citation_targets(after)
    if len(old) != len(new):
        return Phrase("fixcheck.count", new=len(new), old=len(old))
    for index, (was, now) in enumerate(zip(old, new, strict=True)):
        if was != now:
            marker = after.markers[index]
            written = after.text[marker.start : marker.end]
            line, column = after.position(marker.start)
            return Phrase("fixcheck.points", written=written, line=line, column=column,
                          now=_shown(now), was=_shown(was), now_quoted=_quoted(now),
                          was_quoted=_quoted(was))
    return None


def _non_whitespace(text: str) -> Counter[str]:
    return Counter(WHITESPACE.sub("", text))


def characters_problem(before: str, stages: Iterable[tuple[str, Sequence[Edit]]],
                       after: str) -> str | None:
    """``stages``: each stage's text and the edits planned on it, in order."""
    expected = _non_whitespace(before)
    for text, edits in stages:
        for edit in edits:
            expected.subtract(_non_whitespace(text[edit.start : edit.end]))
            expected.update(_non_whitespace(edit.replacement))
    written = _non_whitespace(after)
    expected = +expected  # drop the zero counts
    if written == expected:
        return None
    added = "".join(sorted((written - expected).elements()))[:40]
    lost = "".join(sorted((expected - written).elements()))[:40]
    return Phrase("fixcheck.characters", added=added, lost=lost)


def _comparable(finding: Finding) -> tuple[str, str]:
    """Findings by code and message; positions, line numbers and labels quoted may move."""
    return finding.code, re.sub(r"\d+", "#", finding.message)


def _said(finding: Finding) -> Any:
    """What a finding says, in the language of the message that tells of it."""
    if finding.message_id:
        return Message(finding.message_id, **dict(finding.arguments))
    return finding.message


def findings_problem(before: Iterable[Finding], after: Iterable[Finding],
                     fixed: set[str]) -> str | None:
    """The findings whose codes are not in ``fixed`` must be the same before and after."""
    before = [f for f in before if f.code not in fixed]
    after = [f for f in after if f.code not in fixed]
    old = Counter(_comparable(f) for f in before)
    new = Counter(_comparable(f) for f in after)
    if old == new:
        return None
    appeared = sorted((new - old).elements())
    if appeared:
        code, message = appeared[0]
        finding = next(f for f in after if _comparable(f) == appeared[0])
        return Phrase("fixcheck.new-finding", code=code, message=message, said=_said(finding))
    code, message = sorted((old - new).elements())[0]
    finding = next(f for f in before if _comparable(f) == (code, message))
    return Phrase("fixcheck.lost-finding", code=code, message=message, said=_said(finding))


def _fact_data(text: str, is_json: bool) -> Any:
    import yaml

    data = json.loads(text.lstrip("\ufeff")) if is_json else yaml.safe_load(text.lstrip("\ufeff"))
    return data if isinstance(data, dict) else {}


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _claim_sources(data: Any) -> list[tuple[str, ...]]:
    sources = data.get("sources") if isinstance(data.get("sources"), dict) else {}
    by_label = {str(label).strip(): _canonical(value) for label, value in sources.items()}
    found = []
    for claim in data.get("claims") or []:
        if not isinstance(claim, dict):
            continue
        named = claim.get("source", claim.get("sources"))
        named = named if isinstance(named, list) else [named]
        found.append(tuple(by_label.get(str(n).strip(), f"(label {n})") for n in named
                           if n is not None and not isinstance(n, (dict, list))))
    return found


def _pairs(data: Any, texts_of: Callable[[str], tuple[str, ...]]
           ) -> Counter[tuple[str, tuple[str, ...]]]:
    """Each fact-file source with the texts of the definitions its label resolves to."""
    sources = data.get("sources") if isinstance(data.get("sources"), dict) else {}
    return Counter((_canonical(value), texts_of(str(label).strip().lower()))
                   for label, value in sources.items())


def _texts_in(doc: Document) -> Callable[[str], tuple[str, ...]]:
    texts = source_texts(doc)
    return lambda label: tuple(texts.get(label, ()))


def facts_problem(before: str, after: str, is_json: bool, before_doc: Document,
                  after_doc: Document) -> str | None:
    return resolved_facts_problem(before, after, is_json, _texts_in(before_doc),
                                  _texts_in(after_doc))


def resolved_facts_problem(before: str, after: str, is_json: bool,
                           texts_before: Callable[[str], tuple[str, ...]],
                           texts_after: Callable[[str], tuple[str, ...]]) -> str | None:
    """As ``facts_problem``, with the definitions a label names found by ``texts_before``
    and ``texts_after`` (label, lower case -> the texts of its definitions): for a brief
    whose notes are in another file of its document."""
    old, new = _fact_data(before, is_json), _fact_data(after, is_json)
    for index, (was, now) in enumerate(zip(_claim_sources(old), _claim_sources(new),
                                           strict=False)):
        if was != now:
            return Phrase("fixcheck.claim-source", number=index + 1)
    if len(_claim_sources(old)) != len(_claim_sources(new)):
        return Phrase("fixcheck.claim-count")
    if _pairs(old, texts_before) != _pairs(new, texts_after):
        return Phrase("fixcheck.sources-differ")
    return None
