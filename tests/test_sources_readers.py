"""`factlint sources` reading many pages: in reader processes when the CLI runs alone
(evidence._readers), on threads in this test process (which has the server's threads);
the evidence written is the same either way. Pages written here, served on 127.0.0.1."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
import yaml
from click.testing import CliRunner
from urlserver import LoopbackServer, answer

from factlint.cli import main
from factlint.evidence import PROCESS_PAGES

PAGES = PROCESS_PAGES + 2


def _page(number: int) -> bytes:
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>第{number}号报告</title>"
            f"</head><body><nav>首页 栏目</nav><article><h1>第{number}号报告</h1>"
            f"<p>平台累计汇聚数据商 {1000 + number} 家。</p></article></body></html>"
            ).encode()


def _records(project) -> dict:
    data = yaml.safe_load((project / "brief.evidence.yaml").read_text(encoding="utf-8"))
    for record in data["sources"].values():
        record.pop("fetched")
    return data


def test_many_pages_read_in_processes_give_the_evidence_threads_give(tmp_path):
    alone, here = tmp_path / "alone", tmp_path / "here"
    with LoopbackServer("127.0.0.1") as server:
        urls = [server.route(f"/r/{n}", answer(200, ("Content-Type", "text/html; charset=utf-8"),
                                                body=_page(n))) for n in range(1, PAGES + 1)]
        lines = [f"第{n}个平台汇聚数据商 {1000 + n} 家<sup>{n}</sup>。"
                 for n in range(1, PAGES + 1)]
        lines += [f"<sup>{n}</sup> 来源：《第{n}号报告》，{url}" for n, url in enumerate(urls, 1)]
        alone.mkdir()
        (alone / ".git").mkdir()
        (alone / "brief.md").write_text("# 简报\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
        shutil.copytree(alone, here)

        done = subprocess.run([sys.executable, "-m", "factlint", "sources", "brief.md",
                               "--allow-private"], cwd=alone, capture_output=True, text=True,
                              timeout=120)
        threads = CliRunner().invoke(main, ["sources", str(here / "brief.md"), "--allow-private"],
                                     catch_exceptions=False)

    assert done.returncode == 0, done.stderr
    assert threads.exit_code == 0, threads.output
    evidence = _records(alone)
    assert evidence == _records(here)
    assert len(evidence["sources"]) == PAGES
    assert all(record["title"].endswith("号报告") for record in evidence["sources"].values())
    assert len(list((alone / ".factlint" / "evidence").rglob("*.txt.gz"))) == PAGES


def with_readers(lines: str) -> subprocess.CompletedProcess:
    """Run ``lines`` in a fresh Python after it made the reader pool: ``readers``, this
    process's ``me`` and the pids of its ``children`` are set."""
    driver = (
        "import os, signal, time\n"
        "from factlint import evidence\n"
        "readers = evidence.page_readers(evidence.PROCESS_PAGES)\n"
        "me = os.getpid()\n"
        "with open(f'/proc/{me}/task/{me}/children') as listing:\n"
        "    children = {int(pid) for pid in listing.read().split()}\n"
    ) + lines
    return subprocess.run([sys.executable, "-c", driver], capture_output=True, text=True,
                          timeout=120)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="readers are forked on Linux")
def test_the_readers_are_forked_before_the_fetch_begins(tmp_path):
    """The fetch's threads start as soon as the reader pool is made, without waiting for
    a reader to answer: the readers must be forked by then (a fork after the threads
    start could copy a lock one of them holds)."""
    done = with_readers("print(len(children), evidence.READERS)\nreaders.shutdown()\n")

    assert done.returncode == 0, done.stderr
    forked, wanted = done.stdout.split()
    assert forked == wanted


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="readers are forked on Linux")
def test_calls_are_made_by_the_readers_and_here_once_they_died(tmp_path):
    done = with_readers(
        "alive = {readers.submit(os.getpid).result() for _ in range(8)}\n"
        "for child in children:\n"
        "    os.kill(child, signal.SIGKILL)\n"
        "time.sleep(0.2)\n"
        "page = b'x' * 300_000  # more than a pipe holds: left in the buffer of a dead reader\n"
        "dead = [readers.submit(os.getpid).result() for _ in range(8)]\n"
        "sizes = [readers.submit(len, page).result() for _ in range(4)]\n"
        "readers.shutdown()\n"
        "print(alive <= children, me not in alive, dead == [me] * 8, sizes == [300_000] * 4)\n"
    )

    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.split() == ["True"] * 4
