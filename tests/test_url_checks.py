"""URL checks begun while the briefs are read (factlint.urls.UrlChecks): in a forked child
process when the CLI runs alone, on threads otherwise; the findings are those of
check_urls either way. Real servers on 127.0.0.1 (tests/urlserver.py)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from urlserver import LoopbackServer, answer, head_refused, redirect

from factlint.cli import main
from factlint.finding import UrlRef
from factlint.urls import UrlChecks, UrlSettings, check_urls


@pytest.fixture
def server():
    with LoopbackServer("127.0.0.1") as running:
        yield running


def _routes(server) -> list[str]:
    ok = server.route("/ok", answer(200))
    return [
        ok,
        server.route("/gone", answer(404)),
        server.route("/moved", redirect(301, ok)),
        server.route("/get-only", head_refused(answer(200))),
        server.route("/broken", answer(500)),
        ok + "#section",  # the same target as /ok
    ]


def _brief(tmp_path, urls: list[str]):
    notes = "".join(f"[^{i}]: Report {i}, {url}\n" for i, url in enumerate(urls, 1))
    body = "".join(f"Figure {i} comes from a report.[^{i}]\n" for i in range(1, len(urls) + 1))
    brief = tmp_path / "brief.md"
    brief.write_text(f"# Brief\n\n{body}\n{notes}", encoding="utf-8")
    (tmp_path / ".factlint.yaml").write_text("urls:\n  retries: 0\n", encoding="utf-8")
    return brief


def _url_findings(report: dict) -> list[tuple]:
    return sorted((f["line"], f["code"], f["message"]) for f in report["findings"]
                  if f["code"].startswith("FL40"))


def test_the_cli_alone_checks_in_a_child_process_and_finds_what_threads_find(server, tmp_path):
    brief = _brief(tmp_path, _routes(server))
    command = ["check", "--allow-private", "--no-cache", "--format", "json", str(brief)]

    done = subprocess.run([sys.executable, "-m", "factlint", *command],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    threads = CliRunner().invoke(main, command)  # this process has the server's threads

    alone = json.loads(done.stdout)
    assert "Traceback" not in done.stderr
    assert _url_findings(alone) == _url_findings(json.loads(threads.output))
    assert {code for _, code, _ in _url_findings(alone)} == {"FL401", "FL403"}
    assert alone["summary"]["urls_checked"] == 5


def test_checks_begun_then_reported_are_those_of_check_urls(server, tmp_path):
    urls = _routes(server)
    refs = [UrlRef(url, "brief.md", n, 1, n, 1 + len(url)) for n, url in enumerate(urls, 1)]
    settings = UrlSettings(allow_private=True, use_cache=False, retries=0)
    checks = UrlChecks(settings)

    checks.begin(urls[:3])  # the rest is begun by report
    begun_then_reported = checks.report(refs)

    expected = check_urls(refs, settings)
    assert begun_then_reported.findings == expected.findings
    assert begun_then_reported.checked == expected.checked == 5


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the child is forked on Linux")
def test_urls_of_a_child_that_was_killed_are_checked_here(server, tmp_path):
    gone = server.route("/gone", answer(404))
    ok = server.route("/ok", answer(200))
    driver = textwrap.dedent(f"""
        import os, signal, json
        from factlint.finding import UrlRef
        from factlint.urls import UrlChecks, UrlSettings

        urls = [{gone!r}, {ok!r}]
        checks = UrlChecks(UrlSettings(allow_private=True, use_cache=False, retries=0))
        checks.begin(urls)
        me = os.getpid()
        with open(f"/proc/{{me}}/task/{{me}}/children") as listing:
            children = [int(pid) for pid in listing.read().split()]
        for pid in children:
            os.kill(pid, signal.SIGKILL)
        report = checks.report([UrlRef(u, "b.md", i, 1, i, 9) for i, u in enumerate(urls, 1)])
        print(json.dumps({{"children": len(children), "requests": report.requests,
                           "findings": [(f.line, f.code) for f in report.findings]}}))
    """)

    done = subprocess.run([sys.executable, "-c", driver], capture_output=True, text=True,
                          timeout=120)

    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout)
    assert outcome["children"] == 1
    assert outcome["findings"] == [[1, "FL401"]]
    assert outcome["requests"] >= 2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the child is forked on Linux")
def test_a_standby_forked_before_the_settings_checks_with_the_settings_given_later(server):
    gone = server.route("/gone", answer(404))
    moved = server.route("/moved", redirect(301, server.route("/ok", answer(200))))
    driver = textwrap.dedent(f"""
        import os, json
        from factlint.finding import UrlRef
        from factlint.urls import UrlChecks, UrlSettings, standby

        child = standby()  # forked before any setting is known
        me = os.getpid()
        with open(f"/proc/{{me}}/task/{{me}}/children") as listing:
            forked = [int(pid) for pid in listing.read().split()]
        urls = [{gone!r}, {moved!r}]
        settings = UrlSettings(allow_private=True, use_cache=False, retries=0,
                               accept_status=(404,))
        checks = UrlChecks(settings, standby=child)
        checks.begin(urls)
        with open(f"/proc/{{me}}/task/{{me}}/children") as listing:
            after = [int(pid) for pid in listing.read().split()]
        report = checks.report([UrlRef(u, "b.md", i, 1, i, 9) for i, u in enumerate(urls, 1)])
        print(json.dumps({{"forked": forked, "after": after, "pid": child.pid,
                           "requests": report.requests,
                           "findings": [(f.line, f.code) for f in report.findings]}}))
    """)

    done = subprocess.run([sys.executable, "-c", driver], capture_output=True, text=True,
                          timeout=120)

    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout)
    assert len(outcome["forked"]) == 1
    assert outcome["after"] == outcome["forked"]  # begin used the standby: no second fork
    assert outcome["pid"] == 0  # closed and waited for by the report
    assert outcome["findings"] == [[2, "FL403"]]  # 404 accepted: the settings given later
    assert outcome["requests"] == 3  # HEAD /gone, HEAD /moved, HEAD /ok


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the child is forked on Linux")
def test_a_standby_never_used_ends_when_closed_and_when_its_parent_ends(tmp_path):
    driver = textwrap.dedent("""
        import os, sys
        from factlint.urls import standby

        closed, left = standby(), standby()
        pid = closed.pid
        closed.close()
        try:
            os.kill(pid, 0)
            print("alive")
        except ProcessLookupError:
            print("gone")
        print(left.pid)  # this one is left to end with this process
    """)

    done = subprocess.run([sys.executable, "-c", driver], capture_output=True, text=True,
                          timeout=120)

    assert done.returncode == 0, done.stderr
    said, left = done.stdout.split()
    assert said == "gone"
    status = Path(f"/proc/{left}/status")
    deadline = time.monotonic() + 30
    while status.exists() and "State:\tZ" not in status.read_text() \
            and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not status.exists() or "State:\tZ" in status.read_text()
