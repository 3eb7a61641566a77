"""FL001 and FL604: findings the engine makes while reading a file and applying directives."""

from __future__ import annotations

from factlint.rules import Rule


def unreadable_input():
    """A brief that is missing, binary, or not decodable as UTF-8.

    factlint reads briefs as UTF-8 (with or without a BOM). A file saved in GB18030/GBK
    or Big5 by an older editor is named with its likely encoding so it can be converted
    (`iconv -f GB18030 -t UTF-8`). The run exits with status 2: the file was not checked.

    Bad:
        (a brief saved as GB18030, or a .docx renamed to .md)

    Good:
        (the same brief saved as UTF-8)
    """


def bad_suppression():
    """A factlint directive that names no known code, or one that suppressed nothing.

    A directive that does nothing hides nothing today but will hide a real fault
    tomorrow, and a misspelt one gives false comfort.

    Bad:
        <!-- factlint-disable-next-line FL999 -->
        全省已汇聚数据商 1159 家<sup>1</sup>。

        <sup>1</sup> 来源：某局，《数据交易年报》

    Good:
        <!-- factlint-disable-next-line FL201 -->
        全省已汇聚数据商 1159 家。
    """


UNREADABLE = Rule("FL001", "unreadable-input", "error", None, unreadable_input)
BAD_SUPPRESSION = Rule("FL604", "bad-suppression", "warning", None, bad_suppression)

RULES = (UNREADABLE, BAD_SUPPRESSION)
