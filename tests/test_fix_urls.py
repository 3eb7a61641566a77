"""`factlint fix --urls` writes a redirect target only when it is an http(s) URL the checker
vetted, with what Markdown would read in it percent-encoded: a cited site cannot add
Markdown (an image beacon, a link, HTML) to the brief through its Location header."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from urlserver import LoopbackServer, answer, redirect

from factlint.cli import main
from factlint.document import read_document
from factlint.fix import citable_url


def fix_urls(brief) -> object:
    return CliRunner().invoke(main, ["fix", "--urls", "--allow-private", "--timeout", "5",
                                     str(brief)])


@pytest.fixture
def server(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with LoopbackServer("127.0.0.1") as running:
        running.fallback = answer(200)  # every path a redirect may lead to exists
        yield running


def test_a_location_header_cannot_add_markdown_to_the_brief(tmp_path, server):
    """Reproduction: the Location header's text was written into the brief as it came, so
    ``)![](http://…/beacon.png)`` became an image that calls home when the brief is read."""
    beacon = server.url("/beacon.png")
    bare = server.route("/bare", redirect(301, f"/new)![]({beacon})"))
    linked = server.route("/linked", redirect(301, f"/next)![]({beacon})"))
    brief = tmp_path / "brief.md"
    brief.write_text(
        f"数据商 1159 家<sup>1</sup>，中介 442 家<sup>2</sup>。\n\n"
        f"<sup>1</sup> 来源：某局，《年报》，{bare}\n\n"
        f"<sup>2</sup> 来源：某报，[《名录》]({linked})\n",
        encoding="utf-8",
    )

    result = fix_urls(brief)

    assert result.exit_code == 0, result.output
    assert result.output == f"fixed 2 issue(s) in {brief}\n"
    text = brief.read_text(encoding="utf-8")
    assert "![" not in text and text.count("](") == 1
    escaped = f"%29!%5B%5D%28{beacon}%29"
    assert f"《年报》，{server.url('/new')}{escaped}\n" in text
    assert f"[《名录》]({server.url('/next')}{escaped})\n" in text
    doc = read_document(str(brief), text)
    assert [u.url for d in doc.definitions for u in d.urls] == [
        server.url("/new") + escaped, server.url("/next") + escaped]


def test_only_http_urls_with_a_plain_host_are_written(tmp_path, server):
    elsewhere = server.route("/script", redirect(301, "javascript:alert(1)"))
    spaced = server.route("/spaced", redirect(301, '/a"><img src=x onerror=alert(1)>'))
    brief = tmp_path / "brief.md"
    text = (f"甲 12 家<sup>1</sup>，乙 8 家<sup>2</sup>。\n\n"
            f"<sup>1</sup> 来源：某局，{elsewhere}\n\n<sup>2</sup> 来源：某报，{spaced}\n")
    brief.write_text(text, encoding="utf-8")

    result = fix_urls(brief)

    assert result.exit_code == 0, result.output
    assert result.output == "nothing to fix\n"  # neither target may be written
    assert brief.read_text(encoding="utf-8") == text


@pytest.mark.parametrize(("url", "written"), [
    ("https://example.org/a/b?c=d#e", "https://example.org/a/b?c=d#e"),
    ("https://example.org/wiki/Foo_(bar)", "https://example.org/wiki/Foo_%28bar%29"),
    ("http://[::1]:8001/f", "http://[::1]:8001/f"),
    ("https://example.org/a`b*c|d", "https://example.org/a%60b%2Ac%7Cd"),
    ("https://example.org/<script>", "https://example.org/%3Cscript%3E"),
    ("https://user:secret@example.org/", None),
    ("https://example.org/a b", None),
    ("ftp://example.org/file", None),
    ("javascript:alert(1)", None),
    ("https://exa[mple.org/", None),
])
def test_citable_url(url, written):
    assert citable_url(url) == written


MARKDOWN_SOUP = st.text(alphabet="ab/?#=&%()[]<>!*_`'\"\\{}|^~:;,.-+ \t\n", max_size=30)


@settings(max_examples=300, deadline=None)
@given(MARKDOWN_SOUP)
def test_a_written_redirect_target_reads_back_as_one_url_and_nothing_else(tail):
    """Whatever a Location header holds, what fix writes is read back as exactly that URL,
    in a bare citation, a link target and an autolink, and adds no marker, link or image."""
    written = citable_url("https://example.org/" + tail)
    if written is None:
        return
    assert written.startswith("https://example.org/")
    for shape in ("<sup>1</sup> 来源：某局，{}\n", "<sup>1</sup> 来源：某局，[《年报》]({})\n",
                  "<sup>1</sup> 来源：某局，<{}>\n"):
        text = "数据商 1159 家<sup>1</sup>。\n\n" + shape.format(written)
        doc = read_document("brief.md", text)
        assert [u.url for d in doc.definitions for u in d.urls] == [written]
        assert len(doc.markers) == 1
        assert "![" not in written and "](" not in written
