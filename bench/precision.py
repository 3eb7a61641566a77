"""Precision and recall of factlint on real documents, against hand-made labels.

Runs `factlint check --offline --format json` once per corpus folder over every brief in
it (as a user checks a folder of documents, so multi-file documents can resolve across
their files) and matches each finding to a label by (file, line, code), nearest column
first, each label used once. Labels come from ../shared/corpus2/LABELS.tsv and from the
project's own tests/corpus_labels.tsv (findings the shared labels do not cover, and the
whole of ../shared/corpus/, which has none).

    python bench/precision.py              # tables per code and per group, unlabelled findings
    python bench/precision.py --json       # the figures (tests/test_precision.py pins them)
    python bench/precision.py --list FP    # every finding labelled FP (or TP), with its reason

A finding is TP or FP by its label; a TP or FN label that no finding matches is a miss.
Precision = TP / (TP + FP); recall = TP / (TP + missed). Only errors and warnings, and the
infos FL107 and FL203, are measured; other infos are not labelled. Findings per 1,000 words
count Latin words plus CJK characters (one character, one word).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPORA = ("corpus2", "corpus")
OWN_LABELS = ROOT / "tests" / "corpus_labels.tsv"
MEASURED_INFOS = {"FL107", "FL203"}
GROUPS = {
    "citations+structure (FL1xx, FL6xx)": ("FL1", "FL6"),
    "claims (FL201, FL202, FL203, FL306)": ("FL201", "FL202", "FL203", "FL306"),
}
NOT_BRIEFS = {"README.md"}
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*|[\u3400-\u9fff\U00020000-\U0002ffff]")


@dataclass
class Label:
    corpus: str
    file: str
    line: int
    column: int
    code: str
    verdict: str
    reason: str
    used: bool = False


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    missed: int = 0
    unlabelled: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.missed) if self.tp + self.missed else None


@dataclass
class Measure:
    per_corpus: dict[str, dict[str, Tally]] = field(default_factory=dict)
    unlabelled: list[dict] = field(default_factory=list)
    matched: list[tuple[dict, Label]] = field(default_factory=list)
    missed: list[Label] = field(default_factory=list)
    words: dict[str, int] = field(default_factory=dict)
    findings: dict[str, int] = field(default_factory=dict)


def read_labels() -> list[Label]:
    labels = []
    sources = [("corpus2", SHARED / "corpus2" / "LABELS.tsv"), (None, OWN_LABELS)]
    for corpus, path in sources:
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                name = row["file"]
                where = corpus
                if where is None:  # own labels name the folder: corpus/x.md, corpus2/y.md
                    where, _, name = name.partition("/")
                labels.append(Label(where, name, int(row["line"]), int(row["column"]),
                                    row["code"], row["verdict"].upper(), row.get("reason", "")))
    return labels


def briefs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir()
                  if p.suffix == ".md" and p.name not in NOT_BRIEFS)


def run_factlint(files: list[Path]) -> list[dict]:
    command = [sys.executable, "-m", "factlint", "check", "--offline", "--format", "json",
               "--fail-on", "error", *map(str, files)]
    env = dict(os.environ, NO_COLOR="1")
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode not in (0, 1):
        raise SystemExit(f"factlint failed ({done.returncode}): {done.stderr.strip()}")
    return json.loads(done.stdout)["findings"]


def measured(finding: dict) -> bool:
    return finding["severity"] in ("error", "warning") or finding["code"] in MEASURED_INFOS


def measure() -> Measure:
    labels = read_labels()
    by_key: dict[tuple[str, str, int, str], list[Label]] = defaultdict(list)
    for label in labels:
        by_key[(label.corpus, label.file, label.line, label.code)].append(label)
    result = Measure()
    for corpus in CORPORA:
        folder = SHARED / corpus
        if not folder.is_dir():
            continue
        files = briefs(folder)
        tallies: dict[str, Tally] = defaultdict(Tally)
        result.per_corpus[corpus] = tallies
        result.words[corpus] = sum(len(WORD.findall(p.read_text(encoding="utf-8",
                                                                 errors="replace")))
                                   for p in files)
        findings = [f for f in run_factlint(files) if measured(f)]
        result.findings[corpus] = len(findings)
        for finding in findings:
            name = Path(finding["path"]).name
            candidates = [label for label in by_key[(corpus, name, finding["line"],
                                                     finding["code"])] if not label.used]
            tally = tallies[finding["code"]]
            if not candidates:
                tally.unlabelled += 1
                result.unlabelled.append(dict(finding, corpus=corpus, file=name))
                continue
            label = min(candidates, key=lambda c: abs(c.column - finding["column"]))
            label.used = True
            result.matched.append((dict(finding, corpus=corpus, file=name), label))
            if label.verdict in ("TP", "FN"):
                tally.tp += 1
            else:
                tally.fp += 1
        for label in labels:
            if label.corpus == corpus and label.verdict in ("TP", "FN") and not label.used:
                tallies[label.code].missed += 1
                result.missed.append(label)
    return result


def combined(measure_: Measure, corpora=CORPORA) -> dict[str, Tally]:
    total: dict[str, Tally] = defaultdict(Tally)
    for corpus in corpora:
        for code, tally in measure_.per_corpus.get(corpus, {}).items():
            into = total[code]
            into.tp += tally.tp
            into.fp += tally.fp
            into.missed += tally.missed
            into.unlabelled += tally.unlabelled
    return total


def grouped(tallies: dict[str, Tally]) -> dict[str, Tally]:
    groups = {name: Tally() for name in GROUPS}
    everything = Tally()
    for code, tally in tallies.items():
        targets = [everything] + [groups[name] for name, prefixes in GROUPS.items()
                                  if code.startswith(prefixes)]
        for into in targets:
            into.tp += tally.tp
            into.fp += tally.fp
            into.missed += tally.missed
            into.unlabelled += tally.unlabelled
    groups["all"] = everything
    return groups


def as_dict(tallies: dict[str, Tally]) -> dict[str, dict]:
    return {code: {"tp": t.tp, "fp": t.fp, "missed": t.missed, "unlabelled": t.unlabelled,
                   "precision": t.precision, "recall": t.recall}
            for code, t in sorted(tallies.items())}


def figures(measure_: Measure) -> dict:
    out = {}
    for corpus in measure_.per_corpus:
        tallies = measure_.per_corpus[corpus]
        out[corpus] = {"codes": as_dict(tallies), "groups": as_dict(grouped(tallies)),
                       "findings": measure_.findings[corpus], "words": measure_.words[corpus],
                       "per_1000_words": round(1000 * measure_.findings[corpus]
                                               / max(1, measure_.words[corpus]), 3)}
    both = combined(measure_)
    out["both"] = {"codes": as_dict(both), "groups": as_dict(grouped(both))}
    return out


def fmt(value: float | None) -> str:
    return "   –" if value is None else f"{value:4.2f}"


def table(title: str, rows: dict[str, Tally]) -> str:
    lines = [title, f"  {'code':<38} {'TP':>4} {'FP':>4} {'miss':>4} {'unlab':>5}  prec  rec"]
    for code, t in rows.items():
        lines.append(f"  {code:<38} {t.tp:>4} {t.fp:>4} {t.missed:>4} {t.unlabelled:>5}  "
                     f"{fmt(t.precision)} {fmt(t.recall)}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--list", choices=("FP", "TP"), help="print every finding with this "
                        "verdict, its message and the label's reason, instead of the tables")
    args = parser.parse_args()
    if not SHARED.is_dir():
        print(f"{SHARED} is absent: nothing to measure", file=sys.stderr)
        return 2
    result = measure()
    if args.json:
        print(json.dumps(figures(result), indent=1, ensure_ascii=False))
        return 0
    if args.list:
        for f, label in result.matched:
            if (label.verdict == "FP") == (args.list == "FP"):
                print(f"{f['corpus']}/{f['file']}:{f['line']}:{f['column']} {f['code']} "
                      f"{f['message'][:110]}\n    label: {label.reason}")
        return 0
    for corpus, tallies in result.per_corpus.items():
        print(table(f"{corpus}: per code", dict(sorted(tallies.items()))))
        print(table(f"{corpus}: groups", grouped(tallies)))
        words = result.words[corpus]
        print(f"  findings {result.findings[corpus]}, words {words}, "
              f"per 1,000 words {1000 * result.findings[corpus] / max(1, words):.2f}\n")
    both = combined(result)
    print(table("both corpora: groups", grouped(both)))
    if result.missed:
        print("\nmissed (labelled TP/FN with no finding):")
        for label in result.missed:
            print(f"  {label.corpus}/{label.file}:{label.line}:{label.column} {label.code} "
                  f"— {label.reason}")
    if result.unlabelled:
        print("\nunlabelled findings (label them in tests/corpus_labels.tsv):")
        for f in result.unlabelled:
            print(f"  {f['corpus']}/{f['file']}:{f['line']}:{f['column']} {f['code']} "
                  f"{f['message'][:110]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
