"""Time `factlint lsp` as an editor uses it: from a didChange to its publishDiagnostics.

    python bench/bench_lsp.py [--edits 500] [--soak 5000] [--big-bytes 1000000] [BRIEF]

Starts the server as a client would (JSON-RPC over stdio, UTF-16 positions), opens the
brief (default: the reference brief, else data/examples/zh-brief.md) and then:
  (a) latency: N edits, each typing or deleting one character in the body and waiting for
      the diagnostics of that version; prints median, p95 and max (targets: median ≤ 60 ms,
      p95 ≤ 150 ms over 500 edits). The server's own debounce (15 ms) is included;
  (b) memory: the server's RSS after a warm-up of 100 edits and after S more edits
      (target: growth under 20 MB over 5,000 edits);
  (c) a large brief: the reference brief repeated to ~1 MB, opened, then one edit: time to
      its diagnostics (target: at most 1 s).

Bytecode is compiled first and the server runs without PYTHONDONTWRITEBYTECODE, as a
user's install would. The machine is shared and noisy: compare figures within one run.
This prints figures only; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seeds" / "guangxi-data-industry-brief.md"
EXAMPLE = ROOT / "data" / "examples" / "zh-brief.md"


class Client:
    """A minimal LSP client: framed JSON-RPC, notifications queued by a reader thread."""

    def __init__(self, command: list[str], env: dict[str, str]):
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, env=env)
        self.messages: queue.Queue[dict] = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            self.messages.put(json.loads(stream.read(length)))

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def request(self, method: str, params) -> dict:
        self.next_id += 1
        wanted = self.next_id
        self.send({"id": wanted, "method": method, "params": params})
        while True:
            message = self.messages.get(timeout=120)
            if message.get("id") == wanted and "method" not in message:
                return message
            if "method" in message and "id" in message:  # a request of the server's
                self.send({"id": message["id"], "result": None})

    def notify(self, method: str, params) -> None:
        self.send({"method": method, "params": params})

    def diagnostics(self, uri: str, version: int | None) -> list:
        """Wait for the diagnostics of ``uri`` (of ``version``, when given)."""
        while True:
            message = self.messages.get(timeout=120)
            if "id" in message and "method" in message:
                self.send({"id": message["id"], "result": None})
                continue
            params = message.get("params") or {}
            if (message.get("method") == "textDocument/publishDiagnostics"
                    and params.get("uri") == uri
                    and (version is None or params.get("version") == version)):
                return params["diagnostics"]

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.process.wait(timeout=10)
        except Exception:  # noqa: BLE001 - a benchmark's server may already be gone
            self.process.kill()


def start() -> Client:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], env=env,
                   check=False)
    client = Client([sys.executable, "-m", "factlint", "lsp"], env)
    client.request("initialize", {"processId": os.getpid(), "rootUri": None,
                                  "capabilities": {}})
    client.notify("initialized", {})
    return client


def open_text(client: Client, uri: str, text: str) -> float:
    began = time.perf_counter()
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "markdown", "version": 1, "text": text}})
    client.diagnostics(uri, 1)
    return time.perf_counter() - began


class Typist:
    """Types one character into the body, then deletes it, and so on."""

    def __init__(self, client: Client, uri: str, text: str):
        lines = text.split("\n")
        self.line = max(range(len(lines)), key=lambda i: len(lines[i]))  # a long paragraph
        self.character = len(lines[self.line][:40].encode("utf-16-le")) // 2
        self.client, self.uri, self.version, self.typed = client, uri, 1, False

    def edit(self) -> float:
        self.version += 1
        start = {"line": self.line, "character": self.character}
        end = {"line": self.line, "character": self.character + (1 if self.typed else 0)}
        change = {"range": {"start": start, "end": end}, "text": "" if self.typed else "数"}
        self.typed = not self.typed
        began = time.perf_counter()
        self.client.notify("textDocument/didChange", {
            "textDocument": {"uri": self.uri, "version": self.version},
            "contentChanges": [change]})
        self.client.diagnostics(self.uri, self.version)
        return time.perf_counter() - began


def check_alone(text: str, path: str) -> float:
    """Seconds ``api.inspect_text`` takes on ``text`` here (the median of 3), to tell the
    check's share of a publish from the server's."""
    sys.path.insert(0, str(ROOT / "src"))
    from factlint import api

    api.inspect_text(text, path)  # warm: imports, packs, compiled patterns
    times = []
    for _ in range(3):
        began = time.perf_counter()
        api.inspect_text(text, path)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("brief", nargs="?", type=Path)
    parser.add_argument("--edits", type=int, default=500)
    parser.add_argument("--soak", type=int, default=5000)
    parser.add_argument("--big-bytes", type=int, default=1_000_000)
    args = parser.parse_args()
    brief = (args.brief or (SEED if SEED.exists() else EXAMPLE)).resolve()
    text = brief.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder) / brief.name
        work.write_text(text, encoding="utf-8")
        client = start()
        try:
            uri = work.as_uri()
            opened = open_text(client, uri, text)
            typist = Typist(client, uri, text)
            latencies = [typist.edit() for _ in range(args.edits)]
            ms = [x * 1000 for x in latencies]
            print(f"brief: {brief.name} ({len(text.encode('utf-8'))} bytes); "
                  f"first diagnostics after didOpen: {opened * 1000:.0f} ms")
            print(f"(a) didChange -> publishDiagnostics over {args.edits} edits: "
                  f"median {statistics.median(ms):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms, "
                  f"max {max(ms):.1f} ms (targets: median <= 60, p95 <= 150)")
            for _ in range(100):
                typist.edit()
            before = client.rss_mb()
            soak = [typist.edit() for _ in range(args.soak)]
            after = client.rss_mb()
            print(f"(b) RSS after 100 warm-up edits {before:.1f} MB, after {args.soak} more "
                  f"{after:.1f} MB: growth {after - before:+.1f} MB (target < 20); "
                  f"median latency {statistics.median(soak) * 1000:.1f} ms")
            copies = max(1, args.big_bytes // len(text.encode("utf-8")) + 1)
            big = (text + "\n\n") * copies
            big_work = Path(folder) / "big.md"
            big_work.write_text(big, encoding="utf-8")
            big_uri = big_work.as_uri()
            big_opened = open_text(client, big_uri, big)
            big_typist = Typist(client, big_uri, big)
            big_edits = [big_typist.edit() for _ in range(5)]
            alone = check_alone(big, str(big_work))
            print(f"(c) {len(big.encode('utf-8')) / 1e6:.2f} MB brief: didOpen -> diagnostics "
                  f"{big_opened:.2f} s; didChange -> diagnostics median of 5 "
                  f"{statistics.median(big_edits):.2f} s (target <= 1 s); the check alone "
                  f"(api.inspect_text in this process) {alone:.2f} s, so the server adds "
                  f"{statistics.median(big_edits) - alone:+.2f} s")
        finally:
            client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
