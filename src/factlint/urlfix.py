"""FL403's fix: a permanently redirected URL replaced with where it leads.

One definition of the edit, for every place that offers it: the finding's fix (the engine
attaches it to each FL403 of a brief, so SARIF and the language server carry it) and
``factlint fix --urls``. The target is the final URL the checker vetted (every hop checked
against the network policy), keeping the cited URL's ``#fragment`` when the target has
none, and written only when ``citable_url`` allows it.
"""

from __future__ import annotations

from collections.abc import Mapping

from factlint.finding import Edit, Fix
from factlint.lazyre import lazy
from factlint.messages import Phrase

# What Markdown (or a table, or kramdown) would read in a URL written into a brief, so that
# a server's Location header cannot add a link, an image or markup: percent-encoded.
MARKDOWN_SIGNIFICANT = "()[]<>\"'`\\*{}|"
URL_ENDS_NOT_READ = tuple(".,;:!?")
HOST = lazy(r"[\w.-]+(?::\d{1,5})?|\[[0-9A-Fa-f:.]+\](?::\d{1,5})?")


def citable_url(url: str) -> str | None:
    """``url`` as it may be written into a brief, or None when it may not: an http(s) URL
    with a plain host, no credentials, no whitespace or control characters, not ending in
    punctuation, and the characters Markdown gives a meaning percent-encoded."""
    from urllib.parse import urlsplit, urlunsplit

    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if (parts.scheme.lower() not in ("http", "https") or not parts.hostname
            or "@" in parts.netloc or not HOST.fullmatch(parts.netloc)):
        return None

    def escaped(text: str) -> str:
        return "".join(f"%{ord(c):02X}" if c in MARKDOWN_SIGNIFICANT else c for c in text)

    written = urlunsplit((parts.scheme, parts.netloc, escaped(parts.path),
                          escaped(parts.query), escaped(parts.fragment)))
    # a bare URL ending in punctuation is read (by factlint and by GitHub) without it
    return None if written.endswith(URL_ENDS_NOT_READ) else written


def final_target(url: str, redirects: Mapping[str, str]) -> str | None:
    """Where the cited ``url`` leads (``redirects``: the checker's URL -> final URL), with
    its ``#fragment`` when the final URL has none; None when it does not redirect."""
    target = redirects.get(url)
    if not target:
        return None
    fragment = url.partition("#")[2]
    return f"{target}#{fragment}" if fragment and "#" not in target else target


def redirect_edit(start: int, end: int, written_now: str, target: str) -> Edit | None:
    """The edit that writes ``target`` over the URL at [start, end) (whose text is
    ``written_now``), or None when it may not be written or changes nothing."""
    written = citable_url(target)
    if written is None or written == written_now:
        return None
    return Edit(start, end, written)


def redirects_replaced(edits: list[Edit]) -> Fix | None:
    """The fix made of ``edits`` (None without any)."""
    if not edits:
        return None
    return Fix(Phrase("fixdesc.redirects", count=len(edits)), tuple(edits))
