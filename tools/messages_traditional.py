"""Write src/factlint/_messages/zh-Hant.json, the Traditional Chinese catalog, from zh.json
with OpenCC (pip install opencc; it is in the test extra, not a dependency of factlint).

Each template is converted whole with OpenCC's s2tw (Taiwan's standard characters, no
phrase replacement); placeholders ({label}) are left as they are. Briefs written in
Traditional characters get their messages from this catalog (messages.chosen).

    python tools/messages_traditional.py          # rewrite zh-Hant.json
    python tools/messages_traditional.py --check  # exit 1 if zh-Hant.json is not up to date
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

CATALOGS = Path(__file__).resolve().parents[1] / "src" / "factlint" / "_messages"
PLACEHOLDER = re.compile(r"(\{[^{}]*\})")


def converted(catalog: dict[str, str]) -> dict[str, str]:
    import opencc

    converter = opencc.OpenCC("s2tw")
    return {key: "".join(part if PLACEHOLDER.fullmatch(part) else converter.convert(part)
                         for part in PLACEHOLDER.split(text))
            for key, text in catalog.items()}


def serialised(catalog: dict[str, str]) -> str:
    return json.dumps(catalog, ensure_ascii=False, indent=1) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if not up to date")
    args = parser.parse_args()
    simplified = json.loads((CATALOGS / "zh.json").read_text(encoding="utf-8"))
    text = serialised(converted(simplified))
    target = CATALOGS / "zh-Hant.json"
    if args.check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{target} is not up to date: run python tools/messages_traditional.py")
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target} ({len(simplified)} messages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
