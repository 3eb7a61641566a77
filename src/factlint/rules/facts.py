"""FL301-FL308 (without FL306), FL501, FL502: a brief's figures against its fact file.

Every rule reads the one `verify()` result the Context keeps for the brief
(``ctx.verifications``), so quotes are looked up and data files read once however many rules
run.

Docstring examples of these rules are a brief followed by the files it needs, each after
a line ``--- NAME ---``: ``--- facts.yaml ---`` is the brief's fact file, any other name
(``--- figures.csv ---``) a data file beside it. `example_files()` splits them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING

from factlint.finding import Finding
from factlint.lazyre import lazy
from factlint.messages import Message, Phrase
from factlint.rules import Rule
from factlint.rules.citations import NORMALISE, label_key, shown

if TYPE_CHECKING:
    from factlint.facts import FactFile, Verification
    from factlint.rules import Context

SECTION = lazy(r"^--- (\S+) ---[ \t]*$", re.MULTILINE)


def example_files(text: str, stem: str = "brief") -> dict[str, str]:
    """A docstring example -> {file name: content}: the brief as ``<stem>.md``, the section
    ``--- facts.yaml ---`` as ``<stem>.facts.yaml``, other sections under their own names."""
    parts = SECTION.split(text)
    files = {f"{stem}.md": parts[0].strip("\n") + "\n"}
    for name, content in zip(parts[1::2], parts[2::2], strict=True):
        if name.startswith("facts."):
            name = f"{stem}.{name}"
        files[name] = content.strip("\n") + "\n"
    return files


def split_example(text: str) -> tuple[str, str | None]:
    """(brief, fact file text or None) of a docstring example."""
    files = example_files(text)
    facts = next((v for k, v in files.items() if ".facts." in k), None)
    return files["brief.md"], facts


def _in_facts(rule: Rule, facts: FactFile, place, message: Message) -> Finding:
    return rule.at_position(facts.path, place.line, place.column, message,
                            place.end_line, place.end_column)


def check_figure_mismatch(ctx: Context) -> Iterator[Finding]:
    """A figure of the brief that does not hold for its true value.

    The wording is part of the figure: 超120家 promises more than 120, 20余家 between 20 and
    30, 近 3 000 a little under 3 000, 68% anything from 67.5 to 68.5 (SPEC section 3). The
    message names the qualifier, the interval it implies, the true value and where that
    value came from (the fact file's line, or the data file's row and column).

    Bad:
        园区集聚超120家数商企业<sup>1</sup>。

        <sup>1</sup> 来源：某局，《园区年报》
        --- facts.yaml ---
        factlint: 1
        claims:
          - quote: 超120家数商企业
            value: 118
            unit: 家
            source: 1

    Good:
        园区集聚超120家数商企业<sup>1</sup>。

        <sup>1</sup> 来源：某局，《园区年报》
        --- facts.yaml ---
        factlint: 1
        claims:
          - quote: 超120家数商企业
            value: 126
            unit: 家
            source: 1
    """
    doc = ctx.doc
    settings = ctx.settings
    for v in ctx.verifications:
        if v.verdict != "mismatch":
            continue
        # only briefs with a fact file need these
        from factlint.facts import meaning, shown_value
        from factlint.figurefix import exact_fix, figure_wordings

        figure = v.figure
        holding = figure_wordings(doc, v, settings.near_ratio, settings.about_ratio)
        exact = next((w for w in holding if w.exact), None)
        yield MISMATCH.at(
            doc, figure.start, figure.end,
            Message("FL301.mismatch" if holding else "FL301.mismatch-no-wording",
                    figure=figure.text,
                    meaning=meaning(figure, settings.near_ratio), value=shown_value(v),
                    origin=origin_message(v.truth.origin),
                    wordings=tuple(w.text for w in holding)),
            exact_fix(ctx.facts, v, exact) if exact is not None else None,
        )


_ORIGINS = (
    (lazy(r"facts: (?P<file>.+) line (?P<line>\d+)"), "origin.facts"),
    (lazy(r"data: (?P<file>.+) row (?P<row>\d+), column (?P<column>.+)"), "origin.data-row"),
    (lazy(r"data: (?P<where>.+)"), "origin.data"),
    (lazy(r"computed: (?P<op>.+)"), "origin.computed"),
)


def origin_message(origin: str) -> Message:
    """Where a true value came from (TrueValue.origin), as a message in the reader's words."""
    if isinstance(origin, Phrase):
        return origin.message
    for pattern, message_id in _ORIGINS:
        match = pattern.fullmatch(origin)
        if match:
            return Message(message_id, **match.groupdict())
    return Message("origin.other", origin=origin)


def alternatives(texts: list[str], joiner: str = "or") -> str:
    """“a”, “b” or “c”."""
    quoted = [f"“{t}”" for t in texts]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} {joiner} {quoted[-1]}"


def check_quote_not_found(ctx: Context) -> Iterator[Finding]:
    """A fact whose quote is not in the brief, is there more than once, or holds no figure to check.

    A quote ties a true value to one place in the brief. When the text was edited and the
    quote no longer matches, the figure silently escapes checking; when it matches twice,
    factlint cannot tell which figure is meant. Lengthen the quote, or add `figure:` when
    the quote holds several figures.

    Bad:
        数据商已有 1159 家<sup>1</sup>。

        <sup>1</sup> 来源：某局，《数据交易年报》
        --- facts.yaml ---
        factlint: 1
        claims:
          - quote: 汇聚数据商 1159 家
            value: 1159
            unit: 家

    Good:
        数据商已有 1159 家<sup>1</sup>。

        <sup>1</sup> 来源：某局，《数据交易年报》
        --- facts.yaml ---
        factlint: 1
        claims:
          - quote: 数据商已有 1159 家
            value: 1159
            unit: 家
    """
    facts = ctx.facts
    for v in ctx.verifications:
        claim = v.claim
        place = claim.field_place("quote")
        if v.verdict == "quote-not-found":
            hint = Message("FL302.hint", detail=v.detail) if v.detail else ""
            yield _in_facts(QUOTE_NOT_FOUND, facts, place,
                            Message("FL302.quote-not-found", claim=claim.name,
                                    quote=claim.quote, hint=hint))
        elif v.verdict == "quote-repeated":
            yield _in_facts(QUOTE_NOT_FOUND, facts, place,
                            Message("FL302.quote-repeated", claim=claim.name,
                                    quote=claim.quote, detail=v.detail))
        elif v.verdict == "figure-not-found":
            yield _in_facts(QUOTE_NOT_FOUND, facts, claim.field_place("figure") if claim.figure
                            else place, Message("FL302.figure-not-found", claim=claim.name,
                                                detail=v.detail))


def check_unverified_figure(ctx: Context) -> Iterator[Finding]:
    """A figure of the brief that no fact of its fact file checks.

    Reported only when the brief has a fact file: it lists what remains to verify. A claim
    with an empty `value` records the figure but does not verify it.

    Bad:
        数据商 1159 家、中介 442 家<sup>1</sup>。

        <sup>1</sup> 来源：某局，《数据交易年报》
        --- facts.yaml ---
        factlint: 1
        claims:
          - quote: 数据商 1159 家
            value: 1159
            unit: 家

    Good:
        数据商 1159 家、中介 442 家<sup>1</sup>。

        <sup>1</sup> 来源：某局，《数据交易年报》
        --- facts.yaml ---
        factlint: 1
        claims:
          - quote: 数据商 1159 家
            value: 1159
            unit: 家
          - quote: 中介 442 家
            value: 442
            unit: 家
    """
    facts = ctx.facts
    if facts is None:
        return
    doc = ctx.doc
    covered = {}
    for v in ctx.verifications:
        if v.figure is not None:
            if v.verdict == "unverified":
                covered.setdefault((v.figure.start, v.figure.end), v)
            else:
                covered[(v.figure.start, v.figure.end)] = v
    for sentence in doc.sentences:
        for figure in sentence.figures:
            v = covered.get((figure.start, figure.end))
            if v is None:
                yield UNVERIFIED.at(doc, figure.start, figure.end,
                                    Message("FL303.not-checked", figure=figure.text,
                                            facts=facts.name))
            elif v.verdict == "unverified":
                yield UNVERIFIED.at(doc, figure.start, figure.end,
                                    Message("FL303.no-value", figure=figure.text,
                                            claim=v.claim.name, facts=facts.name,
                                            line=v.claim.line))


def _governing_marker(v: Verification):
    """The marker that sources the quoted figure: the first one after it in its sentence,
    else the last one before it."""
    sentence = v.sentence
    if sentence is None or not sentence.markers:
        return None
    end = v.figure.end if v.figure is not None else v.spans[0][1]
    after = [m for m in sentence.markers if m.start >= end]
    return after[0] if after else sentence.markers[-1]


def check_wrong_source(ctx: Context) -> Iterator[Finding]:
    """The sentence holding a fact's quote cites another source than the fact's `source`.

    The fact file records which source a figure comes from; a marker pointing elsewhere
    sends the reader to a document that does not contain the figure, usually after notes
    were renumbered or a sentence was moved. (A sentence citing nothing is FL201.)

    Bad:
        宁波吸引 67 家数商入驻<sup>1</sup>。安徽认定 1732 家企业<sup>2</sup>。

        <sup>1</sup> 来源：某局，《宁波试点经验》

        <sup>2</sup> 来源：某局，《安徽认定名单》
        --- facts.yaml ---
        factlint: 1
        claims:
          - quote: 宁波吸引 67 家
            value: 67
            unit: 家
            source: 2

    Good:
        宁波吸引 67 家数商入驻<sup>1</sup>。安徽认定 1732 家企业<sup>2</sup>。

        <sup>1</sup> 来源：某局，《宁波试点经验》

        <sup>2</sup> 来源：某局，《安徽认定名单》
        --- facts.yaml ---
        factlint: 1
        claims:
          - quote: 宁波吸引 67 家
            value: 67
            unit: 家
            source: 1
    """
    doc = ctx.doc
    facts = ctx.facts
    for v in ctx.verifications:
        label = v.claim.source
        if label is None or not v.spans or len(v.spans) != 1:
            continue
        marker = _governing_marker(v)
        if marker is None:
            continue
        if label_key(label) in {label_key(x) for x in marker.labels}:
            continue
        cited = ", ".join(marker.labels)
        yield WRONG_SOURCE.at(
            doc, marker.start, marker.end,
            Message("FL304.wrong-source", cited=cited, facts=facts.name,
                    line=v.claim.field_place("source").line,
                    figure=v.figure.text if v.figure else v.claim.quote, label=label,
                    citation=shown(marker.style, label)),
        )


def check_data_reference(ctx: Context) -> Iterator[Finding]:
    """A fact's `data` reference that gives no value.

    The data file is missing or unreadable, `where` selects no row or several, the column
    does not exist, the pointer leads nowhere, or the cell is not a number. The figure
    then goes unchecked, so this is an error in the fact file.

    Bad:
        产业规模突破10亿元<sup>1</sup>。

        <sup>1</sup> 来源：某局，《产业规模统计》
        --- facts.yaml ---
        factlint: 1
        claims:
          - quote: 产业规模突破10亿元
            data: {file: missing.csv, where: {indicator: 产业规模}, column: value}
            unit: 亿元

    Good:
        产业规模突破10亿元<sup>1</sup>。

        <sup>1</sup> 来源：某局，《产业规模统计》
        --- facts.yaml ---
        factlint: 1
        claims:
          - quote: 产业规模突破10亿元
            data: {file: scale.csv, where: {indicator: 产业规模}, column: value}
            unit: 亿元
        --- scale.csv ---
        indicator,value
        产业规模,10.4
    """
    facts = ctx.facts
    for v in ctx.verifications:
        if v.verdict == "data-error":
            yield _in_facts(DATA_REFERENCE, facts, v.claim.field_place(
                            "compute" if v.claim.compute is not None else "data"),
                            Message("FL305.data-problem", claim=v.claim.name,
                                    problem=v.truth.problem))


def check_unit_mismatch(ctx: Context) -> Iterator[Finding]:
    """The brief's unit differs from the fact's: 家 against 个, or a 万/亿 scale slip.

    Counting firms (家) is not counting items (个), and 10万元 is not 10亿元. When the
    number fits only under the other scale, the slip is in the scale word, not the number.

    Bad:
        上架 318 家数据产品<sup>1</sup>。

        <sup>1</sup> 来源：某局，《数据产品目录》
        --- facts.yaml ---
        factlint: 1
        claims:
          - quote: 上架 318 家
            value: 318
            unit: 个

    Good:
        上架 318 个数据产品<sup>1</sup>。

        <sup>1</sup> 来源：某局，《数据产品目录》
        --- facts.yaml ---
        factlint: 1
        claims:
          - quote: 上架 318 个
            value: 318
            unit: 个
    """
    doc = ctx.doc
    facts = ctx.facts
    for v in ctx.verifications:
        if v.verdict == "unit-mismatch":
            meant = _meant(ctx, v)
            yield UNIT_MISMATCH.at(
                doc, v.figure.start, v.figure.end,
                Message("FL307.unit-meant" if meant else "FL307.unit", figure=v.figure.text,
                        detail=v.detail, facts=facts.name, line=v.claim.line, meant=meant),
            )


def _meant(ctx: Context, v: Verification) -> str:
    """The figure in the fact's scale and unit, when that wording holds for the value."""
    from factlint.facts import fact_unit
    from factlint.figurefix import unit_wording
    from factlint.numbers import builtin_lexicon

    unit = (v.claim.unit or "").strip()
    if not unit:
        return ""
    _, base = fact_unit(unit, builtin_lexicon(ctx.doc.language))
    scale_text = unit[: len(unit) - len(base)].strip() if base and unit.endswith(base) else ""
    if not base and unit:
        scale_text = unit
    wording = unit_wording(ctx.doc, v, scale_text, base, ctx.settings.near_ratio,
                           ctx.settings.about_ratio)
    return wording.text if wording is not None else ""


def normalised(text: str) -> str:
    return NORMALISE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def check_source_mismatch(ctx: Context) -> Iterator[Finding]:
    """The fact file's source N and the brief's definition N name different publishers or titles.

    The fact file says what source N is; if the brief's note N names another publisher or
    title, one of them was edited without the other, or the notes were renumbered. Text is
    compared after folding punctuation, spaces and full-width forms.

    Bad:
        数据商已有 1159 家<sup>1</sup>。

        <sup>1</sup> 来源：某日报，《数据交易年报》
        --- facts.yaml ---
        factlint: 1
        sources:
          "1":
            publisher: 某省大数据局
            title: 数据交易年报

    Good:
        数据商已有 1159 家<sup>1</sup>。

        <sup>1</sup> 来源：某省大数据局，《数据交易年报》
        --- facts.yaml ---
        factlint: 1
        sources:
          "1":
            publisher: 某省大数据局
            title: 数据交易年报
    """
    facts = ctx.facts
    if facts is None:
        return
    doc = ctx.doc
    definitions = {}
    for definition in doc.definitions:
        definitions.setdefault(label_key(definition.label), definition)
    for label, source in facts.sources.items():
        definition = definitions.get(label_key(label))
        if definition is None:
            if doc.definitions:
                yield _in_facts(SOURCE_MISMATCH, facts, source.place,
                                Message("FL308.not-in-brief", label=label, facts=facts.name))
            continue
        body = normalised(definition.body)
        for field_name in ("publisher", "title"):
            value = getattr(source, field_name)
            if value and normalised(value) not in body:
                yield SOURCE_MISMATCH.at(
                    doc, definition.start, definition.end,
                    Message("FL308.field-differs", label=label, facts=facts.name,
                            line=source.field_place(field_name).line,
                            field=Message(f"field.{field_name}"), value=value),
                )


def fact_file_syntax():
    """A fact file that is not valid YAML or JSON, not UTF-8, too large, or an alias bomb.

    The whole file is unusable, so none of its claims are checked. The finding points
    at the line and column where reading stopped, in the fact file.

    Bad:
        数据商已有 1159 家<sup>1</sup>。

        <sup>1</sup> 来源：某局，《数据交易年报》
        --- facts.yaml ---
        factlint: 1
        claims:
          - quote: 数据商已有 1159 家
            value: [1159
            unit: 家

    Good:
        数据商已有 1159 家<sup>1</sup>。

        <sup>1</sup> 来源：某局，《数据交易年报》
        --- facts.yaml ---
        factlint: 1
        claims:
          - quote: 数据商已有 1159 家
            value: 1159
            unit: 家
    """


def fact_file_schema():
    """A fact file that breaks schemas/facts.schema.json, at the offending node with its path.

    A misspelt field or a word where a number belongs (`value: many`) would otherwise
    leave the claim silently unchecked. The message names the path (`claims[3].value`) and
    what is expected; the claim in question is left out of the other checks.

    Bad:
        数据商已有 1159 家<sup>1</sup>。

        <sup>1</sup> 来源：某局，《数据交易年报》
        --- facts.yaml ---
        factlint: 1
        claims:
          - quote: 数据商已有 1159 家
            value: many
            unit: 家

    Good:
        数据商已有 1159 家<sup>1</sup>。

        <sup>1</sup> 来源：某局，《数据交易年报》
        --- facts.yaml ---
        factlint: 1
        claims:
          - quote: 数据商已有 1159 家
            value: 1159
            unit: 家
    """


MISMATCH = Rule("FL301", "figure-mismatch", "error", check_figure_mismatch)
QUOTE_NOT_FOUND = Rule("FL302", "quote-not-found", "error", check_quote_not_found)
UNVERIFIED = Rule("FL303", "unverified-figure", "info", check_unverified_figure)
WRONG_SOURCE = Rule("FL304", "wrong-source", "error", check_wrong_source)
DATA_REFERENCE = Rule("FL305", "data-reference-error", "error", check_data_reference)
UNIT_MISMATCH = Rule("FL307", "unit-mismatch", "error", check_unit_mismatch)
SOURCE_MISMATCH = Rule("FL308", "source-mismatch", "warning", check_source_mismatch)
SYNTAX = Rule("FL501", "fact-file-syntax", "error", None, fact_file_syntax)
SCHEMA = Rule("FL502", "fact-file-schema", "error", None, fact_file_schema)

RULES = (MISMATCH, QUOTE_NOT_FOUND, UNVERIFIED, WRONG_SOURCE, DATA_REFERENCE, UNIT_MISMATCH,
         SOURCE_MISMATCH, SYNTAX, SCHEMA)
