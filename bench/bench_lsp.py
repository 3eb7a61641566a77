"""Time `factlint lsp` as an editor uses it: from a didChange to its publishDiagnostics.

    python bench/bench_lsp.py [--edits 500] [--soak 5000] [--big-bytes 1000000]
                              [--big-edits 9] [--baseline SRC] [BRIEF]

Starts the server as a client would (JSON-RPC over stdio, UTF-16 positions), opens the
brief (default: the reference brief, else data/examples/zh-brief.md) and then:
  (a) latency: N edits, each typing or deleting one character in the body and waiting for
      the diagnostics of that version; prints median, p95 and max (targets: median ≤ 60 ms,
      p95 ≤ 150 ms over 500 edits). The server's own debounce (15 ms) is included;
  (b) memory: the server's RSS after a warm-up of 100 edits and after S more edits
      (target: growth under 20 MB over 5,000 edits);
  (c) a large brief: the reference brief repeated to ~1 MB, opened, then K edits: the
      median time from each to its diagnostics (target: at most 1 s), split into the check
      and the server's own share: after each edit, this process runs on the same text
      ``api.check_text`` (the plain check) and ``api.inspect_text`` (the check the server
      runs, which keeps the Document). Wall seconds, and CPU seconds (the server's from
      /proc, all its threads; this process's for the checks here), which other work on
      the machine disturbs less. With --baseline SRC (another checkout's src/, e.g. main's)
      a second server runs that code, its edits alternating with this one's: the ratio of
      the two is the comparison to read on a loaded machine.
--edits 0 or --soak 0 leaves out (a) or (b).

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

    def cpu_seconds(self) -> float:
        """User and system CPU time of the server so far, all its threads."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

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


def start(src: Path | None = None) -> Client:
    """A server of this checkout, or of the checkout whose src/ folder is ``src``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if src is not None:
        env["PYTHONPATH"] = str(src)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(src or ROOT / "src")],
                   env=env, check=False)
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


def timed(function, *args) -> tuple[float, float]:
    """Wall and CPU seconds (of this thread) of one call."""
    wall, cpu = time.perf_counter(), time.thread_time()
    function(*args)
    return time.perf_counter() - wall, time.thread_time() - cpu


class Large:
    """(c): the 1 MB brief in a server; each edit timed, and the checks here after it."""

    def __init__(self, client: Client, path: Path, text: str):
        self.client, self.path = client, path
        path.write_text(text, encoding="utf-8")
        self.opened = open_text(client, path.as_uri(), text)
        self.typist = Typist(client, path.as_uri(), text)
        self.walls: list[float] = []
        self.cpus: list[float] = []

    def edit(self) -> None:
        cpu = self.client.cpu_seconds()
        self.walls.append(self.typist.edit())
        self.cpus.append(self.client.cpu_seconds() - cpu)


def large_brief(args, text: str, folder: str, client: Client) -> None:
    """(c), against plain checks in this process and, with --baseline, another server."""
    sys.path.insert(0, str(ROOT / "src"))
    from factlint import api

    copies = max(1, args.big_bytes // len(text.encode("utf-8")) + 1)
    big = (text + "\n\n") * copies
    this = Large(client, Path(folder) / "big.md", big)
    base = None
    if args.baseline is not None:
        os.mkdir(Path(folder) / "baseline")
        base = Large(start(args.baseline), Path(folder) / "baseline" / "big.md", big)
    api.check_text(big, str(this.path))  # warm: imports, packs, compiled patterns
    checks: dict[str, list[tuple[float, float]]] = {"check_text": [], "inspect_text": []}
    try:
        for _ in range(args.big_edits):
            for server in (this, base) if base is not None else (this,):
                server.edit()
            # the text as opened: the edited one differs by a character, every other edit
            checks["check_text"].append(timed(api.check_text, big, str(this.path)))
            checks["inspect_text"].append(timed(api.inspect_text, big, str(this.path)))
    finally:
        if base is not None:
            base.client.close()
    median = statistics.median
    edit, edit_cpu = median(this.walls), median(this.cpus)
    plain, plain_cpu = (median(x) for x in zip(*checks["check_text"], strict=True))
    inspect, inspect_cpu = (median(x) for x in zip(*checks["inspect_text"], strict=True))
    print(f"(c) {len(big.encode('utf-8')) / 1e6:.2f} MB brief: didOpen -> diagnostics "
          f"{this.opened:.2f} s; didChange -> diagnostics, median of {args.big_edits}: "
          f"{edit:.3f} s (target <= 1 s), server CPU {edit_cpu:.3f} s")
    print(f"    the same text checked here after each edit: api.check_text {plain:.3f} s "
          f"(CPU {plain_cpu:.3f}), api.inspect_text {inspect:.3f} s (CPU {inspect_cpu:.3f})")
    print(f"    ratio edit / check_text: wall {edit / plain:.2f}, CPU {edit_cpu / plain_cpu:.2f};"
          f" the server's own share beyond inspect_text: wall {edit - inspect:+.3f} s, "
          f"CPU {edit_cpu - inspect_cpu:+.3f} s")
    if base is not None:
        print(f"    --baseline {args.baseline}: didOpen {base.opened:.2f} s, didChange median "
              f"{median(base.walls):.3f} s, server CPU {median(base.cpus):.3f} s; ratio "
              f"this / baseline: wall {edit / median(base.walls):.2f}, "
              f"CPU {edit_cpu / median(base.cpus):.2f}")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("brief", nargs="?", type=Path)
    parser.add_argument("--edits", type=int, default=500)
    parser.add_argument("--soak", type=int, default=5000)
    parser.add_argument("--big-bytes", type=int, default=1_000_000)
    parser.add_argument("--big-edits", type=int, default=9)
    parser.add_argument("--baseline", type=Path, help="another checkout's src/ folder")
    args = parser.parse_args()
    brief = (args.brief or (SEED if SEED.exists() else EXAMPLE)).resolve()
    text = brief.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder) / brief.name
        work.write_text(text, encoding="utf-8")
        client = start()
        print(f"load average at the start: {load()} ({os.cpu_count()} cores)")
        try:
            uri = work.as_uri()
            opened = open_text(client, uri, text)
            typist = Typist(client, uri, text)
            print(f"brief: {brief.name} ({len(text.encode('utf-8'))} bytes); "
                  f"first diagnostics after didOpen: {opened * 1000:.0f} ms")
            if args.edits:
                ms = [typist.edit() * 1000 for _ in range(args.edits)]
                print(f"(a) didChange -> publishDiagnostics over {args.edits} edits: "
                      f"median {statistics.median(ms):.1f} ms, p95 "
                      f"{percentile(ms, 0.95):.1f} ms, max {max(ms):.1f} ms "
                      f"(targets: median <= 60, p95 <= 150)")
            if args.soak:
                for _ in range(100):
                    typist.edit()
                before = client.rss_mb()
                soak = [typist.edit() for _ in range(args.soak)]
                after = client.rss_mb()
                print(f"(b) RSS after 100 warm-up edits {before:.1f} MB, after {args.soak} "
                      f"more {after:.1f} MB: growth {after - before:+.1f} MB (target < 20); "
                      f"median latency {statistics.median(soak) * 1000:.1f} ms")
            if args.big_edits:
                large_brief(args, text, folder, client)
        finally:
            client.close()
        print(f"load average at the end: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
