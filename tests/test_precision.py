"""Precision and recall on the shared real documents can only go up.

bench/precision.py measures them; tests/precision_floor.json pins the figures reached.
When a change raises one, raise its floor too (`python bench/precision.py --json`).
"""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest
from conftest import ROOT, SHARED, shared_or_skip

FLOOR = ROOT / "tests" / "precision_floor.json"


def load_measure():
    spec = importlib.util.spec_from_file_location("precision", ROOT / "bench" / "precision.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["precision"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def figures():
    shared_or_skip(SHARED / "corpus2" / "LABELS.tsv")
    module = load_measure()
    return module.figures(module.measure())


def floors():
    pinned = json.loads(FLOOR.read_text(encoding="utf-8"))
    return [(corpus, kind, code, metric, value)
            for corpus, kinds in pinned.items()
            for kind, codes in kinds.items()
            for code, metrics in codes.items()
            for metric, value in metrics.items()]


@pytest.mark.parametrize("corpus,kind,code,metric,floor", floors())
def test_figure_does_not_fall(figures, corpus, kind, code, metric, floor):
    got = figures[corpus][kind].get(code, {}).get(metric)
    if got is None:  # the code no longer fires and nothing it should find is labelled
        assert metric == "precision" or figures[corpus][kind].get(code) is None, (corpus, code)
        return
    assert got >= floor - 1e-9, f"{corpus} {code} {metric} fell from {floor:.3f} to {got:.3f}"
