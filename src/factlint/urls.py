"""Check cited URLs over HTTP: the only module of factlint that touches the network.

Each distinct URL is checked once per run, however many references cite it, and its
result becomes one finding per reference (FL401-FL406). FL404 needs no network at all.

How a URL is checked:

* its host is resolved here, once per run (within ``timeout``), and every address it
  resolves to is vetted against the address policy (no loopback, private, link-local,
  metadata... unless allowed); the connection then goes to that vetted address, never
  through a second DNS lookup that a rebinding attacker could answer differently.
  Redirects are followed here, hop by hop, so that every hop is vetted the same way;
* HEAD first, GET when the server refuses HEAD; bodies are streamed and at most
  ``BODY_CAP`` bytes are read before the connection is dropped. fetch_bodies (the
  evidence checks) GETs and keeps bodies of at most ``max_bytes`` (gzip and deflate
  undone, the cap applying to what they expand to), through the same policy and deadlines;
* 5xx, timeouts and connection resets are retried with exponential backoff, 429 after
  the server's Retry-After; other 4xx are final; informational answers (100 Continue,
  103 Early Hints...) are skipped until the final one;
* deadlines, which no server can stretch (see "deadlines" below): a request has
  ``timeout`` seconds in all, for connecting, the status line, headers and the body; a URL
  with all its retries and redirects has ``url_budget()``; the whole URL phase has
  ``deadline`` seconds, after which the URLs left are reported as not checked; a host whose
  requests time out ``HOST_TIMEOUT_LIMIT`` times in a row is given up on for the run;
* a URL's check is a generator of steps (send a request, vet a host, wait before trying
  again: _Checker.follow). The URL checks take those steps on one event loop (_Loop): at
  most ``concurrency`` URLs under way, each request holding one of the ``per_host`` slots
  of its host, URLs queued host by host in turn so that every host stays busy, over
  non-blocking sockets kept alive and reused (at most ``per_host`` per host); a thread
  only to resolve a host name. fetch_bodies takes the same steps on a pool of threads
  (_Pool), reading bodies through http.client's response. A request is written in one
  piece and its headers split here (no session, pool or email-parser machinery, which
  cost more CPU than the requests themselves);
* successes and permanent redirects are cached in one JSON file for ``cache_ttl`` seconds;
  runs in parallel merge their entries under a lock.

http.client, socket and the other network modules are loaded only by a process that sends
requests (a standby child loads them while the briefs are read, see standby()); the CA
bundle and ``http.cookiejar`` only when an https URL or a cookie needs them, RE2 only when
``exclude`` patterns are given, ``email.utils`` only for a Retry-After date and
``tempfile`` only to write the cache.
"""

from __future__ import annotations

import ipaddress
import json
import math
import os
import re
import sys
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO
from urllib.parse import quote, urldefrag, urljoin, urlsplit

from factlint import __version__
from factlint.finding import Finding, UrlRef
from factlint.messages import Message, Phrase

if TYPE_CHECKING:  # the network modules are loaded by the functions that use them
    import http.client
    import socket

MAX_REDIRECTS = 10
BODY_CAP = (
    64 * 1024
)  # bytes of a GET body read at most; enough to let a small page's connection be reused
RETRY_AFTER_CAP = (
    30.0  # seconds; a server asking for a longer wait is reported as rate-limited at once
)
MAX_BACKOFF = 8.0
MAX_TIMEOUT = 600.0  # seconds; a larger request timeout is a mistake (and overflows sockets)
MAX_DEADLINE = 24 * 3600.0
HOST_TIMEOUT_LIMIT = 3  # timed-out requests in a row after which a host is given up on
MAX_INTERIM = 100  # informational (1xx) answers skipped before a final answer, at most
START_AT_ONCE = 8  # URLs _Loop starts before it sends what it can
MAX_HEAD = 1 << 20  # bytes of an answer's status lines and headers _Loop takes, at most
CACHE_FILE = "urls.json"
CACHE_FORMAT = 1
_READ: dict[str, tuple[tuple[int, int, int], dict[str, Any]]] = {}  # path -> (version, entries)

DEFAULT_USER_AGENT = (
    f"factlint/{__version__} (+https://github.com/factlint/factlint; citation link checker)"
)


# (code, name, default severity) of what a check found; the rules' documentation is in
# factlint.rules.urls, and the engine applies configured severities.
_RULES_BY_KIND = {
    "broken": ("FL401", "url-broken", "error"),
    "timeout": ("FL402", "url-timeout", "warning"),
    "redirected": ("FL403", "url-redirected", "info"),
    "invalid": ("FL404", "url-invalid", "error"),
    "blocked": ("FL405", "url-blocked", "warning"),
    "rate-limited": ("FL406", "url-rate-limited", "warning"),
    "unchecked": ("FL402", "url-timeout", "warning"),  # the URL phase's deadline came first
}


@dataclass(frozen=True)
class UrlSettings:
    """How URLs are checked. ``allowed_networks`` are CIDRs let through the address
    policy even when ``allow_private`` is false (e.g. an intranet, or a test server)."""

    timeout: float = 10.0  # seconds a request may take in all: connect, headers and body
    retries: int = 2  # retries after the first attempt
    concurrency: int = 96  # requests in flight at once, all hosts together
    per_host: int = 8  # requests in flight at once to one host
    accept_status: tuple[int, ...] = ()  # statuses treated as OK besides 2xx (e.g. 403)
    exclude: tuple[str, ...] = ()  # regular expressions; matching URLs are skipped
    allow_private: bool = False
    allowed_networks: tuple[str, ...] = ()
    cache_ttl: float = 86400.0  # seconds a success stays cached
    use_cache: bool = True
    cache_dir: str | None = None  # default: the user cache folder, see default_cache_dir()
    offline: bool = False
    cache_only: bool = False  # only what the cache knows; nothing fetched (an editor typing)
    user_agent: str = DEFAULT_USER_AGENT
    backoff: float = 0.5  # first retry delay in seconds; doubles at each retry
    deadline: float = 300.0  # seconds the whole URL phase may take; URLs left are not checked

    def __post_init__(self) -> None:
        for name in ("accept_status", "exclude", "allowed_networks"):  # config files give lists
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if not 0 < self.timeout <= MAX_TIMEOUT:  # also refuses NaN
            raise ValueError(
                f"urls.timeout must be more than 0 and at most {MAX_TIMEOUT:g} seconds, "
                f"not {self.timeout:g}"
            )
        if not 0 < self.deadline <= MAX_DEADLINE:
            raise ValueError(
                f"urls.deadline must be more than 0 and at most {MAX_DEADLINE:g} seconds, "
                f"not {self.deadline:g}"
            )
        if not 0 <= self.backoff <= MAX_BACKOFF or not 0 <= self.cache_ttl <= 1e12:
            raise ValueError(
                f"urls.backoff must be 0 to {MAX_BACKOFF:g} seconds and urls.cache_ttl "
                f"0 to 1e12 seconds"
            )
        if self.retries < 0:
            raise ValueError(f"urls.retries must be 0 or more, not {self.retries}")
        if self.concurrency < 1 or self.per_host < 1:
            raise ValueError("urls.concurrency and urls.per_host must be at least 1")
        for pattern in self.exclude:
            exclude_pattern(pattern)  # raises ValueError for a pattern RE2 cannot take
        for network in self.allowed_networks:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError as error:
                raise ValueError(f"urls.allowed_networks: {error}") from None

    def url_budget(self) -> float:
        """Seconds one URL may take with all its attempts, waits and redirects: what its
        retries would take if every attempt used its whole timeout."""
        waits = sum(min(self.backoff * 2**attempt, MAX_BACKOFF) for attempt in range(self.retries))
        return (self.retries + 1) * self.timeout + waits


@dataclass
class UrlReport:
    findings: list[Finding]
    checked: int  # distinct URLs checked over the network or taken from the cache
    skipped: int  # distinct URLs not checked (offline, excluded, the deadline passed)
    requests: int  # HTTP requests actually sent
    redirects: dict[str, str] = field(default_factory=dict)  # URL -> final URL (FL403)


@dataclass(frozen=True)
class UrlResult:
    """What checking one URL found. ``kind`` is "ok" or a key of ``_RULES_BY_KIND``."""

    kind: str
    message: str = ""
    final_url: str | None = None  # where a permanent redirect leads


OK = UrlResult("ok")


@dataclass(frozen=True)
class Fetched:
    """What fetching one URL's body found (see fetch_bodies). ``kind`` is "ok" when the
    body was read whole, "too-large" when it passed the cap, else a kind of UrlResult."""

    url: str
    kind: str
    message: str = ""
    final_url: str = ""  # where the redirects ended, temporary ones included
    status: int | None = None
    content_type: str = ""
    body: bytes = b""


@lru_cache(maxsize=256)
def exclude_pattern(pattern: str) -> Any:
    """A ``urls.exclude`` pattern compiled by RE2, whose matching time is linear in the URL
    (the pattern may come from the checked tree's configuration: ``(a+)+$`` in Python's
    ``re`` could hold the run for hours); raises ValueError saying why RE2 refuses it."""
    from factlint.linear import UnsafePatternError, compile_linear

    try:
        return compile_linear(pattern)
    except UnsafePatternError as error:
        cause = error.__cause__.args[0] if error.__cause__ and error.__cause__.args else error
        reason = cause.decode() if isinstance(cause, bytes) else str(cause)
        raise ValueError(
            f"urls.exclude: the pattern {pattern!r} cannot be used ({reason}): URL patterns "
            "are matched by RE2, in linear time, which has no backreferences, lookahead or "
            "lookbehind"
        ) from None


# --------------------------------------------------------------------------- syntax


_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_HOST_LABELS = re.compile(
    r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?"
)
_FORBIDDEN_CHARACTERS = set('<>"{}|\\^`')
_SPACE = re.compile(r"\s")  # every character str.isspace() is true of
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # in a request, a line break would inject a header


@lru_cache(maxsize=8192)  # a run asks about each URL twice: to begin it and to report it
def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be checked, as a phrase, or None for a well-formed http(s) URL."""
    if not url:
        return Phrase("url.empty")
    if _SPACE.search(url):
        return Phrase("url.space")
    if _CONTROL.search(url):
        return Phrase("url.control")
    scheme_match = _SCHEME.match(url)
    if scheme_match is None:
        return Phrase("url.no-scheme")
    scheme = scheme_match.group(1).lower()
    if scheme not in ("http", "https"):
        return Phrase("url.scheme", scheme=scheme)
    if not url[scheme_match.end() :].startswith("//"):
        return Phrase("url.no-host-for", scheme=scheme)
    forbidden = sorted(_FORBIDDEN_CHARACTERS.intersection(url))
    if forbidden:
        return Phrase("url.forbidden", characters=" ".join(forbidden))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        return Phrase("url.malformed", error=str(error))
    if not parts.hostname:
        return Phrase("url.no-host")
    if port == 0:
        return Phrase("url.port-zero")
    if ascii_host(parts.hostname) is None:
        return Phrase("url.bad-host", host=parts.hostname)
    return None


def ascii_host(host: str) -> str | None:
    """The host as it is connected to and sent (lower case, IDNA), or None if invalid."""
    host = host.lower()
    if ":" in host:
        try:
            return str(ipaddress.IPv6Address(host.split("%", 1)[0]))
        except ValueError:
            return None
    if not host.isascii():
        import idna  # IDNA 2008 with UTS #46, as browsers encode hosts

        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError:
            return None
    return host if _HOST_LABELS.fullmatch(host) else None


@lru_cache(maxsize=4096)
def _pin_key(host: str) -> str:
    """One spelling per host, shared by the vetting and the connection that uses it."""
    return (ascii_host(host) or host).rstrip(".")


def syntax_findings(ref: UrlRef) -> list[Finding]:
    """FL404 for a malformed or non-http(s) URL; needs no network. ``check_urls`` already
    includes these findings: call this only where URLs are not checked at all."""
    problem = url_problem(ref.url)
    if problem is None:
        return []
    return [_finding(ref, UrlResult("invalid", Phrase("url.invalid", problem=problem,
                                                      url=ref.url)))]


def _finding(ref: UrlRef, result: UrlResult) -> Finding:
    code, name, severity = _RULES_BY_KIND[result.kind]
    return Finding.of(
        ref.path,
        ref.line,
        ref.column,
        ref.end_line,
        ref.end_column,
        code,
        name,
        severity,
        Message(f"{code}.{result.kind}", problem=result.message),
    )


# --------------------------------------------------------------------------- address policy


_SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_METADATA_ADDRESSES = {
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("fd00:ec2::254"),
}

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def blocked_address_reason(
    address: str | IpAddress, allowed_networks: Sequence[IpNetwork] = ()
) -> str | None:
    """Why the policy refuses to connect to ``address`` ("a loopback address", ...), or None.

    Only globally routable unicast addresses pass, plus those in ``allowed_networks``.
    IPv6 forms that embed an IPv4 address (mapped, 6to4, NAT64) are judged by that address.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0] if isinstance(address, str) else address)
    if any(ip.version == network.version and ip in network for network in allowed_networks):
        return None
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return blocked_address_reason(embedded, allowed_networks)
    if ip in _METADATA_ADDRESSES:
        return Phrase("address.metadata")
    checks = (
        (ip.is_loopback, "loopback"),
        (ip.is_link_local, "link-local"),
        (ip.is_unspecified, "unspecified"),
        (ip.is_multicast, "multicast"),
        (ip in _SHARED_ADDRESS_SPACE, "shared"),
        (ip.is_reserved, "reserved"),
        (ip.is_private, "private"),
        (not ip.is_global, "non-public"),
    )
    return next((Phrase(f"address.{kind}") for refused, kind in checks if refused), None)


# --------------------------------------------------------------------------- entry point


def check_urls(
    refs: Sequence[UrlRef], settings: UrlSettings = UrlSettings(), progress: bool | None = None
) -> UrlReport:
    """Check every distinct URL of ``refs`` once; one finding per reference.

    Includes FL404 for malformed URLs. ``progress`` draws a bar on stderr; None means
    "when stderr is a terminal".
    """
    return UrlChecks(settings).report(refs, progress)


class UrlChecks:
    """The URL checks of one run, begun as soon as some of its URLs are known and reported
    once all of them are: ``begin(urls)`` starts checking in the background (the engine
    calls it as each brief's definitions are read, while the rest of the brief is still
    being read), ``report(refs)`` checks what was not begun, waits, and gives the findings
    (the same as ``check_urls(refs)``). The cache is read once and written once, at the end.

    Checks begun by ``begin`` run in a forked child process where that is safe (_Child),
    else on this process's threads: the requests then never wait for the interpreter lock
    while this process reads briefs, nor slow that reading down.
    """

    def __init__(self, settings: UrlSettings = UrlSettings(), standby: _Child | None = None):
        self.settings = settings
        self._standby = standby  # a child forked ahead (see standby()), used at the first begin
        if standby is not None and not (settings.offline or settings.cache_only):
            standby.start(settings)  # it makes ready to check while the briefs are read
        self._excludes = [exclude_pattern(pattern) for pattern in settings.exclude]
        self._cache = ResultCache(settings) if settings.use_cache else None
        self._cached: dict[str, UrlResult] = {}  # target -> its result found in the cache
        self._begun: set[str] = set()  # targets handed to the child or the pool
        self._child: _Child | None = None
        self._checker: _Checker | None = None
        self._pool: _Loop | None = None

    def begin(self, urls: Iterable[str]) -> None:
        """Start checking those of ``urls`` that are to be checked and not begun yet."""
        self._begin(urls, may_fork=True)

    def report(self, refs: Sequence[UrlRef], progress: bool | None = None) -> UrlReport:
        """The findings of ``refs``, their URLs checked (those not begun yet now); ends the
        checks (a UrlChecks reports once)."""
        findings: list[Finding] = []
        refs_by_target: dict[str, list[UrlRef]] = {}
        skipped: set[str] = set()
        for ref in refs:
            problem = url_problem(ref.url)
            if problem is not None:
                findings.append(_finding(ref, UrlResult("invalid", Phrase(
                    "url.invalid", problem=problem, url=ref.url))))
                continue
            target = self._target(ref.url)
            if target is None:
                skipped.add(urldefrag(ref.url).url)
            else:
                refs_by_target.setdefault(target, []).append(ref)
        skipped.difference_update(refs_by_target)

        try:
            self._begin(refs_by_target, may_fork=False)
            results = {t: self._cached[t] for t in refs_by_target if t in self._cached}
            to_fetch = [target for target in refs_by_target if target not in results]
            if self.settings.cache_only:  # what the cache does not know is not checked
                skipped.update(to_fetch)
                for target in to_fetch:
                    del refs_by_target[target]
                to_fetch = []
            requests_sent = 0
            if to_fetch:
                show = sys.stderr.isatty() if progress is None else progress
                bar = _Progress(len(to_fetch), sys.stderr, show)
                fetched: dict[str, UrlResult] = {}
                try:
                    for target, result in self._results(to_fetch):
                        fetched[target] = result
                        bar.advance()
                finally:
                    bar.finish()
                results.update(fetched)
                requests_sent = (self._child.requests if self._child else 0) + (
                    self._checker.requests_sent if self._checker else 0)
                if self._cache:
                    self._cache.store(fetched)
        finally:
            self.close()

        redirects = {}
        unchecked = 0
        for target, target_refs in refs_by_target.items():
            result = results[target]
            unchecked += result.kind == "unchecked"
            if result.kind != "ok":
                findings.extend(_finding(ref, result) for ref in target_refs)
            if result.final_url:
                redirects.update((ref.url, result.final_url) for ref in target_refs)
        findings.sort()
        return UrlReport(
            findings, checked=len(refs_by_target) - unchecked, skipped=len(skipped) + unchecked,
            requests=requests_sent,
            redirects=redirects,
        )

    def close(self) -> None:
        """Stop checking (a check under way ends on its own, within its deadline)."""
        if self._standby is not None:
            self._standby.close()
        if self._child is not None:
            self._child.close()
        if self._pool is not None:
            self._pool.close()
        if self._checker is not None:
            self._checker.close()

    def _begin(self, urls: Iterable[str], may_fork: bool) -> None:
        targets = [
            target for target in dict.fromkeys(map(self._target, urls))
            if target and target not in self._cached and target not in self._begun
        ]
        if self._cache is not None and targets:
            self._cached.update(self._cache.lookup(targets))
            targets = [t for t in targets if t not in self._cached]
        if not targets or self.settings.cache_only:
            return
        self._begun.update(targets)
        if self._child is None and self._pool is None and may_fork:
            if self._standby is not None:
                self._child, self._standby = self._standby, None
            elif _may_fork():
                self._child = _Child()
        if self._child is None or not self._child.add(self.settings, targets):
            self._in_process(targets)

    def _in_process(self, targets: list[str]) -> None:
        if self._pool is None:
            self._checker = _Checker(self.settings)
            self._pool = _Loop(self._checker, self.settings)
        self._pool.add(targets)

    def _results(self, targets: list[str]) -> Iterator[tuple[str, UrlResult]]:
        """Each target's result as it comes, from the child (what it could not give is
        checked here after all) and this process's pool."""
        left = dict.fromkeys(targets)
        if self._child is not None:
            for target, result in self._child.results([t for t in targets if t in self._child]):
                del left[target]
                yield target, result
            missing = [t for t in left if t in self._child]
            if missing:  # the child is gone (killed...): what it did not give is checked here
                self._in_process(missing)
        if left:
            assert self._pool is not None
            yield from self._pool.completed(list(left))

    def _target(self, url: str) -> str | None:
        """What is requested for ``url`` (the fragment is never sent), or None when it is
        not checked: malformed (FL404), offline, or excluded."""
        if self.settings.offline or url_problem(url) is not None:
            return None
        if any(pattern.search(url) for pattern in self._excludes):
            return None
        return urldefrag(url).url if "#" in url else url


def standby() -> _Child | None:
    """A child process forked now, before the run's settings and URLs are known, to check
    them in: it loads the network stack while this process reads its configuration and
    briefs, and UrlChecks(settings, standby=...) hands it the first URLs at once instead of
    forking then. None where a fork is not safe (_may_fork). It ends when it is closed
    (``close()``, also by the UrlChecks it was given to) or this process ends."""
    return _Child() if _may_fork() else None


def _may_fork() -> bool:
    """Whether URL checks may run in a forked child: on Linux, and only from a process
    with no other thread (a fork copies the calling thread alone: a lock another thread
    held would stay locked in the child for ever)."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


class _Child:
    """A forked copy of this process that checks the URLs handed to it (``add``) on its
    own threads and pool, and gives their results when asked (``results``), pickled over
    two pipes (a message may be a Phrase, which pickles as its message id). It is forked
    before it knows its settings (``start`` gives them): forked early (see standby), it
    loads the network stack while this process is still reading its configuration and
    briefs. It sends nothing before it is asked, and then this process sends nothing
    more, so neither side ever waits on a pipe the other is not reading.
    The child writes nowhere else, and ends with os._exit (nothing of this process's,
    such as buffered output or exit handlers, runs twice)."""

    def __init__(self) -> None:
        import pickle  # noqa: F401 - loaded before the fork: both sides use it

        _reap(wait=False)
        down_read, down_write = os.pipe()
        up_read, up_write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child
            code = 1
            try:
                os.close(down_write)
                os.close(up_read)
                with open(down_read, "rb") as inbound, open(up_write, "wb") as outbound:
                    _serve_checks(inbound, outbound)
                code = 0
            finally:
                os._exit(code)
        os.close(down_read)
        os.close(up_write)
        self._to: BinaryIO | None = open(down_write, "wb")
        self._from: BinaryIO | None = open(up_read, "rb")
        self._given: set[str] = set()
        self._started = False
        self._finished = False
        self.requests = 0

    def __contains__(self, target: object) -> bool:
        return target in self._given

    def start(self, settings: UrlSettings) -> bool:
        """Give the child the ``settings`` to check with (the first given: a child checks
        with one set of settings); False when it is gone."""
        if self._to is None:
            return False
        if not self._started:
            if not self._say("settings", settings):
                return False
            self._started = True
        return True

    def add(self, settings: UrlSettings, targets: list[str]) -> bool:
        """Hand ``targets`` to the child, to check with ``settings`` unless it has been
        given others already (start); False when it is gone (they are not its then)."""
        if not self.start(settings) or not self._say("add", targets):
            return False
        self._given.update(targets)
        return True

    def results(self, targets: list[str]) -> Iterator[tuple[str, UrlResult]]:
        """Each of ``targets`` (added) with its result as the child finds it; fewer when
        the child ends first."""
        if self._from is None or not self._say("report", targets):
            return
        import pickle

        while True:
            try:
                message = pickle.load(self._from)
            except (EOFError, OSError, pickle.UnpicklingError):  # the child is gone
                return
            if message[0] == "done":
                self.requests = message[1]
                self._finished = True
                return
            yield from message[1]

    def close(self) -> None:
        for stream in (self._to, self._from):
            if stream is not None:
                with suppress(OSError):
                    stream.close()
        self._to = self._from = None
        if self.pid:
            if not self._finished:
                import signal

                with suppress(OSError):
                    os.kill(self.pid, signal.SIGKILL)  # its requests are of no use any more
            _EXITING.append(self.pid)
            self.pid = 0
            # A child that gave every result is ending on its own (its exit closes its
            # connections, which on a busy machine takes tens of milliseconds): waited
            # for only if a killed one is among them, else later, by the next child.
            _reap(wait=not self._finished)

    def _say(self, *message: Any) -> bool:
        import pickle

        assert self._to is not None
        try:
            pickle.dump(message, self._to)
            self._to.flush()
            return True
        except OSError:  # the child is gone
            return False


_EXITING: list[int] = []  # children closed and not waited for yet (see _Child.close)


def _reap(wait: bool) -> None:
    """Wait for the children in _EXITING that have ended (``wait``: for all of them)."""
    for pid in list(_EXITING):
        try:
            ended, _ = os.waitpid(pid, 0 if wait else os.WNOHANG)
        except ChildProcessError:  # waited for elsewhere
            ended = pid
        if ended:
            _EXITING.remove(pid)


def _serve_checks(inbound: BinaryIO, outbound: BinaryIO) -> None:
    """The child's side of _Child: load the network stack, then wait for the settings,
    check what comes in, report when asked."""
    import pickle

    load_network()
    try:
        verb, settings = pickle.load(inbound)
    except EOFError:  # never used (the run had no URL to check)
        return
    assert verb == "settings"
    checker = _Checker(settings)
    pool = _Loop(checker, settings)
    try:
        while True:
            try:
                verb, targets = pickle.load(inbound)
            except EOFError:  # the parent is done with us
                return
            pool.add(targets)
            if verb == "report":
                for batch in pool.batches(targets):
                    pickle.dump(("results", batch), outbound)
                    outbound.flush()
                pickle.dump(("done", checker.requests_sent), outbound)
                outbound.flush()
                return
    finally:
        pool.close()
        checker.close()


def fetch_bodies(
    targets: Sequence[str], settings: UrlSettings, max_bytes: int, progress: bool | None = None,
    each: Callable[[str, Fetched], None] | None = None,
) -> tuple[dict[str, Fetched], int]:
    """Each URL's body, GET only, through the checker's address policy, pinned connections,
    per-host slots and deadlines; a body over ``max_bytes`` is not kept. ``each`` is
    called with every URL and its result as it comes, in the calling thread (so that a
    body can be read while the others are still on their way). Returns the results and
    the number of requests sent. Nothing is cached here: the evidence snapshots are the
    cache (factlint.evidence)."""
    targets = list(dict.fromkeys(targets))
    if not targets:
        return {}, 0
    checker = _Checker(settings, body_cap=max(1, max_bytes))
    show = sys.stderr.isatty() if progress is None else progress
    bar = _Progress(len(targets), sys.stderr, show)
    pool = _Pool(checker.fetch, settings, "factlint-get")
    results: dict[str, Fetched] = {}
    try:
        pool.add(targets)
        for url, result in pool.completed(targets):
            results[url] = result
            bar.advance()
            if each is not None:
                each(url, result)
    finally:
        bar.finish()
        pool.close()
        checker.close()
    return results, checker.requests_sent


@dataclass(frozen=True)
class _Crash:
    error: Exception  # what a task raised (a bug), raised again where the results are taken


class _Results:
    """What _Pool and _Loop share: the URLs added (``in``), and their results taken as
    they come. A subclass sets ``_lock``, ``_done`` (a Condition on it, notified when a
    URL is done), ``_added``, ``_results`` (URL -> result or _Crash) and ``_finished``
    (the URLs done, in order)."""

    _lock: Any
    _done: threading.Condition
    _added: set[str]
    _results: dict[str, Any]
    _finished: list[str]

    def __contains__(self, url: object) -> bool:
        return url in self._added

    def completed(self, urls: Sequence[str]) -> Iterator[tuple[str, Any]]:
        """Each of ``urls`` (added already) with its result, as the results come; raises
        what a task raised."""
        for batch in self.batches(urls):
            yield from batch

    def batches(self, urls: Sequence[str]) -> Iterator[list[tuple[str, Any]]]:
        """The same in lists: at each wake-up, those of ``urls`` done since the last."""
        waiting = set(urls)
        seen = 0
        while waiting:
            with self._lock:
                while seen == len(self._finished):
                    self._done.wait()
                new = self._finished[seen:]
                seen = len(self._finished)
            batch = []
            for url in new:
                if url in waiting:
                    waiting.discard(url)
                    result = self._results[url]
                    if isinstance(result, _Crash):
                        raise result.error
                    batch.append((url, result))
            if batch:
                yield batch


class _Pool(_Results):
    """Runs ``task(url)`` for URLs added at any time on worker threads started as work
    comes (at most ``concurrency``), which stay for the run: a worker takes the next URL
    of a host with fewer than ``per_host`` of its URLs under way, hosts in turn, so that
    no worker waits behind a busy host while another has work. The requests themselves
    also hold the per-host slots (_Checker._slot), which bound the redirects' hops too."""

    def __init__(self, task: Callable[[str], Any], settings: UrlSettings, name: str):
        self.task = task
        self.concurrency = settings.concurrency
        self.per_host = settings.per_host
        self.name = name
        self._lock = threading.Lock()
        self._work = threading.Condition(self._lock)  # workers wait here for URLs
        self._done = threading.Condition(self._lock)  # completed() waits here for results
        self._pending: dict[str, deque[str]] = {}  # host -> its URLs not started
        self._ready: deque[str] = deque()  # hosts with a URL to start and a free place
        self._running: dict[str, int] = {}  # host -> its URLs under way
        self._results: dict[str, Any] = {}
        self._finished: list[str] = []  # the URLs done, in the order they were
        self._added: set[str] = set()
        self._workers = 0
        self._unstarted = 0  # workers counted in _workers whose thread is not started yet
        self._idle = 0
        self._closed = False

    def add(self, urls: Iterable[str]) -> None:
        with self._lock:
            for url in urls:
                if url in self._added:
                    continue
                self._added.add(url)
                host = _pin_key(urlsplit(url).hostname or "")
                queue = self._pending.setdefault(host, deque())
                if not queue and self._running.get(host, 0) < self.per_host:
                    self._ready.append(host)
                queue.append(url)
            startable = sum(
                min(len(self._pending[host]), self.per_host - self._running.get(host, 0))
                for host in self._ready
            )
            wanted = min(self.concurrency - self._workers, startable - self._idle)
            if wanted > 0:
                self._workers += wanted
                self._unstarted += wanted
            self._work.notify(min(self._idle, startable))
        self._start_workers()

    def _start_workers(self) -> None:
        """Start two of the workers still to start (each of them starts two more, and so
        on): a thread's start waits for the thread to run, which takes long while the
        others already send requests, so starting 80 one by one would hold the first
        requests for tens of milliseconds."""
        for _ in range(2):
            with self._lock:
                if not self._unstarted:
                    return
                self._unstarted -= 1
            threading.Thread(target=self._work_loop, name=self.name, daemon=True).start()

    def results(self) -> dict[str, Any]:
        """The results so far."""
        with self._lock:
            return {url: r for url, r in self._results.items() if not isinstance(r, _Crash)}

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._work.notify_all()

    def _work_loop(self) -> None:
        self._start_workers()
        with self._lock:
            while True:
                while not self._ready and not self._closed:
                    self._idle += 1
                    self._work.wait()
                    self._idle -= 1
                if self._closed:
                    return
                host = self._ready.popleft()
                queue = self._pending[host]
                url = queue.popleft()
                self._running[host] = self._running.get(host, 0) + 1
                if queue and self._running[host] < self.per_host:
                    self._ready.append(host)  # behind the other hosts: they take turns
                self._lock.release()
                try:
                    result = self.task(url)
                except Exception as error:  # noqa: BLE001 - raised again by completed()
                    result = _Crash(error)
                finally:
                    self._lock.acquire()
                self._results[url] = result
                self._finished.append(url)
                self._running[host] -= 1
                if queue and self._running[host] == self.per_host - 1:
                    self._ready.append(host)  # it had no free place: it has one now
                self._done.notify_all()


class _Loop(_Results):
    """Checks URLs (``checker.follow``) added at any time, many at once, on one thread
    over non-blocking sockets: the steps of every URL (see _Checker.run) are taken here,
    a request as soon as its host has a free slot, a wait and a deadline by a timer, a
    host's vetting (which may resolve it) on a thread of its own. The same limits as
    _Pool's and _send's: at most ``concurrency`` URLs under way, ``per_host`` of a host,
    hosts in turn; ``per_host`` requests in flight to a host; kept-alive connections, at
    most ``per_host`` idle per host. An answer is taken once its status line and headers
    are in: a GET's connection is kept only when its whole body came with them.

    A thread per request costs about 14 context switches a request, and as much CPU as
    the rest of checking it; one loop costs a few system calls. The interface is _Pool's
    (``add``, ``completed``, ``batches``, ``in``, ``close``), for the checks' results."""

    def __init__(self, checker: _Checker, settings: UrlSettings):
        import selectors
        import socket

        self.checker = checker
        self.settings = settings
        self.concurrency = settings.concurrency
        self.per_host = settings.per_host
        self._selector = selectors.DefaultSelector()
        self._wake_in, self._wake_out = socket.socketpair()  # add() and close() wake the loop
        self._wake_in.setblocking(False)
        self._selector.register(self._wake_in, selectors.EVENT_READ, self._woken)
        self._lock = threading.Lock()
        self._done = threading.Condition(self._lock)  # batches() waits here for results
        self._incoming: list[str] = []  # added, not yet taken by the loop
        self._vetted: list[str] = []  # hosts vetted on their threads, not yet taken by the loop
        self._added: set[str] = set()
        self._results: dict[str, Any] = {}
        self._finished: list[str] = []  # the URLs done, in the order they were
        self._closed = False
        # the loop's own (only its thread touches them)
        self._pending: dict[str, deque[str]] = {}  # host -> its URLs not started
        self._ready: deque[str] = deque()  # hosts with a URL to start and a free place
        self._running: dict[str, int] = {}  # host -> its URLs under way
        self._under_way = 0
        self._done_now: list[tuple[str, Any]] = []  # results not handed over yet
        self._in_flight: dict[str, int] = {}  # host -> its requests out (its slots taken)
        self._waiting: dict[str, deque[_LoopRequest]] = {}  # host -> requests for a slot
        self._vetting: dict[str, list[_LoopTask]] = {}  # host -> the URLs its vetting holds
        self._timers: list[tuple[float, int, Callable[[], None]]] = []  # a heap by time
        self._timer_count = 0
        self._idle: dict[tuple[str, str, int], list[_LoopConnection]] = {}
        self._open: set[_LoopConnection] = set()
        self._thread = threading.Thread(target=self._run, name="factlint-url", daemon=True)
        self._thread.start()

    def add(self, urls: Iterable[str]) -> None:
        with self._lock:
            new = [url for url in dict.fromkeys(urls) if url not in self._added]
            self._added.update(new)
            self._incoming.extend(new)
        if new:
            self._wake()

    def close(self) -> None:
        """Stop: the requests under way are dropped."""
        with self._lock:
            self._closed = True
        self._wake()

    # ------------------------------------------------------------------ the loop's thread

    def _wake(self) -> None:
        with suppress(OSError):
            self._wake_out.send(b"\0")

    def _woken(self, mask: int) -> None:
        with suppress(OSError):
            while self._wake_in.recv(4096):
                pass

    def _run(self) -> None:
        try:
            while True:
                with self._lock:
                    if self._closed:
                        break
                    incoming, self._incoming = self._incoming, []
                    vetted, self._vetted = self._vetted, []
                for url in incoming:
                    self._queue(url)
                for host in vetted:
                    self._after_vetting(host)
                self._start_urls()
                self._hand_over()
                timeout = None
                if self._ready and self._under_way < self.concurrency:
                    timeout = 0.0  # more to start, after sending what can be sent
                elif self._timers:
                    timeout = max(0.0, self._timers[0][0] - time.monotonic())
                for key, mask in self._selector.select(timeout):
                    key.data(mask)
                self._fire_timers()
        except BaseException as error:  # a bug: every URL not done fails with it
            self._hand_over()
            with self._lock:
                for url in self._added.difference(self._results):
                    self._results[url] = _Crash(
                        error if isinstance(error, Exception) else RuntimeError(error))
                    self._finished.append(url)
                self._done.notify_all()
            raise
        finally:
            self._shut()

    def _shut(self) -> None:
        for connection in list(self._open):
            connection.close()
        self._selector.close()
        self._wake_in.close()
        self._wake_out.close()

    def _queue(self, url: str) -> None:
        host = _pin_key(urlsplit(url).hostname or "")
        queue = self._pending.setdefault(host, deque())
        if not queue and self._running.get(host, 0) < self.per_host:
            self._ready.append(host)
        queue.append(url)

    def _start_urls(self) -> None:
        """Start a few of the URLs that may start: a connection takes long to open (on a
        busy machine, a millisecond), so the loop sends on those opened in between."""
        for _ in range(START_AT_ONCE):
            if not self._ready or self._under_way >= self.concurrency:
                return
            host = self._ready.popleft()
            queue = self._pending[host]
            url = queue.popleft()
            self._running[host] = self._running.get(host, 0) + 1
            self._under_way += 1
            if queue and self._running[host] < self.per_host:
                self._ready.append(host)  # behind the other hosts: they take turns
            self._step(_LoopTask(url, host, self.checker.follow(url)))

    def _finish(self, task: _LoopTask, result: Any) -> None:
        self._under_way -= 1
        self._running[task.host] -= 1
        queue = self._pending[task.host]
        if queue and self._running[task.host] == self.per_host - 1:
            self._ready.append(task.host)  # it had no free place: it has one now
        self._done_now.append((task.url, result))

    def _hand_over(self) -> None:
        """Give the results of this turn of the loop to batches(), in one wake-up."""
        if self._done_now:
            with self._lock:
                for url, result in self._done_now:
                    self._results[url] = result
                    self._finished.append(url)
                self._done.notify_all()
            self._done_now.clear()

    def _step(self, task: _LoopTask, reply: Any = None, error: Exception | None = None) -> None:
        """Take ``task``'s steps until one has to wait (a request, a timer, a vetting)."""
        while True:
            try:
                step = task.steps.send(reply) if error is None else task.steps.throw(error)
            except StopIteration as stop:
                self._finish(task, stop.value[0])
                return
            except Exception as crash:  # noqa: BLE001 - raised again by completed()
                self._finish(task, _Crash(crash))
                return
            reply = error = None
            if isinstance(step, _Send):
                self._request(_LoopRequest(task, step))
                return
            if isinstance(step, _Wait):
                self._later(step.seconds, lambda task=task: self._step(task))
                return
            vetted = step.host in self.checker.pins or self.checker.refusal(step.host)
            if not vetted and not self._vet(task, step):
                return
            error = self.checker.refusal(step.host)

    def _vet(self, task: _LoopTask, step: _Vet) -> bool:
        """Vet ``step.host`` here when that needs no look-up (True), else on a thread,
        ``task`` then waiting for it (False); a refusal is kept by the checker."""
        if _ip_literal(step.host) is not None:
            with suppress(_Failure):
                self.checker.vet(step.host, step.port)
            return True
        waiting = self._vetting.get(step.host)
        if waiting is None:
            self._vetting[step.host] = waiting = []

            def vet() -> None:
                with suppress(_Failure):
                    self.checker.vet(step.host, step.port)
                with self._lock:
                    self._vetted.append(step.host)
                self._wake()

            threading.Thread(target=vet, name="factlint-vet", daemon=True).start()
        waiting.append(task)
        return False

    def _after_vetting(self, host: str) -> None:
        refusal = self.checker.refusal(host)
        for task in self._vetting.pop(host, []):
            self._step(task, error=refusal)

    def _later(self, seconds: float, action: Callable[[], None]) -> None:
        import heapq

        self._timer_count += 1
        heapq.heappush(self._timers, (time.monotonic() + seconds, self._timer_count, action))

    def _fire_timers(self) -> None:
        import heapq

        now = time.monotonic()
        while self._timers and self._timers[0][0] <= now:
            heapq.heappop(self._timers)[2]()

    # ------------------------------------------------------------------ requests

    def _request(self, request: _LoopRequest) -> None:
        host = request.send.host
        if self._in_flight.get(host, 0) >= self.per_host:
            self._waiting.setdefault(host, deque()).append(request)
            return
        self._in_flight[host] = self._in_flight.get(host, 0) + 1
        now = time.monotonic()
        ends = min(now + self.settings.timeout, request.send.deadline)
        if ends <= now:
            self._answered(request, error=TimeoutError("no time left for this request"))
            return
        self._later(ends - now, lambda: self._expire(request))
        self._exchange(request, fresh=False)

    def _expire(self, request: _LoopRequest) -> None:
        """The deadline of ``request`` came: its connection is cut, it fails as timed out."""
        if request.over or (request.connection is not None and request.connection.expire()):
            return
        request.expired = True
        if request.connection is not None:
            request.connection.close()
            request.connection = None
        self._answered(request, error=TimeoutError("the request's deadline passed"))

    def _exchange(self, request: _LoopRequest, fresh: bool) -> None:
        """Send ``request`` on a kept-alive connection, or a new one (``fresh``)."""
        send = request.send
        parts = send.parts
        port = parts.port or (443 if parts.scheme == "https" else 80)
        key = (parts.scheme, send.host, port)
        connection = None
        idle = self._idle.get(key, [])
        while idle and not fresh:
            connection = idle.pop()
            if not _dropped(connection):
                break
            connection.close()
            connection = None
        request.reused = connection is not None
        self.checker.count_request()
        try:
            if connection is None:
                address = self.checker.pins.get(send.host)
                if address is None:
                    raise OSError(f"{send.host} was not vetted by the address policy")
                tls = self.checker.tls_context() if parts.scheme == "https" else None
                connection = _LoopConnection(self, key, address, tls)
            request.connection = connection
            headers = self.checker.request_headers(send.url)
            connection.send(request, _request_bytes(
                send.method, _request_target(parts),
                _host_header(send.host, port, parts.scheme == "https"), headers))
        except Exception as error:  # noqa: BLE001 - the request's failure, as _send's
            self._failed(request, error)

    def _keep(self, connection: _LoopConnection) -> bool:
        """Keep ``connection`` for the next request to its host, unless enough are kept."""
        idle = self._idle.setdefault(connection.key, [])
        if len(idle) >= self.per_host:
            return False
        idle.append(connection)
        connection.listen(write=False)  # a server closing it is seen then
        return True

    def _failed(self, request: _LoopRequest, error: Exception) -> None:
        """The connection of ``request`` failed with ``error``: a kept-alive one the
        server closed meanwhile is replaced by a new one, once."""
        import http.client

        if request.connection is not None:
            request.connection.close()
            request.connection = None
        stale = isinstance(
            error, (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected))
        if request.reused and stale and not request.expired:
            self._exchange(request, fresh=True)
            return
        self._answered(request, error=error)

    def _answered(self, request: _LoopRequest, response: Any = None,
                  error: Exception | None = None) -> None:
        """``request`` is over: its slot is free, its task goes on."""
        import http.client

        if request.over:
            return
        request.over = True
        host = request.send.host
        self._in_flight[host] -= 1
        waiting = self._waiting.get(host)
        if waiting:
            self._request(waiting.popleft())
        reply = None
        if response is not None:
            try:
                reply = self.checker.answer_of(request.send.url, response)
            except (http.client.HTTPException, OSError, ValueError) as failure:
                error = failure
        self._step(request.task, reply, error)


@dataclass(eq=False)
class _LoopTask:
    url: str
    host: str  # its pin key, which the per-host limit counts by
    steps: _Steps


@dataclass(eq=False)
class _LoopRequest:
    task: _LoopTask
    send: _Send
    reused: bool = False  # sent on a kept-alive connection
    expired: bool = False
    over: bool = False
    connection: _LoopConnection | None = None


class _LoopConnection:
    """A connection of _Loop to a host's vetted address, TLS (the certificate checked
    against the host name, sent as SNI) when ``tls`` is given; it sends a request and
    reads its answer's status line and headers, then stays for the next when the answer
    ended with them (and the server keeps it open)."""

    def __init__(self, loop: _Loop, key: tuple[str, str, int], address: str, tls: Any):
        import errno
        import socket

        self.loop = loop
        self.key = key  # (scheme, host, port)
        self.tls = tls
        # the vetted address as a socket address (an IPv6 one with its zone): no look-up
        family, kind, proto, _, where = socket.getaddrinfo(
            address, key[2], type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)[0]
        self.sock: Any = socket.socket(family, kind, proto)
        self.sock.setblocking(False)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.state = "connecting"
        self.request: _LoopRequest | None = None
        self.outgoing = b""
        self.received = bytearray()
        self.body_left = 0  # bytes of the answer's body still to read (draining)
        self.response: Any = None  # the answer whose body is read (draining)
        loop._open.add(self)
        error = self.sock.connect_ex(where)
        if error not in (0, errno.EINPROGRESS):
            self.close()
            raise OSError(error, os.strerror(error))
        self.connected_at_once = not error  # as on loopback: no need to wait to send
        self.listen(write=True)

    def send(self, request: _LoopRequest, data: bytes) -> None:
        """Send ``data``, the request, now or once connected; raises what sending raises."""
        self.request = request
        self.outgoing = data
        self.received.clear()
        if self.state == "idle":
            self.state = "sending"
            self._send()
        elif self.connected_at_once:
            self._connected()

    def close(self) -> None:
        if self.sock is None:
            return
        with suppress(KeyError, ValueError, OSError):
            self.loop._selector.unregister(self.sock)
        self.sock.close()
        self.sock = None
        self.loop._open.discard(self)

    def listen(self, write: bool) -> None:
        import selectors

        events = selectors.EVENT_WRITE if write else selectors.EVENT_READ
        try:
            self.loop._selector.modify(self.sock, events, self._ready)
        except KeyError:
            self.loop._selector.register(self.sock, events, self._ready)

    def _ready(self, mask: int) -> None:
        request = self.request
        try:
            if self.state == "connecting":
                self._connected()
            elif self.state == "handshake":
                self._handshake()
            elif self.state == "sending":
                self._send()
            elif self.state == "reading":
                self._read()
            elif self.state == "draining":
                self._drain()
            else:  # idle, and readable: the server closed it (or sent something unasked)
                self._drop_idle()
        except Exception as error:  # noqa: BLE001 - the request's failure
            if request is not None and not request.over:
                self.loop._failed(request, error)
            else:
                self.close()

    def _connected(self) -> None:
        import socket

        error = self.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if error:
            raise OSError(error, os.strerror(error))
        if self.tls is None:
            self.state = "sending"
            self._send()
            return
        self.loop._selector.unregister(self.sock)
        self.sock = self.tls.wrap_socket(self.sock, server_hostname=self.key[1],
                                         do_handshake_on_connect=False)
        self.state = "handshake"
        self._handshake()

    def _handshake(self) -> None:
        import ssl

        try:
            self.sock.do_handshake()
        except ssl.SSLWantReadError:
            self.listen(write=False)
            return
        except ssl.SSLWantWriteError:
            self.listen(write=True)
            return
        self.state = "sending"
        self._send()

    def _send(self) -> None:
        import ssl

        try:
            while self.outgoing:
                self.outgoing = self.outgoing[self.sock.send(self.outgoing):]
        except (BlockingIOError, ssl.SSLWantWriteError):
            self.listen(write=True)
            return
        except ssl.SSLWantReadError:
            self.listen(write=False)
            return
        self.state = "reading"
        self.listen(write=False)

    def _read(self) -> None:
        import ssl

        ended = False
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    ended = True
                    break
                self.received += chunk
                if self.tls is None and len(chunk) < 65536:
                    break
        except (BlockingIOError, ssl.SSLWantReadError):
            pass
        except ssl.SSLWantWriteError:
            self.listen(write=True)
            return
        assert self.request is not None
        response, taken = _head_of(bytes(self.received), self.request.send.method, ended)
        if response is not None:  # else its status line and headers are not all in yet
            self._answered(response, len(self.received) - taken, ended)

    def _answered(self, response: Any, extra: int, ended: bool) -> None:
        """The head of the answer is in (and ``extra`` bytes after it): the request goes
        on; the connection is kept once the rest of a small body is read, as _discard_body
        reads it, or closed (past BODY_CAP, an unknown length, the server closing it)."""
        self.received.clear()
        length = response.length
        if (response.status >= 200 and length is not None and length <= BODY_CAP
                and not response.will_close and not ended and extra <= length):
            self.response = response
            self.body_left = length - extra
            self.state = "draining"
            self._drained()
        else:
            self._give(response, keep=False)

    def expire(self) -> bool:
        """The request's deadline came while its body was read: it has its answer (the
        connection is dropped), as _send's does. False when it was not that far yet."""
        if self.state != "draining":
            return False
        self._give(self.response, keep=False)
        return True

    def _drain(self) -> None:
        import ssl

        try:
            while self.body_left >= 0:
                chunk = self.sock.recv(65536)
                if not chunk:
                    self._give(self.response, keep=False)
                    return
                self.body_left -= len(chunk)
        except (BlockingIOError, ssl.SSLWantReadError):
            pass
        except (OSError, ssl.SSLError):
            self._give(self.response, keep=False)
            return
        self._drained()

    def _drained(self) -> None:
        if self.body_left < 0:  # more than the body: it would be taken for the next answer
            self._give(self.response, keep=False)
        elif self.body_left == 0:
            self._give(self.response, keep=True)

    def _give(self, response: Any, keep: bool) -> None:
        """The request has its answer; the connection is kept for the next (if there is
        room) or closed."""
        request = self.request
        assert request is not None
        self.request = self.response = None
        request.connection = None
        self.state = "idle"
        if not (keep and self.loop._keep(self)):
            self.close()
        self.loop._answered(request, response)

    def _drop_idle(self) -> None:
        self.close()
        idle = self.loop._idle.get(self.key, [])
        if self in idle:
            idle.remove(self)


class _Unfinished(Exception):
    """An answer's status line and headers are not all in yet."""


class _Received:
    """The bytes of an answer received so far, read the way http.client's response reads
    its connection; raises _Unfinished where it would have to wait for more."""

    def __init__(self, data: bytes, ended: bool):
        self.data = data
        self.ended = ended  # the server closed the connection after them
        self.at = 0

    def makefile(self, mode: str) -> _Received:
        return self

    def readline(self, limit: int = -1) -> bytes:
        end = self.data.find(b"\n", self.at)
        stop = len(self.data) if end < 0 else end + 1
        if 0 <= limit < stop - self.at:
            stop = self.at + limit
        elif end < 0 and not self.ended:
            raise _Unfinished
        line = self.data[self.at:stop]
        self.at = stop
        return line

    def close(self) -> None:
        pass


def _head_of(data: bytes, method: str, ended: bool) -> tuple[Any, int]:
    """http.client's response to ``method`` (_FinalResponse), its status line and headers
    read from ``data``, and the bytes they took; (None, 0) while they are not all in.
    Raises http.client's errors as reading them from a connection does."""
    import http.client

    received = _Received(data, ended)
    response = _final_response()(received, method=method)
    try:
        response.begin()
    except _Unfinished:
        if len(data) > MAX_HEAD:
            raise http.client.HTTPException(f"an answer's head over {MAX_HEAD} bytes") from None
        return None, 0
    return response, received.at


# --------------------------------------------------------------------------- checking one URL


@dataclass(frozen=True)
class _Send:
    """A step (see _Checker.run): send one request, as _Checker._send does; its reply is
    the _Answer, or the error it raised is thrown in."""

    method: str
    url: str
    parts: Any  # urlsplit(url)
    host: str
    deadline: float  # a time.monotonic() value


@dataclass(frozen=True)
class _Vet:
    """A step: vet ``host`` (_Checker._vet), which may resolve it; raises _Failure."""

    host: str
    port: int


@dataclass(frozen=True)
class _Wait:
    """A step: wait ``seconds`` before trying again."""

    seconds: float


_Steps = Generator[Any, Any, Any]  # a generator of _Send, _Vet and _Wait (see _Checker.run)


@dataclass
class _Answer:
    status: int
    reason: str
    location: str | None
    sets_cookie: bool
    retry_after: str | None
    content_type: str = ""
    body: bytes | None = None  # when the checker keeps bodies: the body, or None past the cap


class _Failure(Exception):
    """A hop failed for good; ``phrase`` completes "URL ..." (e.g. "answered 404 Not Found")."""

    def __init__(self, kind: str, phrase: Phrase):
        super().__init__(phrase)
        self.kind = kind
        self.phrase = phrase


class _Checker:
    """Checks URLs from many threads at once; owns the session, the vetted addresses and
    the per-host slots of one run."""

    def __init__(self, settings: UrlSettings, body_cap: int = 0):
        load_network()
        self.settings = settings
        self.body_cap = body_cap  # > 0: GET only, and keep bodies of at most this many bytes
        self.allowed_networks = tuple(
            ipaddress.ip_network(n, strict=False) for n in settings.allowed_networks
        )
        self.requests_sent = 0
        self.run_deadline = time.monotonic() + settings.deadline
        self._budget = settings.url_budget()
        # the headers every request sends (a cookie comes on top), checked once
        self._headers = {"User-Agent": settings.user_agent, "Accept": "*/*"}
        if body_cap:
            self._headers["Accept-Encoding"] = "gzip, deflate"  # undone by _read_body, capped
        self._watchdog = _Watchdog()
        self.pins: dict[str, str] = {}  # host -> vetted address; the only addresses connected to
        self._refusals: dict[str, _Failure] = {}  # host -> why it is not connected to
        self._head_refused: set[str] = set()  # hosts that answer GET but not HEAD
        self._timeouts: dict[str, int] = {}  # host -> requests timed out in a row
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._host_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self._connections = _Connections(settings.per_host, self.pins, self._watchdog)
        self._cookies: Any = None  # an http.cookiejar.CookieJar once a server sets a cookie

    def close(self) -> None:
        self._connections.close()
        self._watchdog.stop()

    def check(self, url: str) -> UrlResult:
        """Follow ``url``'s redirects, vetting each hop, and say what it came to, within
        the URL's budget and the run's deadline."""
        return self.run(self.follow(url))[0]

    def fetch(self, url: str) -> Fetched:
        """``url``'s body through the same redirects, policy and deadlines as check()."""
        result, answer, current = self.run(self.follow(url))
        if result.kind not in ("ok", "redirected") or answer is None:
            return Fetched(url, result.kind, result.message, current,
                           answer.status if answer else None)
        if answer.status >= 300:  # a status the configuration accepts, with no page to read
            return Fetched(url, "broken", Phrase("url.answered-page", status=answer.status,
                                                 reason=answer.reason),
                           current, answer.status, answer.content_type)
        if answer.body is None:
            return Fetched(url, "too-large", Phrase("url.body-too-large", limit=self.body_cap),
                           current, answer.status, answer.content_type)
        return Fetched(url, "ok", "", current, answer.status, answer.content_type, answer.body)

    def run(self, steps: _Steps) -> Any:
        """What ``steps`` (follow()) come to, each step taken here, blocking: a _Send
        sent by _send, a _Vet by _vet, a _Wait slept. (_Loop takes the same steps for
        many URLs at once, on non-blocking sockets.)"""
        reply: Any = None
        error: Exception | None = None
        while True:
            try:
                step = steps.send(reply) if error is None else steps.throw(error)
            except StopIteration as stop:
                return stop.value
            reply = error = None
            try:
                if isinstance(step, _Send):
                    reply = self._send(step.method, step.url, step.parts, step.host,
                                       step.deadline)
                elif isinstance(step, _Vet):
                    self.vet(step.host, step.port)
                else:
                    time.sleep(step.seconds)
            except Exception as failure:  # noqa: BLE001 - thrown into the steps, as raised
                error = failure

    def follow(self, url: str) -> Generator[Any, Any, tuple[UrlResult, _Answer | None, str]]:
        """The steps of checking ``url`` (see run()), which come to (what ``url`` came to,
        the last answer, the last URL asked)."""
        if time.monotonic() >= self.run_deadline:
            return self._unchecked(url), None, url
        deadline = min(time.monotonic() + self._budget, self.run_deadline)
        chain = [url]
        loop_guard = {url}
        cite_url = url  # the end of the leading run of permanent redirects
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            try:
                answer = yield from self._fetch(current, deadline)
            except _Failure as failure:
                if failure.kind == "timeout" and time.monotonic() >= self.run_deadline:
                    return self._unchecked(url), None, current
                message = _failure_message(failure, url, current)
                return UrlResult(failure.kind, message), None, current
            if answer.location is None:
                if self._is_ok(answer.status):
                    if cite_url == url:
                        return OK, answer, current
                    return (UrlResult("redirected", _redirect_message(cite_url), cite_url),
                            answer, current)
                return UrlResult(
                    "broken",
                    Phrase("url.answered", status=answer.status, reason=answer.reason,
                           after=_after(url, current), url=url),
                ), answer, current
            target = urldefrag(urljoin(current, answer.location)).url
            problem = url_problem(target)
            if problem is not None:
                return UrlResult(
                    "broken",
                    Phrase("url.bad-redirect", target=target, problem=problem, url=url),
                ), None, current
            if answer.status in (301, 308) and cite_url == current:
                cite_url = target
            if answer.sets_cookie:
                loop_guard.clear()  # a cookie set on the way may end what looks like a loop
            if target in loop_guard:
                loop = chain[chain.index(target) :] + [target]
                return UrlResult("broken", Phrase("url.loop", chain=" → ".join(loop))), \
                    None, current
            loop_guard.add(target)
            chain.append(target)
            current = target
        return UrlResult(
            "broken", Phrase("url.too-many-redirects", count=MAX_REDIRECTS, last=current, url=url)
        ), None, current

    def _is_ok(self, status: int) -> bool:
        return 200 <= status < 300 or status in self.settings.accept_status

    def _unchecked(self, url: str) -> UrlResult:
        return UrlResult(
            "unchecked", Phrase("url.unchecked", deadline=f"{self.settings.deadline:g}", url=url)
        )

    def _fetch(self, url: str, deadline: float) -> _Steps:
        """One hop: vet the host, then ask, retrying what may pass before ``deadline``
        (a time.monotonic() value); raises _Failure."""
        parts = urlsplit(url)
        host = _pin_key(parts.hostname or "")
        if host not in self.pins:  # vetted already (a pin is never taken back)
            yield _Vet(host, parts.port or (443 if parts.scheme == "https" else 80))
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            answer, failure, wait = yield from self._attempt(url, parts, host, deadline, attempt)
            if answer is not None:
                return answer
            assert failure is not None
            tried = _tries(attempt + 1)
            if wait is None or attempt == attempts - 1 or time.monotonic() + wait >= deadline:
                raise _Failure(failure.kind, failure.phrase.but(tries=tried))
            yield _Wait(max(0.0, wait))
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _attempt(
        self, url: str, parts: Any, host: str, deadline: float, attempt: int
    ) -> Generator[Any, Any, tuple[_Answer | None, _Failure | None, float | None]]:
        """One attempt: (answer, None, None), or (None, failure, seconds to wait before
        trying again or None when trying again cannot help). A failure's phrase may hold
        a ``tries`` argument, filled in with the attempts made."""
        import http.client
        given_up = self._given_up(host)
        if given_up is not None:
            return None, given_up, None
        backoff = min(self.settings.backoff * 2**attempt, MAX_BACKOFF)
        try:
            answer = yield from self._ask(url, parts, host, deadline)
        except TimeoutError:
            self._count_timeout(host)
            phrase = Phrase("url.no-answer", seconds=f"{self.settings.timeout:g}", tries="")
            return None, _Failure("timeout", phrase), backoff
        except (http.client.HTTPException, OSError, ValueError) as error:
            phrase, retryable = _describe_connection_error(error)
            if not retryable:
                return None, _Failure("broken", phrase), None
            return None, _Failure("broken", phrase.but(tries="")), backoff
        if self._timeouts.get(host):
            with self._lock:
                self._timeouts[host] = 0
        if answer.status == 429:
            wait = _retry_after_seconds(answer.retry_after)
            if wait is not None and wait > RETRY_AFTER_CAP:
                phrase = Phrase("url.rate-limited-wait", seconds=f"{wait:.0f}")
                return None, _Failure("rate-limited", phrase), None
            phrase = Phrase("url.rate-limited", tries="")
            return None, _Failure("rate-limited", phrase), backoff if wait is None else wait
        if answer.status >= 500 and not self._is_ok(answer.status):
            phrase = Phrase("url.status", status=answer.status, reason=answer.reason, tries="")
            return None, _Failure("broken", phrase), backoff
        return answer, None, None

    def _count_timeout(self, host: str) -> None:
        with self._lock:
            self._timeouts[host] = self._timeouts.get(host, 0) + 1

    def _given_up(self, host: str) -> _Failure | None:
        """Why ``host`` is not tried again: its requests kept timing out in this run."""
        count = self._timeouts.get(host, 0)  # one read of a dict: no lock needed
        if count < HOST_TIMEOUT_LIMIT:
            return None
        return _Failure("timeout", Phrase("url.given-up", host=host, count=count))

    def _ask(self, url: str, parts: Any, host: str, deadline: float) -> _Steps:
        """HEAD, or GET when the server refuses HEAD (405, 501, 403, ... on HEAD only);
        GET only when bodies are kept."""
        if host not in self._head_refused and not self.body_cap:
            answer = yield _Send("HEAD", url, parts, host, deadline)
            if answer.status < 400 or answer.status == 429 or self._is_ok(answer.status):
                return answer
            answer = yield _Send("GET", url, parts, host, deadline)
            if answer.status < 400:
                self._head_refused.add(host)
            return answer
        return (yield _Send("GET", url, parts, host, deadline))

    def _send(self, method: str, url: str, parts: Any, host: str, deadline: float) -> _Answer:
        """One request on a kept-alive connection to the host's vetted address, finished
        (connection, status line, headers, body) within ``timeout`` and before
        ``deadline``: the watchdog cuts the connection when that time comes, however slowly
        the server keeps sending. Raises TimeoutError when it does. ``parts``: urlsplit(url)."""
        import http.client
        port = parts.port or (443 if parts.scheme == "https" else 80)
        headers = self.request_headers(url)
        with self._slot(host):
            ends = min(time.monotonic() + self.settings.timeout, deadline)
            left = ends - time.monotonic()
            if left <= 0:
                raise TimeoutError("no time left for this request")
            with self._watchdog.guard(ends) as guard:
                try:
                    connection, response = self._exchange(method, parts, host, port, headers, left)
                except (http.client.HTTPException, OSError) as error:
                    if guard.expired:
                        raise TimeoutError("the request's deadline passed") from error
                    raise
                if guard.expired:  # cut in the headers, which then read as complete
                    connection.close()
                    raise TimeoutError("the request's deadline passed")
                answer = self.answer_of(url, response)
                if not (self.body_cap and method == "GET" and response.status < 300):
                    self._connections.finish(parts.scheme, host, port, connection, response)
                    return answer
                try:
                    body = _read_body(response, self.body_cap)
                except (http.client.HTTPException, OSError, ValueError) as error:
                    connection.close()
                    if guard.expired:
                        raise TimeoutError("the request's deadline passed") from error
                    raise
                if guard.expired:  # cut in the body, which then reads as ended
                    connection.close()
                    raise TimeoutError("the request's deadline passed")
                if body is None:  # past the cap: the rest is never downloaded
                    connection.close()
                else:
                    self._connections.finish(parts.scheme, host, port, connection, response)
                return replace(answer, body=body)

    def _exchange(
        self,
        method: str,
        parts: Any,
        host: str,
        port: int,
        headers: Mapping[str, str],
        timeout: float,
    ) -> tuple[_PinnedConnection, http.client.HTTPResponse]:
        """Send the request and read the status line and headers, on a kept-alive
        connection when there is one; a kept-alive connection the server closed meanwhile
        is replaced by a new one, once."""
        import http.client
        target = _request_target(parts)
        for fresh in (False, True):
            connection, reused = self._connections.take(
                parts.scheme, host, port, timeout, fresh=fresh
            )
            self.count_request()
            try:
                return connection, connection.exchange(method, target, headers)
            except (http.client.HTTPException, OSError) as error:
                connection.close()
                stale = isinstance(
                    error, (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected)
                )
                if not (reused and stale) or _guarded.guard.expired:
                    raise
        raise AssertionError("unreachable: a fresh connection returns or raises")

    def request_headers(self, url: str) -> Mapping[str, str]:
        """The headers of a request for ``url``: the run's, and the cookies set for it."""
        cookie = self._cookie_header(url)
        return {**self._headers, "Cookie": cookie} if cookie else self._headers

    def answer_of(self, url: str, response: http.client.HTTPResponse) -> _Answer:
        """What the answer to ``url`` (its status line and headers read) says; keeps the
        cookies it sets."""
        if "set-cookie" in response.msg:
            self._store_cookies(url, response)
        return _Answer(
            status=response.status,
            reason=_reason_phrase(response.status, response.reason),
            location=_redirect_target(response),
            sets_cookie="set-cookie" in response.msg,
            retry_after=response.getheader("retry-after"),
            content_type=response.getheader("content-type", ""),
        )

    def count_request(self) -> None:
        with self._lock:
            self.requests_sent += 1

    def _cookie_header(self, url: str) -> str | None:
        if self._cookies is None or not len(self._cookies):
            return None
        import urllib.request

        request = urllib.request.Request(url)
        self._cookies.add_cookie_header(request)
        return request.get_header("Cookie")

    def _store_cookies(self, url: str, response: http.client.HTTPResponse) -> None:
        import http.cookiejar
        import urllib.request

        with self._lock:
            if self._cookies is None:
                self._cookies = http.cookiejar.CookieJar()
        self._cookies.extract_cookies(response, urllib.request.Request(url))

    def _slot(self, host: str) -> threading.BoundedSemaphore:
        """One of ``host``'s per-host slots, to hold (``with``) while a request is out."""
        slots = self._slots.get(host)
        if slots is None:
            with self._lock:
                limit = threading.BoundedSemaphore(self.settings.per_host)
                slots = self._slots.setdefault(host, limit)
        return slots

    def refusal(self, host: str) -> _Failure | None:
        """Why ``host`` is not connected to, when vetting it failed."""
        return self._refusals.get(host)

    def tls_context(self) -> Any:
        return self._connections.tls_context()

    def vet(self, host: str, port: int) -> None:
        """Resolve ``host`` once per run and pin the address, or raise _Failure."""
        if host in self.pins:  # vetted already (a pin is never taken back)
            return
        with self._lock:
            host_lock = self._host_locks.setdefault(host, threading.Lock())
        with host_lock:
            if host in self._refusals:
                raise self._refusals[host]
            if host in self.pins:
                return
            try:
                self.pins[host] = self._vetted_address(host, port)
            except _Failure as failure:
                self._refusals[host] = failure
                raise

    def _vetted_address(self, host: str, port: int) -> str:
        import socket
        literal = _ip_literal(host)
        if literal is not None:
            addresses = [literal]
        else:
            try:
                infos = _resolve(host, port, self.settings.timeout)
            except TimeoutError:
                raise _Failure(
                    "timeout",
                    Phrase("url.resolve-timeout", host=host, seconds=f"{self.settings.timeout:g}"),
                ) from None
            except (socket.gaierror, UnicodeError) as error:
                why = getattr(error, "strerror", None) or str(error)
                raise _Failure("broken", Phrase("url.unresolved", host=host, why=why)) from None
            # IPv4 first: hosts without IPv6 connectivity are the common case.
            addresses = sorted(dict.fromkeys(info[4][0] for info in infos), key=lambda a: ":" in a)
        if not self.settings.allow_private:
            for address in addresses:
                reason = blocked_address_reason(address, self.allowed_networks)
                if reason is not None:
                    raise _Failure("blocked", Phrase(
                        "url.host-is" if literal is not None else "url.host-resolves",
                        host=host, address=address, reason=reason))
        if not addresses:
            raise _Failure("broken", Phrase("url.no-address", host=host))
        return addresses[0]


def load_network() -> None:
    """Load what sending requests needs: http.client (the email parser with it), socket,
    select, heapq and the IDNA codec, which the functions here import where they use
    them. A process that only reads settings or the cache never loads them; a standby
    child loads them before its first URL comes."""
    import encodings.idna  # noqa: F401 - socket encodes the host of a connection with it
    import heapq  # noqa: F401
    import select  # noqa: F401
    import socket  # noqa: F401

    _final_response()  # http.client, and the response class made from it


def _resolve(host: str, port: int, timeout: float) -> list[Any]:
    """socket.getaddrinfo within ``timeout`` seconds: it has no deadline of its own, and a
    slow name server would otherwise hold every URL of the host. It runs in a daemon
    thread, left behind (to end on its own) when the time is up; raises TimeoutError."""
    import socket
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def look_up() -> None:
        try:
            outcome["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except BaseException as error:  # noqa: BLE001 - handed to the waiting thread
            outcome["error"] = error
        finally:
            done.set()

    threading.Thread(target=look_up, name="factlint-dns", daemon=True).start()
    if not done.wait(timeout):
        raise TimeoutError(f"{host} not resolved within {timeout:g} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["infos"]


def _ip_literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.split("%", 1)[0]))
    except ValueError:
        return None


def _tries(attempts: int) -> Phrase | str:
    return Phrase("url.tries", count=attempts) if attempts > 1 else ""


def _after(url: str, current: str) -> Phrase | str:
    return "" if current == url else Phrase("url.after-redirect", url=current)


def _failure_message(failure: _Failure, url: str, current: str) -> Phrase:
    if failure.kind == "blocked":
        if current == url:
            return Phrase("url.blocked", phrase=failure.phrase)
        return Phrase("url.blocked-after-redirect", current=current, phrase=failure.phrase)
    return Phrase("url.failed", phrase=failure.phrase, after=_after(url, current), url=url)


def _redirect_message(final_url: str) -> Phrase:
    return Phrase("url.redirected", url=final_url)


def _reason_phrase(status: int, given: str | None) -> str:
    phrase = _phrases().get(status)
    return phrase if phrase is not None else given or "(unknown status)"


@lru_cache(maxsize=1)
def _phrases() -> dict[int, str]:
    import http

    return {status.value: status.phrase for status in http.HTTPStatus}


def _retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or HTTP-date), or None."""
    if not value:
        return None
    value = value.strip()
    if _DELAY_SECONDS.fullmatch(value):
        return float(value)
    import email.utils  # only for a Retry-After given as a date

    try:
        when = email.utils.parsedate_to_datetime(value)
        seconds = when.timestamp() - time.time()
    except (TypeError, ValueError, IndexError, OverflowError):  # not a date: as if absent
        return None
    return max(0.0, seconds)


_DELAY_SECONDS = re.compile(r"[0-9]{1,9}")  # ASCII digits only: "²".isdigit() is true


def _describe_connection_error(error: BaseException) -> tuple[str, bool]:
    """A phrase for a failed connection, and whether trying again may help."""
    import http.client
    causes = list(_causes(error))
    for cause in causes:
        if isinstance(cause, ConnectionRefusedError):
            return Phrase("url.refused"), False
    import ssl

    for cause in causes:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return Phrase("url.tls-check", why=str(cause.verify_message or cause.reason)), False
        if isinstance(cause, ssl.SSLError):
            return Phrase("url.tls-handshake", why=str(cause.reason or cause)), False
    for cause in causes:
        if isinstance(cause, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)):
            return Phrase("url.dropped", tries=""), True
        if isinstance(cause, http.client.HTTPException):  # a garbled or broken-off answer
            return Phrase("url.dropped", tries=""), True
    for cause in causes:
        if isinstance(cause, OSError) and cause.strerror:
            return Phrase("url.unreachable", why=cause.strerror), False
    return Phrase("url.unreachable", why=str(error)), False


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error and everything it wraps: __cause__, __context__, urllib3's .reason, args."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        wrapped = [current.__cause__, current.__context__, getattr(current, "reason", None)]
        wrapped += list(current.args)
        pending.extend(item for item in wrapped if isinstance(item, BaseException))


def _read_body(response: http.client.HTTPResponse, cap: int) -> bytes | None:
    """The whole body, gzip or deflate encoding undone, or None when it is larger than
    ``cap`` bytes (decoded): then the rest is not read, so neither a huge body nor a
    compression bomb is ever taken in whole. Runs under the request's deadline; raises
    ValueError for an encoding that cannot be undone."""
    encoding = (response.getheader("content-encoding") or "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip", "deflate"):
        raise ValueError(f"the body is in an unknown encoding ({encoding})")
    declared = response.getheader("content-length", "")
    if encoding == "identity" and declared.isdigit() and int(declared) > cap:
        return None
    decoder = zlib.decompressobj(32 + zlib.MAX_WBITS) if encoding != "identity" else None
    chunks = []
    size = 0
    while size <= cap:
        raw = response.read(65536)
        chunk = raw
        if decoder is not None:
            try:
                chunk = decoder.decompress(raw, cap + 1 - size) if raw else decoder.flush()
            except zlib.error as error:
                raise ValueError(f"its {encoding} body is corrupt ({error})") from None
        chunks.append(chunk)
        size += len(chunk)
        if not raw:
            return b"".join(chunks) if size <= cap else None
    return None


def _request_target(parts: Any) -> str:
    """The path and query to send, non-ASCII characters percent-encoded (as browsers do)."""
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return target if target.isascii() else quote(target, safe="!#$%&'()*+,/:;=?@[]~")


def _redirect_target(response: http.client.HTTPResponse) -> str | None:
    """The Location of a redirect (servers often send it as UTF-8 bytes), else None."""
    location = response.getheader("location")
    if location is None or response.status not in (301, 302, 303, 307, 308):
        return None
    try:
        return location.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return location


def _discard_body(response: http.client.HTTPResponse) -> bool:
    """Read at most BODY_CAP bytes of the body; True when it was read to its end, so that
    the connection can be reused. A larger body is left unread (the connection is then
    dropped), so a huge or endless body is never downloaded."""
    declared = response.getheader("content-length", "")
    if declared.isdigit() and int(declared) > BODY_CAP:
        return False
    remaining = BODY_CAP
    while remaining > 0:
        if not response.read(min(16384, remaining)):
            return True
        remaining -= 16384
    return response.isclosed()


# --------------------------------------------------------------------------- deadlines
#
# A socket timeout bounds each read, not a request: a server that sends one byte a second,
# or "100 Continue" for ever, never lets a read time out. So every request runs under a
# guard with a deadline, and the connection registers its socket with the guard of the
# thread using it; one watchdog thread shuts the sockets of guards whose deadline passed,
# which ends the blocked read at once. The request then fails, and _send reports it as a
# timeout because the guard says it expired.

_guarded = threading.local()  # .guard: the _Guard of the request this thread is sending


class _Guard:
    def __init__(self, deadline: float):
        self.deadline = deadline
        self.expired = False
        self.done = False
        self.sockets: list[socket.socket] = []


class _Watchdog:
    """One daemon thread that cuts the connections of requests past their deadline."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._guards: list[tuple[float, int, _Guard]] = []  # a heap by deadline
        self._thread: threading.Thread | None = None
        self._stopped = False

    @contextmanager
    def guard(self, deadline: float) -> Iterator[_Guard]:
        import heapq
        guard = _Guard(deadline)
        with self._condition:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="factlint-url-deadline", daemon=True
                )
                self._thread.start()
            heapq.heappush(self._guards, (deadline, id(guard), guard))
            if self._guards[0][2] is guard:  # else the watchdog wakes up earlier anyway
                self._condition.notify()
        _guarded.guard = guard
        try:
            yield guard
        finally:
            _guarded.guard = None
            with self._condition:
                guard.done = True
                guard.sockets.clear()

    def watch(self, sock: socket.socket | None) -> None:
        """Put ``sock`` under the deadline of this thread's request (if any)."""
        guard = getattr(_guarded, "guard", None)
        if guard is None or sock is None:
            return
        with self._condition:
            if guard.expired:
                _cut(sock)
            elif sock not in guard.sockets:
                guard.sockets.append(sock)

    def stop(self) -> None:
        with self._condition:
            self._stopped = True
            self._condition.notify()

    def _run(self) -> None:
        import heapq
        with self._condition:
            while not self._stopped:
                now = time.monotonic()
                while self._guards and (self._guards[0][2].done or self._guards[0][0] <= now):
                    _, _, guard = heapq.heappop(self._guards)
                    if not guard.done:
                        guard.expired = True
                        for sock in guard.sockets:
                            _cut(sock)
                wait = self._guards[0][0] - now if self._guards else None
                self._condition.wait(wait)


def _cut(sock: socket.socket) -> None:
    """Shut a connection down from another thread: a read blocked on it returns at once.
    socket.socket's own shutdown, because ssl.SSLSocket's would drop its TLS state
    under the reading thread."""
    import socket
    with suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


MAX_HEADERS = 100  # header lines of an answer, at most (as http.client)
MAX_LINE = 65536  # bytes of a status or header line, at most (as http.client)


class _Headers:
    """An answer's headers: names case-insensitive, each value of a repeated one kept; the
    part of http.client.HTTPMessage that http.client's response and http.cookiejar use,
    without the email parser (which cost more CPU than the rest of a request)."""

    def __init__(self, lines: Sequence[bytes]):
        self._values: dict[str, list[str]] = {}
        last: list[str] | None = None
        for raw in lines:
            line = raw.decode("iso-8859-1").rstrip("\r\n")
            if line[:1] in (" ", "\t") and last:  # an obsolete folded continuation
                last[-1] = f"{last[-1]} {line.strip()}"
                continue
            name, colon, value = line.partition(":")
            if colon and name.strip():
                last = self._values.setdefault(name.strip().lower(), [])
                last.append(value.strip())

    def get(self, name: str, default: Any = None) -> Any:
        values = self._values.get(name.lower())
        return values[0] if values else default

    def get_all(self, name: str, default: Any = None) -> Any:
        return list(self._values.get(name.lower(), ())) or default

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._values

    def items(self) -> list[tuple[str, str]]:
        return [(name, value) for name, values in self._values.items() for value in values]


@lru_cache(maxsize=1)
def _final_response() -> type:
    """The _FinalResponse class, made when the first answer is read: it extends
    http.client's response, and http.client (with the email parser it loads) is imported
    only by a process that checks URLs (see load_network)."""
    import http.client

    class _FinalResponse(http.client.HTTPResponse):
        """An http.client response (it reads the body: length, chunked, until close) whose
        status and headers are read here: every informational answer (100 Continue, 102
        Processing, 103 Early Hints...) is skipped before the final one (http.client skips
        only 100), and the headers are split without the email parser. 101 Switching
        Protocols is final. The deadline bounds an endless stream of answers or headers."""

        def begin(self) -> None:
            """http.client.HTTPResponse.begin, with _Headers."""
            if self.headers is not None:
                return
            version, status, reason = self._read_status()
            self.code = self.status = status
            self.reason = reason.strip()
            if version in ("HTTP/1.0", "HTTP/0.9"):
                self.version = 10
            elif version.startswith("HTTP/1."):
                self.version = 11
            else:
                raise http.client.UnknownProtocol(version)
            self.headers = self.msg = _Headers(_header_lines(self.fp))  # type: ignore[assignment]
            self.chunked = (self.headers.get("transfer-encoding") or "").lower() == "chunked"
            self.chunk_left = None
            self.will_close = self._check_close()
            self.length = None
            length = self.headers.get("content-length")
            if length and not self.chunked and length.isdigit():
                self.length = int(length)
            if status in (204, 304) or 100 <= status < 200 or self._method == "HEAD":
                self.length = 0
            if not self.will_close and not self.chunked and self.length is None:
                self.will_close = True

        def _read_status(self) -> tuple[str, int, str]:
            for _ in range(MAX_INTERIM):
                version, status, reason = super()._read_status()
                if not 100 <= status < 200 or status == 101:
                    return version, status, reason
                self._skip_header_block()
            raise http.client.HTTPException(f"more than {MAX_INTERIM} informational answers")

        def _skip_header_block(self) -> None:
            _header_lines(self.fp)

        def _close_conn(self) -> None:
            """The answer is read: let go of the reader, which is the connection's (it stays
            open for the next answer; the connection closes it)."""
            self.fp = None

    return _FinalResponse


def _header_lines(fp: Any) -> list[bytes]:
    """The header lines up to the blank line that ends them; raises http.client's errors
    for a line over MAX_LINE bytes or more than MAX_HEADERS lines."""
    import http.client
    lines = []
    while True:
        line = fp.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            raise http.client.LineTooLong("header line")
        if line in (b"\r\n", b"\n", b""):
            return lines
        lines.append(line)
        if len(lines) > MAX_HEADERS:
            raise http.client.HTTPException(f"got more than {MAX_HEADERS} headers")


# --------------------------------------------------------------------------- pinned connections


class _PinnedConnection:
    """A kept-alive connection to ``address`` — the host's vetted address — instead of
    resolving the host again; the Host header still names the host. Over TLS the
    certificate is checked against the host name, which is also sent as SNI. The socket
    (the TLS one before its handshake) is put under the watchdog's deadline of the request
    using it, so that no server can stretch a request, however slowly it sends.

    A request goes out in one write; http.client's response (_FinalResponse) reads the
    answer through the connection's one buffered reader (a new one per answer costs more
    CPU than the rest of the answer). http.client's own connection is not used: its
    request and header machinery cost more CPU than the rest of a request."""

    def __init__(self, host: str, port: int, address: str, timeout: float, watchdog: _Watchdog,
                 context: Any = None):
        self.host = host
        self.port = port
        self.address = address
        self.timeout = timeout
        self.watchdog = watchdog
        self.context = context  # an ssl.SSLContext for https
        self.sock: socket.socket | None = None
        self.reader: Any = None  # the socket's buffered reader, made once per connection
        self.host_header = _host_header(host, port, context is not None)

    def connect(self) -> None:
        import socket
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = sock
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.watchdog.watch(sock)
        if self.context is not None:
            # Wrapping detaches the plain socket: the TLS one is put under the deadline
            # before the handshake, so that a server trickling it cannot stretch the request.
            self.sock = self.context.wrap_socket(
                sock, server_hostname=self.host, do_handshake_on_connect=False
            )
            self.watchdog.watch(self.sock)
            self.sock.do_handshake()
        self.reader = self.sock.makefile("rb")

    def makefile(self, mode: str) -> Any:
        """The connection's reader, which http.client's response asks for (``mode`` "rb")."""
        return self.reader

    def answered_whole(self) -> bool:
        """Whether the server sent nothing past the answer just read (a body to a HEAD,
        a second answer...), which would be taken for the next answer: the reader holds
        nothing more, nor does the socket. Leaves the socket non-blocking (take() sets
        the next request's timeout)."""
        if self.sock is None:
            return False
        try:
            self.sock.settimeout(0)
            return not self.reader.peek(1)
        except OSError as error:  # over TLS: no full record waiting, only a part or none
            return self.context is not None and isinstance(error, _want_read())

    def exchange(self, method: str, target: str, headers: Mapping[str, str]) -> Any:
        """Send the request; the answer with its status line and headers read."""
        request = _request_bytes(method, target, self.host_header, headers)
        if self.sock is None:
            self.connect()
        assert self.sock is not None
        self.sock.sendall(request)
        response = _final_response()(self, method=method)
        try:
            response.begin()
        except BaseException:
            response.close()
            raise
        return response

    def close(self) -> None:
        sock, self.sock = self.sock, None
        reader, self.reader = self.reader, None
        if reader is not None:
            with suppress(OSError):
                reader.close()
        if sock is not None:
            sock.close()




def _host_header(host: str, port: int, tls: bool) -> str:
    name = f"[{host}]" if ":" in host else host
    return name if port == (443 if tls else 80) else f"{name}:{port}"


def _request_bytes(method: str, target: str, host_header: str,
                   headers: Mapping[str, str]) -> bytes:
    """The request, in one piece; raises ValueError for a control character in it."""
    if any(_CONTROL.search(part) for part in (target, *headers.values())):
        raise ValueError("a request line or header holds a control character")
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host_header}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class _Connections:
    """The run's kept-alive connections, by (scheme, host, port); each goes to the host's
    vetted address in ``pins``. The per-host slots bound how many exist per host."""

    def __init__(self, per_host: int, pins: Mapping[str, str], watchdog: _Watchdog):
        self.per_host = per_host
        self.pins = pins
        self.watchdog = watchdog
        self._idle: dict[tuple[str, str, int], list[_PinnedConnection]] = {}
        self._lock = threading.Lock()
        self._tls: Any = None

    def take(
        self, scheme: str, host: str, port: int, timeout: float, fresh: bool = False
    ) -> tuple[_PinnedConnection, bool]:
        """A connection for one request, and whether it was kept alive from an earlier one."""
        if not fresh:
            with self._lock:
                idle = self._idle.get((scheme, host, port), [])
                connection = idle.pop() if idle else None
            while connection is not None:
                if not _dropped(connection):
                    connection.sock.settimeout(timeout)
                    self.watchdog.watch(connection.sock)
                    return connection, True
                connection.close()
                with self._lock:
                    connection = idle.pop() if idle else None
        address = self.pins.get(host)
        if address is None:
            raise OSError(f"{host} was not vetted by the address policy")
        context = self.tls_context() if scheme == "https" else None
        return _PinnedConnection(host, port, address, timeout, self.watchdog, context), False

    def finish(
        self,
        scheme: str,
        host: str,
        port: int,
        connection: _PinnedConnection,
        response: http.client.HTTPResponse,
    ) -> None:
        """Discard the rest of the answer; keep the connection for the next request when
        the answer was read to its end and the server keeps it open."""
        try:
            reusable = (
                response.status >= 200  # never after 101 Switching Protocols
                and _discard_body(response)
                and not response.will_close
                and connection.answered_whole()
            )
        except Exception:  # noqa: BLE001 - the status is known; a failing body changes nothing
            reusable = False
        if not reusable or connection.sock is None:
            connection.close()
            return
        with self._lock:
            idle = self._idle.setdefault((scheme, host, port), [])
            if len(idle) < self.per_host:
                idle.append(connection)
                return
        connection.close()

    def close(self) -> None:
        with self._lock:
            connections = [c for idle in self._idle.values() for c in idle]
            self._idle.clear()
        for connection in connections:
            connection.close()

    def tls_context(self) -> Any:
        with self._lock:
            if self._tls is None:
                import ssl

                try:
                    import certifi  # the CA bundle requests and browsers-on-servers use

                    self._tls = ssl.create_default_context(cafile=certifi.where())
                except ImportError:
                    self._tls = ssl.create_default_context()
            return self._tls


def _want_read() -> type:
    import ssl  # loaded already: only TLS connections ask

    return ssl.SSLWantReadError


def _dropped(connection: Any) -> bool:
    """Whether an idle kept-alive connection was closed by the server (or sent something
    unasked): its socket reads as ready."""
    import select
    if connection.sock is None:
        return True
    try:
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(connection.sock, select.POLLIN)
            return bool(poller.poll(0))
        return bool(select.select([connection.sock], [], [], 0)[0])
    except (OSError, ValueError):
        return True


# --------------------------------------------------------------------------- cache


def default_cache_dir() -> str:
    """$XDG_CACHE_HOME/factlint, else ~/.cache/factlint (%LOCALAPPDATA%\\factlint on Windows)."""
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return os.path.join(os.environ["LOCALAPPDATA"], "factlint")
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "factlint")


class ResultCache:
    """``<cache_dir>/urls.json``: {"factlint_cache": 1, "urls": {url: {"kind", "final_url",
    "checked_at", "policy"}}}. Only successes and permanent redirects are kept: a failure
    may be passing, and is checked again next time. Results obtained while private
    addresses were allowed are not reused by a run that refuses them.

    The file survives anything: one that is corrupt, foreign or nested too deep reads as
    empty and is rebuilt; an entry dated in the future (a clock set back, a file copied
    from elsewhere) is not trusted; runs in parallel write under a lock
    (``urls.json.lock``), each merging its entries with what is on disk."""

    def __init__(self, settings: UrlSettings):
        self.path = os.path.join(settings.cache_dir or default_cache_dir(), CACHE_FILE)
        self.ttl = settings.cache_ttl
        self.policy = "private" if settings.allow_private or settings.allowed_networks else "public"

    def lookup(self, urls: Iterable[str]) -> dict[str, UrlResult]:
        entries = self._read()
        now = time.time()
        found = {}
        for url in urls:
            entry = entries.get(url)
            if entry and self._fresh(entry, now) and self._may_reuse(entry):
                found[url] = (
                    UrlResult(
                        "redirected", _redirect_message(entry["final_url"]), entry["final_url"]
                    )
                    if entry["kind"] == "redirected"
                    else OK
                )
        return found

    def _may_reuse(self, entry: Mapping[str, Any]) -> bool:
        return entry["policy"] == "public" or self.policy == "private"

    def _fresh(self, entry: Mapping[str, Any], now: float) -> bool:
        """Checked less than ttl ago, and not after now (give or take CLOCK_SKEW)."""
        return -CLOCK_SKEW <= now - entry["checked_at"] < self.ttl

    def store(self, results: Mapping[str, UrlResult]) -> None:
        now = time.time()
        new = {
            url: {
                "kind": result.kind,
                "final_url": result.final_url,
                "checked_at": now,
                "policy": self.policy,
            }
            for url, result in results.items()
            if result.kind in ("ok", "redirected")
        }
        if not new:
            return
        directory = os.path.dirname(self.path)
        try:
            os.makedirs(directory, exist_ok=True)
            with _file_lock(self.path + ".lock"):
                # Merge with what is on disk now, so that runs in parallel keep each
                # other's results; the lock keeps two merges from crossing.
                now = time.time()  # after the lock: entries just written are not "future"
                entries = {
                    url: entry for url, entry in self._read().items() if self._fresh(entry, now)
                }
                entries.update(new)
                import tempfile  # only when there is something to cache

                handle, temporary = tempfile.mkstemp(
                    prefix=".urls-", suffix=".json", dir=directory
                )
                try:
                    with os.fdopen(handle, "w", encoding="utf-8") as stream:
                        json.dump(
                            {"factlint_cache": CACHE_FORMAT, "urls": entries},
                            stream,
                            ensure_ascii=False,
                        )
                    os.replace(temporary, self.path)
                except BaseException:
                    os.unlink(temporary)
                    raise
        except OSError:
            pass  # a cache that cannot be written only costs time on the next run

    def _read(self) -> dict[str, dict[str, Any]]:
        """The valid entries on disk; a missing, corrupt or foreign file reads as empty.
        Read again only when the file changed (another inode, size or time): the language
        server looks URLs up at every keystroke."""
        try:
            status = os.stat(self.path)
        except OSError:
            return {}
        version = (status.st_ino, status.st_size, status.st_mtime_ns)
        kept = _READ.get(self.path)
        if kept is None or kept[0] != version:
            kept = _READ[self.path] = (version, self._parse())
        return kept[1]

    def _parse(self) -> dict[str, dict[str, Any]]:
        try:
            with open(self.path, encoding="utf-8") as stream:
                data = json.load(stream)
        except (OSError, ValueError, RecursionError):
            return {}
        if not isinstance(data, dict) or data.get("factlint_cache") != CACHE_FORMAT:
            return {}
        urls = data.get("urls")
        if not isinstance(urls, dict):
            return {}
        return {url: entry for url, entry in urls.items() if _valid_entry(entry)}


def _valid_entry(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and entry.get("kind") in ("ok", "redirected")
        and isinstance(entry.get("checked_at"), (int, float))
        and math.isfinite(entry["checked_at"])
        and entry.get("policy") in ("public", "private")
        and (entry["kind"] == "ok" or isinstance(entry.get("final_url"), str))
    )


CLOCK_SKEW = 60.0  # seconds a cache entry may seem to come from the future (parallel runs)
LOCK_WAIT = 10.0  # seconds to wait for another run's cache write before writing anyway


@contextmanager
def _file_lock(path: str) -> Iterator[None]:
    """An exclusive advisory lock on ``path`` (created if missing), where the system has
    them (fcntl); waits at most LOCK_WAIT seconds, so a stuck run cannot hold others."""
    try:
        import fcntl
    except ImportError:  # Windows: runs in parallel may drop each other's newest entries
        yield
        return
    with open(path, "a+b") as handle:
        give_up = time.monotonic() + LOCK_WAIT
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > give_up:
                    break
                time.sleep(0.02)
        try:
            yield
        finally:
            with suppress(OSError):
                fcntl.flock(handle, fcntl.LOCK_UN)


# --------------------------------------------------------------------------- progress


class _Progress:
    """``\\r[#######       ] 12/50 URLs`` on a terminal; nothing otherwise."""

    WIDTH = 30

    def __init__(self, total: int, stream: TextIO, enabled: bool):
        self.total = total
        self.stream = stream
        self.enabled = enabled and total > 0
        self.done = 0
        self._draw()

    def advance(self) -> None:
        self.done += 1
        self._draw()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self) -> None:
        if not self.enabled:
            return
        filled = self.WIDTH * self.done // self.total
        self.stream.write(
            f"\r[{'#' * filled}{' ' * (self.WIDTH - filled)}] {self.done}/{self.total} URLs"
        )
        self.stream.flush()


# --------------------------------------------------------------------------- archived copies


@dataclass(frozen=True)
class Archived:
    url: str
    timestamp: str  # YYYYMMDDhhmmss, as the archive gives it
    before: bool  # taken on or before the date asked for

    @property
    def date(self) -> str:
        t = self.timestamp
        return f"{t[0:4]}-{t[4:6]}-{t[6:8]}" if len(t) >= 8 else t


_ARCHIVE_ANSWER_CAP = 1 << 20
_TIMESTAMP = re.compile(r"[0-9]{8,14}")


def archived_copies(
    wanted: Mapping[str, str | None], endpoint: str, settings: UrlSettings
) -> dict[str, Archived]:
    """URL -> its archived copy closest before the date given (YYYY-MM-DD, or None for
    today), asked of ``endpoint``, which speaks the Wayback Machine's availability API
    (``GET endpoint?url=…&timestamp=YYYYMMDD&closest=before``), through the same fetcher
    and address policy as every other request. URLs without a copy are left out."""
    from urllib.parse import urlencode

    queries = {}
    for url, accessed in wanted.items():
        day = re.sub(r"[^0-9]", "", accessed or "")[:8] or time.strftime("%Y%m%d", time.gmtime())
        day = day.ljust(8, "0") if len(day) < 8 else day
        separator = "&" if "?" in endpoint else "?"
        query = f"{endpoint}{separator}{urlencode({'url': url, 'timestamp': day})}&closest=before"
        queries[query] = (url, day)
    fetched, _ = fetch_bodies(list(queries), settings, _ARCHIVE_ANSWER_CAP, progress=False)
    found = {}
    for query, (url, day) in queries.items():
        answer = fetched.get(query)
        copy = _closest_copy(answer.body) if answer is not None and answer.kind == "ok" else None
        if copy is not None:
            copy_url, stamp = copy
            found[url] = Archived(copy_url, stamp, stamp[:8] <= day)
    return found


def _closest_copy(body: bytes) -> tuple[str, str] | None:
    try:
        data = json.loads(body.decode("utf-8"))
        closest = data["archived_snapshots"]["closest"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None
    if not isinstance(closest, dict) or closest.get("available") is not True:
        return None
    copy_url, stamp = closest.get("url"), str(closest.get("timestamp", ""))
    status = str(closest.get("status", "200"))
    if (not isinstance(copy_url, str) or url_problem(copy_url) is not None
            or not _TIMESTAMP.fullmatch(stamp) or not status.startswith("2")):
        return None
    return copy_url, stamp
