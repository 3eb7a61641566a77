"""Wall time of URL checks against hostile servers on 127.0.0.1, with `--timeout 2`.

    python bench/bench_hostile_urls.py [--timeout 2] [--retries 2]

Serves, from this process, one URL per kind of hostile server (tests/urlserver.py):
a whole answer dripped one byte a second, `100 Continue` for ever, headers that never
end, a body dripped after the headers, and informational answers (103, 102) before a
real one. For each it runs `factlint check --allow-private --no-cache --timeout T` as a
real process over a brief citing that one URL, and prints the wall time and the finding.
Then one run over all of them at once (they share a host: it is given up on after
HOST_TIMEOUT_LIMIT timeouts) and one run with `--url-deadline 3`. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from urlserver import (  # noqa: E402 - the test server lives beside the tests
    LoopbackServer,
    continue_flood,
    drip,
    interim_then,
    slow_headers,
)


def body_drip():
    """Headers at once, then the body one byte a second (GET only: HEAD is refused)."""
    from urlserver import Response, head_refused

    def script(stream):
        stream.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
        stream.flush()
        for _ in range(60):
            stream.write(b"x")
            stream.flush()
            time.sleep(1.0)

    return head_refused(lambda request: Response(script=script))


def run(folder: Path, urls: list[str], *options: str) -> tuple[float, str]:
    brief = folder / "b.md"
    lines = ["数据[^1]。", ""] + [f"[^{i + 1}]: 来源：{url}" for i, url in enumerate(urls)]
    brief.write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "factlint", "check", "--allow-private", "--no-cache",
         "--select", "FL4", *options, str(brief)],
        capture_output=True, text=True, cwd=folder,
    )
    wall = time.perf_counter() - started
    found = [line.split(": ", 1)[1] for line in done.stdout.splitlines() if " FL4" in line]
    return wall, "; ".join(found) or "(no finding)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", default="2")
    parser.add_argument("--retries", type=int, default=None,
                        help="urls.retries for the runs (default: factlint's, 2)")
    args = parser.parse_args()
    kinds = {
        "drip (1 byte/s, whole answer)": drip(1.0),
        "100 Continue for ever": continue_flood(0.5),
        "headers that never end": slow_headers(0.5),
        "body dripped after headers": body_drip(),
        "103 + 102 then 200": interim_then(103, 102),
    }
    with LoopbackServer() as server, tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        if args.retries is not None:
            (folder / ".factlint.yaml").write_text(f"urls:\n  retries: {args.retries}\n")
        urls = [server.route(f"/{i}", responder) for i, responder in enumerate(kinds.values())]
        longest = 0.0
        print(f"factlint check --timeout {args.timeout} (one process per URL):")
        for (name, _), url in zip(kinds.items(), urls, strict=True):
            wall, finding = run(folder, [url], "--timeout", args.timeout)
            longest = max(longest, wall)
            print(f"  {name:<32} {wall:6.1f} s  {finding[:110]}")
        print(f"longest single URL: {longest:.1f} s (process start included)")
        wall, finding = run(folder, urls, "--timeout", args.timeout)
        print(f"all five in one run: {wall:.1f} s")
        wall, finding = run(folder, urls, "--timeout", args.timeout, "--url-deadline", "3")
        print(f"all five with --url-deadline 3: {wall:.1f} s")


if __name__ == "__main__":
    main()
