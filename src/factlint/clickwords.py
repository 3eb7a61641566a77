"""click's own words in the reader's language: `Usage:`, `Options:`, `Show this message and
exit.`, `No such option`, `Missing argument`, `Invalid value for …`, `Got unexpected extra
argument`.

click puts each of its texts through gettext (``gettext.gettext``: the current domain, in
the languages the environment names) when it builds a message or a help page. factlint ships
a translation of them (``_messages/click.zh.json``, compiled by tools/click_messages.py to
``_messages/locale/<zh_CN|zh_TW>/LC_MESSAGES/factlint-click.mo``); ``speaking`` installs it
while the command line is parsed and its errors or help are written, and restores gettext's
state afterwards. gettext takes its languages from the environment only, so LANGUAGE names
the catalog meanwhile; ``Speaking.aside`` puts the user's environment back while a command
does its work, so that the programs it starts (git, for --changed-since) are not told it.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager

DOMAIN = "factlint-click"
LOCALES = os.path.join(os.path.dirname(__file__), "_messages", "locale")
GETTEXT_NAMES = {"zh": "zh_CN", "zh-Hant": "zh_TW"}  # catalog language -> gettext's


class Speaking:
    """gettext's state before ``speaking`` changed it, and the catalog it installed."""

    def __init__(self, name: str) -> None:
        self.name = name  # the catalog's language, as gettext names it (zh_CN)
        self.domain = gettext.textdomain()
        self.languages = os.environ.get("LANGUAGE")

    def install(self) -> None:
        gettext.bindtextdomain(DOMAIN, LOCALES)
        gettext.textdomain(DOMAIN)
        os.environ["LANGUAGE"] = self.name

    def restore(self) -> None:
        gettext.textdomain(self.domain)
        if self.languages is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = self.languages

    @contextmanager
    def aside(self) -> Iterator[None]:
        """gettext and the environment as they were, while the block runs."""
        self.restore()
        try:
            yield
        finally:
            self.install()


@contextmanager
def speaking(language: str | None) -> Iterator[Speaking | None]:
    """click's texts in ``language`` (``zh``, ``zh-Hant``; English, as click writes
    them, for anything else) while the block runs; yields what ``aside`` needs (None for
    English)."""
    name = GETTEXT_NAMES.get(language or "")
    if name is None:
        yield None
        return
    said = Speaking(name)
    said.install()
    try:
        yield said
    finally:
        said.restore()
