"""click's own words in the reader's language: `Usage:`, `Options:`, `Show this message and
exit.`, `No such option`, `Missing argument`, `Invalid value for …`, `Got unexpected extra
argument`.

click puts each of its texts through gettext (``gettext.gettext``: the current domain, in
the languages the environment names) when it builds a message or a help page. factlint ships
a translation of them (``_messages/click.zh.json``, compiled by tools/click_messages.py to
``_messages/locale/<zh_CN|zh_TW>/LC_MESSAGES/factlint-click.mo``); ``speaking`` installs it
for what the command line does under it and restores gettext's state afterwards. gettext
takes its languages from the environment only, so LANGUAGE names the catalog meanwhile: a
program factlint starts then (git, for --changed-since) sees it too, and speaks Chinese
where it has a Chinese catalog of its own and the locale is not C.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager

DOMAIN = "factlint-click"
LOCALES = os.path.join(os.path.dirname(__file__), "_messages", "locale")
GETTEXT_NAMES = {"zh": "zh_CN", "zh-Hant": "zh_TW"}  # catalog language -> gettext's


@contextmanager
def speaking(language: str | None) -> Iterator[None]:
    """click's texts in ``language`` (``zh``, ``zh-Hant``; English, as click writes
    them, for anything else) while the block runs."""
    name = GETTEXT_NAMES.get(language or "")
    if name is None:
        yield
        return
    domain, languages = gettext.textdomain(), os.environ.get("LANGUAGE")
    gettext.bindtextdomain(DOMAIN, LOCALES)
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = name
    try:
        yield
    finally:
        gettext.textdomain(domain)
        if languages is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = languages
