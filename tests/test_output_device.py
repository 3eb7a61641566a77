"""A report sent to a device or a pipe is written into it, never put in its place.

`--output /dev/null` once left a regular file where /dev/null was (the atomic writer
replaced it); run as root in a container, that breaks every later command of the job.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading

import pytest

BRIEF = ("# 简报\n\n全区数据企业超120家<sup>9</sup>。\n\n## 参考文献\n\n"
         "1. 某厅：《年度报告》，2024年。\n")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_report_written_to_a_pipe_leaves_the_pipe(tmp_path):
    brief = tmp_path / "brief.md"
    brief.write_text(BRIEF, encoding="utf-8")
    pipe = tmp_path / "report.pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()
    done = subprocess.run(
        [sys.executable, "-m", "factlint", "check", "--offline", "--format", "json",
         "--output", str(pipe), str(brief)], capture_output=True, timeout=120)
    reader.join(timeout=60)
    assert done.returncode == 1, done.stderr
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    report = json.loads(received[0])
    assert "FL101" in {f["code"] for f in report["findings"]}
    assert not [p for p in os.listdir(tmp_path) if p not in ("brief.md", "report.pipe")]


def test_a_report_to_dev_null_keeps_dev_null(tmp_path):
    if not os.path.exists(os.devnull) or not stat.S_ISCHR(os.stat(os.devnull).st_mode):
        pytest.skip("no character device at os.devnull")
    brief = tmp_path / "brief.md"
    brief.write_text(BRIEF, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "factlint", "check", "--offline", "--output", os.devnull,
         str(brief)], capture_output=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
