"""Write the gettext catalogs of click's own words (`Usage:`, `No such option`, `Missing
argument`…) from src/factlint/_messages/click.zh.json: Simplified Chinese as written,
Traditional converted with OpenCC's s2tw (pip install opencc; it is in the test extra), each
compiled to ``_messages/locale/<zh_CN|zh_TW>/LC_MESSAGES/factlint-click.mo``, the files
gettext reads (factlint.clickwords installs them for a run in Chinese).

click.zh.json holds ``messages`` (click's English text -> its translation) and ``plurals``
(the singular text -> [the plural text, the translation]: Chinese has one form).

    python tools/click_messages.py          # rewrite the .mo files
    python tools/click_messages.py --check  # exit 1 if one is not up to date
"""

from __future__ import annotations

import argparse
import json
import re
import struct
import sys
from pathlib import Path

MESSAGES = Path(__file__).resolve().parents[1] / "src" / "factlint" / "_messages"
SOURCE = MESSAGES / "click.zh.json"
DOMAIN = "factlint-click"
LOCALES = {"zh_CN": False, "zh_TW": True}  # gettext's name -> converted to Traditional
# the header gettext reads: UTF-8 texts, one plural form
HEADER = ("Content-Type: text/plain; charset=UTF-8\n"
          "Plural-Forms: nplurals=1; plural=0;\n")
PLACEHOLDER = re.compile(r"(\{[^{}]*\}|%\([a-z_]+\)s)")


def target(locale: str) -> Path:
    return MESSAGES / "locale" / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"


def entries(catalog: dict, traditional: bool) -> dict[str, str]:
    """msgid -> msgstr as gettext keeps them (a plural's ids and forms joined by NUL)."""
    convert = _converter() if traditional else (lambda text: text)
    found = {"": HEADER}
    for msgid, text in catalog["messages"].items():
        found[msgid] = convert(text)
    for singular, (plural, text) in catalog["plurals"].items():
        found[f"{singular}\0{plural}"] = convert(text)
    return found


def _converter():
    import opencc

    converter = opencc.OpenCC("s2tw")
    return lambda text: "".join(part if PLACEHOLDER.fullmatch(part) else converter.convert(part)
                                for part in PLACEHOLDER.split(text))


def compiled(found: dict[str, str]) -> bytes:
    """The GNU .mo file of ``found`` (little-endian, no hash table: Python's gettext and
    GNU gettext both read it)."""
    keys = sorted(found)
    ids = [key.encode("utf-8") for key in keys]
    strs = [found[key].encode("utf-8") for key in keys]
    count = len(keys)
    table = 7 * 4
    data = table + 2 * count * 8
    offsets, blob = [], b""
    for text in ids + strs:
        offsets.append((len(text), data + len(blob)))
        blob += text + b"\0"
    head = struct.pack("<7I", 0x950412DE, 0, count, table, table + count * 8, 0, 0)
    return head + b"".join(struct.pack("<2I", *pair) for pair in offsets) + blob


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if not up to date")
    args = parser.parse_args()
    catalog = json.loads(SOURCE.read_text(encoding="utf-8"))
    stale = []
    for locale, traditional in LOCALES.items():
        data = compiled(entries(catalog, traditional))
        path = target(locale)
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path} ({len(catalog['messages']) + len(catalog['plurals'])} messages)")
    for path in stale:
        print(f"{path} is not up to date: run python tools/click_messages.py")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
