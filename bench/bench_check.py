"""Time `factlint check` against markdownlint-cli2 on the same corpus (issue 2).

    python bench/bench_check.py [--copies 2000] [--jobs 2] [--repeats 3] [--baseline SRC]

In one run it:
  (a) times markdownlint-cli2 on a corpus of N copies of the seed brief,
  (b) times `factlint check --offline --jobs J --format json` on the same corpus,
      repeating both k times in alternating order and reporting min and median wall
      time and the ratio factlint / markdownlint-cli2 (target: at most 0.5),
  (c) times `factlint check --offline SEED` on one brief from process start
      (median of 10; target: at most 0.15 s; the untimed first run fills the user's
      pattern cache, and the same runs are timed again with an empty one, as a first
      run after installing is) and lists the ten imports with the
      largest cumulative time (python -X importtime) for that command; with
      --baseline SRC (another checkout's src/ folder), alternates each run with the
      same command on that code and prints the ratio,
and prints reference start-up costs of this machine (bare Python, click + yaml,
jsonschema, requests, node, markdownlint-cli2 on one file).

factlint runs from bytecode, as an installed copy does: the script compiles src/ (and
the --baseline folder) first and runs factlint without PYTHONDONTWRITEBYTECODE, which
would otherwise make every process compile every module from source (~0.15 s).

Both tools write to /dev/null while timed, so neither pays for its output.
markdownlint-cli2 is installed into bench/.node with npm when missing.
This prints figures only; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from gen_corpus import default_source, write_corpus

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
NODE_PREFIX = BENCH / ".node"
MARKDOWNLINT_PACKAGE = "markdownlint-cli2@0.22.1"
MARKDOWNLINT_BIN = NODE_PREFIX / "node_modules" / ".bin" / "markdownlint-cli2"
RATIO_TARGET = 0.5
STARTUP_TARGET = 0.15
# `python -c LAUNCH` does what the `factlint` console script does (on code from before
# __main__.main existed, importing factlint.__main__ runs the command line all the same)
LAUNCH = "import sys; from factlint.__main__ import main; sys.exit(main())"


@dataclass(frozen=True)
class Tool:
    """A command prefix, the environment to run it in, and a name for the table."""

    name: str
    argv: tuple[str, ...]
    env: dict[str, str] | None = None


@dataclass(frozen=True)
class Timing:
    name: str
    seconds: tuple[float, ...]

    @property
    def minimum(self) -> float:
        return min(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def wall_time(argv: list[str], cwd: Path, env: dict[str, str] | None, timeout: float) -> float:
    """Seconds from spawning `argv` to its exit, output discarded; exit code ignored.

    A blocking wait() with a kill timer, because Popen.wait(timeout=...) polls in
    sleeps of up to 50 ms, which would round every short run up to a multiple of it.
    """
    start = time.perf_counter()
    process = subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    timer = threading.Timer(timeout, process.kill)
    timer.start()
    try:
        process.wait()
    finally:
        timer.cancel()
    elapsed = time.perf_counter() - start
    if process.returncode == -signal.SIGKILL:
        raise subprocess.TimeoutExpired(argv, timeout)
    return elapsed


def bytecode_env(env: dict[str, str] | None = None, **extra: str) -> dict[str, str]:
    """``env`` (default: this process's) without PYTHONDONTWRITEBYTECODE, plus ``extra``:
    Python then reads and writes bytecode as on a user's machine."""
    out = {k: v for k, v in (os.environ if env is None else env).items()
           if k != "PYTHONDONTWRITEBYTECODE"}
    out.update(extra)
    return out


def compile_bytecode(*folders: Path) -> None:
    """Write the bytecode of the code under ``folders`` (what an install does)."""
    for folder in folders:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(folder)],
                       env=bytecode_env(), stdout=subprocess.DEVNULL, check=False)


def run_captured(
    argv: list[str], cwd: Path, env: dict[str, str] | None, timeout: float
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def tail(text: str, lines: int = 5) -> str:
    return "\n".join("      " + line for line in text.strip().splitlines()[-lines:])


def find_markdownlint() -> tuple[Tool | None, str]:
    """markdownlint-cli2 from bench/.node, installed there with npm when missing."""
    if not MARKDOWNLINT_BIN.exists():
        npm = shutil.which("npm")
        if npm is None:
            return None, "npm is not on PATH, so markdownlint-cli2 cannot be installed"
        print(f"installing {MARKDOWNLINT_PACKAGE} into {NODE_PREFIX} ...", file=sys.stderr)
        done = subprocess.run(
            [
                npm,
                "install",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(NODE_PREFIX),
                MARKDOWNLINT_PACKAGE,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0 or not MARKDOWNLINT_BIN.exists():
            return None, "npm install markdownlint-cli2 failed:\n" + tail(done.stderr)
    version = run_captured([str(MARKDOWNLINT_BIN), "--help"], BENCH, None, 60)
    first_line = (version.stdout or version.stderr).strip().splitlines()[:1]
    return Tool("markdownlint-cli2", (str(MARKDOWNLINT_BIN),)), " ".join(first_line)


def find_factlint() -> tuple[Tool | None, str]:
    """The `factlint` console script (beside this Python first), else `python -m factlint`
    (from src/ if not installed); each run with bytecode (see bytecode_env)."""
    candidates = []
    for script in (Path(sys.executable).with_name("factlint"), shutil.which("factlint")):
        if script and Path(script).is_file():
            candidates.append(Tool("factlint", (str(script),), bytecode_env()))
    candidates.append(Tool("factlint", (sys.executable, "-m", "factlint"), bytecode_env()))
    src_path = os.pathsep.join(filter(None, [str(REPO / "src"), os.environ.get("PYTHONPATH")]))
    candidates.append(Tool("factlint", (sys.executable, "-m", "factlint"),
                           bytecode_env(PYTHONPATH=src_path)))
    failures = []
    for tool in candidates:
        probe = run_captured([*tool.argv, "check", "--help"], BENCH, tool.env, 60)
        if probe.returncode == 0 and "--offline" in probe.stdout:
            how = " ".join(tool.argv) + (" (PYTHONPATH=src)" if "PYTHONPATH" in tool.env else "")
            return tool, how
        failures.append(
            f"    {' '.join(tool.argv)}{' (PYTHONPATH=src)' if 'PYTHONPATH' in tool.env else ''}: "
            f"exit {probe.returncode}\n{tail(probe.stderr or probe.stdout, 3)}"
        )
    return None, "no working `factlint check` CLI yet; tried:\n" + "\n".join(failures)


def time_alternating(
    tools: list[tuple[Tool, list[str]]], cwd: Path, repeats: int, timeout: float
) -> list[Timing]:
    """Run every tool `repeats` times, reversing the order on every other round."""
    seconds: dict[str, list[float]] = {tool.name: [] for tool, _ in tools}
    for round_number in range(repeats):
        order = tools if round_number % 2 == 0 else list(reversed(tools))
        for tool, args in order:
            elapsed = wall_time([*tool.argv, *args], cwd, tool.env, timeout)
            seconds[tool.name].append(elapsed)
            print(f"  round {round_number + 1}: {tool.name:<18} {elapsed:8.3f} s", file=sys.stderr)
    return [Timing(tool.name, tuple(seconds[tool.name])) for tool, _ in tools]


def time_repeated(name: str, argv: list[str], cwd: Path, env, runs: int, timeout: float) -> Timing:
    return Timing(name, tuple(wall_time(argv, cwd, env, timeout) for _ in range(runs)))


def time_without_pattern_cache(tool: Tool, args: list[str], runs: int) -> Timing:
    """One-brief runs as on a first run: each with a new, empty cache folder, so every
    pattern is compiled (the run then writes the cache into that folder, untimed)."""
    seconds = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="factlint-bench-cache-") as cache:
            env = dict(tool.env or os.environ, XDG_CACHE_HOME=cache)
            seconds.append(wall_time([*tool.argv, *args], BENCH, env, 120))
    return Timing("factlint, empty pattern cache", tuple(seconds))


def import_times(
    tool: Tool, args: list[str], cwd: Path, limit: int = 10
) -> list[tuple[int, int, str]]:
    """(cumulative us, self us, module) of the slowest imports, from PYTHONPROFILEIMPORTTIME."""
    env = dict(tool.env or os.environ)
    env["PYTHONPROFILEIMPORTTIME"] = "1"
    done = run_captured([*tool.argv, *args], cwd, env, 120)
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        fields = line[len("import time:") :].split("|")
        if len(fields) != 3 or not fields[0].strip().isdigit():
            continue
        rows.append((int(fields[1]), int(fields[0]), fields[2].rstrip()))
    rows.sort(reverse=True)
    return rows[:limit]


def print_table(title: str, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    line = "  ".join("-" * width for width in widths)
    print(f"\n{title}")
    print("  ".join(cell.ljust(width) for cell, width in zip(header, widths, strict=True)))
    print(line)
    for row in rows:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))


def factlint_failure(done: subprocess.CompletedProcess[str], json_report: bool) -> str | None:
    """Why a factlint run does not count as working, or None when it does.

    Exit 1 means findings, but a Python traceback exits 1 too, so a run must also
    print no traceback and, with --format json, a JSON report on stdout.
    """
    if done.returncode not in (0, 1):
        return f"exit {done.returncode} (expected 0 or 1)"
    if "Traceback (most recent call last)" in done.stderr:
        return f"exit {done.returncode} with a traceback"
    if json_report:
        try:
            json.loads(done.stdout)
        except ValueError:
            return f"exit {done.returncode}, stdout is not JSON ({len(done.stdout)} chars)"
    return None


def describe_factlint_output(done: subprocess.CompletedProcess[str]) -> str:
    report = json.loads(done.stdout)
    if isinstance(report, dict):
        findings = report.get("findings", report.get("results"))
    else:
        findings = report
    count = f"{len(findings)} findings" if isinstance(findings, list) else "JSON report"
    return f"exit {done.returncode}, {count}"


def compare_startup(baseline: Path, one_args: list[str], runs: int) -> None:
    """One brief from process start, this checkout's src/ against ``baseline``, alternating
    (the same launcher for both, so only the code differs)."""
    tools = [
        (Tool(name, (sys.executable, "-c", LAUNCH), bytecode_env(PYTHONPATH=str(src))),
         one_args)
        for name, src in (("this src/", REPO / "src"), ("baseline", baseline))
    ]
    this, base = time_alternating(tools, BENCH, runs, 120)
    print(f"\n  against --baseline {baseline}, {runs} runs each, alternating:")
    for timing in (this, base):
        print(f"    {timing.name:<10} min {timing.minimum:.3f} s, median {timing.median:.3f} s")
    print(f"    ratio this / baseline: median {this.median / base.median:.2f}, "
          f"min {this.minimum / base.minimum:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=2000, help="briefs in the corpus (2000)")
    parser.add_argument("--jobs", type=int, default=2, help="factlint --jobs (2)")
    parser.add_argument("--repeats", "-k", type=int, default=3, help="timed runs per tool (3)")
    parser.add_argument("--startup-runs", type=int, default=10, help="one-brief runs (10)")
    parser.add_argument("--source", type=Path, help="brief to copy (default: the shared seed)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per run (900)")
    parser.add_argument("--baseline", type=Path,
                        help="another checkout's src/ folder: (c) alternates with it")
    args = parser.parse_args(argv)
    compile_bytecode(REPO / "src", *([args.baseline] if args.baseline else []))

    source = (args.source or default_source()).resolve()
    node = shutil.which("node")
    node_version = (
        run_captured([node, "--version"], BENCH, None, 30).stdout.strip() if node else "absent"
    )
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, node {node_version}"
    )
    print(f"seed: {source} ({source.stat().st_size} bytes)")

    markdownlint, markdownlint_note = find_markdownlint()
    factlint, factlint_note = find_factlint()
    print(f"markdownlint-cli2: {markdownlint_note}")
    print(f"factlint: {factlint_note}")

    with tempfile.TemporaryDirectory(prefix="factlint-bench-") as temp:
        work = Path(temp)
        corpus = work / "corpus"
        start = time.perf_counter()
        write_corpus(corpus, args.copies, source)
        print(
            f"corpus: {args.copies} copies in {corpus} "
            f"(written in {time.perf_counter() - start:.2f} s)"
        )

        tools: list[tuple[Tool, list[str]]] = []
        if markdownlint:
            md_args = ["corpus/**/*.md"]
            check = run_captured([*markdownlint.argv, *md_args], work, None, args.timeout)
            summary = [
                line
                for line in check.stderr.splitlines() + check.stdout.splitlines()
                if line.startswith(("Linting:", "Summary:"))
            ]
            summary_text = "; ".join(summary)
            print(f"markdownlint-cli2 untimed warm-up: exit {check.returncode}; {summary_text}")
            if check.returncode in (0, 1):
                tools.append((markdownlint, md_args))
            else:
                print("  markdownlint-cli2 failed, not timed:\n" + tail(check.stderr))
        if factlint:
            fl_args = ["check", "--offline", "--jobs", str(args.jobs), "--format", "json", "corpus"]
            check = run_captured([*factlint.argv, *fl_args], work, factlint.env, args.timeout)
            failure = factlint_failure(check, json_report=True)
            if failure is None:
                print(f"factlint untimed warm-up: {describe_factlint_output(check)}")
                tools.append((factlint, fl_args))
            else:
                print(
                    f"factlint untimed warm-up failed, not timed: {failure}\n"
                    + tail(check.stderr or check.stdout)
                )

        for tool, tool_args in tools:
            print(f"timed command: (cd {work} && {shlex.join([*tool.argv, *tool_args])})")
        timings = time_alternating(tools, work, args.repeats, args.timeout) if tools else []
        rows = [
            [
                t.name,
                " ".join(["<cmd>", *a]),
                f"{t.minimum:.3f}",
                f"{t.median:.3f}",
                " ".join(f"{s:.3f}" for s in t.seconds),
            ]
            for t, (_, a) in zip(timings, tools, strict=True)
        ]
        print_table(
            f"(a, b) {args.copies} briefs, {args.repeats} runs each, alternating order, "
            "wall seconds (cwd = temp dir)",
            ["tool", "arguments", "min", "median", "all runs"],
            rows,
        )
        by_name = {t.name: t for t in timings}
        if "factlint" in by_name and "markdownlint-cli2" in by_name:
            fl, md = by_name["factlint"], by_name["markdownlint-cli2"]
            print(
                f"ratio factlint / markdownlint-cli2: min {fl.minimum / md.minimum:.2f}, "
                f"median {fl.median / md.median:.2f} (target <= {RATIO_TARGET})"
            )
        elif "markdownlint-cli2" in by_name:
            md = by_name["markdownlint-cli2"]
            print(
                f"ratio: factlint not measured; target for factlint at ratio {RATIO_TARGET}: "
                f"median <= {md.median * RATIO_TARGET:.3f} s"
            )

    print(f"\n(c) one-brief start-up: factlint check --offline {source.name}")
    if factlint:
        one_args = ["check", "--offline", str(source)]
        check = run_captured([*factlint.argv, *one_args], BENCH, factlint.env, 120)
        failure = factlint_failure(check, json_report=False)
        if failure is None:
            startup = time_repeated(
                "factlint", [*factlint.argv, *one_args], BENCH, factlint.env, args.startup_runs, 120
            )
            print(
                f"  {args.startup_runs} runs: min {startup.minimum:.3f} s, median "
                f"{startup.median:.3f} s (target <= {STARTUP_TARGET} s)"
            )
            cold = time_without_pattern_cache(factlint, one_args, args.startup_runs)
            print(
                f"  {args.startup_runs} runs, each with an empty pattern cache (a first run, "
                f"patterncache.py): min {cold.minimum:.3f} s, median {cold.median:.3f} s"
            )
            rows = [
                [f"{cumulative / 1000:.1f}", f"{own / 1000:.1f}", module]
                for cumulative, own, module in import_times(factlint, one_args, BENCH)
            ]
            print_table(
                "  python -X importtime, top 10 by cumulative time (one run)",
                ["cumul ms", "self ms", "module (indent = nesting)"],
                rows,
            )
            if args.baseline:
                compare_startup(args.baseline.resolve(), one_args, args.startup_runs)
        else:
            print(
                f"  factlint check failed, not timed: {failure}\n"
                + tail(check.stderr or check.stdout)
            )
    else:
        print("  not measured: no working `factlint check` CLI yet (see above)")

    references = [
        ('python -c "pass"', [sys.executable, "-c", "pass"]),
        ('python -c "import click, yaml"', [sys.executable, "-c", "import click, yaml"]),
        ('python -c "import jsonschema"', [sys.executable, "-c", "import jsonschema"]),
        ('python -c "import requests"', [sys.executable, "-c", "import requests"]),
    ]
    if node:
        references.append(('node -e ""', [node, "-e", ""]))
    if markdownlint:
        references.append((f"markdownlint-cli2 {source.name}", [*markdownlint.argv, str(source)]))
    rows = []
    for label, command in references:
        probe = run_captured(command, BENCH, None, 60)
        if command[0] == sys.executable and probe.returncode != 0:
            rows.append([label, "-", "-", "not importable here"])
            continue
        timing = time_repeated(label, command, BENCH, None, args.startup_runs, 60)
        rows.append([label, f"{timing.minimum:.3f}", f"{timing.median:.3f}", ""])
    print_table(
        f"reference start-up costs, {args.startup_runs} runs each, wall seconds",
        ["command", "min", "median", "note"],
        rows,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
