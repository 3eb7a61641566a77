"""Patterns from packs a checked tree supplies cannot make a run super-linear (issue 8,
item 6): they are matched by RE2 (factlint/linear.py), and what RE2 cannot run in linear
time (backreferences, lookaround) is refused with a message."""

from __future__ import annotations

import json
import time

from click.testing import CliRunner

from factlint.cli import main
from factlint.linear import FirstOf
from factlint.rulepack import load_rulepack


def pack(tmp_path, body: str) -> None:
    (tmp_path / "house.yaml").write_text("pack: 1\nlanguage: zh\n" + body, encoding="utf-8")
    (tmp_path / "factlint.yaml").write_text("packs: [house.yaml]\n", encoding="utf-8")


def check(path):
    return CliRunner().invoke(main, ["check", "--offline", "--format", "json", str(path)])


# `数*据` scanned by Python's re costs quadratic time on a run of 数 with no 据: every start
# reads the rest of the run. By RE2, linear.
QUADRATIC = "claim_triggers:\n  - name: house\n    pattern: '数*据'\n    examples: [数数据]\n"


def _time(path) -> float:
    start = time.perf_counter()
    result = check(path)
    assert result.exit_code in (0, 1), result.output
    return time.perf_counter() - start


def test_a_tree_pack_pattern_costs_linear_time(tmp_path):
    """Four times the line may cost at most 3² = 9 times the time (3× per doubling)."""
    pack(tmp_path, QUADRATIC)
    brief = tmp_path / "brief.md"
    ratios = []
    for _ in range(2):  # the better of two rounds: the machine is shared
        times = []
        for n in (30_000, 120_000):
            brief.write_text("# 标题\n\n" + "数" * n + "\n", encoding="utf-8")
            check(brief)  # warm: imports, caches
            times.append(min(_time(brief) for _ in range(2)))
        ratios.append(times[1] / times[0])
    assert min(ratios) <= 9, f"four times the line took {min(ratios):.1f} times as long"


def test_tree_pack_patterns_are_compiled_by_re2_and_still_match(tmp_path):
    pack(tmp_path, QUADRATIC + "references_headings:\n  - pattern: '^书目$'\n"
                               "    examples: [书目]\n")
    compiled = load_rulepack("zh", (str(tmp_path / "house.yaml"),))
    house = [t for t in compiled.triggers if t.name == "house"][0]
    assert type(house.pattern).__module__.startswith("re2")
    assert house.pattern.search("x数数据").span() == (1, 4)
    assert isinstance(compiled.references_heading, FirstOf)
    heading = compiled.references_heading
    assert heading.match("书目") and heading.match("参考文献")
    brief = tmp_path / "brief.md"
    brief.write_text("# 标题\n\n本地平台的数数据很独特。\n", encoding="utf-8")
    assert [f["code"] for f in json.loads(check(brief).output)["findings"]] == ["FL202"]


def test_a_backreference_is_refused_with_a_message(tmp_path):
    pack(tmp_path, "claim_triggers:\n  - name: echo\n    pattern: '(a)\\1'\n    examples: [aa]\n")
    brief = tmp_path / "brief.md"
    brief.write_text("# 标题\n\n正文。\n", encoding="utf-8")
    result = check(brief)
    assert result.exit_code == 2
    assert "house.yaml" in result.output and "cannot run in linear time" in result.output
    assert "Traceback" not in result.output


def test_a_lookbehind_in_a_source_prefix_is_refused(tmp_path):
    pack(tmp_path, "source_prefix: '(?<!x)来源：'\n")
    brief = tmp_path / "brief.md"
    brief.write_text("# 标题\n\n正文。\n", encoding="utf-8")
    result = check(brief)
    assert result.exit_code == 2 and "lookbehind" in result.output
