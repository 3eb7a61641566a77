"""Benchmark the evidence checks (issue 12): fetching, extracting and matching, offline checks.

    python bench/bench_evidence.py [--pages 100] [--hosts 10] [--delay 0.05] [--kb 200]
                                   [--copies 2000] [--repeat 5] [--skip-corpus]
                                   [--baseline OTHER/src]

1. ``factlint sources`` on one brief citing PAGES pages of KB kilobytes of HTML, spread over
   HOSTS loopback hosts (127.0.0.1 ... 127.0.0.H) that answer after DELAY seconds; compared
   with the fetch bound at 8 requests per host (ceil(pages / hosts / 8) rounds of DELAY) plus
   start-up (``factlint sources`` on a brief citing nothing); goal: at most 2x.
2. Extraction and matching per page (sourcetext.extract + the figures of the brief against
   the page), in process, each page timed: median, p90, max and every page's figure;
   goal: median at most 20 ms.
3. ``check --evidence --offline`` against plain ``check --offline`` on COPIES copies of the
   reference brief (bench/gen_corpus.py), every source with a snapshot (written here: made-up
   pages holding the brief's figures); goal: at most 2x.

The machine is noisy (2 cores, other work): the commands alternate run by run, figures are
medians, and what counts is the ratio within one run. factlint's modules are compiled to
bytecode first and run with it, as installed.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "bench"))

FILLER = ("<p>本段为基准测试填充文字，介绍平台建设、数据流通与行业应用的一般情况，"
          "不含具体数字。</p>\n")


def page(number: int, kb: int) -> bytes:
    head = (f"<!doctype html><html><head><meta charset='utf-8'><title>测试页面 {number}</title>"
            f"</head><body><nav>首页 栏目 导航</nav><article><h1>测试页面 {number}</h1>"
            f"<p>截至去年年底，平台累计汇聚数据商 {1000 + number} 家、数据中介 {200 + number} 家。"
            "</p>\n")
    filler = FILLER.encode("utf-8")
    body = head.encode("utf-8")
    body += filler * max(0, (kb * 1024 - len(body)) // len(filler))
    return body + "</article><footer>版权所有</footer></body></html>".encode()


def brief_text(urls: list[str]) -> str:
    lines = ["# 基准简报", ""]
    for i, _ in enumerate(urls, start=1):
        lines.append(f"第{i}个平台汇聚数据商 {1000 + i} 家<sup>{i}</sup>。")
    lines.append("")
    lines += [f"<sup>{i}</sup> 来源：《测试页面 {i}》，{url}" for i, url in enumerate(urls, 1)]
    return "\n".join(lines) + "\n"


def factlint(*args: str, cwd: Path, src: Path | None = None) -> float:
    """Wall seconds of one factlint process (bytecode written and read, as installed);
    ``src``: another checkout's src/ to run instead of this one's."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "factlint", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"factlint {' '.join(args)} failed: {done.stderr[-2000:]}")
    return elapsed


def alternating(commands: dict[str, tuple[str, ...]], cwd: Path, repeat: int,
                sources: dict[str, Path] | None = None) -> dict[str, list[float]]:
    """Each command ``repeat`` times, in turn (a b a b ...), so that the machine's noisy
    moments fall on all of them alike; ``sources``: the src/ a command runs, when not
    this checkout's."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            times[name].append(factlint(*command, cwd=cwd, src=(sources or {}).get(name)))
    return times


def load_average() -> str:
    return " ".join(f"{figure:.2f}" for figure in os.getloadavg())


def runs(times: list[float]) -> str:
    return f"median {statistics.median(times):.3f} s (runs: {', '.join(f'{t:.3f}' for t in times)})"


def fetching(args, folder: Path) -> list[bytes]:
    from urlserver import LoopbackServer, Response

    bodies = [page(i, args.kb) for i in range(1, args.pages + 1)]
    servers = []
    for h in range(args.hosts):
        def respond(request, bodies=bodies):
            number = int(request.path.rsplit("/", 1)[1])
            return Response(200, (("Content-Type", "text/html; charset=utf-8"),),
                            bodies[number - 1], delay=args.delay)
        servers.append(LoopbackServer(f"127.0.0.{h + 1}", fallback=respond).start())
    urls = [servers[(i - 1) % args.hosts].url(f"/page/{i}") for i in range(1, args.pages + 1)]
    (folder / ".git").mkdir(exist_ok=True)
    (folder / "brief.md").write_text(brief_text(urls), encoding="utf-8")
    (folder / "empty.md").write_text("# 空\n", encoding="utf-8")
    commands = {
        "start-up": ("sources", "empty.md"),
        "sources": ("sources", "brief.md", "--allow-private", "--update"),
        "again": ("sources", "brief.md", "--allow-private"),
    }
    baseline = {}
    if args.baseline:
        commands["baseline start-up"] = commands["start-up"]
        commands["baseline sources"] = commands["sources"]
        baseline = {name: args.baseline.resolve() for name in commands if "baseline" in name}
    print(f"  load average before: {load_average()}")
    times = alternating(commands, folder, args.repeat, baseline)
    print(f"  load average after: {load_average()} (2 cores: compare ratios, not seconds)")
    startup, best = statistics.median(times["start-up"]), statistics.median(times["sources"])
    rounds = math.ceil(math.ceil(args.pages / args.hosts) / 8)
    bound = rounds * args.delay
    print(f"sources: {args.pages} pages of {args.kb} KB on {args.hosts} hosts, "
          f"{args.delay * 1000:.0f} ms each; {args.repeat} runs each, alternating")
    print(f"  start-up (a brief citing nothing)    {runs(times['start-up'])}")
    print(f"  fetch bound (8 per host, {rounds} rounds)  {bound:.3f} s")
    print(f"  factlint sources --update            {runs(times['sources'])}")
    print(f"  second run (snapshots reused)        {runs(times['again'])}")
    ratio = best / (bound + startup)
    print(f"  sources / (bound + start-up) = {best:.3f} / {bound + startup:.3f} = {ratio:.2f} "
          f"[goal <= 2: {'met' if ratio <= 2 else 'MISSED'}]")
    if args.baseline:
        old_startup = statistics.median(times["baseline start-up"])
        old = statistics.median(times["baseline sources"])
        print(f"  baseline {args.baseline}: start-up {runs(times['baseline start-up'])}")
        print(f"  baseline sources --update            {runs(times['baseline sources'])}")
        print(f"  baseline / (bound + its start-up) = {old / (bound + old_startup):.2f}; "
              f"this checkout / baseline = {best / old:.2f}")
    for server in servers:
        server.stop()
    return bodies


def extraction(bodies: list[bytes]) -> None:
    """Extraction and matching of each page, in process, wall and CPU (thread) time."""
    from factlint.evidence import read_figures, supports
    from factlint.sourcetext import extract

    walls, cpus = [], []
    extract(bodies[0], "text/html; charset=utf-8")  # lxml and the lexicon loaded
    for number, body in enumerate(bodies, start=1):
        brief = read_figures(f"汇聚数据商 {1000 + number} 家")[0]
        start, cpu = time.perf_counter(), time.thread_time()
        text = extract(body, "text/html; charset=utf-8")
        hit = any(supports(f, brief) for f in read_figures(text.text, frozenset({"家"})))
        walls.append(time.perf_counter() - start)
        cpus.append(time.thread_time() - cpu)
        assert hit, number

    def spread(values: list[float]) -> str:
        ordered = sorted(values)
        return (f"median {statistics.median(ordered) * 1000:.1f} ms, "
                f"p90 {ordered[int(len(ordered) * 0.9)] * 1000:.1f} ms, "
                f"max {ordered[-1] * 1000:.1f} ms")

    median = statistics.median(walls) * 1000
    print(f"extraction + matching, each of {len(bodies)} pages of {len(bodies[0]) // 1024} KB:")
    print(f"  wall {spread(walls)}")
    print(f"  CPU  {spread(cpus)}")
    print(f"  per page (wall ms): {' '.join(f'{w * 1000:.0f}' for w in walls)}")
    print(f"  [goal: median <= 20 ms: {'met' if median <= 20 else 'MISSED'} ({median:.1f} ms)]")


def corpus(args, folder: Path) -> None:
    from gen_corpus import default_source

    from factlint.document import read_document
    from factlint.evidence import (
        Snapshots,
        definition_title,
        evidence_path,
        write_evidence_file,
    )

    # The reference brief's definitions name no URL, so that nothing would be read: each
    # gets a made-up one (never fetched: the checks run offline, from the snapshots).
    seed = default_source()
    text = seed.read_text(encoding="utf-8")
    for definition in sorted(read_document(str(seed), text).definitions, key=lambda d: -d.end):
        if not definition.urls:
            url = f" https://example.org/evidence/{definition.label}"
            text = text[:definition.end] + url + text[definition.end:]
    source = folder / "source.md"
    source.write_text(text, encoding="utf-8")
    out = folder / "corpus"
    subprocess.run([sys.executable, str(REPO / "bench" / "gen_corpus.py"), str(out), "--copies",
                    str(args.copies), "--source", str(source)], check=True, capture_output=True)
    (out / ".git").mkdir(exist_ok=True)
    doc = read_document(str(source), text)
    figures: dict[str, list[str]] = {d.label: [] for d in doc.definitions}
    for sentence in doc.sentences:
        for marker in sentence.markers:
            for label in marker.labels:
                figures.setdefault(label, []).extend(
                    text[f.start:f.end + 2] for f in sentence.figures)
    snapshots = Snapshots(out / ".factlint" / "evidence")
    records = {}
    for definition in doc.definitions:
        said = "\n".join(f"第{i}条：{t}。" for i, t in enumerate(figures[definition.label], 1))
        body = f"{definition_title(definition.body)}\n{said}\n".encode()
        sha = hashlib.sha256(body).hexdigest()
        snapshots.write(sha, body.decode())
        records[definition.label] = {
            "url": definition.urls[0].url,
            "fetched": "2026-12-01T00:00:00Z", "status": 200, "content_type": "text/plain",
            "sha256": sha, "kind": "text", "snapshot": f".factlint/evidence/{sha[:2]}/{sha}.txt.gz"}
    for brief in sorted(out.glob("brief-*.md")):
        write_evidence_file(evidence_path(str(brief)),
                            {"factlint-evidence": 1, "sources": records, "claims": []})
    times = alternating({
        "plain": ("check", "--offline", "--jobs", "2", "corpus"),
        "evidence": ("check", "--offline", "--evidence", "--jobs", "2", "corpus"),
    }, folder, 3)
    p, e = statistics.median(times["plain"]), statistics.median(times["evidence"])
    print(f"check --offline on {args.copies} briefs, every source with a snapshot "
          "(3 runs each, alternating):")
    print(f"  plain       {runs(times['plain'])}")
    print(f"  --evidence  {runs(times['evidence'])}")
    print(f"  ratio {e / p:.2f} [goal <= 2: {'met' if e / p <= 2 else 'MISSED'}]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--kb", type=int, default=200)
    parser.add_argument("--copies", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-corpus", action="store_true")
    parser.add_argument("--baseline", type=Path, metavar="SRC",
                        help="another checkout's src/ (e.g. main's): `sources` timed with it "
                             "too, alternating")
    args = parser.parse_args()
    os.environ.setdefault("PYTHONPATH", str(REPO / "src"))
    for src in (REPO / "src", *([args.baseline] if args.baseline else [])):
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(src)], check=True,
                       env={k: v for k, v in os.environ.items()
                            if k != "PYTHONDONTWRITEBYTECODE"})
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bodies = fetching(args, folder)
        extraction(bodies)
        if not args.skip_corpus:
            corpus(args, folder)


if __name__ == "__main__":
    main()
