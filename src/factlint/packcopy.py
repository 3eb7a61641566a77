"""JSON copies of the built-in rule packs, so that a run need not read YAML.

The built-in packs are written and edited as YAML (rules/zh.yaml, rules/en.yaml). Reading
them is the largest single cost of a one-brief run after Python itself: importing PyYAML
and building the pack from LibYAML's events take ~25 ms, parsing the same data as JSON
under 1 ms. So each pack has a JSON copy beside it (rules/zh.json), written by
``python tools/pack_json.py`` and kept current by a test.

A copy records the size and CRC-32 of the exact YAML bytes it was made from, and is used
only while they still match: a pack edited since is read from its YAML (correct, only
slower) until the copy is written again. Nothing here is written at run time.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Any


def _stamp(source: bytes) -> dict[str, int]:
    return {"bytes": len(source), "crc32": zlib.crc32(source)}


def copy_text(source: bytes, data: dict[str, Any]) -> str:
    """The JSON copy of a pack whose YAML is ``source`` and reads as ``data``."""
    if json.loads(json.dumps(data)) != data:  # e.g. a YAML date or a number as a key
        raise ValueError("the pack holds values JSON cannot keep as they are")
    copy = {"from_yaml": _stamp(source), "pack": data}
    return json.dumps(copy, ensure_ascii=False, indent=1) + "\n"


def read_copy(path: Path, source: bytes) -> dict[str, Any] | None:
    """The pack kept in the JSON copy at ``path``, or None when there is no copy or it was
    made from other YAML bytes than ``source``."""
    try:
        copy = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(copy, dict) or copy.get("from_yaml") != _stamp(source):
        return None
    pack = copy.get("pack")
    return pack if isinstance(pack, dict) else None
