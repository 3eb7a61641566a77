"""Suppression directives, exactly as SPEC section 4 says, and FL604 for bad ones."""

from __future__ import annotations

from conftest import at, codes

FIGURE = "全省已汇聚数据商 1159 家。"


def test_disable_next_line(lint):
    findings = lint(f"<!-- factlint-disable-next-line FL201 -->\n{FIGURE}\n\n{FIGURE}\n")
    assert at(findings, "FL201") == [(4, 10)]
    assert "FL604" not in codes(findings)


def test_disable_enable_region(lint):
    text = (f"<!-- factlint-disable FL201 -->\n{FIGURE}\n\n{FIGURE}\n"
            f"<!-- factlint-enable FL201 -->\n\n{FIGURE}\n")
    assert at(lint(text), "FL201") == [(7, 10)]


def test_disable_file_and_names_and_all(lint):
    assert "FL201" not in codes(
        lint(f"<!-- factlint-disable-file unsourced-figure -->\n{FIGURE}\n"))
    assert codes(lint(f"<!-- factlint-disable-file all -->\n{FIGURE}\n")) == []


def test_directive_without_codes_suppresses_nothing(lint):
    findings = lint(f"<!-- factlint-disable-next-line -->\n{FIGURE}\n")
    assert sorted(codes(findings)) == ["FL201", "FL604"]
    assert at(findings, "FL604") == [(1, 1)]


def test_unknown_code(lint):
    findings = lint(f"<!-- factlint-disable-next-line FL999 -->\n{FIGURE}\n")
    assert "FL201" in codes(findings)
    assert "unknown code FL999" in next(f.message for f in findings if f.code == "FL604")


def test_misspelt_directive(lint):
    findings = lint(f"<!-- factlint-disabel FL201 -->\n{FIGURE}\n")
    assert sorted(codes(findings)) == ["FL201", "FL604"]


def test_directive_that_suppressed_nothing(lint):
    findings = lint("<!-- factlint-disable-next-line FL201 -->\n没有数字的句子。\n")
    assert at(findings, "FL604") == [(1, 1)]
    assert "suppresses nothing" in findings[0].message


def test_unused_directive_not_blamed_when_its_rule_did_not_run(lint):
    findings = lint("<!-- factlint-disable-next-line FL201 -->\n没有数字的句子。\n",
                    select=("FL6",))
    assert codes(findings) == []


def test_directives_govern_url_findings(tmp_path):
    """URL findings come after every brief is read; the brief's directives still apply."""
    from click.testing import CliRunner

    from factlint.cli import main

    brief = tmp_path / "brief.md"
    brief.write_text(
        "# 标题\n\n数据<sup>1</sup>，另见<sup>2</sup>。\n\n"
        "<!-- factlint-disable-next-line FL404 -->\n"
        "<sup>1</sup> 来源：某局，《年报》，ftp://example.org/a\n\n"
        "<sup>2</sup> 来源：某局，《月报》，ftp://example.org/b\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--offline", "--select", "FL4,FL6", str(brief)])
    assert f"{brief}:8:" in result.output and f"{brief}:6:" not in result.output
    assert "FL604" not in result.output
