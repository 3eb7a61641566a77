"""Documents made of several files: citations resolve across them, findings stay in place."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from factlint.engine import RunOptions, run

CHAPTER_ONE = "# One\n\nThe survey covered the coast[^1] and the hills[^2].\n"
CHAPTER_TWO = "# Two\n\nFlights were logged[^4] and checked by hand[^9].\n"
NOTES = ("# Notes\n\n[^1]: Coast Office, \"Coastal survey,\" 2021, https://example.org/coast\n\n"
         "[^2]:\n\n    Hill Office, \"Hill survey,\" 2022, https://example.org/hills\n\n"
         "[^3]: Archive, \"Old maps,\" 2019, https://example.org/maps\n\n"
         "[^4]: Flight Office, \"Flight log,\" 2023, https://example.org/log\n")


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def findings(*paths: Path) -> list[tuple[str, int, int, str]]:
    result = run(RunOptions(paths=tuple(map(str, paths)), offline=True, jobs=1))
    return sorted((Path(f.path).name, f.line, f.column, f.code) for f in result.findings
                  if f.code.startswith("FL1"))


# ch2 cites 4 before 3 (3 is cited nowhere), cites an undefined 9; the notes' 3 is unused
EXPECTED = [("ch2.md", 3, 20, "FL103"), ("ch2.md", 3, 44, "FL101"), ("notes.md", 9, 1, "FL102")]


def test_shared_notes_file_in_the_folder(tmp_path):
    write(tmp_path, {"ch1.md": CHAPTER_ONE, "ch2.md": CHAPTER_TWO, "notes.md": NOTES})
    assert findings(tmp_path) == EXPECTED


def test_checking_one_chapter_reads_the_notes_without_reporting_on_them(tmp_path):
    write(tmp_path, {"ch1.md": CHAPTER_ONE, "ch2.md": CHAPTER_TWO, "notes.md": NOTES})
    assert findings(tmp_path / "ch2.md") == [("ch2.md", 3, 20, "FL103"),
                                             ("ch2.md", 3, 44, "FL101")]
    assert findings(tmp_path / "ch1.md") == []


def test_a_later_run_in_the_same_process_sees_a_notes_file_come_and_go(tmp_path):
    """The language server and ``check --watch`` run many checks in one process."""
    write(tmp_path, {"ch1.md": CHAPTER_ONE, "ch2.md": CHAPTER_TWO})
    unresolved = [("ch1.md", 3, 29, "FL101"), ("ch1.md", 3, 47, "FL101")]
    assert findings(tmp_path / "ch1.md") == unresolved
    write(tmp_path, {"notes.md": NOTES})
    assert findings(tmp_path / "ch1.md") == []
    (tmp_path / "notes.md").unlink()
    assert findings(tmp_path / "ch1.md") == unresolved


def test_notes_file_serves_only_the_chapters_of_its_name(tmp_path):
    post = "# Post\n\nAn unrelated post cites a note it lost[^4].\n"
    write(tmp_path, {"guide-ch1.md": CHAPTER_ONE, "guide-ch2.md": CHAPTER_TWO,
                     "guide-notes.md": NOTES, "post.md": post})
    assert ("post.md", 3, 39, "FL101") in findings(tmp_path)
    assert ("guide-ch2.md", 3, 44, "FL101") in findings(tmp_path)


def test_posts_with_their_own_notes_stay_separate(tmp_path):
    first = "# A\n\nOne claim[^1].\n\n[^1]: Office, \"Report A,\" 2020, https://example.org/a\n"
    second = ("# B\n\nAnother claim[^1] and a lost one[^2].\n\n"
              "[^1]: Office, \"Report B,\" 2021, https://example.org/b\n")
    write(tmp_path, {"a.md": first, "b.md": second})
    assert findings(tmp_path) == [("b.md", 3, 33, "FL101")]


def test_a_trailing_note_of_an_inferred_document_may_belong_to_a_missing_chapter(tmp_path):
    write(tmp_path, {"ch1.md": CHAPTER_ONE, "notes.md": NOTES})
    # 3 and 4 are cited by no chapter here; chapters outside the folder may cite them
    assert findings(tmp_path) == []


LAYOUTS = {
    "config": {
        "factlint.yaml": "documents:\n  - [book/ch1.md, book/ch2.md, book/notes.md]\n",
    },
    "mkdocs": {
        "mkdocs.yml": "site_name: Guide\nnav:\n  - One: ch1.md\n  - Parts:\n"
                      "      - ch2.md\n  - Notes: notes.md\n",
    },
    "mdbook": {"book.toml": "[book]\ntitle = \"Guide\"\n",
               "src/SUMMARY.md": "# Summary\n\n- [One](ch1.md)\n- [Two](ch2.md)\n"
                                 "- [Notes](notes.md)\n"},
    "quarto": {"_quarto.yml": "project:\n  type: book\nbook:\n  chapters:\n    - ch1.md\n"
                              "    - part: Body\n      chapters: [ch2.md]\n"
                              "  appendices: [notes.md]\n"},
    "bookdown": {"_bookdown.yml": "rmd_files: [ch1.md, ch2.md, notes.md]\n"},
    "pandoc": {"defaults.yaml": "input-files:\n  - ch1.md\n  - ch2.md\n  - notes.md\nto: pdf\n"},
}
FOLDER = {"config": "book", "mkdocs": "docs", "mdbook": "src", "quarto": "", "bookdown": "",
          "pandoc": ""}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_chapter_list_of_the_build(tmp_path, layout):
    (tmp_path / ".git").mkdir()  # the repository's top: build files are looked for below it
    folder = FOLDER[layout]
    notes = NOTES.replace("[^3]:", "[^5]:")  # notes whose unused 5 trails: known chapters
    chapters = {"ch1.md": CHAPTER_ONE, "ch2.md": CHAPTER_TWO.replace("[^4]", "[^3]"),
                "notes.md": notes.replace("[^4]:", "[^3]:")}
    write(tmp_path, {**LAYOUTS[layout], **{f"{folder}/{n}".lstrip("/"): t
                                           for n, t in chapters.items()}})
    found = findings(tmp_path / folder if folder else tmp_path)
    # 5 is unused, and the notes skip 4
    assert found == [("ch2.md", 3, 44, "FL101"), ("notes.md", 9, 1, "FL102"),
                     ("notes.md", 9, 1, "FL103")], found


def test_chapters_not_in_the_build_are_checked_alone(tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path, {"mkdocs.yml": "nav:\n  - a.md\n  - b.md\n",
                     "docs/a.md": "# A\n\nText[^1].\n",
                     "docs/b.md": "# B\n\nMore.\n\n[^1]: Office, \"R,\" 2020, https://example.org\n",
                     "docs/c.md": "# C\n\nText[^1].\n"})
    assert findings(tmp_path / "docs") == [("c.md", 3, 5, "FL101")]


def test_order_is_judged_over_the_whole_document(tmp_path):
    write(tmp_path, {"ch1.md": CHAPTER_ONE.replace("[^2]", "[^3]"), "ch2.md": CHAPTER_TWO,
                     "notes.md": NOTES})
    found = findings(tmp_path)
    assert ("ch1.md", 3, 47, "FL103") in found  # 3 cited before 2
    assert ("notes.md", 5, 1, "FL102") in found  # 2 is cited by no chapter


def test_cli_reports_positions_in_each_file(tmp_path):
    write(tmp_path, {"ch1.md": CHAPTER_ONE, "ch2.md": CHAPTER_TWO, "notes.md": NOTES})
    done = subprocess.run([sys.executable, "-m", "factlint", "check", "--offline", "--format",
                           "json", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    got = sorted((Path(f["path"]).name, f["line"], f["code"]) for f in report["findings"]
                 if f["code"].startswith("FL1"))
    assert got == [("ch2.md", 3, "FL101"), ("ch2.md", 3, "FL103"), ("notes.md", 9, "FL102")]


SWAPPED_ONE = "# One\n\nThe coast[^2] and the hills[^1].\n"
SWAPPED_TWO = "# Two\n\nFlights were logged[^3].\n"
SWAPPED_NOTES = ("# Notes\n\n[^1]: Hill Office, \"Hill survey,\" 2022, https://example.org/hills\n\n"
                 "[^2]: Coast Office, \"Coastal survey,\" 2021, https://example.org/coast\n\n"
                 "[^3]: Flight Office, \"Flight log,\" 2023, https://example.org/log\n")


def _cited_texts(folder: Path, names: list[str]) -> list[str]:
    """For each marker of the document in reading order, the note text it resolves to."""
    from factlint.document import read_document
    from factlint.documents import Book

    docs = [read_document(n, (folder / n).read_text(encoding="utf-8")) for n in names]
    book = Book(docs)
    return [book.resolve(doc, label)[1].body.strip()
            for doc in docs for marker in doc.markers for label in marker.labels]


@pytest.mark.parametrize("layout", ["notes", *sorted(LAYOUTS)])
def test_fix_renumbers_the_document_as_one(tmp_path, layout):
    from click.testing import CliRunner

    from factlint.cli import main

    (tmp_path / ".git").mkdir()
    folder = "" if layout == "notes" else FOLDER[layout]
    files = {"ch1.md": SWAPPED_ONE, "ch2.md": SWAPPED_TWO, "notes.md": SWAPPED_NOTES}
    write(tmp_path, {**({} if layout == "notes" else LAYOUTS[layout]),
                     **{f"{folder}/{n}".lstrip("/"): t for n, t in files.items()}})
    where = tmp_path / folder if folder else tmp_path
    names = ["ch1.md", "ch2.md", "notes.md"]
    before = _cited_texts(where, names)
    assert ("ch1.md", 3, 10, "FL103") in findings(where)

    result = CliRunner().invoke(main, ["fix", str(where)])

    assert result.exit_code == 0, result.output
    assert (where / "ch1.md").read_text(encoding="utf-8") == (
        "# One\n\nThe coast[^1] and the hills[^2].\n")
    assert (where / "ch2.md").read_text(encoding="utf-8") == SWAPPED_TWO
    notes = (where / "notes.md").read_text(encoding="utf-8")
    assert notes.index("[^1]: Coast") < notes.index("[^2]: Hill") < notes.index("[^3]: Flight")
    assert _cited_texts(where, names) == before  # every marker still resolves to its note
    assert findings(where) == []
    assert CliRunner().invoke(main, ["fix", str(where)]).output == "nothing to fix\n"


def test_fix_of_one_chapter_leaves_the_document_numbering_alone(tmp_path):
    from click.testing import CliRunner

    from factlint.cli import main

    write(tmp_path, {"ch1.md": SWAPPED_ONE, "ch2.md": SWAPPED_TWO, "notes.md": SWAPPED_NOTES})
    result = CliRunner().invoke(main, ["fix", str(tmp_path / "ch1.md")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ch1.md").read_text(encoding="utf-8") == SWAPPED_ONE
    assert (tmp_path / "notes.md").read_text(encoding="utf-8") == SWAPPED_NOTES


def test_a_documents_entry_never_reaches_outside_the_repository(tmp_path):
    repo = tmp_path / "repo"
    write(tmp_path, {"outside-notes.md": "[^1]: Office, \"Secret,\" 2020, https://example.org/s\n",
                     "repo/factlint.yaml": "documents:\n  - [ch.md, ../outside-notes.md]\n",
                     "repo/ch.md": "# Ch\n\nA claim[^1].\n"})
    (repo / ".git").mkdir()
    assert findings(repo) == [("ch.md", 3, 8, "FL101")]


# --- fix renumbers a document with fact files (issue 9, item 4) --------------------------

FACTS_ONE = ("factlint: 1\nsources:\n  \"2\":  # the coast office's survey\n"
             "    publisher: Coast Office\n    title: Coastal survey\n"
             "  \"1\":\n    publisher: Hill Office\n    title: Hill survey\n"
             "claims:\n  - quote: the coast\n    source: \"2\"\n"
             "  - quote: the hills\n    source: 1   # the hill survey\n")
FACTS_TWO = ('{"factlint": 1, "sources": {"3": {"publisher": "Flight Office"}},\n'
             ' "claims": [{"quote": "Flights were logged", "source": "3"}]}\n')


def _fact_notes(folder: Path, names: list[str]) -> list[tuple[str, str]]:
    """For each claim of each chapter's fact file, (quote, text of the note its source
    label resolves to, through the whole document)."""
    from factlint.document import read_document
    from factlint.documents import Book
    from factlint.factfiles import load_facts
    from factlint.facts import find_fact_file

    docs = [read_document(n, (folder / n).read_text(encoding="utf-8")) for n in names]
    book = Book(docs)
    found = []
    for doc in docs:
        path = find_fact_file(str(folder / doc.path))
        if path is None:
            continue
        facts, _ = load_facts(path, Path(path).read_text(encoding="utf-8"))
        found += [(claim.quote, book.resolve(doc, claim.source)[1].body.strip())
                  for claim in facts.claims]
    return found


@pytest.mark.parametrize("layout", ["notes", "mkdocs"])
def test_fix_renumbers_a_document_with_fact_files_as_one(tmp_path, layout):
    """Old main left such a document alone ("renumber those by hand"): FL103 stayed."""
    from click.testing import CliRunner

    from factlint.cli import main

    (tmp_path / ".git").mkdir()
    folder = "" if layout == "notes" else FOLDER[layout]
    files = {"ch1.md": SWAPPED_ONE, "ch2.md": SWAPPED_TWO, "notes.md": SWAPPED_NOTES,
             "ch1.facts.yaml": FACTS_ONE, "ch2.facts.json": FACTS_TWO}
    write(tmp_path, {**({} if layout == "notes" else LAYOUTS[layout]),
                     **{f"{folder}/{n}".lstrip("/"): t for n, t in files.items()}})
    where = tmp_path / folder if folder else tmp_path
    names = ["ch1.md", "ch2.md", "notes.md"]
    markers, claims = _cited_texts(where, names), _fact_notes(where, names)

    result = CliRunner().invoke(main, ["fix", str(where)])

    assert result.exit_code == 0, result.output
    assert (where / "ch1.md").read_text(encoding="utf-8") == (
        "# One\n\nThe coast[^1] and the hills[^2].\n")
    facts = (where / "ch1.facts.yaml").read_text(encoding="utf-8")
    assert '"1":  # the coast office\'s survey' in facts and "source: 2   # the hill" in facts
    assert (where / "ch2.facts.json").read_text(encoding="utf-8") == FACTS_TWO
    assert _cited_texts(where, names) == markers
    assert _fact_notes(where, names) == claims  # every claim still names the same note
    assert findings(where) == []
    assert CliRunner().invoke(main, ["fix", str(where)]).output == "nothing to fix\n"


def test_a_fact_file_renumbering_that_would_repoint_a_claim_is_refused(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from factlint import fix as fix_module
    from factlint.cli import main

    files = {"ch1.md": SWAPPED_ONE, "ch2.md": SWAPPED_TWO, "notes.md": SWAPPED_NOTES,
             "ch1.facts.yaml": FACTS_ONE}
    write(tmp_path, files)
    monkeypatch.setattr(fix_module, "renumber_facts",  # a renumberer that skips the fact file
                        lambda text, *args: (text, 0))
    result = CliRunner().invoke(main, ["fix", str(tmp_path)])
    assert "fact file" in result.output and "nothing written" in result.output, result.output
    assert all((tmp_path / n).read_text(encoding="utf-8") == t for n, t in files.items())


# --- shared notes files of other forms: a numbered references list, <sup> notes ---------

BRACKET_ONE = "# One\n\nThe city opened 120 datasets [2]. Its portal serves 4,000 users [1].\n"
BRACKET_TWO = "# Two\n\nThe region trained 300 officials [4] and 20 more [9].\n"
BRACKET_REFS = ("# References\n\n[1] Portal Team, \"Usage statistics\", 2024, https://example.org/b\n\n"
                "[2] City Office, \"Open data report\", 2023, https://example.org/a\n\n"
                "[3] Harbour Office, \"Never cited\", 2022, https://example.org/d\n\n"
                "[4] Region Office, \"Training report\", 2024, https://example.org/c\n")
SUP_ONE = "# 第一章\n\n全市开放数据集 120 个<sup>2</sup>，日均访问 4000 人次<sup>1</sup>。\n"
SUP_TWO = "# 第二章\n\n培训官员 300 人<sup>4</sup>。\n"
SUP_NOTES = ("# 注释\n\n<sup>1</sup> 来源：某局，《访问统计》，2024\n\n"
             "<sup>2</sup> 来源：某局，《开放数据年报》，2023\n\n"
             "<sup>3</sup> 来源：某局，《未引用的报告》，2023\n\n"
             "<sup>4</sup> 来源：某局，《培训统计》，2023\n")


def test_a_shared_numbered_references_list(tmp_path):
    """Old main read a chapter's [2] as no citation at all (no references list in it):
    no FL101 for [9], FL201 for every sourced figure, and the list's [4] unused unseen."""
    write(tmp_path, {"ch1.md": BRACKET_ONE, "ch2.md": BRACKET_TWO,
                     "references.md": BRACKET_REFS})
    assert findings(tmp_path) == [("ch1.md", 3, 30, "FL103"), ("ch1.md", 3, 65, "FL103"),
                                  ("ch2.md", 3, 34, "FL103"), ("ch2.md", 3, 50, "FL101"),
                                  ("references.md", 7, 1, "FL102")]
    result = run(RunOptions(paths=(str(tmp_path),), offline=True, jobs=1))
    assert [f for f in result.findings if f.code == "FL201"] == []


def test_a_shared_sup_notes_file(tmp_path):
    write(tmp_path, {"a.md": SUP_ONE, "b.md": SUP_TWO, "notes.md": SUP_NOTES})
    found = findings(tmp_path)
    assert ("notes.md", 7, 1, "FL102") in found
    assert not [f for f in found if f[3] == "FL101"]


def test_posts_with_their_own_reference_lists_stay_separate(tmp_path):
    own = "# Post\n\nA claim [1].\n\n## References\n\n[1] Office, \"Report\", 2020, https://example.org/r\n"
    write(tmp_path, {"a.md": own, "b.md": own.replace("[1] Office", "[1] Other office"),
                     "c.md": "# C\n\nAn array a[1] and a note [5] of nothing.\n",
                     "references.md": BRACKET_REFS})
    assert findings(tmp_path) == []  # c.md's [5] is defined nowhere: no citation, as before


@pytest.mark.parametrize("layout", ["notes", "config"])
def test_fix_renumbers_a_document_with_a_shared_numbered_list(tmp_path, layout):
    from click.testing import CliRunner

    from factlint.cli import main
    from factlint.document import read_document
    from factlint.documents import Book

    (tmp_path / ".git").mkdir()
    folder = "" if layout == "notes" else FOLDER[layout]
    two = BRACKET_TWO.replace(" and 20 more [9]", "")
    files = {"ch1.md": BRACKET_ONE, "ch2.md": two, "notes.md": BRACKET_REFS}
    write(tmp_path, {**({} if layout == "notes" else LAYOUTS[layout]),
                     **{f"{folder}/{n}".lstrip("/"): t for n, t in files.items()}})
    where = tmp_path / folder if folder else tmp_path

    def cited():
        names = ["ch1.md", "ch2.md", "notes.md"]
        docs = [read_document(n, (where / n).read_text(encoding="utf-8"),
                              shared_labels=frozenset("1234")) for n in names]
        book = Book(docs)
        return [book.resolve(d, label)[1].body.strip()
                for d in docs for m in d.markers for label in m.labels]

    before = cited()
    result = CliRunner().invoke(main, ["fix", str(where)])
    assert result.exit_code == 0, result.output
    assert (where / "ch1.md").read_text(encoding="utf-8") == BRACKET_ONE.replace(
        "[2]", "[x]").replace("[1]", "[2]").replace("[x]", "[1]")
    assert cited() == before
    assert CliRunner().invoke(main, ["fix", str(where)]).output == "nothing to fix\n"


# The first look at a brief (may_share_notes) reads its labels with patterns written for a
# fast search; they find what the plain formulations below find.
PLAIN_NUMBERED_MARKER = re.compile(
    r"(?=[\[<])(?<=[^\n])(?:(?<![A-Za-z0-9_\]\\!])\[(\d{1,4})\](?![\[(:])|<sup>\s*(\d{1,4})\s*</sup>)")
LABEL_TEXT = st.lists(st.sampled_from(
    ["[", "]", "<sup>", "</sup>", "\n", " ", "\t", "-", "*", "+", "1", "23", "4567", "\\", "a",
     ":", "(", "!", "_", "字", "^", "<", "\r"]), max_size=40).map("".join)


@given(LABEL_TEXT)
@example("<sup>\n3\n</sup>\n[4] x\n- [5]\n\\[6\\] y")
@example("a[1] b <sup>2</sup>\n[3]: no\n<sup> 4 </sup>")
def test_label_patterns_find_what_the_plain_ones_find(text):
    from factlint import documents

    assert documents.NUMBERED_MARKER.findall(text) == PLAIN_NUMBERED_MARKER.findall(text)
    assert documents.numbered_definitions(text) == [
        a or b for a, b in re.findall(documents.NUMBERED_DEFINITION.pattern, text)]
