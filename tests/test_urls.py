"""URL checks against real HTTP servers on loopback addresses; requests is never mocked."""

from __future__ import annotations

import gzip
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
from email.utils import formatdate

import pytest
from urlserver import (
    LoopbackServer,
    answer,
    continue_flood,
    drip,
    dripping_tls,
    endless_body,
    head_refused,
    in_turn,
    interim_then,
    raw_answer,
    redirect,
    slow_headers,
)

from factlint.finding import UrlRef
from factlint.urls import (
    MAX_REDIRECTS,
    UrlSettings,
    _retry_after_seconds,
    blocked_address_reason,
    check_urls,
    fetch_bodies,
    syntax_findings,
    url_problem,
)


@pytest.fixture
def server():
    with LoopbackServer("127.0.0.1") as running:
        yield running


@pytest.fixture
def second_server():
    """A second host: Linux routes all of 127.0.0.0/8 to the loopback interface."""
    with LoopbackServer("127.0.0.2") as running:
        yield running


@pytest.fixture
def settings(tmp_path):
    def make(**overrides):
        values = dict(
            allow_private=True,
            cache_dir=str(tmp_path / "cache"),
            timeout=5.0,
            retries=1,
            backoff=0.05,
        )
        values.update(overrides)
        return UrlSettings(**values)

    return make


def ref(url: str, line: int = 3) -> UrlRef:
    return UrlRef(url, "brief.md", line, 7, line, 7 + len(url))


def only(report):
    assert len(report.findings) == 1, report.findings
    return report.findings[0]


# ----------------------------------------------------------------- answers


def test_ok_answer_gives_no_finding_and_sends_one_head(server, settings):
    url = server.route("/report", answer(200))

    report = check_urls([ref(url)], settings())

    assert report.findings == []
    assert (report.checked, report.skipped, report.requests) == (1, 0, 1)
    assert [r.method for r in server.requests] == ["HEAD"]
    assert server.requests[0].user_agent.startswith("factlint/")


@pytest.mark.parametrize(("status", "phrase"), [(404, "Not Found"), (410, "Gone")])
def test_missing_page_is_broken(server, settings, status, phrase):
    url = server.route("/gone", answer(status))

    finding = only(check_urls([ref(url, line=12)], settings()))

    assert (finding.code, finding.name, finding.severity) == ("FL401", "url-broken", "error")
    assert (finding.path, finding.line, finding.column, finding.end_column) == (
        "brief.md",
        12,
        7,
        7 + len(url),
    )
    assert finding.message == f"URL answered {status} {phrase}: {url}"


def test_permanent_redirect_names_the_final_url(server, settings):
    old = server.route("/old", redirect(301, "/new"))
    new = server.route("/new", answer(200))

    finding = only(check_urls([ref(old)], settings()))

    assert (finding.code, finding.name, finding.severity) == ("FL403", "url-redirected", "info")
    assert finding.message == f"URL redirects permanently to {new} (update the citation)"


def test_temporary_redirect_gives_no_finding(server, settings):
    url = server.route("/today", redirect(302, "/2024/report"))
    server.route("/2024/report", answer(200))

    assert check_urls([ref(url)], settings()).findings == []


def test_redirect_loop_is_broken(server, settings):
    a = server.route("/a", redirect(301, "/b"))
    b = server.route("/b", redirect(301, "/a"))

    finding = only(check_urls([ref(a)], settings()))

    assert finding.code == "FL401"
    assert finding.message == f"URL redirect loop: {a} → {b} → {a}"


def test_too_many_redirects_is_broken(server, settings):
    for hop in range(MAX_REDIRECTS + 1):
        server.route(f"/hop{hop}", redirect(307, f"/hop{hop + 1}"))

    finding = only(check_urls([ref(server.url("/hop0"))], settings()))

    assert finding.code == "FL401"
    assert f"redirects more than {MAX_REDIRECTS} times" in finding.message


def test_head_refused_falls_back_to_get(server, settings):
    url = server.route("/no-head", head_refused(answer(200)))

    report = check_urls([ref(url)], settings())

    assert report.findings == []
    assert [r.method for r in server.requests] == ["HEAD", "GET"]


def test_rate_limit_honours_retry_after_then_passes(server, settings):
    url = server.route("/busy", in_turn(answer(429, ("Retry-After", "1")), answer(200)))

    report = check_urls([ref(url)], settings())

    assert report.findings == []
    assert server.hits("/busy") == 2


def test_still_rate_limited_after_retries(server, settings):
    url = server.route("/busy", answer(429, ("Retry-After", "0")))

    finding = only(check_urls([ref(url)], settings(retries=2)))

    assert (finding.code, finding.name, finding.severity) == (
        "FL406",
        "url-rate-limited",
        "warning",
    )
    assert (
        finding.message == f"URL is still rate-limited (429 Too Many Requests) (3 attempts): {url}"
    )
    assert server.hits("/busy") == 3


def test_server_error_is_retried(server, settings):
    # HEAD 503 falls back to GET 503; the retry then succeeds.
    url = server.route("/flaky", in_turn(answer(503), answer(503), answer(200)))

    report = check_urls([ref(url)], settings())

    assert report.findings == []
    assert server.hits("/flaky") == 3


def test_server_error_after_retries_is_broken(server, settings):
    url = server.route("/down", answer(500))

    finding = only(check_urls([ref(url)], settings(retries=1)))

    assert finding.code == "FL401"
    assert finding.message == f"URL answered 500 Internal Server Error (2 attempts): {url}"


def test_slow_answer_times_out(server, settings):
    url = server.route("/slow", answer(200, delay=2.0))

    finding = only(check_urls([ref(url)], settings(timeout=0.5, retries=1)))

    assert (finding.code, finding.name, finding.severity) == ("FL402", "url-timeout", "warning")
    assert finding.message == f"URL did not answer within 0.5 s (2 attempts): {url}"


def test_huge_body_is_not_downloaded(server, settings):
    url = server.route("/dump.bin", head_refused(endless_body(1 << 30)))

    report = check_urls([ref(url)], settings())

    assert report.findings == []
    time.sleep(0.2)  # let the server notice the closed connection before reading its counter
    assert server.body_bytes_sent < 1_000_000


def test_a_path_in_chinese_is_sent_percent_encoded_with_the_host_header(server, settings):
    from urllib.parse import quote

    encoded = quote("/报告/2024年.pdf")
    server.route(encoded, answer(200))
    url = server.url("/报告/2024年.pdf")

    assert check_urls([ref(url)], settings()).findings == []
    assert [(r.path, r.host) for r in server.requests] == [
        (encoded, f"127.0.0.1:{server.port}")]


def test_connections_are_reused(server, settings):
    urls = [server.route(f"/page{i}", answer(200)) for i in range(20)]

    report = check_urls([ref(url) for url in urls], settings(per_host=2))

    assert report.requests == 20
    assert server.connections <= 2


def test_a_kept_alive_connection_closed_by_the_server_is_replaced(settings):
    """A server may close an idle kept-alive connection just as the next request goes out
    (its keep-alive timeout): that request is sent again on a new connection, not reported
    as a dropped connection."""
    listener = socket.create_server(("127.0.0.1", 0))
    connections = []

    def read_request(connection):
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = connection.recv(4096)
            if not chunk:
                return None
            data += chunk
        return data

    def serve():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            connections.append(connection)
            with connection:
                request = read_request(connection)
                if request is not None:
                    body = b"" if request.startswith(b"HEAD") else b"ok\n"
                    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n" + body)
                    read_request(connection)  # the next request: closed without an answer

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    urls = [f"http://127.0.0.1:{port}/a", f"http://127.0.0.1:{port}/b"]
    try:
        report = check_urls([ref(url) for url in urls], settings(per_host=1, retries=0))
    finally:
        listener.close()
        thread.join(5)

    assert report.findings == []
    assert len(connections) == 2


def test_refused_connection_is_broken(settings):
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        port = placeholder.getsockname()[1]
    url = f"http://127.0.0.1:{port}/report"

    finding = only(check_urls([ref(url)], settings()))

    assert finding.code == "FL401"
    assert finding.message == f"URL could not be reached (connection refused): {url}"


def test_unresolvable_host_is_broken(settings, monkeypatch):
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host == "no-such-host.test":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    url = "https://no-such-host.test/report"

    finding = only(check_urls([ref(url)], settings()))

    assert finding.code == "FL401"
    assert (
        finding.message
        == f"URL host no-such-host.test could not be resolved (Name or service not known): {url}"
    )


def test_a_slow_name_server_cannot_stretch_the_timeout(settings, monkeypatch):
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host == "slow-dns.test":
            time.sleep(5)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    url = "https://slow-dns.test/report"

    started = time.monotonic()
    finding = only(check_urls([ref(url)], settings(timeout=0.5)))

    assert (finding.code, finding.message) == (
        "FL402", f"URL host slow-dns.test could not be resolved within 0.5 s: {url}")
    assert time.monotonic() - started < 4


def test_untrusted_certificate_is_broken(settings, tmp_path):
    """The connection goes to the pinned address, yet TLS still checks the host's certificate."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: no certificate to serve")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    with LoopbackServer("127.0.0.1", tls=(str(cert), str(key))) as tls_server:
        url = f"https://localhost:{tls_server.port}/report"

        finding = only(check_urls([ref(url)], settings()))

    assert finding.code == "FL401"
    assert finding.message.startswith("URL failed the TLS check (self-signed certificate")
    assert tls_server.requests == []


def test_accept_status_treats_a_status_as_ok(server, settings):
    url = server.route("/members-only", answer(403))

    assert check_urls([ref(url)], settings(accept_status=(403,))).findings == []
    assert only(check_urls([ref(url)], settings(use_cache=False))).code == "FL401"


# ----------------------------------------------------------------- hostile servers
#
# Each of these servers keeps a read busy for ever, so socket timeouts alone never fire.
# The bound asserted is generous (several times the timeout): it proves the deadline
# holds, it does not time the checker. bench/bench_hostile.py prints the real figures.


@pytest.mark.parametrize(
    "responder",
    [drip(0.25), continue_flood(0.1), slow_headers(0.1)],
    ids=["one-byte-at-a-time", "100-continue-for-ever", "endless-headers"],
)
def test_hostile_server_cannot_stretch_the_timeout(server, settings, responder):
    url = server.route("/hostile", responder)

    started = time.monotonic()
    finding = only(check_urls([ref(url)], settings(timeout=1.0, retries=0)))
    elapsed = time.monotonic() - started

    assert (finding.code, finding.message) == ("FL402", f"URL did not answer within 1 s: {url}")
    assert elapsed < 6


def test_a_dripping_tls_handshake_cannot_stretch_the_timeout(tmp_path):
    """The server accepts TCP, then sends its handshake a byte at a time: each read gets a
    byte in time, so only the request's deadline (which covers the handshake) ends it."""
    from click.testing import CliRunner

    from factlint.cli import main

    with dripping_tls(interval=0.2) as port:
        url = f"https://127.0.0.1:{port}/report"
        brief = _brief_citing(tmp_path, url)
        (tmp_path / ".factlint.yaml").write_text("urls:\n  retries: 0\n", encoding="utf-8")

        started = time.monotonic()
        result = CliRunner().invoke(
            main, ["check", "--allow-private", "--no-cache", "--timeout", "2", "--format",
                   "json", str(brief)], catch_exceptions=False)
        elapsed = time.monotonic() - started

    findings = json.loads(result.output)["findings"]
    assert [(f["code"], f["message"]) for f in findings] == [
        ("FL402", f"URL did not answer within 2 s: {url}")]
    assert elapsed < 12  # the server would go on for HOSTILE_FOR (60) seconds


def test_retries_of_a_hostile_server_stay_within_the_url_budget(server, settings):
    url = server.route("/hostile", drip(0.25))
    chosen = settings(timeout=1.0, retries=2, backoff=0.05)

    started = time.monotonic()
    finding = only(check_urls([ref(url)], chosen))
    elapsed = time.monotonic() - started

    assert finding.message == f"URL did not answer within 1 s (3 attempts): {url}"
    assert chosen.url_budget() == pytest.approx(3.15)
    assert elapsed < chosen.url_budget() + 3


@pytest.mark.parametrize("statuses", [(103,), (102, 103), (100, 103, 199)])
def test_informational_answers_are_skipped(server, settings, statuses):
    url = server.route("/hints", interim_then(*statuses))

    assert check_urls([ref(url)], settings()).findings == []


def test_informational_answers_then_a_missing_page_is_broken(server, settings):
    gone = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    url = server.route("/hints", interim_then(103, final=gone))

    assert only(check_urls([ref(url)], settings())).message == f"URL answered 404 Not Found: {url}"


def test_a_host_that_keeps_timing_out_is_given_up(server, settings):
    urls = [server.route(f"/slow{i}", answer(200, delay=3.0)) for i in range(6)]

    report = check_urls(
        [ref(url, line=i + 1) for i, url in enumerate(urls)],
        settings(timeout=0.3, retries=0, per_host=1, concurrency=1),
    )

    assert [f.code for f in report.findings] == ["FL402"] * 6
    tried = [f for f in report.findings if "did not answer within" in f.message]
    given_up = [f for f in report.findings if "was not tried" in f.message]
    assert len(tried) == 3 and len(given_up) == 3
    assert given_up[0].message == (
        f"URL was not tried: host 127.0.0.1 timed out 3 times in a row in this run: "
        f"{urls[given_up[0].line - 1]}"
    )
    assert report.requests == 3


def test_an_answer_resets_the_count_of_timeouts(server, settings):
    slow = [server.route(f"/slow{i}", answer(200, delay=3.0)) for i in range(2)]
    fast = server.route("/fast", answer(200))
    urls = [slow[0], fast, slow[1]]

    report = check_urls(
        [ref(url) for url in urls], settings(timeout=0.3, retries=1, per_host=1, concurrency=1)
    )

    assert [f.message.split(":")[0] for f in report.findings] == [
        "URL did not answer within 0.3 s (2 attempts)"
    ] * 2


def test_urls_left_at_the_run_deadline_are_reported_as_not_checked(server, settings):
    urls = [server.route(f"/slow{i}", answer(200, delay=0.4)) for i in range(8)]

    report = check_urls(
        [ref(url, line=i + 1) for i, url in enumerate(urls)],
        settings(deadline=1.0, per_host=1, concurrency=1),
    )

    unchecked = [f for f in report.findings if f.message.startswith("URL not checked")]
    assert 4 <= len(unchecked) <= 8  # on a slow machine even the first may be cut
    assert unchecked[-1].code == "FL402"
    assert unchecked[-1].message == (
        "URL not checked: the URL checks ran out of time (deadline 1 s, see --url-deadline): "
        f"{urls[-1]}"
    )
    assert (report.checked, report.skipped) == (8 - len(unchecked), len(unchecked))


def test_bare_ipv6_url_is_checked_whole(settings, tmp_path):
    try:
        v6_server = LoopbackServer("::1")
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    from factlint.document import read_document

    with v6_server:
        url = v6_server.route("/f", answer(404))
        doc = read_document("brief.md", f"A[^1].\n\n[^1]: 来源：{url}。\n")
        [found] = [u.url for d in doc.definitions for u in d.urls]
        assert found == url

        finding = only(check_urls([ref(found)], settings()))

    assert finding.message == f"URL answered 404 Not Found: {url}"


# ----------------------------------------------------------------- syntax


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "ftp://example.org/report.pdf",
            "URL uses the ftp: scheme; only http and https links can be checked",
        ),
        (
            "javascript:alert(1)",
            "URL uses the javascript: scheme; only http and https links can be checked",
        ),
        (
            "mailto:press@example.org",
            "URL uses the mailto: scheme; only http and https links can be checked",
        ),
        (
            "file:///etc/passwd",
            "URL uses the file: scheme; only http and https links can be checked",
        ),
        ("www.example.org/report", "URL has no scheme (it should start with https:// or http://)"),
        ("https:/example.org", "URL has no host (it should start with https://)"),
        ("https:///report", "URL has no host"),
        ("https://exa mple.org/", "URL contains a space"),
        ("https://example.org:99999/", "URL is malformed (Port out of range 0-65535)"),
        (
            "https://example.org:http/",
            "URL is malformed (Port could not be cast to integer value as 'http')",
        ),
        ("https://exa_mple..org/", "URL host exa_mple..org is not a valid host name"),
        ("https://example.org/<script>", "URL contains < >, which is not allowed in a URL"),
    ],
)
def test_invalid_urls_are_reported_without_network(url, message, settings, monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", pytest.fail)

    report = check_urls([ref(url)], settings())

    finding = only(report)
    assert (finding.code, finding.name, finding.severity) == ("FL404", "url-invalid", "error")
    assert finding.message == f"{message}: {url}"
    assert report.requests == 0
    assert syntax_findings(ref(url)) == [finding]


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org",
        "http://example.org:8080/a?b=c#d",
        "https://数据.中国/报告",
        "http://[2001:db8::1]/",
        "https://sub_domain.example.org/",
    ],
)
def test_well_formed_urls_have_no_problem(url):
    assert url_problem(url) is None
    assert syntax_findings(ref(url)) == []


# ----------------------------------------------------------------- address policy


def test_loopback_is_blocked_without_allow_private(server, settings):
    url = server.route("/report", answer(200))

    finding = only(check_urls([ref(url)], settings(allow_private=False)))

    assert (finding.code, finding.name, finding.severity) == ("FL405", "url-blocked", "warning")
    assert finding.message == (
        "URL host 127.0.0.1 is a loopback address: not fetched (use --allow-private to allow)"
    )
    assert server.requests == []


def test_host_name_resolving_to_loopback_is_blocked(server, settings):
    url = f"http://localhost:{server.port}/report"

    finding = only(check_urls([ref(url)], settings(allow_private=False)))

    assert finding.code == "FL405"
    assert finding.message.startswith("URL host resolves to ")
    assert "a loopback address: not fetched (use --allow-private to allow)" in finding.message
    assert server.requests == []


def test_redirect_to_a_blocked_address_is_not_followed(server, second_server, settings):
    target = server.route("/admin", answer(200))
    start = second_server.route("/innocent", redirect(302, target))

    finding = only(
        check_urls([ref(start)], settings(allow_private=False, allowed_networks=("127.0.0.2/32",)))
    )

    assert finding.code == "FL405"
    assert finding.message == (
        f"URL redirects to {target}, whose host 127.0.0.1 is a loopback address: "
        "not fetched (use --allow-private to allow)"
    )
    assert second_server.hits("/innocent") == 1
    assert server.requests == []


def test_connection_goes_to_the_vetted_address(second_server, settings, monkeypatch):
    """A rebinding resolver answers 127.0.0.2 first and 127.0.0.1 after: only one lookup
    is made, and every connection goes to the address that was vetted."""
    real_getaddrinfo = socket.getaddrinfo
    lookups = []

    def rebinding_getaddrinfo(host, port, *args, **kwargs):
        if host == "rebind.test":
            lookups.append(host)
            address = "127.0.0.2" if len(lookups) == 1 else "127.0.0.1"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_getaddrinfo)
    second_server.routes.update({"/a": answer(200), "/b": answer(200), "/c": redirect(302, "/a")})
    urls = [f"http://rebind.test:{second_server.port}{path}" for path in ("/a", "/b", "/c")]

    report = check_urls(
        [ref(url) for url in urls],
        settings(allow_private=False, allowed_networks=("127.0.0.2/32",)),
    )

    assert report.findings == []
    assert lookups == ["rebind.test"]
    assert len(second_server.requests) == 4
    assert {r.host for r in second_server.requests} == {f"rebind.test:{second_server.port}"}


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "a loopback address"),
        ("10.1.2.3", "a private address"),
        ("192.168.0.10", "a private address"),
        ("172.16.5.4", "a private address"),
        ("169.254.169.254", "the cloud metadata address"),
        ("169.254.10.1", "a link-local address"),
        ("100.64.0.1", "a shared (carrier-grade NAT) address"),
        ("0.0.0.0", "an unspecified address"),
        ("224.0.0.1", "a multicast address"),
        ("240.0.0.1", "a reserved address"),
        ("::1", "a loopback address"),
        ("fe80::1", "a link-local address"),
        ("fc00::1", "a private address"),
        ("::ffff:127.0.0.1", "a loopback address"),
        ("::ffff:10.0.0.1", "a private address"),
        ("2002:a00:1::", "a private address"),  # 6to4 around 10.0.0.1
        ("64:ff9b::a9fe:a9fe", "the cloud metadata address"),  # NAT64 around 169.254.169.254
        ("8.8.8.8", None),
        ("2001:4860:4860::8888", None),
        ("::ffff:8.8.8.8", None),
    ],
)
def test_address_policy(address, reason):
    assert blocked_address_reason(address) == reason


def test_allowed_networks_let_an_address_through():
    from ipaddress import ip_network

    assert blocked_address_reason("10.1.2.3", [ip_network("10.0.0.0/8")]) is None
    assert blocked_address_reason("10.1.2.3", [ip_network("192.168.0.0/16")]) == "a private address"


# ----------------------------------------------------------------- cache


def test_second_run_makes_no_request(server, settings):
    ok = server.route("/ok", answer(200))
    old = server.route("/old", redirect(308, "/ok"))
    refs = [ref(ok, line=1), ref(old, line=2)]

    first = check_urls(refs, settings())
    sent = len(server.requests)
    second = check_urls(refs, settings())

    assert second.requests == 0
    assert len(server.requests) == sent
    assert second.checked == 2
    assert second.findings == first.findings
    assert [f.code for f in second.findings] == ["FL403"]


def test_failures_are_not_cached(server, settings):
    url = server.route("/gone", answer(404))

    check_urls([ref(url)], settings())
    second = check_urls([ref(url)], settings())

    assert second.requests > 0
    assert only(second).code == "FL401"


def test_cache_expires_after_ttl(server, settings):
    url = server.route("/ok", answer(200))

    check_urls([ref(url)], settings(cache_ttl=0))

    assert check_urls([ref(url)], settings(cache_ttl=0)).requests == 1


def test_private_results_are_not_reused_by_a_strict_run(server, settings):
    url = server.route("/ok", answer(200))

    check_urls([ref(url)], settings())
    strict = check_urls([ref(url)], settings(allow_private=False))

    assert only(strict).code == "FL405"


def test_no_cache_neither_reads_nor_writes(server, settings, tmp_path):
    url = server.route("/ok", answer(200))

    check_urls([ref(url)], settings(use_cache=False))
    assert not (tmp_path / "cache").exists()
    check_urls([ref(url)], settings())
    assert check_urls([ref(url)], settings(use_cache=False)).requests == 1


def test_corrupt_cache_is_ignored_and_rebuilt(server, settings, tmp_path):
    url = server.route("/ok", answer(200))
    cache_file = tmp_path / "cache" / "urls.json"
    cache_file.parent.mkdir()
    cache_file.write_text('{"factlint_cache": 1, "urls": {"http://x": ', encoding="utf-8")

    report = check_urls([ref(url)], settings())

    assert report.findings == [] and report.requests == 1
    assert url in json.loads(cache_file.read_text(encoding="utf-8"))["urls"]
    assert check_urls([ref(url)], settings()).requests == 0
    left = sorted(p.name for p in cache_file.parent.iterdir())
    assert left in (["urls.json"], ["urls.json", "urls.json.lock"])  # no temporary file left


def test_deeply_nested_cache_is_rebuilt(server, settings, tmp_path):
    url = server.route("/ok", answer(200))
    cache_file = tmp_path / "cache" / "urls.json"
    cache_file.parent.mkdir()
    cache_file.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")

    assert check_urls([ref(url)], settings()).requests == 1
    assert check_urls([ref(url)], settings()).requests == 0


def test_cache_entries_dated_in_the_future_are_not_trusted(server, settings, tmp_path):
    url = server.route("/gone", answer(404))
    cache_file = tmp_path / "cache" / "urls.json"
    cache_file.parent.mkdir()
    entry = {"kind": "ok", "final_url": None, "checked_at": time.time() + 10 * 365 * 86400,
             "policy": "public"}
    cache_file.write_text(json.dumps({"factlint_cache": 1, "urls": {url: entry}}))

    assert only(check_urls([ref(url)], settings())).code == "FL401"


def _store_many(cache_dir: str, prefix: str, count: int) -> None:
    from factlint.urls import OK, ResultCache

    cache = ResultCache(UrlSettings(cache_dir=cache_dir))
    for number in range(count):
        cache.store({f"https://{prefix}.example.org/{number}": OK})


@pytest.mark.skipif(sys.platform == "win32", reason="fork, and the lock is fcntl's")
def test_parallel_runs_merge_their_cache_entries(tmp_path):
    import multiprocessing

    cache_dir = str(tmp_path / "cache")
    context = multiprocessing.get_context("fork")
    writers = [
        context.Process(target=_store_many, args=(cache_dir, name, 40)) for name in "abcd"
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(60)
        assert writer.exitcode == 0

    stored = json.loads((tmp_path / "cache" / "urls.json").read_text(encoding="utf-8"))["urls"]
    assert len(stored) == 160


# ----------------------------------------------------------------- runs


def test_offline_sends_nothing_and_counts_skipped(server, settings, monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", pytest.fail)
    a = server.route("/a", answer(404))
    b = server.route("/b", answer(404))
    refs = [ref(a), ref(a, line=9), ref(b + "#part"), ref(b), ref("ftp://example.org/x")]

    report = check_urls(refs, settings(offline=True))

    assert [f.code for f in report.findings] == ["FL404"]
    assert (report.checked, report.skipped, report.requests) == (0, 2, 0)
    assert server.requests == []


def test_excluded_urls_are_skipped(server, settings):
    url = server.route("/gone", answer(404))

    report = check_urls([ref(url)], settings(exclude=(r"/gone$",)))

    assert (report.findings, report.checked, report.skipped, report.requests) == ([], 0, 1, 0)


def test_exclude_patterns_from_a_config_file_run_in_linear_time(server, tmp_path):
    """A hostile configuration's ``(a+)+$`` against a URL of many a's backtracks for hours in
    Python's re (about 2**32 steps here); RE2 matches it at once. The subprocess timeout
    is the hang guard, not a measurement."""
    url = server.route("/" + "a" * 32 + "/x", answer(200))
    brief = _brief_citing(tmp_path, url)
    (tmp_path / ".factlint.yaml").write_text("urls:\n  exclude: ['(a+)+$', '/skip/']\n",
                                             encoding="utf-8")

    done = subprocess.run(
        [sys.executable, "-m", "factlint", "check", "--allow-private", "--no-cache",
         "--format", "json", str(brief)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["summary"]["urls_checked"] == 1  # not excluded, checked
    assert server.hits(url.split(str(server.port))[1]) == 1


@pytest.mark.parametrize("pattern", ["(?=pdf)", r"(\w)\1", "(["])
def test_an_exclude_pattern_re2_cannot_take_is_a_clear_error(tmp_path, pattern):
    from click.testing import CliRunner

    from factlint.cli import main

    brief = _brief_citing(tmp_path, "https://example.org/a")
    (tmp_path / ".factlint.yaml").write_text(f"urls:\n  exclude: ['{pattern}']\n",
                                             encoding="utf-8")

    result = CliRunner().invoke(main, ["check", "--offline", str(brief)],
                                catch_exceptions=False)

    assert result.exit_code == 2
    assert f"urls.exclude: the pattern {pattern!r} cannot be used (" in result.output
    assert "RE2" in result.output and "Traceback" not in result.output


def test_same_url_cited_twice_is_fetched_once(server, settings):
    old = server.route("/old", redirect(301, "/new"))
    server.route("/new", answer(200))

    report = check_urls([ref(old, line=4), ref(old + "#section-2", line=20)], settings())

    assert [(f.code, f.line) for f in report.findings] == [("FL403", 4), ("FL403", 20)]
    assert server.hits("/old") == 1
    assert report.checked == 1


def test_per_host_limit_is_respected(server, second_server, settings):
    urls = [server.route(f"/slow{i}", answer(200, delay=0.1)) for i in range(18)]
    urls += [second_server.route(f"/slow{i}", answer(200, delay=0.1)) for i in range(18)]

    report = check_urls([ref(url) for url in urls], settings(per_host=3, concurrency=16))

    assert report.findings == [] and report.requests == 36
    assert 1 < server.max_in_flight <= 3
    assert 1 < second_server.max_in_flight <= 3


def test_progress_bar_on_request_only(server, settings, capsys):
    urls = [server.route(f"/p{i}", answer(200)) for i in range(3)]

    check_urls([ref(url) for url in urls], settings(use_cache=False), progress=True)
    assert capsys.readouterr().err.endswith("] 3/3 URLs\n")

    check_urls(
        [ref(url) for url in urls], settings(use_cache=False), progress=None
    )  # stderr is no TTY here
    assert capsys.readouterr().err == ""


def test_retry_after_reads_seconds_and_dates():
    assert _retry_after_seconds("7") == 7.0
    assert 25 < _retry_after_seconds(formatdate(time.time() + 30, usegmt=True)) <= 30
    assert _retry_after_seconds(formatdate(time.time() - 30, usegmt=True)) == 0.0
    assert _retry_after_seconds("soon") is None


@pytest.mark.parametrize(
    "value", ["²", "-5", "1.5", "٣", "9" * 400, "Mon, 99 Foo 2024 25:61:61 GMT"]
)
def test_invalid_retry_after_counts_as_absent(value):
    assert _retry_after_seconds(value) is None


def test_invalid_retry_after_waits_the_backoff_and_retries(server, settings):
    url = server.route("/busy", in_turn(answer(429, ("Retry-After", "²")), answer(200)))

    report = check_urls([ref(url)], settings())

    assert report.findings == []
    assert server.hits("/busy") == 2


@pytest.mark.parametrize(
    "overrides",
    [
        {"timeout": 0},
        {"timeout": 1e300},
        {"timeout": float("nan")},
        {"deadline": 0},
        {"deadline": float("inf")},
        {"retries": -1},
        {"per_host": 0},
        {"exclude": ("([",)},
        {"allowed_networks": ("10.0.0.0/33",)},
    ],
)
def test_bad_settings_are_refused(overrides):
    with pytest.raises(ValueError):
        UrlSettings(**overrides)


# ----------------------------------------------------------------- bodies (factlint sources)


def test_a_body_is_fetched_whole_with_its_type(server, settings):
    page = "<html><title>报告</title><p>数据商1159家</p></html>".encode()
    url = server.route("/page", answer(200, ("Content-Type", "text/html; charset=utf-8"),
                                       body=page))

    fetched, requests = fetch_bodies([url], settings(), max_bytes=1_000_000)

    got = fetched[url]
    assert (got.kind, got.status, got.content_type, got.body) == (
        "ok", 200, "text/html; charset=utf-8", page)
    assert requests == 1 and server.hits("/page", "GET") == 1


def test_a_body_over_the_cap_is_not_downloaded(server, settings):
    declared = server.route("/declared.bin", endless_body(1 << 30))
    undeclared = server.route("/undeclared.bin", raw_answer(
        b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", b"x" * 65536, forever=True))

    fetched, _ = fetch_bodies([declared, undeclared], settings(), max_bytes=100_000)

    assert {url: fetched[url].kind for url in (declared, undeclared)} == {
        declared: "too-large", undeclared: "too-large"}
    assert fetched[declared].message == "the body is larger than 100000 bytes"
    time.sleep(0.2)  # let the server notice the closed connection before reading its counter
    assert server.body_bytes_sent < 1_000_000


def test_a_gzip_body_is_decoded_and_a_compression_bomb_stops_at_the_cap(server, settings):
    page = "汇聚数据商1159家".encode() * 100
    small = server.route("/small", answer(200, ("Content-Encoding", "gzip"),
                                          body=gzip.compress(page)))
    bomb = server.route("/bomb", answer(200, ("Content-Encoding", "gzip"),
                                        body=gzip.compress(b"0" * 50_000_000)))
    unknown = server.route("/br", answer(200, ("Content-Encoding", "br"), body=b"\x0b\x01"))

    fetched, _ = fetch_bodies([small, bomb, unknown], settings(), max_bytes=1_000_000)

    assert (fetched[small].kind, fetched[small].body) == ("ok", page)
    assert fetched[bomb].kind == "too-large"
    assert fetched[unknown].kind == "broken"
    assert "unknown encoding (br)" in fetched[unknown].message


@pytest.mark.parametrize("responder", [drip(0.25), slow_headers(0.1)],
                         ids=["body-one-byte-at-a-time", "endless-headers"])
def test_a_hostile_server_cannot_stretch_a_body_fetch(server, settings, responder):
    url = server.route("/hostile", responder)

    started = time.monotonic()
    fetched, _ = fetch_bodies([url], settings(timeout=1.0, retries=0), max_bytes=10_000_000)
    elapsed = time.monotonic() - started

    assert (fetched[url].kind, fetched[url].message) == (
        "timeout", f"URL did not answer within 1 s: {url}")
    assert elapsed < 6


def test_a_body_fetch_follows_no_redirect_to_a_blocked_address(server, second_server, settings):
    target = server.route("/admin", answer(200, body=b"secret"))
    start = second_server.route("/innocent", redirect(302, target))

    fetched, _ = fetch_bodies(
        [start], settings(allow_private=False, allowed_networks=("127.0.0.2/32",)), 1000)

    assert (fetched[start].kind, fetched[start].body) == ("blocked", b"")
    assert server.requests == []


def test_body_fetches_reuse_kept_alive_connections(server, settings):
    urls = [server.route(f"/page{i}", answer(200, body=b"x" * 5000)) for i in range(12)]

    fetched, requests = fetch_bodies(urls, settings(per_host=2), max_bytes=100_000)

    assert {f.kind for f in fetched.values()} == {"ok"} and requests == 12
    assert server.connections <= 2


# ----------------------------------------------------------------- command line


def _brief_citing(folder, url):
    brief = folder / "b.md"
    brief.write_text(f"数据[^1]。\n\n[^1]: 来源：{url}\n", encoding="utf-8")
    return brief


@pytest.mark.parametrize("command", ["check", "fix"])
@pytest.mark.parametrize("timeout", ["1e300", "601", "inf", "nan"])
def test_timeout_out_of_range_on_the_command_line_is_a_usage_error(tmp_path, command, timeout):
    from click.testing import CliRunner

    from factlint.cli import main

    brief = _brief_citing(tmp_path, "https://example.org/a")
    extra = ["--urls"] if command == "fix" else ["--offline"]

    result = CliRunner().invoke(main, [command, *extra, "--timeout", timeout, str(brief)])

    assert result.exit_code == 2
    assert "Invalid value for '--timeout'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["check", "fix"])
@pytest.mark.parametrize("setting", ["timeout: 1.0e+300", "timeout: .nan", "deadline: .inf",
                                     "timeout: 1000"])
def test_url_settings_out_of_range_in_a_config_file_are_an_error(tmp_path, command, setting):
    brief = _brief_citing(tmp_path, "https://example.org/a")
    (tmp_path / ".factlint.yaml").write_text(f"urls:\n  {setting}\n", encoding="utf-8")
    extra = ["--urls"] if command == "fix" else ["--offline"]

    done = subprocess.run(
        [sys.executable, "-m", "factlint", command, *extra, str(brief)],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )

    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "factlint: error:" in done.stderr and "urls" in done.stderr


def test_url_deadline_on_the_command_line_reports_what_was_left(server, tmp_path):
    from click.testing import CliRunner

    from factlint.cli import main

    urls = [server.route(f"/slow{i}", answer(200, delay=1.5)) for i in range(2)]
    brief = tmp_path / "b.md"
    brief.write_text(f"数据[^1]。\n\n[^1]: 来源：{urls[0]}\n{urls[1]}\n", encoding="utf-8")
    (tmp_path / ".factlint.yaml").write_text(
        f"urls:\n  cache_dir: {tmp_path / 'cache'}\n  per_host: 1\n  concurrency: 1\n",
        encoding="utf-8")

    result = CliRunner().invoke(main, ["check", "--allow-private", "--url-deadline", "1",
                                       "--format", "json", str(brief)])

    report = json.loads(result.output)
    messages = [f["message"] for f in report["findings"] if f["code"] == "FL402"]
    assert messages and all(m.startswith("URL not checked: the URL checks ran out of time "
                                         "(deadline 1 s") for m in messages)
    assert report["summary"]["urls_skipped"] == len(messages)
