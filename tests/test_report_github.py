"""GitHub Actions report: every finding is a workflow command GitHub's runner can parse back."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from factlint.cli import main
from factlint.engine import FileResult, RunResult
from factlint.finding import Finding
from factlint.report import ReportOptions
from factlint.report.github import write

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REFERENCE = SHARED / "seeds" / "guangxi-data-industry-brief.md"
COMMAND = re.compile(r"^::(?P<command>[a-z]+)(?: (?P<properties>[^:]*))?::(?P<data>.*)$")
UNESCAPES = (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%"))


def unescape(text: str, properties: bool) -> str:
    # as the runner does: each escape in turn, `%25` last so `%253A` stays `%3A`
    for escaped, plain in UNESCAPES:
        if properties or escaped not in ("%3A", "%2C"):
            text = text.replace(escaped, plain)
    return text


def parse(line: str) -> tuple[str, dict[str, str], str]:
    """``::command key=value,key=value::data`` -> (command, properties, data), unescaped."""
    match = COMMAND.match(line)
    assert match, f"not a workflow command: {line!r}"
    properties = {}
    for pair in (match["properties"] or "").split(","):
        key, separator, value = pair.partition("=")
        assert separator, f"property without '=' in {line!r}"
        properties[key] = unescape(value, properties=True)
    return match["command"], properties, unescape(match["data"], properties=False)


def report(findings, files=("brief.md",)) -> list[str]:
    stream = io.StringIO()
    write(RunResult([FileResult(p) for p in files], sorted(findings)), stream, ReportOptions())
    return stream.getvalue().splitlines()


def finding(**changes) -> Finding:
    fields = dict(path="brief.md", line=3, column=21, end_line=3, end_column=32, code="FL201",
                  name="unsourced-figure", severity="error",
                  message="figure stated without a source")
    fields.update(changes)
    return Finding(**fields)


def test_a_finding_becomes_an_error_command_with_its_place():
    lines = report([finding()])
    command, properties, data = parse(lines[0])
    assert command == "error"
    assert properties == {"file": "brief.md", "line": "3", "col": "21", "endLine": "3",
                          "endColumn": "32", "title": "FL201 unsourced-figure"}
    assert data == "figure stated without a source"
    assert lines[-1] == "factlint: 1 file; 0 claims (0 sourced): 1 error, 0 warnings, 0 infos"
    assert not lines[-1].startswith("::")


@pytest.mark.parametrize("severity, command", [("error", "error"), ("warning", "warning"),
                                               ("info", "notice")])
def test_severities_map_to_commands(severity, command):
    assert parse(report([finding(severity=severity)])[0])[0] == command


def test_properties_and_data_are_escaped_and_round_trip():
    path = "a,b:c%d.md"
    message = "100% of 3: line one\r\nline two, with :: and %0A literally"
    lines = report([finding(path=path, message=message)], files=(path,))
    assert len(lines) == 2  # a message with newlines still makes one command line
    assert "file=a%2Cb%3Ac%25d.md," in lines[0]
    _, properties, data = parse(lines[0])
    assert properties["file"] == path
    assert data == message


def test_a_span_over_lines_leaves_columns_out():
    _, properties, _ = parse(report([finding(end_line=5, end_column=2)])[0])
    assert properties == {"file": "brief.md", "line": "3", "endLine": "5",
                          "title": "FL201 unsourced-figure"}


def test_paths_are_relative_to_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    absolute = str(tmp_path / "docs" / "brief.md")
    _, properties, _ = parse(report([finding(path=absolute)], files=(absolute,))[0])
    assert properties["file"] == "docs/brief.md"


def test_through_the_cli_each_line_is_a_command_then_the_summary(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("brief.md").write_text(
        "# Harbour\n\nThe harbour handled 1,200 ships last year.\n", encoding="utf-8")
    outcome = CliRunner().invoke(main, ["check", "--offline", "--format", "github", "brief.md"])
    assert outcome.exit_code == 1
    *commands, summary = outcome.stdout.splitlines()
    parsed = [parse(line) for line in commands]
    assert ("error", "FL201 unsourced-figure") in {(c, p["title"]) for c, p, _ in parsed}
    assert summary.startswith("factlint: 1 file;")


@pytest.mark.skipif(not REFERENCE.is_file(), reason=f"the reference brief is not at {REFERENCE}")
def test_reference_brief_in_a_real_subprocess(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "factlint", "check", "--offline", "--format", "github",
         str(REFERENCE)],
        capture_output=True, text=True, encoding="utf-8", cwd=tmp_path, timeout=120)
    assert completed.returncode == 0, completed.stderr
    *commands, summary = completed.stdout.splitlines()
    assert commands
    for line in commands:
        command, properties, data = parse(line)
        assert command in {"error", "warning", "notice"}
        if properties.get("title") == "factlint":  # how many GitHub will not show
            continue
        assert properties["file"] == REFERENCE.resolve().as_posix()
        assert int(properties["line"]) >= 1 and properties["title"].startswith("FL")
        assert data
    assert "0 errors" in summary


def test_a_notice_says_how_many_findings_github_will_not_show(tmp_path):
    brief = tmp_path / "brief.md"
    brief.write_text("# 标题\n\n" + "".join(f"第{n}项数字 {n + 100} 家。\n\n" for n in range(14)),
                     encoding="utf-8")
    outcome = CliRunner().invoke(main, ["check", "--offline", "--format", "github", str(brief)])
    lines = outcome.output.splitlines()
    assert sum(line.startswith("::error file=") for line in lines) == 14
    assert lines[0] == ("::notice title=factlint::4 of 14 findings are not shown as annotations "
                        "(4 errors): GitHub shows at most 10 of each kind per step. Every "
                        "finding is in this log and in the SARIF report.")


def test_no_notice_when_github_shows_everything(tmp_path):
    brief = tmp_path / "brief.md"
    brief.write_text("# 标题\n\n" + "".join(f"第{n}项数字 {n + 100} 家。\n\n" for n in range(10)),
                     encoding="utf-8")
    outcome = CliRunner().invoke(main, ["check", "--offline", "--format", "github", str(brief)])
    assert "title=factlint::" not in outcome.output


# --- nothing a checked tree writes may become a workflow command -----------------------------


def _live_commands(output: str) -> list[str]:
    """Lines GitHub's runner would run as workflow commands (it trims leading spaces)."""
    return [line for line in re.split(r"\r\n|\r|\n", output)
            if line.lstrip().startswith(("::", "##["))]


def test_stderr_cannot_forge_an_annotation(tmp_path):
    (tmp_path / "b.md").write_text("全省数据商 1159 家。\n", encoding="utf-8")
    (tmp_path / ".factlint.yaml").write_text(
        'packs: ["x\\n::error file=b.md,line=1::forged\\n  ##[warning]forged too"]\n',
        encoding="utf-8")

    done = subprocess.run(
        [sys.executable, "-m", "factlint", "check", "--offline", "--format", "github", "b.md"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )

    assert done.returncode == 2
    assert "forged" in done.stderr  # the message is there, quoted, but inert
    assert _live_commands(done.stderr) == []


def test_escaped_stream_knows_where_lines_start():
    from factlint.report.github import EscapedStream

    sink = io.StringIO()
    stream = EscapedStream(sink)
    stream.write("::error::a\n")
    stream.write("x ::not at a line start")
    stream.write(" ::still not\r  ::error::b")
    stream.write("\n##[error]c\n")

    assert sink.getvalue() == ("factlint: ::error::a\nx ::not at a line start ::still not\r"
                               "  factlint: ::error::b\nfactlint: ##[error]c\n")


def test_text_report_never_starts_a_line_with_a_brief_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "::warning file=x::pwned.md"
    Path(name).write_text("::add-mask::全省已汇聚数据商 1159 家。\n##[error]又有 30 家。\n",
                          encoding="utf-8")

    result = CliRunner().invoke(main, ["check", "--offline", "--format", "text", name])

    assert "FL201" in result.output
    assert "   1 | ::add-mask::全省已汇聚数据商 1159 家。" in result.output
    assert _live_commands(result.output) == []
