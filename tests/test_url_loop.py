"""URL checks on one event loop (urls._Loop): the requests of many URLs go out at once
from one thread over kept-alive connections, plain and TLS, in process and in the forked
child of the command line. The behaviour of each answer is tested in test_urls.py, which
runs through the same loop; these tests are about the loop itself. Real servers on
127.0.0.1 (tests/urlserver.py), never a mocked request."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from urlserver import LoopbackServer, Response, answer, head_refused, redirect

from factlint.finding import UrlRef
from factlint.urls import UrlSettings, check_urls

SRC = Path(__file__).resolve().parents[1] / "src"


def ref(url: str, line: int = 3) -> UrlRef:
    return UrlRef(url, "brief.md", line, 7, line, 7 + len(url))


def settings(tmp_path: Path, **overrides) -> UrlSettings:
    values = dict(allow_private=True, use_cache=False, cache_dir=str(tmp_path / "cache"),
                  timeout=5.0, retries=1, backoff=0.05)
    values.update(overrides)
    return UrlSettings(**values)


def test_the_requests_of_many_urls_go_out_from_one_thread(tmp_path):
    """Before, each request took a worker thread of its own (up to ``concurrency``)."""
    checking: set[int | None] = set()  # the threads of the checker seen at work
    lock = threading.Lock()

    def respond(request):
        with lock:
            checking.update(t.ident for t in threading.enumerate()
                            if t.name.startswith("factlint-url"))
        return Response(200, delay=0.05)

    with LoopbackServer("127.0.0.1", fallback=respond) as server:
        urls = [server.url(f"/page/{n}") for n in range(24)]
        report = check_urls([ref(url) for url in urls], settings(tmp_path))

    assert report.findings == []
    assert report.requests == 24
    assert server.max_in_flight == 8  # the per-host limit, all of it used
    assert server.connections == 8  # each kept alive for the next request
    assert len(checking) == 1


def test_a_trusted_certificate_is_checked_over_tls_with_kept_alive_connections(
        tmp_path, monkeypatch):
    """The handshake and the request over a non-blocking TLS socket, the certificate
    checked against the host name (here trusted: the test makes it the CA bundle)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: no certificate to serve")
    certifi = pytest.importorskip("certifi")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    monkeypatch.setattr(certifi, "where", lambda: str(cert))
    with LoopbackServer("127.0.0.1", fallback=answer(200),
                        tls=(str(cert), str(key))) as tls_server:
        tls_server.route("/gone", answer(404))
        urls = [f"https://localhost:{tls_server.port}/report/{n}" for n in range(5)]
        gone = f"https://localhost:{tls_server.port}/gone"

        report = check_urls([ref(url) for url in [*urls, gone]],
                            settings(tmp_path, per_host=2))

    assert [(f.code, f.message) for f in report.findings] == [
        ("FL401", f"URL answered 404 Not Found: {gone}")]
    assert {r.method for r in tls_server.requests if r.path != "/gone"} == {"HEAD"}
    assert tls_server.connections <= 3  # two kept alive; a GET's may be dropped


def test_a_get_whose_body_came_with_its_headers_keeps_its_connection(tmp_path):
    with LoopbackServer("127.0.0.1", fallback=head_refused(answer(200, body=b"ok\n"))) as server:
        urls = [server.url(f"/page/{n}") for n in range(6)]

        report = check_urls([ref(url) for url in urls], settings(tmp_path, per_host=1))

    assert report.findings == []
    assert [r.method for r in server.requests] == ["HEAD", "GET"] + ["GET"] * 5
    assert server.connections == 1


def test_the_command_line_checks_in_its_child_as_in_process(tmp_path):
    """`factlint check` forks a child that checks the URLs while the brief is read: its
    findings are those of check_urls in this process, request for request."""
    with LoopbackServer("127.0.0.1") as first, LoopbackServer("127.0.0.2") as second:
        first.route("/moved", redirect(301, first.url("/new")))
        first.route("/new", answer(200))
        second.route("/refuses-head", head_refused(answer(200)))
        urls = [first.url(f"/ok/{n}") for n in range(20)] + [
            first.url("/moved"), first.url("/missing"), second.url("/refuses-head"),
            *(second.url(f"/ok/{n}") for n in range(20))]
        for n in range(20):
            first.route(f"/ok/{n}", answer(200))
            second.route(f"/ok/{n}", answer(200))
        notes = "".join(f"[^{n}]: Source {n}, <{url}>\n" for n, url in enumerate(urls, 1))
        body = "".join(f"Figure {n} rose.[^{n}]\n" for n in range(1, len(urls) + 1))
        brief = tmp_path / "brief.md"
        brief.write_text(f"# Brief\n\n{body}\n{notes}", encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))}

        done = subprocess.run(
            [sys.executable, "-m", "factlint", "check", "--allow-private", "--no-cache",
             "--format", "json", "--select", "FL4", str(brief)],
            capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
        sent = len(first.requests) + len(second.requests)
        in_process = check_urls([ref(url) for url in urls], settings(tmp_path))

    output = json.loads(done.stdout)
    assert [(f["code"], f["message"]) for f in output["findings"]] == [
        (f.code, f.message) for f in in_process.findings]
    assert [f["code"] for f in output["findings"]] == ["FL403", "FL401"]
    assert output["summary"]["urls_checked"] == len(urls)
    assert sent == in_process.requests == 46  # a redirect is two, a refused HEAD and its GET
