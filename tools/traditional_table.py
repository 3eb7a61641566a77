"""Write the `traditional:` table of rules/zh.yaml from OpenCC (pip install opencc).

Every string of the Simplified pack (patterns, figure words) is converted whole, phrase
by phrase, with OpenCC's s2t, s2tw and s2hk; where a conversion keeps the length, each
character that changed gives one Traditional form of that character (签约 -> 簽約 gives
签 -> 簽; 分钟 -> 分鐘 gives 钟 -> 鐘). The pack then matches both scripts through
rulepack.with_traditional, and no entry is copied by hand.

    python tools/traditional_table.py          # rewrite the table in rules/zh.yaml
    python tools/traditional_table.py --check  # exit 1 if the table is not up to date
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

PACK = Path(__file__).resolve().parents[1] / "rules" / "zh.yaml"
CONVERSIONS = ("s2t", "s2tw", "s2hk")
TABLE = re.compile(r"\n# Simplified -> Traditional.*\Z", re.DOTALL)
HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("examples", "counter_examples", "traditional", "description"):
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def build_table(data: dict) -> dict[str, str]:
    import opencc

    converters = [opencc.OpenCC(name) for name in CONVERSIONS]
    forms: dict[str, list[str]] = {}
    for text in _strings(data):
        for run in HAN_RUN.findall(text):
            for converter in converters:
                converted = converter.convert(run)
                if len(converted) != len(run):
                    continue
                for simplified, traditional in zip(run, converted, strict=True):
                    if traditional != simplified:
                        known = forms.setdefault(simplified, [])
                        if traditional not in known:
                            known.append(traditional)
    return {c: "".join(forms[c]) for c in sorted(forms)}


def table_text(table: dict[str, str]) -> str:
    lines = ["", "# Simplified -> Traditional forms of every character the pack uses, written by",
             "# tools/traditional_table.py from OpenCC (s2t, s2tw, s2hk). Do not edit by hand.",
             "traditional:"]
    lines += [f"  {simplified}: {forms}" for simplified, forms in table.items()]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the table")
    args = parser.parse_args()
    text = PACK.read_text(encoding="utf-8")
    body = TABLE.sub("\n", text).rstrip("\n") + "\n"
    wanted = body + table_text(build_table(yaml.safe_load(body)))
    if args.check:
        if wanted != text:
            print("rules/zh.yaml: the traditional table is out of date; run "
                  "python tools/traditional_table.py", file=sys.stderr)
            return 1
        return 0
    PACK.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
