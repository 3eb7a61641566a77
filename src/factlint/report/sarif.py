"""SARIF 2.1.0 report: for GitHub code scanning, VS Code's SARIF viewer and other SARIF readers.

One run whose driver lists every rule (with its help and examples), one result per finding.
factlint counts columns in Unicode code points, so the run says ``columnKind:
unicodeCodePoints`` (SARIF's default is UTF-16 code units). Each result carries a
fingerprint of its code, path and normalised line text, so code scanning follows a finding
when lines above it move, and the fix as line/column regions when the finding has one.
"""

from __future__ import annotations

import hashlib
import json
import os
from bisect import bisect_right
from collections import Counter
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, TextIO
from urllib.parse import quote

from factlint import __version__, messages

if TYPE_CHECKING:
    from factlint.engine import RunResult
    from factlint.finding import Finding, Fix
    from factlint.report import ReportOptions
    from factlint.rules import Rule

PROJECT_URL = "https://github.com/factlint/factlint"
SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FAMILIES = {
    "FL0": "input", "FL1": "citations", "FL2": "claims", "FL3": "facts",
    "FL4": "urls", "FL5": "fact-file", "FL6": "structure",
}
FINGERPRINT_KEY = "factlintLineHash/v1"


# --- paths and source text, shared with the github and rdjson reporters -----------------------


def relative_path(path: str, root: str = ".") -> str | None:
    """``path`` relative to ``root`` with / separators, or None when it lies outside root."""
    try:
        relative = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    except ValueError:  # another drive on Windows
        return None
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return None
    return PurePath(relative).as_posix()


def report_path(path: str, root: str = ".") -> str:
    """The path a report shows: relative to root where possible, else absolute; / separators."""
    relative = relative_path(path, root)
    return relative if relative is not None else Path(os.path.abspath(path)).as_posix()


class SourceTexts:
    """The briefs' text, read once each, to turn the code-point offsets of fixes into places."""

    def __init__(self) -> None:
        self._texts: dict[str, tuple[str | None, list[int]]] = {}

    def _load(self, path: str) -> tuple[str | None, list[int]]:
        if path not in self._texts:
            from factlint.engine import read_brief

            text, _ = read_brief(path)
            starts = [0]
            if text is not None:
                starts += [i + 1 for i, c in enumerate(text) if c == "\n"]
            self._texts[path] = (text, starts)
        return self._texts[path]

    def text(self, path: str) -> str | None:
        return self._load(path)[0]

    def position(self, path: str, offset: int) -> tuple[int, int] | None:
        """0-based code-point offset -> 1-based (line, column); None for an unreadable file."""
        text, starts = self._load(path)
        if text is None:
            return None
        offset = max(0, min(offset, len(text)))
        index = bisect_right(starts, offset) - 1
        return index + 1, offset - starts[index] + 1

    def line(self, path: str, line: int) -> str | None:
        text, starts = self._load(path)
        if text is None or not 0 < line <= len(starts):
            return None
        end = text.find("\n", starts[line - 1])
        return text[starts[line - 1] : end if end >= 0 else len(text)].rstrip("\r")


# --- building the log ---------------------------------------------------------------------------


def _fence(example: str) -> str:
    """A Markdown code fence longer than any run of backticks inside the example."""
    ticks = "`" * max(3, _longest_backtick_run(example) + 1)
    return f"{ticks}markdown\n{example.rstrip()}\n{ticks}"


def _longest_backtick_run(text: str) -> int:
    best = run = 0
    for character in text:
        run = run + 1 if character == "`" else 0
        best = max(best, run)
    return best


def message_strings(code: str, language: str = "en") -> dict:
    """A rule's messages in SARIF's form (``{0}``-numbered placeholders), by message id."""
    strings = {}
    for message_id in messages.catalog("en"):
        if message_id.startswith(f"{code}.") and not message_id.endswith(".one"):
            strings[message_id] = {"text": messages.sarif_template(message_id, language)[0]}
    return strings


def sarif_message(finding: Finding, text: str, language: str) -> dict:
    """``text`` with the finding's message id and its arguments, when its rule declares
    that id in ``messageStrings``."""
    message: dict = {"text": text}
    if finding.message_id.startswith(f"{finding.code}."):
        _, names = messages.sarif_template(finding.message_id)
        arguments = messages.rendered_arguments(finding, language)
        message["id"] = finding.message_id
        message["arguments"] = [str(arguments.get(name, "")) for name in names]
    return message


def rule_descriptor(rule: Rule, language: str = "en") -> dict:
    """A rule's reportingDescriptor, its descriptions in ``language`` (the run's)."""
    bad, good = rule.example("Bad"), rule.example("Good")
    summary, description = rule.summary, rule.description
    if language != "en" and f"rule.{rule.code}" in messages.catalog(language):
        description = messages.render(f"rule.{rule.code}", None, language)
        summary = description.partition("。")[0] + "。"
    text = [description]
    markdown = [description]
    for label, example in (("bad", bad), ("good", good)):
        if example:
            said = messages.render(f"rules.{label}", None, language).rstrip(":：")
            text.append(f"{messages.render(f'rules.{label}', None, language)}\n"
                        f"{example.rstrip()}")
            markdown.append(f"**{said}**\n\n{_fence(example)}")
    tags = [FAMILIES.get(rule.code[:3], "other")]
    if rule.fixable:
        tags.append("fixable")
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": summary or rule.name},
        "fullDescription": {"text": description or summary or rule.name},
        "help": {"text": "\n\n".join(text), "markdown": "\n\n".join(markdown)},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": tags},
    } | ({"messageStrings": strings} if (strings := message_strings(rule.code, language)) else {})


def artifact_location(path: str, root: str) -> dict:
    relative = relative_path(path, root)
    if relative is None:
        return {"uri": Path(os.path.abspath(path)).as_uri()}
    return {"uri": quote(relative), "uriBaseId": SRCROOT}


def line_fingerprint(code: str, path: str, line_text: str) -> str:
    """A hash that survives edits elsewhere in the file: code, path and the line's words."""
    normalised = " ".join(line_text.split())
    return hashlib.sha256(f"{code}\0{path}\0{normalised}".encode()).hexdigest()[:32]


def _fix(finding: Finding, fix: Fix, location: dict, texts: SourceTexts,
         root: str = ".", language: str = "en") -> dict | None:
    """The fix as SARIF artifact changes: the finding's file, then the other files it edits
    (an FL301 figure fix also edits the fact file's quote)."""
    replacements = _replacements(finding.path, fix.edits, texts)
    if not replacements:
        return None
    changes = [{"artifactLocation": location, "replacements": replacements}]
    for path, edits in fix.other_files:
        others = _replacements(path, edits, texts)
        if others:
            changes.append({"artifactLocation": artifact_location(path, root),
                            "replacements": others})
    return {"description": {"text": messages.told(fix.description, language)},
            "artifactChanges": changes}


def _replacements(path: str, edits, texts: SourceTexts) -> list[dict]:
    replacements = []
    for edit in sorted(edits):
        start = texts.position(path, edit.start)
        end = texts.position(path, edit.end)
        if start is None or end is None:
            # the file can't be read back: SARIF also allows plain character offsets
            region = {"charOffset": edit.start, "charLength": edit.end - edit.start}
        else:
            region = {"startLine": start[0], "startColumn": start[1],
                      "endLine": end[0], "endColumn": end[1]}
        replacements.append(
            {"deletedRegion": region, "insertedContent": {"text": edit.replacement}}
        )
    return replacements


def word_location(location) -> dict:
    """A logical location for a place in a Word brief; the physical region is in the
    rendering `factlint show` prints."""
    return {
        "name": location.describe(),
        "fullyQualifiedName": (f"{location.part}/note[{location.note}]" if location.note
                               else location.part) + f"/paragraph[{location.paragraph}]",
        "kind": "element",
        "properties": location.as_dict(),
    }


def as_dict(result: RunResult, root: str = ".") -> dict:
    from factlint.registry import registry

    rules = registry()
    index = {rule.code: i for i, rule in enumerate(rules)}
    # messageStrings in the language most findings are told in (SARIF has one per rule)
    languages = Counter(result.language(f) for f in result.findings)
    language = languages.most_common(1)[0][0] if languages else "en"
    texts = SourceTexts()
    renderings = result.renderings()
    seen: dict[tuple[str, str], int] = {}
    results = []
    for finding in result.findings:
        location = artifact_location(finding.path, root)
        shown = report_path(finding.path, root)
        line_text = result.line(finding.path, finding.line)
        if line_text is None:
            line_text = texts.line(finding.path, finding.line) or ""
        digest = line_fingerprint(finding.code, shown, line_text)
        seen[(shown, digest)] = occurrence = seen.get((shown, digest), 0) + 1
        entry = {
            "ruleId": finding.code,
            "level": LEVELS[finding.severity],
            "message": sarif_message(finding, result.message(finding), result.language(finding)),
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": location,
                    "region": {
                        "startLine": finding.line, "startColumn": finding.column,
                        "endLine": finding.end_line, "endColumn": finding.end_column,
                    },
                },
            }],
            "partialFingerprints": {FINGERPRINT_KEY: f"{digest}:{occurrence}"},
        }
        if finding.path in renderings:
            entry["locations"][0]["logicalLocations"] = [word_location(
                renderings[finding.path].location(finding.line, finding.column))]
        if finding.code in index:
            entry["ruleIndex"] = index[finding.code]
        if finding.fix is not None:
            fix = _fix(finding, finding.fix, location, texts, root, result.language(finding))
            if fix is not None:
                entry["fixes"] = [fix]
        results.append(entry)
    exit_code = result.exit_code
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "language": {"zh": "zh-CN", "zh-Hant": "zh-TW"}.get(language, "en-US"),
            "tool": {"driver": {
                "name": "factlint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": PROJECT_URL,
                "rules": [rule_descriptor(rule, language) for rule in rules],
            }},
            "invocations": [{"executionSuccessful": exit_code != 2, "exitCode": exit_code}],
            "originalUriBaseIds": {SRCROOT: {"uri": Path(os.path.abspath(root)).as_uri() + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {"summary": result.summary},
        }],
    }


def write(result: RunResult, stream: TextIO, options: ReportOptions) -> None:
    json.dump(as_dict(result, options.root), stream, ensure_ascii=False, indent=2)
    stream.write("\n")
