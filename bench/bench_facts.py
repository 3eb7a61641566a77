"""Bench: a brief with 200 verified claims against a 100,000-row CSV.

    PYTHONPATH=src python bench/bench_facts.py [--claims 200] [--rows 100000]

Generates the brief, its fact file and the CSV in a temporary folder, then times
(1) `factlint check --offline BRIEF` as a subprocess, when the engine loads fact files,
and (2) the fact-file work alone through factlint.facts (load, read + index the CSV,
verify, FL30x rules). Prints the numbers; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import inspect
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHARS = "东南西北中上下前后左右甲乙丙丁戊己庚辛壬癸青白金银松竹梅兰菊桂"


def names(count: int) -> list[str]:
    pairs = ("".join(p) for p in itertools.product(CHARS, repeat=3))
    return [next(pairs) for _ in range(count)]


def generate(folder: Path, claims: int, rows: int) -> Path:
    regions = names(max(claims, rows // 4 + 1))
    indicators = ["企业数", "营收", "从业人员", "园区数"]
    with open(folder / "regions.csv", "w", encoding="utf-8", newline="") as handle:
        handle.write("region,indicator,value\n")
        written = 0
        for region in regions:
            for indicator in indicators:
                if written == rows:
                    break
                handle.write(f"{region},{indicator},\"{1000 + (written * 7) % 9000:,}\"\n")
                written += 1
    lines = ["# 基准测试简报", ""]
    facts = ['factlint: 1', 'sources:', '  "1":', '    publisher: 某统计局',
             '    title: 区域企业名录', '    url: https://example.org/regions', 'claims:']
    for n, region in enumerate(regions[:claims]):
        value = 1000 + (n * 4 * 7) % 9000  # the 企业数 row of this region
        lines.append(f"{region}片区集聚企业超{value - 1}家<sup>1</sup>。")
        facts += [f"  - quote: {region}片区集聚企业超{value - 1}家",
                  f"    data: {{file: regions.csv, where: {{region: {region}, "
                  f"indicator: 企业数}}, column: value}}",
                  "    unit: 家", "    source: 1"]
    lines += ["", "<sup>1</sup> 来源：某统计局，《区域企业名录》，https://example.org/regions", ""]
    (folder / "brief.md").write_text("\n".join(lines), encoding="utf-8")
    (folder / "brief.facts.yaml").write_text("\n".join(facts) + "\n", encoding="utf-8")
    return folder / "brief.md"


def time_functions(brief: Path) -> tuple[float, dict]:
    from factlint.config import Settings
    from factlint.document import read_document
    from factlint.factfiles import load_facts
    from factlint.facts import find_fact_file
    from factlint.rules import Context
    from factlint.rules import facts as fact_rules

    cpu = time.process_time()
    started = time.perf_counter()
    doc = read_document(str(brief), brief.read_text(encoding="utf-8"))
    read = time.perf_counter()
    facts, findings = load_facts(find_fact_file(brief))
    loaded = time.perf_counter()
    ctx = Context(doc, facts, Settings())
    verified = ctx.verifications
    checked = time.perf_counter()
    for rule in fact_rules.RULES:
        if rule.check:
            findings.extend(rule.check(ctx))
    done = time.perf_counter()
    counts = {
        "CPU": time.process_time() - cpu,
        "read brief": read - started, "load fact file": loaded - read,
        "verify (CSV read + indexed once)": checked - loaded, "rules": done - checked,
        "holds": sum(v.verdict == "holds" for v in verified), "findings": len(findings),
    }
    return done - started, counts


def engine_loads_facts() -> bool:
    from factlint import engine

    return "load_for_brief" in inspect.getsource(engine)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=200)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        brief = generate(folder, args.claims, args.rows)
        print(f"generated {args.claims} claims, {args.rows:,} CSV rows "
              f"({(folder / 'regions.csv').stat().st_size / 1e6:.1f} MB) in "
              f"{time.perf_counter() - started:.2f} s")
        total, parts = time_functions(brief)
        print(f"through factlint.facts (one process): {total:.3f} s wall")
        for name, value in parts.items():
            print(f"  {name}: {value:.3f} s" if isinstance(value, float) else f"  {name}: {value}")
        if engine_loads_facts():
            src = os.environ.get("PYTHONPATH") or str(Path(__file__).resolve().parents[1] / "src")
            env = dict(os.environ, PYTHONPATH=src)
            command = [sys.executable, "-m", "factlint", "check", "--offline", "--format", "json",
                       str(brief)]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            out = subprocess.run(command, capture_output=True, text=True, env=env)
            elapsed = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            try:
                summary = json.loads(out.stdout)["summary"]
            except (ValueError, KeyError):
                print(f"factlint check failed (exit {out.returncode}): {out.stderr[-500:]}")
                return
            print(f"factlint check --offline (subprocess, cold start): {elapsed:.3f} s wall, "
                  f"{cpu:.3f} s CPU; "
                  f"figures_verified={summary.get('figures_verified')}, errors={summary['errors']}")
        else:
            print("factlint check does not load fact files yet (engine not wired): "
                  "CLI timing skipped")


if __name__ == "__main__":
    main()
