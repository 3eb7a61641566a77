"""The text report in a terminal: carets under their spans by display width, long lines
windowed, nothing wider than the terminal, infos grouped, --quiet, --statistics, colour.

Caret columns are checked independently of the reporter: the test measures the shown
line with wcwidth itself and reads which characters stand above the carets.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SEED, SHARED, shared_or_skip
from hypothesis import given, settings
from hypothesis import strategies as st
from wcwidth import wcswidth

from factlint.api import check_paths
from factlint.cli import main
from factlint.engine import FileResult, RunResult
from factlint.finding import Finding
from factlint.report import ReportOptions, reporter
from factlint.report.terminal import Cells, color_wanted, excerpt, terminal_width

HEADER = re.compile(r"^(?P<path>\S.*?):(?P<line>\d+):(?P<column>\d+): (?P<code>FL\d+) \[")
SOURCE = re.compile(r"^ *(?P<number>\d+) \| (?P<text>.*)$")
CARET = re.compile(r"^ +\| (?P<pad> *)(?P<caret>\^~*)")
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def text_report(result: RunResult, **options) -> str:
    stream = io.StringIO()
    reporter("text")(result, stream, ReportOptions(**options))
    return stream.getvalue()


def width(text: str) -> int:
    measured = wcswidth(text)
    assert measured >= 0, f"a control character in the report: {text!r}"
    return measured


def under_carets(shown: str, pad: int, caret: int) -> str:
    """The characters of a shown line that stand under the carets: those whose first
    column lies there, with the marks and joined characters that follow them."""
    under, taken = [], False
    for i, char in enumerate(shown):
        joined = i > 0 and (wcswidth(char) == 0 or shown[i - 1] == "\u200d")
        taken = taken if joined else pad <= width(shown[:i]) < pad + caret
        if taken:
            under.append(char)
    return "".join(under)


def bare(text: str) -> str:
    return re.sub(r"\s", "", CONTROLS.sub("\ufffd", text))


def checked_carets(result: RunResult, report: str) -> int:
    """Check every caret of a --verbose report against its finding's span; return how many
    carets were checked (one per finding that points at a line with text)."""
    todo = {}
    for finding in result.findings:
        todo.setdefault((finding.path, finding.line, finding.column, finding.code),
                        []).append(finding)
    pending: list[Finding] = []
    shown = None
    checked = 0
    for line in report.splitlines():
        if header := HEADER.match(line):
            if shown is not None:
                pending, shown = [], None
            key = (header["path"], int(header["line"]), int(header["column"]), header["code"])
            pending.append(todo[key].pop(0))
        elif (source := SOURCE.match(line)) and pending and shown is None:
            assert int(source["number"]) == pending[0].line
            shown = source["text"]
        elif (caret := CARET.match(line)) and shown is not None:
            finding = pending.pop(0)
            text = result.line(finding.path, finding.line)
            end = finding.end_column if finding.end_line == finding.line else len(text) + 1
            span = bare(text[finding.column - 1: end - 1])
            pad, marks = len(caret["pad"]), len(caret["caret"])
            under = bare(under_carets(shown, pad, marks))
            where = f"{finding.path}:{finding.line}:{finding.column} {finding.code}"
            if not span:  # a point: one caret, under the character there or past the end
                assert marks == 1 and len(under) <= 1, where
            elif under != span:  # only where the window cuts the span short
                cut_at = pad + marks
                assert span.startswith(under) and under, (where, under, span)
                assert under_carets(shown, cut_at, 1) == "…", (where, shown)
            checked += 1
    assert not any(pending) or shown is None
    return checked


def lines_with_text(result: RunResult) -> int:
    return sum(1 for f in result.findings
               if (result.line(f.path, f.line) or "").strip())


def shared_briefs() -> list[str]:
    folders = [shared_or_skip(SHARED / "seeds"), SHARED / "corpus", SHARED / "corpus2"]
    return [str(p.relative_to(SHARED)) for folder in folders if folder.exists()
            for p in sorted(folder.iterdir())
            if p.suffix in (".md", ".docx") and p.name != "README.md"]


@pytest.fixture(scope="module")
def shared_result():
    briefs = shared_briefs()
    here = os.getcwd()
    os.chdir(SHARED)  # short relative paths, as an editor would type them
    try:
        return check_paths(briefs, offline=True)
    finally:
        os.chdir(here)


def test_every_caret_of_the_seed_and_corpus_sits_under_its_span(shared_result):
    report = text_report(shared_result, width=100, wrap=True, verbose=True)
    assert checked_carets(shared_result, report) == lines_with_text(shared_result) > 100


@pytest.mark.parametrize("verbose", [False, True])
def test_no_line_of_the_report_is_wider_than_the_terminal(shared_result, verbose):
    report = text_report(shared_result, width=100, wrap=True, verbose=verbose)
    widest = max(report.splitlines(), key=width)
    assert width(widest) <= 100, widest


def test_the_seed_report_is_short_and_fits(shared_result):
    seed = str(SEED.relative_to(SHARED))
    result = check_paths([str(SEED)], offline=True)
    report = text_report(result, width=100, wrap=True)
    # 88 lines before: every line shown whole, 23 FL107 infos one by one
    assert len(report.splitlines()) <= 40, report
    piped = text_report(result, width=100).splitlines()
    # a Chinese brief: the group and the summary in Chinese
    assert f"{SEED}: FL107 ×23 [info] 来源 2、3、4 … 24 没有网址、DOI 或其他编号：" \
           "请在这里补上，或写进事实文件的 `url` 一栏" in piped
    assert piped[-1] == "1 个文件；11 处数字说法（11 处注明了来源）：0 个错误，6 个警告，23 条提示"
    assert seed.endswith("guangxi-data-industry-brief.md")


# --- columns: wide characters, emoji, combining marks, tabs, long lines ---------------------

def carets_of(line: str, *spans: tuple[int, int], room: int = 93):
    shown = excerpt(Cells(line), list(spans), room)
    assert shown is not None and width(shown.text) <= room
    return shown, [under_carets(shown.text, column, span) for column, span in shown.carets]


@pytest.mark.parametrize("line, span, expected", [
    ("全省已汇聚数据商 1159 家。", "1159 家", "1159 家"),
    ("👨\u200d👩\u200d👧 families: 12 000 in 2024", "12 000", "12 000"),
    ("Café\u0301 au lait rose 12%", "12%", "12%"),
    ("❤️❤️ 两颗心 30%", "30%", "30%"),
    ("🇨🇳 国旗 5 面", "5 面", "5 面"),
])
def test_caret_sits_under_the_span_whatever_the_characters(line, span, expected):
    start = line.index(span)
    _, (under,) = carets_of(line, (start, start + len(span)))
    assert under == expected


def test_tabs_are_expanded_alike_in_the_line_and_the_caret_line():
    line = "\t甲\tab\t1159 家"
    shown, (under,) = carets_of(line, (line.index("1159"), len(line)))
    assert "\t" not in shown.text
    assert under == "1159 家"
    assert shown.text == "    甲  ab  1159 家"  # tab stops every 4 columns


def test_a_long_line_is_a_window_around_the_span_with_cut_ends_marked():
    line = "前文" * 400 + "突破150亿元" + "后文" * 400
    start = line.index("150")
    shown, (under,) = carets_of(line, (start, start + 5))
    assert shown.text.startswith("…") and shown.text.endswith("…")
    assert under == "150亿元"
    assert width(shown.text) <= 93


def test_a_span_wider_than_the_window_is_cut_with_its_carets():
    line = "x" * 50 + "长" * 200
    shown, (under,) = carets_of(line, (50, 250), room=60)
    assert shown.text.endswith("…") and under.startswith("长") and set(under) == {"长"}


def test_a_caret_past_the_end_of_a_long_line():
    line = "数据" * 300
    shown, (under,) = carets_of(line, (600, 601))
    assert shown.carets[0][0] == width(shown.text) and under == ""


ATOMS = ["a", "b", " ", "1", "家", "中", "\t", "👍", "👍🏽", "e\u0301", "❤\ufe0f", "…",
         "👨\u200d👩\u200d👧", "🇨🇳"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ATOMS), min_size=1, max_size=300), st.data())
def test_carets_are_under_their_spans_for_any_line(atoms, data):
    line = "".join(atoms)
    bounds = [sum(map(len, atoms[:i])) for i in range(len(atoms) + 1)]
    start = data.draw(st.sampled_from(bounds))
    end = data.draw(st.sampled_from([b for b in bounds if b >= start]))
    room = data.draw(st.integers(20, 120))
    shown = excerpt(Cells(line), [(start, end)], room)
    assert shown is not None
    column, span = shown.carets[0]
    assert width(shown.text) <= room and column + span <= room
    under = under_carets(shown.text, column, span)
    if end > start and bare(under) != bare(line[start:end]):
        # only where the window ends inside the span: the carets cover its start
        assert under_carets(shown.text, column + span, 1) == "…"
        assert bare(under) and bare(line[start:end]).startswith(bare(under))


# --- several findings on one line, grouping, --quiet, --statistics --------------------------

def made_result(findings: list[Finding], lines: dict[int, str], language="en") -> RunResult:
    file = FileResult(path="b.md", findings=findings, lines={"b.md": lines}, language=language)
    return RunResult(files=[file], findings=sorted(findings))


def finding(line, column, end, code="FL201", severity="error", message="figure stated"):
    return Finding("b.md", line, column, line, end, code, "a-rule", severity, message)


def test_findings_on_one_line_share_one_excerpt_with_a_caret_line_each():
    text = "全省汇聚数据商 1159 家，交易额突破 150 亿元。"
    one, two = text.index("1159"), text.index("150 ")
    result = made_result([finding(3, one + 1, one + 7),
                          finding(3, two + 1, two + 7, "FL301", message="figure differs")],
                         {3: text})
    lines = text_report(result).splitlines()
    assert [line.split(" [")[0] for line in lines[:2]] == ["b.md:3:9: FL201", "b.md:3:22: FL301"]
    assert lines[2] == f"   3 | {text}"
    assert lines[3] == "     | " + " " * 15 + "^~~~~~~ FL201"  # "1159 家" is 7 columns
    assert lines[4] == "     | " + " " * 35 + "^~~~~~~~ FL301"
    assert checked_carets(result, "\n".join(lines)) == 2


def test_findings_far_apart_on_a_long_line_get_an_excerpt_each():
    text = "甲" * 100 + "1159 家" + "乙" * 200 + "150 亿元" + "丙" * 100
    one, two = text.index("1159"), text.index("150 ")
    result = made_result([finding(3, one + 1, one + 7), finding(3, two + 1, two + 7)],
                         {3: text})
    report = text_report(result)
    assert report.count("   3 | …") == 2
    assert checked_carets(result, report) == 2


def no_url(line, label):
    return finding(line, 1, 6, "FL107", "info",
                   f"source {label} has no URL, DOI or other identifier: add one here")


def test_infos_of_one_kind_are_one_line_and_verbose_lists_each():
    infos = [no_url(10 + 2 * i, str(2 + i)) for i in range(23)]
    lines = {3: "12 家", **{f.line: "[1]: x" for f in infos}}
    result = made_result([finding(3, 1, 3), *infos], lines)
    report = text_report(result)
    assert ("b.md: FL107 ×23 [info] source 2, 3, 4 … 24 has no URL, DOI or other identifier: "
            "add one here\n") in report
    assert report.count("FL107") == 1
    verbose = text_report(result, verbose=True)
    assert verbose.count("FL107 [info] source") == 23


@pytest.mark.parametrize("language, group, summary", [
    ("en", "b.md: FL107 ×6 [info] source 2, 3, 4 … 7 has no URL, DOI or other identifier: add "
           "one here or as `url` in the fact file",
     "1 file; 0 claims (0 sourced): 0 errors, 0 warnings, 6 infos"),
    ("zh", "b.md: FL107 ×6 [info] 来源 2、3、4 … 7 没有网址、DOI 或其他编号：请在这里补上，"
           "或写进事实文件的 `url` 一栏",
     "1 个文件；0 处数字说法（0 处注明了来源）：0 个错误，0 个警告，6 条提示"),
])
def test_a_group_and_the_summary_are_told_in_the_briefs_language(language, group, summary):
    from factlint.messages import Message

    infos = [Finding.of("b.md", line, 1, line, 6, "FL107", "source-without-locator", "info",
                        Message("FL107.no-locator", label=str(line))) for line in range(2, 8)]
    lines = text_report(made_result(infos, {}, language), statistics=True).splitlines()
    assert lines[0] == group
    assert lines[1] == {"en": "findings by code:", "zh": "各规则代码的结果数："}[language]
    assert lines[-1] == summary


def test_two_infos_and_infos_that_differ_in_words_are_not_grouped():
    result = made_result([no_url(10, "2"), no_url(12, "3"),
                          finding(20, 1, 3, "FL203", "info", "“5%” is attributed to a link"),
                          finding(21, 1, 3, "FL203", "info", "“7 家” is attributed to a link"),
                          finding(22, 1, 3, "FL203", "info", "“9 亿” is attributed to a link")],
                         {})
    report = text_report(result)
    assert "×" not in report and report.count("[info]") == 5


def test_identical_infos_are_grouped_by_line():
    infos = [finding(line, 1, 2, "FL999", "info", "same words each time") for line in (4, 9, 15)]
    report = text_report(made_result(infos, {}))
    assert "b.md: FL999 ×3 [info] same words each time (lines 4, 9, 15)\n" in report


def test_quiet_lists_errors_and_the_summary_only():
    result = made_result([finding(3, 1, 3), finding(4, 1, 3, "FL102", "warning"),
                          no_url(5, "1")], {3: "12 家", 4: "x", 5: "y"})
    lines = text_report(result, quiet=True).splitlines()
    assert lines[0].startswith("b.md:3:1: FL201 [error]") and len(lines) == 4
    assert lines[-1].endswith(": 1 error, 1 warning, 1 info")


def test_statistics_count_findings_per_code():
    result = made_result([finding(3, 1, 3), finding(4, 1, 3), no_url(5, "1")], {})
    report = text_report(result, statistics=True, quiet=True)
    assert "findings by code:\n  1  FL107  info     a-rule\n  2  FL201  error    a-rule\n" \
        in report


# --- the command line: options, colour, width ----------------------------------------------

BRIEF = "# 标题\n\n全省已汇聚数据商 1159 家。\n\n交易额 3 亿元。\n"


@pytest.fixture
def brief(tmp_path):
    path = tmp_path / "brief.md"
    path.write_text(BRIEF, encoding="utf-8")
    return path


def cli(brief, *args, env=None):
    # the brief's language (the session's FACTLINT_MESSAGES=en is for tests that read English)
    return CliRunner().invoke(main, ["check", "--offline", *args, str(brief)],
                              env={"FACTLINT_MESSAGES": "auto", **(env or {})})


@pytest.mark.parametrize("args, env, colored", [
    ((), {}, False),                                   # not a terminal
    ((), {"FORCE_COLOR": "1"}, True),
    ((), {"FORCE_COLOR": ""}, False),                  # empty counts as unset
    ((), {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
    (("--color", "always"), {"NO_COLOR": "1"}, True),  # the flag wins over the environment
    (("--color", "never"), {"FORCE_COLOR": "1"}, False),
])
def test_colour_follows_the_flag_then_no_color_then_force_color(brief, args, env, colored):
    output = cli(brief, *args, env={"NO_COLOR": None, "FORCE_COLOR": None, **env}).output
    assert ("\x1b[" in output) is colored


def test_colour_rules_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    assert color_wanted("auto", {}, Terminal()) is True
    assert color_wanted("auto", {"NO_COLOR": "x"}, Terminal()) is False
    assert color_wanted("auto", {"TERM": "dumb"}, Terminal()) is False
    assert color_wanted("auto", {}, io.StringIO()) is False
    assert color_wanted("never", {"FORCE_COLOR": "1"}, Terminal()) is False


def test_width_comes_from_columns_else_100():
    assert terminal_width({"COLUMNS": "132"}, io.StringIO()) == 132
    assert terminal_width({"COLUMNS": "wide"}, io.StringIO()) == 100
    assert terminal_width({}, io.StringIO()) == 100
    assert terminal_width({"COLUMNS": "12"}, io.StringIO()) == 40  # the narrowest that works


def test_cli_options_quiet_verbose_statistics(brief):
    quiet = cli(brief, "--quiet").output.splitlines()
    assert all("[error]" in line or "|" in line for line in quiet[:-1])
    stats = cli(brief, "--statistics").output
    assert "各规则代码的结果数：\n  2  FL201  error    unsourced-figure\n" in stats
    assert cli(brief, "-q", "-v", "--statistics").exit_code == 1


def test_excerpts_follow_columns_when_piped(brief, tmp_path):
    long = tmp_path / "long.md"
    long.write_text("# 标题\n\n" + "前文" * 100 + "汇聚数据商 1159 家。" + "后文" * 100 + "\n",
                    encoding="utf-8")
    output = cli(long, env={"COLUMNS": "60"}).output.splitlines()
    shown = [line for line in output if "|" in line]
    assert shown and all(width(line) <= 60 for line in shown)
    assert output[0].startswith(str(long))  # a pipe: the header stays on one line


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_a_real_terminal_gets_wrapped_lines_colour_and_its_width(tmp_path):
    import pty

    brief = tmp_path / ("a-rather-long-folder-name-for-a-brief" * 2) / "brief.md"
    brief.parent.mkdir()
    brief.write_text(BRIEF, encoding="utf-8")
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    process = subprocess.Popen([sys.executable, "-m", "factlint", "check", "--offline",
                                str(brief)], stdout=follower, stderr=follower,
                               env={**env, "COLUMNS": "70", "TERM": "xterm"})
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    output = b"".join(chunks).decode("utf-8")
    assert "\x1b[31m[error]\x1b[0m" in output
    plain = re.sub(r"\x1b\[[0-9;]*m", "", output).replace("\r\n", "\n")
    lines = plain.splitlines()
    assert lines[1].startswith("    ")  # the message went on to a second line
    # all but the headers (whose path and place are never cut) fit the terminal's 70 columns
    assert all(width(line) <= 70 for line in lines if not line.startswith(str(brief))), plain
    assert Path(lines[0].split(":")[0]) == brief


def test_wrapping_keeps_the_head_numbers_with_their_words_and_no_command_at_a_line_start():
    from factlint.report.terminal import wrap

    head = "briefs/a-brief-with-a-long-name.md:75:1: FL105 [warning]"
    lines = wrap(f"{head} 来源 12 和 17 是同一份资料（见第 55 行）：请改为再次引用 12，并删去 17",
                 60, keep=len(head))
    assert lines[0].startswith(head) and all(width(line) <= 60 for line in lines)
    assert "第 55 行" in "".join(lines) and not any(line.endswith("第") for line in lines)
    english = wrap("x" * 50 + " the value ::add-mask::secret and 3 infos here", 60)
    assert not any(line.lstrip().startswith("::") for line in english)
    assert not any(line.endswith(" 3") for line in english)
    assert all(line.startswith("    ") for line in english[1:])
