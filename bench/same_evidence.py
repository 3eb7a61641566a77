"""Does a change keep what `factlint sources` keeps? Compare the evidence of two installs.

    python bench/same_evidence.py BASELINE_FACTLINT [--candidate FACTLINT] [--pages 40]
                                  [--seed 1]

Serves pages written here on two loopback hosts: long Chinese pages (the size of
bench_evidence.py's), a GBK page and an English one with navigation and boilerplate
around the article, broken markup made at random (``--seed``), a text PDF and a scanned
one, plain text. A brief cites them all (a figure each, some mistyped). Each install runs
`sources --update` on its own copy of the project, then `check --evidence --offline
--format json`; the script compares the snapshots (names and texts), the evidence files
(but the times they were fetched) and the findings, and prints what differs. A speed
change to the sources' reading should print nothing but the count of pages compared.
Make the baseline as for same_output.py (a worktree of the commit compared against, with
its own venv).
"""

from __future__ import annotations

import argparse
import gzip
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "bench"))

TAGS = ("p div span a b i title h1 h2 article main nav header footer aside section li ul br "
        "table tr td script style meta time body html head form svg pre textarea o:p noscript "
        "template iframe button select hr dd dl caption figure blockquote").split()
ATTRIBUTES = ('class="nav"', 'id="menu"', 'class="content"', "class=share-box", 'role="main"',
              'property="og:title" content="OG  title"', 'name="date" content="2024-01-02"',
              'datetime="2023-05-06"', 'CLASS="Footer"', 'id="site-header"', "class")
WORDS = ("数据商 1,159 家", "平台", "  ", "\u3000", "\xa0", "\n", "&nbsp;", "&amp;", "<!-- x -->",
         "发布时间：2024年3月5日", "\r\n", "\t", "Published: 2020-1-2", "<?pi x?>", "</html>",
         "<body>", "&unknown;", "<br/>", "</p>", "<title>t</title>", "]]>", "\u2028", "日期")


def broken_markup(rnd: random.Random, depth: int = 0) -> str:
    out = []
    for _ in range(rnd.randint(0, 6)):
        if rnd.random() < 0.45 or depth > 6:
            out.append(rnd.choice(WORDS))
            continue
        tag = rnd.choice(TAGS)
        attributes = " ".join(rnd.sample(ATTRIBUTES, rnd.randint(0, 2)))
        close = "" if rnd.random() < 0.15 else f"</{tag}>"
        out.append(f"<{tag} {attributes}>{broken_markup(rnd, depth + 1)}{close}")
    return "".join(out)


def pages(count: int, seed: int) -> list[tuple[str, bytes, str]]:
    """(content type, body, the figure the brief cites) of each page."""
    from bench_evidence import page
    from pdfmaker import scanned_pdf, text_pdf

    html = "text/html; charset=utf-8"
    made = [
        (html, page(1, 200), "1001 家"),
        (html, page(2, 50), "1020 家"),  # a typo: the page says 1002
        ("text/html", ("<html><head><meta charset='gbk'><title>调查报告 - 某网</title></head>"
                       "<body><div class='nav'>首页</div><article><h1>调查报告</h1>"
                       "<p>占比达百分之六十八，共有一百二十余家企业。</p></article>"
                       "<footer>版权</footer></body></html>").encode("gbk"), "68%"),
        (html, (b"<!doctype html><html><head><title>Annual report | Site</title>"
                b"<meta property='og:title' content='Annual report'></head><body>"
                b"<header>Menu</header><main><p>Members grew to 1,159 firms in 2025.</p>"
                b"<div id='comments'>Reader said 2,000 firms.</div></main></body></html>"
                ), "1,159 firms"),
        ("application/pdf", text_pdf(["平台累计汇聚数据商1159家。"]), "1159 家"),
        ("application/pdf", scanned_pdf(), "1159 家"),
        ("text/plain; charset=utf-8", "汇聚数据商 442 家\n".encode(), "442 家"),
    ]
    rnd = random.Random(seed)
    while len(made) < count:
        body = (rnd.choice(["<!doctype html><html>", "<html><head>", ""]) + broken_markup(rnd)
                + "<p>数据商 1,159 家</p>" + "".join(broken_markup(rnd) for _ in range(4))
                ).encode(rnd.choice(["utf-8", "gbk"]), "replace")
        made.append((rnd.choice([html, "text/html", "text/html; charset=gbk"]), body, "1,159 家"))
    return made


def project(folder: Path, urls: list[str], said: list[str]) -> None:
    folder.mkdir()
    (folder / ".git").mkdir()
    lines = ["# 证据比较", ""]
    lines += [f"第{n}条：数据商 {figure}<sup>{n}</sup>。" for n, figure in enumerate(said, 1)]
    lines.append("")
    lines += [f"<sup>{n}</sup> 来源：《测试页面 {n}》，{url}" for n, url in enumerate(urls, 1)]
    (folder / "brief.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def kept(factlint: str, folder: Path) -> dict:
    """What `sources` kept in ``folder``, and what `check --evidence` finds from it."""
    done = subprocess.run([factlint, "sources", "brief.md", "--allow-private", "--update"],
                          cwd=folder, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"{factlint} sources: {done.stderr[-2000:]}")
    evidence = yaml.safe_load((folder / "brief.evidence.yaml").read_text(encoding="utf-8"))
    for record in evidence["sources"].values():
        record.pop("fetched")
    snapshots = {path.name: gzip.decompress(path.read_bytes()).decode("utf-8")
                 for path in (folder / ".factlint" / "evidence").rglob("*.txt.gz")}
    check = subprocess.run([factlint, "check", "brief.md", "--evidence", "--offline",
                            "--format", "json"], cwd=folder, capture_output=True, text=True,
                           timeout=600)
    return {"evidence file": evidence, "snapshots": snapshots,
            "findings": (check.returncode, check.stdout)}


def main() -> int:
    from urlserver import LoopbackServer, answer

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("baseline", help="the factlint executable of the code compared with")
    parser.add_argument("--candidate", default=shutil.which("factlint", path=str(
        Path(sys.executable).parent)) or "factlint", help="the factlint of this change")
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    served = pages(args.pages, args.seed)
    with tempfile.TemporaryDirectory() as tmp, LoopbackServer("127.0.0.1") as one, \
            LoopbackServer("127.0.0.2") as two:
        urls = [(one, two)[n % 2].route(f"/page/{n}", answer(200, ("Content-Type", kind),
                                                             body=body))
                for n, (kind, body, _) in enumerate(served, 1)]
        found = {}
        for name, factlint in (("baseline", args.baseline), ("candidate", args.candidate)):
            folder = Path(tmp) / name
            project(folder, urls, [figure for _, _, figure in served])
            found[name] = kept(factlint, folder)
    differ = [part for part in found["baseline"] if found["baseline"][part] !=
              found["candidate"][part]]
    for part in differ:
        print(f"differs: {part}")
    print(f"{len(served)} pages compared ({len(found['candidate']['snapshots'])} snapshots), "
          f"{len(differ)} parts differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
