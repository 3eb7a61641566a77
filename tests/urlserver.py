"""A real HTTP server on a loopback address, for the URL tests and the URL benchmark.

Routes are set per path; the server records what it was asked (method, path, Host and
User-Agent headers), how many requests were in flight at most, how many connections it
accepted and how many body bytes it really sent.
"""

from __future__ import annotations

import itertools
import socket
import ssl
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import BinaryIO


@dataclass(frozen=True)
class Response:
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b"ok\n"
    delay: float = 0.0  # seconds before answering
    stream_bytes: int = 0  # claim and stream this many body bytes instead of ``body``
    script: Callable[[BinaryIO], None] | None = None  # writes the raw answer itself (hostile)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    host: str
    user_agent: str


Responder = Callable[[Request], Response]


def answer(
    status: int = 200, *headers: tuple[str, str], body: bytes = b"ok\n", delay: float = 0.0
) -> Responder:
    response = Response(status, headers, body, delay)
    return lambda request: response


def redirect(status: int, location: str) -> Responder:
    return answer(status, ("Location", location), body=b"")


def in_turn(*responders: Responder) -> Responder:
    """The first responder for the first request, the next for the next...; the last one repeats."""
    lock = threading.Lock()
    calls = [0]

    def respond(request: Request) -> Response:
        with lock:
            index = min(calls[0], len(responders) - 1)
            calls[0] += 1
        return responders[index](request)

    return respond


def head_refused(responder: Responder) -> Responder:
    """405 Method Not Allowed to HEAD, ``responder`` to GET."""
    return lambda request: (
        Response(405, (("Allow", "GET"),), b"") if request.method == "HEAD" else responder(request)
    )


def endless_body(claimed: int = 1 << 30) -> Responder:
    return lambda request: Response(
        200, (("Content-Type", "application/octet-stream"),), stream_bytes=claimed
    )


# Hostile servers: each writes raw bytes with pauses, for as long as the client listens
# (at most HOSTILE_FOR seconds, so that a test that fails does not leave threads for ever).
HOSTILE_FOR = 60.0


def _raw(pieces: Callable[[], Iterable[tuple[bytes, float]]]) -> Responder:
    """A responder that writes each (bytes, pause) of ``pieces()`` in turn."""

    def script(stream: BinaryIO) -> None:
        stop = time.monotonic() + HOSTILE_FOR
        for data, pause in pieces():
            if time.monotonic() > stop:
                return
            stream.write(data)
            stream.flush()
            time.sleep(pause)

    response = Response(script=script)
    return lambda request: response


_OK_ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"


def raw_answer(head: bytes, body: bytes = b"", forever: bool = False) -> Responder:
    """``head`` as written, then ``body`` (again and again with ``forever``, for as long as
    the client reads: a body whose length is not declared)."""
    def pieces() -> Iterator[tuple[bytes, float]]:
        yield head, 0.0
        yield from itertools.repeat((body, 0.0)) if forever else [(body, 0.0)]

    return _raw(pieces)


def drip(interval: float = 1.0) -> Responder:
    """A whole answer (status line, headers, an endless body) one byte per ``interval``."""

    def pieces() -> Iterator[tuple[bytes, float]]:
        head = b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n"
        for byte in head:
            yield bytes([byte]), interval
        while True:
            yield b"x", interval

    return _raw(pieces)


def continue_flood(interval: float = 0.2) -> Responder:
    """``100 Continue`` after ``100 Continue``, never a final answer."""
    return _raw(lambda: itertools.repeat((b"HTTP/1.1 100 Continue\r\n\r\n", interval)))


def slow_headers(interval: float = 0.5) -> Responder:
    """A status line, then one more header line every ``interval``, never the blank line."""

    def pieces() -> Iterator[tuple[bytes, float]]:
        yield b"HTTP/1.1 200 OK\r\n", interval
        for number in itertools.count():
            yield f"X-Slow-{number}: still coming\r\n".encode(), interval

    return _raw(pieces)


def interim_then(*statuses: int, final: bytes = _OK_ANSWER) -> Responder:
    """Informational answers (103 Early Hints, 102 Processing...), then ``final``."""

    def pieces() -> Iterator[tuple[bytes, float]]:
        for status in statuses:
            phrase = {102: "Processing", 103: "Early Hints"}.get(status, "Informational")
            yield (f"HTTP/1.1 {status} {phrase}\r\nLink: </style.css>; rel=preload\r\n\r\n"
                   .encode()), 0.0
        yield final, 0.0

    return _raw(pieces)


@dataclass
class LoopbackServer:
    host: str = "127.0.0.1"
    port: int = 0
    routes: dict[str, Responder] = field(default_factory=dict)
    fallback: Responder = field(default_factory=lambda: answer(404, body=b"not found\n"))
    requests: list[Request] = field(default_factory=list)
    connections: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    body_bytes_sent: int = 0
    tls: tuple[str, str] | None = None  # (certificate file, key file): serve https

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        server_class = _Server6 if ":" in self.host else _Server
        self._httpd = server_class((self.host, self.port), _handler_for(self))
        self.port = self._httpd.server_address[1]
        if self.tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.tls)
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str) -> str:
        scheme = "https" if self.tls else "http"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self.port}{path}"

    def route(self, path: str, responder: Responder) -> str:
        self.routes[path] = responder
        return self.url(path)

    def hits(self, path: str, method: str | None = None) -> int:
        return sum(1 for r in self.requests if r.path == path and method in (None, r.method))

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _respond(self, request: Request) -> Response:
        with self._lock:
            self.requests.append(request)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        return self.routes.get(request.path, self.fallback)(request)

    def _done(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _count_connection(self) -> None:
        with self._lock:
            self.connections += 1

    def _count_body(self, size: int) -> None:
        with self._lock:
            self.body_bytes_sent += size


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the benchmark's comparators open many connections at once

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], OSError):  # clients hanging up are expected
            super().handle_error(request, client_address)


class _Server6(_Server):
    address_family = socket.AF_INET6


def _handler_for(server: LoopbackServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, so that connection reuse shows

        def setup(self) -> None:
            super().setup()
            server._count_connection()

        def do_HEAD(self) -> None:
            self._handle()

        def do_GET(self) -> None:
            self._handle()

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _handle(self) -> None:
            request = Request(
                self.command,
                self.path,
                self.headers.get("Host", ""),
                self.headers.get("User-Agent", ""),
            )
            response = server._respond(request)
            try:
                if response.script is not None:
                    self.close_connection = True
                    response.script(self.wfile)
                    return
                if response.delay:
                    time.sleep(response.delay)
                self._write(response)
            except OSError:
                self.close_connection = True  # the client went away, as it should for huge bodies
            finally:
                server._done()

        def _write(self, response: Response) -> None:
            self.send_response(response.status)
            for name, value in response.headers:
                self.send_header(name, value)
            size = response.stream_bytes or len(response.body)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            if self.command == "HEAD":
                return
            if not response.stream_bytes:
                self.wfile.write(response.body)
                server._count_body(len(response.body))
                return
            # A small send buffer, so that "bytes sent" is close to "bytes the client took".
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384)
            self.connection.settimeout(10)
            chunk = b"\0" * 16384
            sent = 0
            while sent < response.stream_bytes:
                self.wfile.write(chunk)
                sent += len(chunk)
                server._count_body(len(chunk))

    return Handler


@contextmanager
def dripping_tls(interval: float = 0.2) -> Iterator[int]:
    """A loopback port that accepts TCP connections and answers each with the start of a
    TLS handshake (a ServerHello record header claiming 16 KB), one byte per ``interval``,
    for at most HOSTILE_FOR seconds: every read gets a byte in time, so only a deadline on
    the whole request ends it. Yields the port."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def drip_to(connection: socket.socket) -> None:
        with connection:
            ends = time.monotonic() + HOSTILE_FOR
            for byte in itertools.chain(b"\x16\x03\x03\x40\x00\x02", itertools.repeat(0)):
                if stop.is_set() or time.monotonic() > ends:
                    return
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    return  # the client hung up, as it should
                time.sleep(interval)

    def accept() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=drip_to, args=(connection,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        listener.close()
