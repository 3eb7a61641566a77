"""SARIF report: valid SARIF 2.1.0, positions in code points, rule metadata, fingerprints, fixes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from factlint.cli import main
from factlint.engine import FileResult, RunResult
from factlint.finding import Edit, Finding, Fix
from factlint.registry import registry
from factlint.report import ReportOptions
from factlint.report.sarif import as_dict, line_fingerprint, write

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"
REFERENCE = SHARED / "seeds" / "guangxi-data-industry-brief.md"
needs_schema = pytest.mark.skipif(
    not SCHEMA.is_file(), reason=f"the SARIF 2.1.0 schema is not at {SCHEMA} (../shared is absent)"
)

BRIEF = """\
# Harbour brief

The harbour handled 1,200 ships last year.

The port employs 3,400 people.<sup>2</sup> The port is the largest on the coast.<sup>1</sup>

<sup>1</sup> Source: Port Authority, Annual Report 2024, https://example.org/report
<sup>2</sup> Source: Statistics Office, Employment Table, https://example.org/table
"""


def validate(log: dict) -> None:
    from jsonschema.validators import validator_for

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def run_result(findings, files=("brief.md",)) -> RunResult:
    return RunResult([FileResult(path) for path in files], sorted(findings))


def sarif_of(result: RunResult, root: str = ".") -> dict:
    stream = io.StringIO()
    write(result, stream, ReportOptions(root=root))
    return json.loads(stream.getvalue())


@needs_schema
@pytest.mark.skipif(not REFERENCE.is_file(), reason=f"the reference brief is not at {REFERENCE}")
def test_reference_brief_through_the_real_cli(tmp_path):
    command = [sys.executable, "-m", "factlint", "check", "--offline", str(REFERENCE)]
    sarif = subprocess.run([*command, "--format", "sarif"], capture_output=True, text=True,
                           encoding="utf-8", cwd=tmp_path, timeout=120)
    report = subprocess.run([*command, "--format", "json"], capture_output=True, text=True,
                            encoding="utf-8", cwd=tmp_path, timeout=120)
    assert sarif.returncode == report.returncode, sarif.stderr
    log = json.loads(sarif.stdout)
    validate(log)
    run = log["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["invocations"][0]["executionSuccessful"] is True
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in registry()]
    findings = json.loads(report.stdout)["findings"]
    assert len(run["results"]) == len(findings) > 0
    for result, finding in zip(run["results"], findings, strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding["code"]
        region = result["locations"][0]["physicalLocation"]["region"]
        place = (region["startLine"], region["startColumn"], region["endLine"], region["endColumn"])
        assert place == (finding["line"], finding["column"], finding["end_line"],
                         finding["end_column"])
        # outside the working folder: an absolute file URI, no base
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location == {"uri": REFERENCE.resolve().as_uri()}
    fingerprints = [r["partialFingerprints"]["factlintLineHash/v1"] for r in run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)


@needs_schema
def test_small_brief_relative_uri_levels_and_exit_code(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("briefs").mkdir()
    Path("briefs/harbour.md").write_text(BRIEF, encoding="utf-8")
    outcome = CliRunner().invoke(
        main, ["check", "--offline", "--format", "sarif", "--output", "out.sarif", "briefs"])
    assert outcome.exit_code == 1, outcome.output
    log = json.loads(Path("out.sarif").read_text(encoding="utf-8"))
    validate(log)
    results = log["runs"][0]["results"]
    by_code = {r["ruleId"]: r for r in results}
    unsourced = by_code["FL201"]
    assert unsourced["level"] == "error"
    assert "1,200 ships" in unsourced["message"]["text"]
    location = unsourced["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "briefs/harbour.md", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 3, "startColumn": 21, "endLine": 3, "endColumn": 32}
    assert by_code["FL103"]["level"] == "warning"
    base = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == tmp_path.resolve().as_uri() + "/"
    for result in results:  # where the engine attaches fixes, they must be valid too
        for fix in result.get("fixes", ()):
            assert fix["artifactChanges"][0]["artifactLocation"]["uri"] == "briefs/harbour.md"


@needs_schema
def test_fixes_become_replacements_at_code_point_positions(tmp_path):
    brief = tmp_path / "brief.md"
    text = "# 标题\n\n数据商 1159 家。<sup>2</sup>\n\n<sup>2</sup> 来源：某局\n"
    brief.write_text(text, encoding="utf-8")
    start = text.index("<sup>2</sup>")
    definition = text.index("<sup>2</sup> 来源")
    fix = Fix("renumber citation 2 as 1", (
        Edit(start + 5, start + 6, "1"),
        Edit(definition + 5, definition + 6, "1"),
    ))
    finding = Finding(str(brief), 3, 13, 3, 25, "FL103", "citation-out-of-order", "warning",
                      "citation 2 should be 1", fix)
    log = sarif_of(run_result([finding], [str(brief)]), root=str(tmp_path))
    validate(log)
    [sarif_fix] = log["runs"][0]["results"][0]["fixes"]
    assert sarif_fix["description"]["text"] == "renumber citation 2 as 1"
    [change] = sarif_fix["artifactChanges"]
    assert change["artifactLocation"] == {"uri": "brief.md", "uriBaseId": "%SRCROOT%"}
    regions = [r["deletedRegion"] for r in change["replacements"]]
    assert regions == [
        {"startLine": 3, "startColumn": 17, "endLine": 3, "endColumn": 18},
        {"startLine": 5, "startColumn": 6, "endLine": 5, "endColumn": 7},
    ]
    assert [r["insertedContent"]["text"] for r in change["replacements"]] == ["1", "1"]
    lines = text.split("\n")
    assert lines[2][16] == "2" and lines[4][5] == "2"  # the columns count code points


@needs_schema
def test_a_fix_on_an_unreadable_file_falls_back_to_character_offsets(tmp_path):
    missing = str(tmp_path / "gone.md")
    fix = Fix("rejoin the paragraph", (Edit(10, 14, ""),))
    finding = Finding(missing, 2, 1, 2, 5, "FL603", "split-paragraph", "warning", "split", fix)
    log = sarif_of(run_result([finding], [missing]), root=str(tmp_path))
    validate(log)
    region = log["runs"][0]["results"][0]["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert region["deletedRegion"] == {"charOffset": 10, "charLength": 4}


@needs_schema
def test_an_input_that_could_not_be_checked_is_not_a_successful_execution(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    outcome = CliRunner().invoke(main, ["check", "--offline", "--format", "sarif", "absent.md"])
    assert outcome.exit_code == 2
    log = json.loads(outcome.stdout)
    validate(log)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation == {"executionSuccessful": False, "exitCode": 2}
    assert log["runs"][0]["results"][0]["ruleId"] == "FL001"


def test_every_rule_is_described_with_its_examples():
    log = as_dict(run_result([]))
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert len({r["id"] for r in rules}) == len(registry())
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for descriptor, rule in zip(rules, registry(), strict=True):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["defaultConfiguration"]["level"] == levels[rule.severity]
        assert descriptor["properties"]["tags"]
        if rule.example("Bad"):
            assert "**Bad**" in descriptor["help"]["markdown"]
            assert rule.example("Bad").strip() in descriptor["help"]["text"]
        if rule.example("Good"):
            assert "**Good**" in descriptor["help"]["markdown"]


def test_fingerprints_follow_the_line_not_its_number():
    moved = line_fingerprint("FL201", "brief.md", "The harbour handled  1,200 ships.")
    assert moved == line_fingerprint("FL201", "brief.md", "  The harbour handled 1,200 ships.")
    assert moved != line_fingerprint("FL201", "brief.md", "The harbour handled 1,300 ships.")
    assert moved != line_fingerprint("FL202", "brief.md", "The harbour handled 1,200 ships.")
    assert moved != line_fingerprint("FL201", "other.md", "The harbour handled 1,200 ships.")


def test_same_finding_twice_on_a_line_gets_distinct_fingerprints(tmp_path):
    brief = tmp_path / "brief.md"
    brief.write_text("a 1 家 b 2 家\n", encoding="utf-8")
    findings = [
        Finding(str(brief), 1, column, 1, column + 3, "FL201", "unsourced-figure", "error", "m")
        for column in (3, 9)
    ]
    results = sarif_of(run_result(findings, [str(brief)]), root=str(tmp_path))["runs"][0]["results"]
    prints = [r["partialFingerprints"]["factlintLineHash/v1"] for r in results]
    assert prints[0].endswith(":1") and prints[1].endswith(":2")
    assert prints[0].split(":")[0] == prints[1].split(":")[0]


def test_non_ascii_paths_are_percent_encoded(tmp_path):
    brief = tmp_path / "简报 一.md"
    brief.write_text("x\n", encoding="utf-8")
    finding = Finding(str(brief), 1, 1, 1, 2, "FL201", "unsourced-figure", "error", "m")
    log = sarif_of(run_result([finding], [str(brief)]), root=str(tmp_path))
    results = log["runs"][0]["results"]
    uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "%E7%AE%80%E6%8A%A5%20%E4%B8%80.md"
