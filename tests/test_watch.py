"""`factlint check --watch`: the real command in a subprocess, a file edited under it."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from factlint.api import check_paths
from factlint.watch import difference, relevant, roots

SOURCED = "# 报告\n\n全市数据企业超600家[^1]。\n\n[^1]: 澜州市数据局，《数据企业登记通报》\n"
UNSOURCED = "# 报告\n\n全市数据企业超600家。\n\n[^1]: 澜州市数据局，《数据企业登记通报》\n"
FACTS = ('factlint: 1\nsources: {}\nclaims:\n  - quote: 全市数据企业超600家\n'
         '    value: {value}\n    unit: 家\n    source: "1"\n')
WAIT = 60


class Lines:
    """The lines a process prints, read by a thread, waited for with a deadline."""

    def __init__(self, stream):
        self.queue: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            self.queue.put(line.rstrip("\n"))

    def until(self, wanted, timeout: float = WAIT) -> str | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.queue.get(timeout=min(1.0, deadline - time.monotonic()))
            except queue.Empty:
                continue
            self.seen.append(line)
            if wanted(line):
                return line
        return None


def _edit_until(path: Path, text: str, lines: Lines, wanted) -> str | None:
    """Write ``text`` until the watcher reports ``wanted`` (the first write can come before
    the watcher is listening)."""
    for attempt in range(6):
        path.write_text(text + "\n" * attempt, encoding="utf-8")
        found = lines.until(wanted, timeout=5 + 5 * attempt)
        if found:
            return found
    return None


def test_watch_prints_new_and_gone_findings(tmp_path):
    brief = tmp_path / "brief.md"
    facts = tmp_path / "brief.facts.yaml"
    brief.write_text(SOURCED, encoding="utf-8")
    facts.write_text(FACTS.replace("{value}", "614"), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "factlint", "check", "--watch", "--offline", "."],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        lines = Lines(process.stdout)
        assert lines.until(lambda line: line.startswith("factlint: watching")), lines.seen
        assert not any("FL201" in line for line in lines.seen)
        new = _edit_until(brief, UNSOURCED, lines, lambda line: line.startswith("+ "))
        assert new is not None, lines.seen
        assert new.startswith("+ ./brief.md:3:7: FL201 [error]")
        assert any("brief.md changed: 2 new, 0 gone" in line for line in lines.seen)
        # a changed fact file re-checks the brief that uses it
        brief.write_text(SOURCED, encoding="utf-8")
        assert lines.until(lambda line: line.startswith("- ") and "FL201" in line)
        mismatch = _edit_until(facts, FACTS.replace("{value}", "580"), lines,
                               lambda line: line.startswith("+ ") and "FL301" in line)
        assert mismatch is not None, lines.seen
    finally:
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(timeout=WAIT)
        finally:
            if process.poll() is None:
                process.kill()
    assert code == 0, lines.seen[-5:]


def test_a_finding_moved_down_a_line_is_neither_new_nor_gone(tmp_path):
    brief = tmp_path / "brief.md"
    brief.write_text(UNSOURCED, encoding="utf-8")
    before = check_paths([str(brief)], offline=True)
    brief.write_text("# 报告\n\n前言。\n\n" + UNSOURCED.split("\n", 2)[2], encoding="utf-8")
    after = check_paths([str(brief)], offline=True)
    assert [f.line for f in before.findings if f.code == "FL201"] == [3]
    assert [f.line for f in after.findings if f.code == "FL201"] == [5]
    assert difference(before, after) == ([], [])


def test_what_is_watched(tmp_path):
    (tmp_path / "sub").mkdir()
    assert roots([str(tmp_path), str(tmp_path / "sub"), str(tmp_path / "a.md")]) == [
        str(tmp_path)]
    assert relevant(str(tmp_path / "brief.md")) and relevant(str(tmp_path / "x.facts.yaml"))
    assert relevant(str(tmp_path / "data" / "table.csv"))
    assert not relevant(str(tmp_path / ".git" / "index.md"))
    assert not relevant(str(tmp_path / "report.sarif"))
    assert not relevant(str(tmp_path / "out.json"), frozenset({str(tmp_path / "out.json")}))
