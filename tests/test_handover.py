"""A parallel check hands each brief's result back packed, with its part of the report
written by the worker (engine.FileResult, RunResult.parts): every format and option must
give what a check in one process gives, byte for byte."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_documents import write
from wordbuild import build, chinese_brief

from factlint.cli import main
from factlint.engine import RunOptions, check_file, run
from factlint.report import FORMATS, ReportOptions, part_writer, reporter

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"

ZH = ("# 江城低空经济简报\n\n"
      "2024年全市低空物流航线达到120条，同比增长35%。[^1]无人机配送量约为8.6万单。\n\n"
      "全市共有无人机企业 214 家，其中规模以上企业 38 家[^2]，占比约 17.8%。\n\n"
      "[^1]: 来源：江城日报，《低空物流航线加密》\n")
EN = ("# Harbour note\n\n"
      "The port moved 4.2 million containers in 2024, up 12 per cent.[^1] About 3,400\n"
      "people work on the docks, and 1,250 more in logistics.\n\n"
      "<!-- factlint-disable-next-line FL201 -->\n"
      "Night shifts rose by 18 per cent.\n\n"
      "[^1]: Port Authority, *Annual Report 2024*\n[^3]: Unused note\n")
MIXED = ("# 混合 brief\n\nRevenue grew 40 per cent in 2023.\n\n"
         "营业收入增长 40%，达到 3.5 亿元。[^9]\n")
CLEAN = "# Nothing to say\n\nThis note states no figures.\n"
CHAPTER_ONE = "# One\n\nThe survey covered 40 towns[^1] and 12 hills[^2].\n"
CHAPTER_TWO = "# Two\n\nFlights were logged[^4] on 300 days and checked by hand[^9].\n"
NOTES = ("# Notes\n\n[^1]: Coast Office, \"Coastal survey,\" 2021\n\n"
         "[^2]: Hill Office, \"Hill survey,\" 2022\n\n[^3]: Archive, \"Old maps,\" 2019\n\n"
         "[^4]: Flight Office, \"Flight log,\" 2023\n")


def plain_corpus(root: Path) -> Path:
    """Briefs whose findings are each their own: the parallel run reports from parts."""
    write(root, {
        "a-zh.md": ZH, "b-en.md": EN, "c-mixed.md": MIXED, "d-clean.md": CLEAN,
        "e-zh.md": ZH * 3, "f-en.md": EN + EN,
        "strict/.factlint.yml": "fail_on: warning\nmessages: zh\n",
        "strict/g.md": EN, "strict/h.md": ZH,
        "english/.factlint.yml": "messages: en\nseverity:\n  FL201: error\n",
        "english/i.md": ZH, "english/j.md": MIXED,
        # two briefs that disagree (FL309 with --across-briefs)
        "k.md": "# 简报\n\n全省汇聚数据商 1159 家<sup>1</sup>。\n\n"
                "<sup>1</sup> 来源：某局，《年报》\n",
        "l.md": "# 简报\n\n截至目前，全省汇聚数据商 1195 家<sup>1</sup>。\n\n"
                "<sup>1</sup> 来源：某局，《年报》\n",
    })
    return root


def mixed_corpus(root: Path) -> Path:
    """The plain corpus with what the parts cannot stand for: briefs with fact files, a
    book with a shared notes file, an unreadable brief, a Word brief."""
    plain_corpus(root)
    for name in ("en-brief.md", "en-brief.facts.yaml", "zh-brief.md", "zh-brief.facts.yaml"):
        shutil.copy(EXAMPLES / name, root / name)
    shutil.copytree(EXAMPLES / "data", root / "data")
    write(root, {"book/ch1.md": CHAPTER_ONE, "book/ch2.md": CHAPTER_TWO,
                  "book/notes.md": NOTES, "word/.factlint.yml": "docx: true\n"})
    (root / "broken.md").write_bytes(b"\xff\xfe\x00\x00" + b"\x00\xd8\x00\x00" * 4)
    build(chinese_brief(), root / "word" / "brief.docx")
    return root


@pytest.fixture(params=["plain", "mixed"])
def corpus(request, tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("FACTLINT_MESSAGES", raising=False)  # each folder's own setting
    monkeypatch.setenv("LANG", "C.UTF-8")
    return (plain_corpus if request.param == "plain" else mixed_corpus)(tmp_path / "c")


def _check(*args: str, stdin: bytes | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "--offline", *args], input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.output
    return result.exit_code, result.output


def _same(corpus: Path, *args: str, stdin: bytes | None = None) -> None:
    one = _check("--jobs", "1", *args, str(corpus), stdin=stdin)
    two = _check("--jobs", "2", *args, str(corpus), stdin=stdin)
    assert one[1], one
    assert two == one


@pytest.mark.parametrize("output_format", list(FORMATS))
def test_every_format_is_the_same_in_parallel(corpus, output_format):
    _same(corpus, "--format", output_format)


@pytest.mark.parametrize("options", [
    ["--fail-on", "info"], ["--fail-on", "error"], ["--messages", "zh"], ["--messages", "en"],
    ["--select", "FL2"], ["--ignore", "FL201,FL603"], ["--across-briefs"],
    ["--report", "json", "--report", "text"], ["--report", "github"],
])
def test_json_with_each_option_is_the_same_in_parallel(corpus, options):
    if "--report" not in options:
        options = ["--format", "json", *options]
    _same(corpus, *options)


@pytest.mark.parametrize("options", [["--verbose"], ["--quiet"], ["--statistics"]])
def test_text_with_each_option_is_the_same_in_parallel(corpus, options):
    _same(corpus, "--format", "text", *options)


def test_a_baseline_is_applied_the_same_in_parallel(corpus, tmp_path):
    recorded = tmp_path / "baseline.json"
    _check("--jobs", "1", "--format", "json", "--write-baseline", str(recorded),
           str(corpus / "a-zh.md"), str(corpus / "strict"))
    _same(corpus, "--format", "json", "--baseline", str(recorded))
    written = tmp_path / "again.json"
    _same(corpus, "--format", "json", "--write-baseline", str(written))


def test_stdin_with_the_folder_is_the_same_in_parallel(corpus):
    _same(corpus, "--format", "json", "--stdin-filename", str(corpus / "z.md"), "-",
          stdin=MIXED.encode())


def test_a_plain_parallel_run_reports_from_the_workers_parts(tmp_path):
    """Not only the same output: the fast path is the one taken, and what it skips (the
    findings unpacked) comes back whole when something asks for them."""
    root = plain_corpus(tmp_path / "c")
    part = part_writer("json")
    options = RunOptions(paths=(str(root),), offline=True, jobs=2, report_part=part)
    handed = run(options)
    assert handed.parts(part) is not None and handed.parts(print) is None
    serial = run(RunOptions(paths=(str(root),), offline=True, jobs=1, report_part=part))
    assert serial.parts(part) is None  # checked here: nothing was handed over

    def written(result) -> str:
        stream = _Stream()
        reporter("json")(result, stream, ReportOptions())
        return stream.text

    assert written(handed) == written(serial)
    assert (handed.summary, handed.exit_code) == (serial.summary, serial.exit_code)
    assert [f for r in handed.files for f in r.findings] == serial.findings
    assert handed.parts(part) is None  # read: no longer taken for granted
    assert written(handed) == written(serial)
    assert handed.findings == serial.findings
    assert [r.told for r in handed.files] == [r.told for r in serial.files]


def test_a_packed_result_unpacks_to_what_was_sent(tmp_path):
    brief = tmp_path / "b.md"
    brief.write_text(EN, encoding="utf-8")
    sent = check_file(str(brief), RunOptions(offline=True))
    sent.part = (part_writer("json"), "x")
    back = pickle.loads(pickle.dumps(sent))
    assert back.as_handed and "findings" not in vars(back)
    assert sorted(back.severities().elements()) == sorted(f.severity for f in sent.findings)
    back.findings = []  # set, not read: the rest still unpacks, and the part is stale
    assert not back.as_handed
    assert back.lines == sent.lines and back.findings == []
    assert back.told == sent.told and back.languages == sent.languages
    again = pickle.loads(pickle.dumps(back))
    assert again.findings == [] and again.lines == sent.lines


class _Stream:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> int:
        self.text += text
        return len(text)
