"""Notes are not sources; repeat notes point back; FL105 compares sources; FL103 where order
is the convention."""

from __future__ import annotations

from conftest import at, codes

from factlint.document import read_document
from factlint.notes import NOTE, REPEAT, SOURCE, classify


def kinds(text: str) -> list[tuple[str, str | None]]:
    doc = read_document("n.md", text)
    return [(k.kind, k.target) for k in classify(doc.definitions, doc.pack)]


NOTES = """# Field guide

The pilots flew twice[^1], logged each flight[^2] and followed the rules[^3][^4][^5].

[^1]: The words drone and UAV are used interchangeably in this guide.
[^2]: Civil Aviation Office, "Flight logging rules," 2021, https://example.org/logs
[^3]: Ibid.
[^4]: Civil Aviation Office, "Flight logging rules," 14.
[^5]: See Pilots Union (2019) for the code of conduct.
"""


def test_notes_repeats_and_sources_are_told_apart():
    assert kinds(NOTES) == [(NOTE, None), (SOURCE, None), (REPEAT, "2"), (REPEAT, "2"),
                            (REPEAT, None)]


def test_a_short_note_points_at_the_latest_longer_note_of_its_author_and_titles():
    # one author cited many times: the short note is matched through the titles it names
    sources = [f'[^{n}]: Civil Aviation Office, "Rule book {n}," 2021, https://example.org/{n}'
               for n in range(1, 301)]
    later = '[^301]: Civil Aviation Office, "Rule book 7," http://e.io'  # shorter than 302
    short = '[^302]: Civil Aviation Office, "Rule book 7," pages 14 to 15.'
    again = '[^303]: Civil Aviation Office, "Rule book 7," 3.'
    both = '[^304]: Civil Aviation Office, "Rule book 7," "Rule book 9," 3.'  # no one note
    text = "Text[^1].\n\n" + "\n".join([*sources, later, short, again, both]) + "\n"
    found = kinds(text)
    assert found[:301] == [(SOURCE, None)] * 301
    assert found[301:] == [(REPEAT, "7"), (REPEAT, "301"), (SOURCE, None)]


def test_chinese_repeat_notes():
    text = ("甲<sup>1</sup>乙<sup>2</sup>丙<sup>3</sup>丁<sup>4</sup>。\n\n"
            "<sup>1</sup> 来源：某局，《年报》，https://example.org/a\n"
            "<sup>2</sup> 同上，第5页\n<sup>3</sup> 同注1\n<sup>4</sup> 译者注：此处数字为概数。\n")
    assert kinds(text) == [(SOURCE, None), (REPEAT, "1"), (REPEAT, "1"), (NOTE, None)]


def test_notes_and_repeats_get_no_locator_or_malformed_findings(lint):
    found = lint(NOTES)
    assert {"FL105", "FL106", "FL107"}.isdisjoint(codes(found)), found


def test_a_source_without_locator_is_still_reported(lint):
    text = "Costs fell[^1].\n\n[^1]: Treasury Board, \"Annual cost review\"\n"
    assert at(lint(text), "FL107") == [(3, 1)]


def test_a_book_with_publisher_and_year_needs_no_url(lint):
    text = ("Inequality rose[^1].\n\n[^1]: See A. Writer, The Limits of Markets "
            "(London: Example Press, 2014).\n")
    assert "FL107" not in codes(lint(text))


def test_repeat_note_counts_as_citing_its_source(lint):
    text = ("Claim one[^1]. Claim two[^2].\n\n[^1]: Ibid.\n"
            "[^2]: Office, \"Report on costs,\" 2020, https://example.org/r\n"
            "[^3]: Office, \"Unused report,\" 2020, https://example.org/u\n")
    # [^1] Ibid. points at nothing before it; [^3] is the only unused note
    assert at(lint(text), "FL102") == [(5, 1)]


def test_same_url_for_two_titles_is_a_slip_in_a_notes_document(lint):
    text = ("A[1] B[2] C[3] D[4].\n\n參考資料：\n\n"
            "[1] [市府公告](https://example.org/a)\n[2] [另一篇報導](https://example.org/a)\n"
            "[3] 同上\n[4] [市府公告](https://example.org/a)\n")
    found = lint(text)
    # [2] gives [1]'s URL under another title; [4] repeats [1] whole: conventional
    assert at(found, "FL105") == [(6, 1)]
    assert "copy-paste" in next(f.message for f in found if f.code == "FL105")


def test_other_pages_of_one_work_are_not_duplicates(lint):
    text = ("甲<sup>1</sup>乙<sup>2</sup>。\n\n"
            "<sup>1</sup> 来源：某局，《年度报告》，第8页\n"
            "<sup>2</sup> 来源：某局，《年度报告》，第20页\n")
    assert "FL105" not in codes(lint(text))


def test_one_source_under_two_numbers_is_still_a_duplicate(lint):
    text = ("甲<sup>1</sup>乙<sup>2</sup>。\n\n"
            "<sup>1</sup> 来源：某报，《园区企业名录》\n"
            "<sup>2</sup> 来源：某报，《园区企业名录》\n")
    assert at(lint(text), "FL105") == [(4, 1)]


def _notes_brief(labels: list[int]) -> str:
    cited = " ".join(f"Point {i}[^{n}]." for i, n in enumerate(labels))
    defined = "\n".join(f"[^{n}]: Office, \"Report {n},\" 2020, https://example.org/{n}"
                        for n in sorted(set(labels)))
    return f"{cited}\n\n{defined}\n"


def test_one_mistyped_number_does_not_switch_the_check_off(lint):
    labels = list(range(1, 23))
    labels[9] = 51  # [^51] where [^10] was meant
    found = [f for f in lint(_notes_brief(labels)) if f.code == "FL103"]
    assert any("51 is far beyond the 22 sources" in f.message for f in found)


def test_hash_labels_are_identifiers(lint):
    assert "FL103" not in codes(lint(_notes_brief([14125, 25154, 30817, 44539, 60109, 82752])))


def test_alphabetical_numeric_bibliography_is_valid(lint):
    text = ("Studies agree [3], [1] and [2].\n\n## References\n\n"
            "[1] Adams J. First study. Journal A, 2019.\n"
            "[2] Baker K. Second study. Journal B, 2020.\n"
            "[3] Chen L. Third study. Journal C, 2021.\n"
            "[4] Diaz M. Fourth study. Journal D, 2022.\n")
    found = lint(text.replace("[2].", "[2], [4]."))
    assert "FL103" not in codes(found)


def test_citation_order_still_counts_when_the_list_is_not_alphabetical(lint):
    text = ("Studies agree [3], [1], [2] and [4].\n\n## References\n\n"
            "[1] Zhou J. First study. Journal A, 2019.\n"
            "[2] Baker K. Second study. Journal B, 2020.\n"
            "[3] Adams L. Third study. Journal C, 2021.\n"
            "[4] Diaz M. Fourth study. Journal D, 2022.\n")
    assert at(lint(text), "FL103")[0] == (1, 15)


def test_a_sentence_citing_only_a_note_is_not_sourced(lint):
    text = ("The fleet flew 420 hours[^1].\n\n"
            "[^1]: The words drone and UAV are used interchangeably in this guide.\n")
    found = lint(text)
    assert at(found, "FL201") == [(1, 16)]
    assert "only with note 1, which explains" in next(f.message for f in found
                                                      if f.code == "FL201")
    sourced = text.replace("[^1]: The words drone and UAV are used interchangeably in this guide.",
                           "[^1]: Flight Office, \"Annual flight log,\" 2023, https://example.org/l")
    assert "FL201" not in codes(lint(sourced))


def test_a_calculation_note_shows_where_the_figure_comes_from(lint):
    text = "兩者相差 1,894.5 元 [1] 。\n\n註釋：\n\n[1] $10,962 – 9,067.5 = $1,894.5\n"
    found = lint(text)
    assert {"FL201", "FL106", "FL107"}.isdisjoint(codes(found)), found


def test_a_bare_title_is_a_source_not_a_note():
    text = "A claim[^1].\n\n[^1]: Teaching Public Service in the Digital Age: Core Skills\n"
    assert kinds(text) == [(SOURCE, None)]
