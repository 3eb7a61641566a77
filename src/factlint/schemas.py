"""JSON Schemas shipped with factlint (schemas/*.schema.json) and validation against them."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

NAMES = ("config", "rulepack", "facts", "report", "evidence")


def data_dir(name: str) -> Path:
    """A folder of data at the top of the repo (rules/, schemas/), or its installed copy."""
    here = Path(__file__).resolve().parent
    for candidate in (here / f"_{name}", here.parents[1] / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"factlint's {name}/ folder is missing from the installation")


def schemas_dir() -> Path:
    return data_dir("schemas")


@lru_cache(maxsize=8)
def load_schema(name: str) -> dict[str, Any]:
    return json.loads((schemas_dir() / f"{name}.schema.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=8)
def validator(name: str):
    # jsonschema is imported only when something is validated: it costs ~100 ms at start-up.
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema(name))


def json_path(parts) -> str:
    """['claims', 3, 'value'] -> 'claims[3].value'"""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def validation_errors(name: str, instance: Any) -> list[str]:
    """Readable messages, one per violation, each starting with the path of the node."""
    errors = sorted(validator(name).iter_errors(instance), key=lambda e: list(map(str, e.path)))
    return [f"{json_path(e.path)}: {e.message}" for e in errors]
