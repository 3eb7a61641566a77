"""reviewdog rdjson report: DiagnosticResult shape, UTF-8 byte columns, suggestions from fixes."""

from __future__ import annotations

import io
import json
from pathlib import Path

from click.testing import CliRunner

from factlint.cli import main
from factlint.engine import FileResult, RunResult
from factlint.finding import Edit, Finding, Fix
from factlint.report import ReportOptions
from factlint.report.rdjson import byte_column, write


def rdjson(findings, files, root=".") -> dict:
    stream = io.StringIO()
    result = RunResult([FileResult(p) for p in files], sorted(findings))
    write(result, stream, ReportOptions(root=root))
    return json.loads(stream.getvalue())


def check_shape(document: dict) -> None:
    """The fields reviewdog's DiagnosticResult schema defines, with their types."""
    assert set(document) <= {"source", "severity", "diagnostics"}
    assert document["source"]["name"] == "factlint"
    for diagnostic in document["diagnostics"]:
        assert set(diagnostic) <= {"message", "location", "severity", "source", "code",
                                   "suggestions", "original_output"}
        assert isinstance(diagnostic["message"], str) and diagnostic["message"]
        assert diagnostic["severity"] in {"ERROR", "WARNING", "INFO"}
        assert set(diagnostic["code"]) == {"value", "url"}
        ranges = [diagnostic["location"]["range"]]
        ranges += [s["range"] for s in diagnostic.get("suggestions", ())]
        for span in ranges:
            for end in ("start", "end"):
                assert set(span[end]) == {"line", "column"}
                assert all(isinstance(v, int) and v >= 1 for v in span[end].values())


def test_byte_columns():
    assert byte_column("a𐐀b", 1) == 1
    assert byte_column("a𐐀b", 2) == 2
    assert byte_column("a𐐀b", 3) == 6
    assert byte_column("汇聚数据商", 3) == 7
    assert byte_column("ab", 3) == 3  # just past the end of the line
    assert byte_column(None, 4) == 4


def test_cli_report_on_a_chinese_brief(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("简报.md").write_text("# 标题\n\n全省汇聚数据商 1159 家。\n", encoding="utf-8")
    outcome = CliRunner().invoke(main, ["check", "--offline", "--format", "rdjson", "简报.md"])
    assert outcome.exit_code == 1, outcome.output
    document = json.loads(outcome.stdout)
    check_shape(document)
    assert document["severity"] == "ERROR"
    [diagnostic] = [d for d in document["diagnostics"] if d["code"]["value"] == "FL201"]
    assert diagnostic["location"]["path"] == "简报.md"
    line = "全省汇聚数据商 1159 家。"
    start = line.index("1159")
    assert diagnostic["location"]["range"]["start"] == {
        "line": 3, "column": len(line[:start].encode()) + 1}
    assert diagnostic["code"]["url"].endswith("#fl201")


def test_a_single_edit_fix_is_a_suggestion(tmp_path):
    brief = tmp_path / "brief.md"
    text = "# 标题\n\n数据商 1159 家。<sup>2</sup>\n"
    brief.write_text(text, encoding="utf-8")
    offset = text.index("2</sup>")
    fix = Fix("renumber", (Edit(offset, offset + 1, "1"),))
    finding = Finding(str(brief), 3, 17, 3, 18, "FL103", "citation-out-of-order", "warning",
                      "m", fix)
    document = rdjson([finding], [str(brief)], root=str(tmp_path))
    check_shape(document)
    [diagnostic] = document["diagnostics"]
    assert diagnostic["location"]["path"] == "brief.md"
    column = len("数据商 1159 家。<sup>".encode()) + 1
    assert diagnostic["suggestions"] == [{
        "range": {"start": {"line": 3, "column": column}, "end": {"line": 3, "column": column + 1}},
        "text": "1",
    }]


def test_a_many_edit_fix_offers_no_suggestion(tmp_path):
    brief = tmp_path / "brief.md"
    brief.write_text("x[^2] y[^1]\n\n[^1]: a\n[^2]: b\n", encoding="utf-8")
    fix = Fix("renumber", (Edit(3, 4, "1"), Edit(9, 10, "2")))
    finding = Finding(str(brief), 1, 2, 1, 6, "FL103", "citation-out-of-order", "warning", "m", fix)
    [diagnostic] = rdjson([finding], [str(brief)], root=str(tmp_path))["diagnostics"]
    assert "suggestions" not in diagnostic


def test_no_findings_no_overall_severity():
    document = rdjson([], ["brief.md"])
    assert document == {"source": document["source"], "diagnostics": []}
