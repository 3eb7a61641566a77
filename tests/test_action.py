"""The GitHub Action and the workflow in docs/github-actions.md, as a CI maintainer reads them:
actions pinned by commit, one factlint run for every report, minimal permissions, path
filters that cover everything that can change a result. The action's check script is run
for real with bash."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
DOCS = (ROOT / "docs" / "github-actions.md").read_text(encoding="utf-8")
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")


def docs_workflow() -> dict:
    block = re.search(r"```yaml\n(name: factlint\n.*?)```", DOCS, re.S).group(1)
    return yaml.safe_load(block)


def uses_lines(text: str) -> list[str]:
    return [m.group(1).strip() for m in re.finditer(r"^\s*-?\s*uses: (.+)$", text, re.M)]


def test_every_action_is_pinned_by_commit():
    lines = uses_lines((ROOT / "action.yml").read_text(encoding="utf-8")) + uses_lines(DOCS)
    others = [line for line in lines if not line.startswith("factlint/factlint@")]
    assert len(others) >= 5
    assert [line for line in others if not PINNED.match(line)] == []


def test_the_action_uploads_sarif_with_a_category():
    upload = next(s for s in ACTION["runs"]["steps"] if "upload-sarif" in s.get("uses", ""))
    assert upload["with"]["category"] == "${{ inputs.category }}"
    assert ACTION["inputs"]["category"]["default"] == "factlint"


def test_the_url_cache_is_restored_and_saved_even_when_the_gate_fails():
    names = [s.get("uses", "").split("@")[0] for s in ACTION["runs"]["steps"]]
    assert names.index("actions/cache/restore") < names.index("actions/cache/save")
    assert names.index("actions/cache/save") < len(names) - 1  # before the gate


def test_the_docs_workflow_asks_for_minimal_permissions():
    workflow = docs_workflow()
    assert workflow["permissions"] == {
        "contents": "read", "security-events": "write", "actions": "read"}
    assert "pull_request" in workflow[True]  # YAML 1.1 reads `on` as true
    assert "pull_request_target" not in workflow[True]


def test_the_path_filter_covers_config_fact_and_data_files():
    paths = docs_workflow()[True]["pull_request"]["paths"]
    for pattern in ("**.md", "**.facts.yaml", "**.csv", "**.json", "**.yaml",
                    "**/pyproject.toml", "**/.factlintignore"):
        assert pattern in paths


# --- the check step, run for real -------------------------------------------------------------

UNSOURCED = "# 标题\n\n全省已汇聚数据商 1159 家。\n"


def check_script() -> str:
    return next(s for s in ACTION["runs"]["steps"] if s.get("id") == "check")["run"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_the_check_step_runs_factlint_once_for_every_report(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls"
    shim = bin_dir / "factlint"  # counts the runs, then runs the real factlint
    shim.write_text(f'#!/bin/sh\necho run >> "{calls}"\nexec "{sys.executable}" -m factlint "$@"\n',
                    encoding="utf-8")
    shim.chmod(0o755)
    work = tmp_path / "work"
    (work / "briefs").mkdir(parents=True)
    (work / "briefs" / "a b.md").write_text(UNSOURCED, encoding="utf-8")
    outputs = tmp_path / "outputs"
    done = subprocess.run(
        ["bash", "-e", "-c", check_script()], cwd=work, capture_output=True, text=True,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
             "INPUT_PATHS": "'briefs/a b.md'", "INPUT_ARGS": "--jobs 1",
             "INPUT_FAIL_ON": "error", "INPUT_SARIF_FILE": "out/factlint.sarif",
             "INPUT_OFFLINE": "true", "GITHUB_OUTPUT": str(outputs),
             "XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert done.returncode == 0, done.stderr  # the step never fails; the gate does
    assert calls.read_text() == "run\n"
    assert "::error file=briefs/a b.md,line=3" in done.stdout
    sarif = json.loads((work / "out" / "factlint.sarif").read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["FL201"]
    assert outputs.read_text().splitlines() == ["exit-code=1", "sarif-file=out/factlint.sarif"]
