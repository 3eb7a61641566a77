"""Render factlint's HTML report in headless Chromium: a screenshot and a script check.

    python bench/render_html.py [--out DIR] [--height PX] [BRIEF ...]

Without briefs it renders the reference brief (../shared/seeds/…) and every brief in
data/examples/, each into its own report, plus one report of them all together. For
each report it writes DIR/<name>.html and DIR/<name>.png (1280 px wide) and prints

- script errors: an uncaught error recorded by the page's own error hook
  (``data-js-error`` on <html>), a page script that never finished
  (no ``data-factlint="ready"``), and any console message Chromium logged;
- the click probe: a copy of the page with a probe script that clicks the first
  finding and the first citation and checks that the target exists and flashes.

Exit status 1 when any report has a script error or fails the probe. Chromium runs
with networking features off and a throw-away profile; the page itself loads nothing.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seeds" / "guangxi-data-industry-brief.md"
EXAMPLES = ROOT / "data" / "examples"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

PROBE = """<script>
(function () {
  var results = [];
  function check(selector, what) {
    var link = document.querySelector(selector);
    if (!link) { results.push(what + ': none on the page'); return; }
    var id = decodeURIComponent(link.getAttribute('href').slice(1));
    var target = document.getElementById(id);
    if (!target) { results.push(what + ': target #' + id + ' missing'); return; }
    link.click();
    if (!target.classList.contains('flash')) { results.push(what + ': target did not flash'); }
    if (location.hash !== '#' + id) { results.push(what + ': address did not follow'); }
  }
  try {
    check('.finding a[href^="#"]', 'finding');
    check('sup.cite a[href^="#"]', 'citation');
    check('.backrefs a[href^="#"]', 'back-link');
  } catch (e) { results.push('probe threw: ' + e.message); }
  document.documentElement.setAttribute('data-probe', results.length ? results.join('; ') : 'ok');
})();
</script>"""


def find_chromium() -> str | None:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_command(browser: str, profile: str) -> list[str]:
    return [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-extensions", "--disable-default-apps",
        f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
    ]


def make_report(briefs: list[str], target: Path) -> None:
    from factlint.engine import RunOptions, run
    from factlint.report import ReportOptions, reporter
    from factlint.report.html import document_view

    result = run(RunOptions(paths=tuple(briefs), offline=True, view_of=document_view, jobs=1))
    with open(target, "w", encoding="utf-8") as stream:
        reporter("html")(result, stream, ReportOptions())


def screenshot(browser: str, page: Path, png: Path, width: int = 1280, height: int = 2000) -> None:
    with tempfile.TemporaryDirectory(prefix="factlint-chromium-") as profile:
        subprocess.run(
            chromium_command(browser, profile)
            + [f"--screenshot={png}", f"--window-size={width},{height}", page.resolve().as_uri()],
            capture_output=True, timeout=120, check=False,
        )


def dump_dom(browser: str, page: Path) -> tuple[str, str]:
    """(DOM after the page's scripts ran, Chromium's log)."""
    with tempfile.TemporaryDirectory(prefix="factlint-chromium-") as profile:
        done = subprocess.run(
            chromium_command(browser, profile) + ["--dump-dom", page.resolve().as_uri()],
            capture_output=True, timeout=120, check=False, text=True, errors="replace",
        )
    return done.stdout, done.stderr


def _html_attributes(dom: str) -> str:
    match = re.search(r"<html\b[^>]*>", dom)
    return match.group() if match else ""


def script_errors(browser: str, page: Path) -> list[str]:
    """Uncaught errors, an unfinished page script, and console messages; [] when clean."""
    dom, log = dump_dom(browser, page)
    if not dom.strip():
        return [f"Chromium printed no DOM: {log.strip()[-400:]}"]
    problems = []
    root = _html_attributes(dom)
    error = re.search(r'data-js-error="([^"]*)"', root)
    if error:
        problems.append(f"uncaught script error: {error.group(1)}")
    if 'data-factlint="ready"' not in root:
        problems.append("the page script did not finish")
    for line in log.splitlines():
        if "CONSOLE" in line or "Uncaught" in line:
            problems.append(line.strip())
    return problems


def click_problems(browser: str, page: Path) -> list[str]:
    """Click a finding, a citation and a back-link in a probed copy of the page."""
    with tempfile.TemporaryDirectory(prefix="factlint-probe-") as folder:
        probed = Path(folder) / page.name
        text = page.read_text(encoding="utf-8")
        probed.write_text(text.replace("</body>", PROBE + "\n</body>"), encoding="utf-8")
        dom, log = dump_dom(browser, probed)
    verdict = re.search(r'data-probe="([^"]*)"', _html_attributes(dom))
    if verdict is None:
        return ["the probe did not run" + (f": {log.strip()[-300:]}" if log.strip() else "")]
    return [] if verdict.group(1) == "ok" else [verdict.group(1)]


def default_briefs() -> list[tuple[str, list[str]]]:
    jobs = []
    if SEED.exists():
        jobs.append(("seed", [str(SEED)]))
    examples = sorted(str(p) for p in EXAMPLES.glob("*.md")) if EXAMPLES.is_dir() else []
    for example in examples:
        jobs.append((Path(example).stem, [example]))
    everything = [brief for _, briefs in jobs for brief in briefs]
    if len(everything) > 1:
        jobs.append(("all", everything))
    return jobs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("briefs", nargs="*",
                        help="briefs for one report (default: seed and examples)")
    parser.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "factlint-html"),
                        help="folder for the pages and screenshots "
                             "(default: a folder in the temp dir)")
    parser.add_argument("--height", type=int, default=2000, help="screenshot height in pixels")
    args = parser.parse_args(argv)

    browser = find_chromium()
    if browser is None:
        print("no chromium found (apt-get install chromium)", file=sys.stderr)
        return 2
    jobs = [("report", args.briefs)] if args.briefs else default_briefs()
    if not jobs:
        print("no briefs: give some, or make ../shared/seeds or data/examples available",
              file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    failed = False
    for name, briefs in jobs:
        page, png = out / f"{name}.html", out / f"{name}.png"
        make_report(briefs, page)
        screenshot(browser, page, png, height=args.height)
        problems = script_errors(browser, page) + click_problems(browser, page)
        failed = failed or bool(problems)
        status = "ok" if not problems else "; ".join(problems)
        print(f"{name:>12}: {len(briefs)} brief(s), {page.stat().st_size // 1024} KiB page, "
              f"screenshot {png} — {status}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
