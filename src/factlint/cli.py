"""The command line: parse options into plain objects, call the engine, return an exit code.

Heavy modules (the engine, jsonschema, requests) are imported inside the commands that
need them, so `factlint check` on one brief starts fast.
"""

from __future__ import annotations

import os
import sys

import click

from factlint import __version__
from factlint.report import FORMATS

SEVERITY = click.Choice(["error", "warning", "info"])


def _codes(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _fail(message: str) -> None:
    click.echo(f"factlint: error: {message}", err=True)
    sys.exit(2)


def _check_selectors(option: str, selectors) -> None:
    from factlint.rules import known_selector

    for selector in selectors or ():
        if not known_selector(selector):
            raise click.BadParameter(
                f"'{selector}' is not a rule code, prefix or name (see `factlint rules`)",
                param_hint=option,
            )


def _finite(ctx, param, value):
    """A FloatRange lets NaN through (it compares false with both bounds)."""
    if value is not None and value != value:
        raise click.BadParameter("nan is not a number of seconds")
    return value


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="factlint")
def main() -> None:
    """factlint: check that a brief's claims are sourced, its figures match their data,
    and its cited URLs resolve."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "output_format", default="text",
              type=click.Choice(list(FORMATS)), help="Report format.")
@click.option("--output", type=click.Path(dir_okay=False), help="Write the report here.")
@click.option("--offline", is_flag=True, help="No network: URL checks are skipped and counted.")
@click.option("--facts", type=click.Path(), help="Fact file for a single brief.")
@click.option("--config", type=click.Path(), help="Configuration file (over the project's).")
@click.option("--select", help="Comma-separated codes, prefixes or names to run.")
@click.option("--ignore", help="Comma-separated codes, prefixes or names to skip.")
@click.option("--fail-on", type=SEVERITY, help="Lowest severity that fails the run.")
@click.option("--allow-private", is_flag=True, help="Let URL checks reach private addresses.")
@click.option("--timeout", type=click.FloatRange(min=0.1, max=600), callback=_finite,
              help="Seconds a URL request may take in all (connect, headers, body).")
@click.option("--url-deadline", type=click.FloatRange(min=1, max=86400), callback=_finite,
              help="Seconds all URL checks may take together (default 300); "
                   "URLs left are reported as not checked.")
@click.option("--jobs", type=click.IntRange(min=0), default=0, help="Files in parallel.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the URL result cache.")
@click.option("--language", type=click.Choice(["auto", "zh", "en"]),
              help="Rule pack for every sentence (default auto: each sentence's script).")
@click.option("--changed-since", metavar="REF",
              help="Report only lines changed since a git ref "
                   "(fact/data changes count for briefs).")
@click.option("--baseline", type=click.Path(dir_okay=False),
              help="Report only findings not recorded in this baseline.")
@click.option("--write-baseline", type=click.Path(dir_okay=False),
              help="Record today's findings in this file.")
def check(paths, output_format, output, offline, facts, config, select, ignore, fail_on,
          allow_private, timeout, url_deadline, jobs, no_cache, language, changed_since,
          baseline,
          write_baseline) -> None:
    """Check briefs (files or folders; default: the current folder)."""
    from factlint.config import ConfigError, Overrides
    from factlint.engine import RunOptions, run
    from factlint.report import ReportOptions, reporter

    if output_format == "github":  # on a CI runner: nothing on stderr may read as a command
        from factlint.report.github import EscapedStream

        sys.stderr = EscapedStream(sys.stderr)
    select_codes, ignore_codes = _codes(select), _codes(ignore)
    _check_selectors("--select", select_codes)
    _check_selectors("--ignore", ignore_codes)
    url_overrides = []
    if allow_private:
        url_overrides.append(("allow_private", True))
    if timeout is not None:
        url_overrides.append(("timeout", timeout))
    if url_deadline is not None:
        url_overrides.append(("deadline", url_deadline))
    if no_cache:
        url_overrides.append(("use_cache", False))
    if facts and len(paths) != 1:
        _fail("--facts names the fact file of a single brief: give exactly one brief")
    options = RunOptions(
        paths=tuple(paths) or (".",),
        overrides=Overrides(config, select_codes, ignore_codes or (), fail_on,
                            tuple(url_overrides), language),
        facts=facts,
        offline=offline,
        jobs=jobs,
        collect_views=output_format == "html",
    )
    try:
        result = run(options)
        if changed_since:
            from factlint.changes import changed_lines, keep_changed

            keep_changed(result, changed_lines(changed_since))
        if write_baseline:
            from factlint.baseline import write_baseline as record

            count = record(result, write_baseline)
            click.echo(f"factlint: recorded {count} finding(s) in {write_baseline}", err=True)
        if baseline:
            from factlint.baseline import apply_baseline

            apply_baseline(result, baseline)
    except ConfigError as exc:
        _fail(str(exc))
    write = reporter(output_format)
    if output:
        from factlint.fileio import atomic_writer

        with atomic_writer(output) as stream:
            write(result, stream, ReportOptions(color=False))
    else:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        write(result, sys.stdout, ReportOptions(color=color))
    sys.exit(result.exit_code)


@main.command()
@click.argument("brief", type=click.Path(dir_okay=False))
def extract(brief: str) -> None:
    """Print a fact-file skeleton (YAML) with one claim per figure of BRIEF."""
    from factlint.document import read_document
    from factlint.engine import read_any_brief
    from factlint.extract import extract_skeleton

    text, _, problem = read_any_brief(brief)
    if text is None:
        _fail(f"cannot read {brief}: {problem}")
    click.echo(extract_skeleton(read_document(brief, text)), nl=False)


@main.command()
@click.argument("brief", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="The annotated copy (default: BRIEF.checked.docx beside it).")
@click.option("--offline", is_flag=True, help="No network: URL checks are skipped.")
@click.option("--facts", type=click.Path(), help="Fact file for the brief.")
@click.option("--config", type=click.Path(), help="Configuration file (over the project's).")
@click.option("--select", help="Comma-separated codes, prefixes or names to run.")
@click.option("--ignore", help="Comma-separated codes, prefixes or names to skip.")
@click.option("--fail-on", type=SEVERITY, help="Lowest severity that fails the run.")
def annotate(brief, output, offline, facts, config, select, ignore, fail_on) -> None:
    """Write a copy of a Word brief (.docx) with one Word comment per finding, on the words
    it concerns. The brief itself is never modified; on a copy annotated before, factlint's
    earlier comments are replaced and everyone else's kept.

    Exit status as for `check`: 0 nothing at or above --fail-on, 1 findings at or above it
    (the copy is written either way), 2 when the brief can't be read or the copy written.
    """
    from factlint.annotate import AnnotateError
    from factlint.annotate import annotate as write_annotated
    from factlint.config import ConfigError, Overrides
    from factlint.engine import RunOptions
    from factlint.related import WORD_SUFFIXES

    if not brief.lower().endswith(WORD_SUFFIXES):
        _fail(f"{brief}: annotate writes Word comments, so it takes a .docx brief "
              "(use `factlint check` for text briefs)")
    select_codes, ignore_codes = _codes(select), _codes(ignore)
    _check_selectors("--select", select_codes)
    _check_selectors("--ignore", ignore_codes)
    output = output or os.path.splitext(brief)[0] + ".checked.docx"
    options = RunOptions(overrides=Overrides(config, select_codes, ignore_codes or (), fail_on),
                         facts=facts, offline=offline, jobs=1)
    try:
        done = write_annotated(brief, output, options)
    except (AnnotateError, ConfigError) as exc:
        _fail(str(exc))
    replaced = f", replacing {done.replaced} of an earlier run" if done.replaced else ""
    click.echo(f"wrote {output}: {done.comments} comment(s){replaced}")
    sys.exit(done.result.exit_code)


@main.command()
@click.argument("brief", type=click.Path(dir_okay=False))
def show(brief: str) -> None:
    """Print the text factlint reads in BRIEF, with line numbers. For a Word brief (.docx)
    this is its rendering, where findings' lines and columns count, with the paragraph each
    line starts in."""
    from factlint.engine import read_any_brief

    text, rendering, problem = read_any_brief(brief)
    if text is None:
        _fail(f"cannot read {brief}: {problem}")
    lines = text.split("\n")
    width = len(str(len(lines)))
    for number, line in enumerate(lines, start=1):
        if rendering is None:
            click.echo(f"{number:>{width}} | {line}")
        else:
            place = rendering.location(number, 1).describe().rsplit(":", 1)[0] if line else ""
            click.echo(f"{number:>{width}} {place:<16}| {line}")


@main.command()
@click.argument("name", type=click.Choice(["facts", "report", "config", "rulepack"]))
def schema(name: str) -> None:
    """Print one of factlint's JSON Schemas (facts, report, config, rulepack)."""
    from factlint.schemas import schemas_dir

    click.echo((schemas_dir() / f"{name}.schema.json").read_text(encoding="utf-8"), nl=False)


def rule_table() -> str:
    """The README's rule table, made from the rules' own metadata."""
    from factlint.rules import registry

    rows = ["| code | name | default | fix | what |", "| --- | --- | --- | --- | --- |"]
    for rule in registry():
        rows.append(f"| {rule.code} | {rule.name} | {rule.severity} | "
                    f"{'yes' if rule.fixable else ''} | {rule.summary} |")
    return "\n".join(rows) + "\n"


@main.command()
@click.argument("code", required=False)
@click.option("--markdown", is_flag=True, help="Print the rule table as Markdown.")
def rules(code: str | None, markdown: bool) -> None:
    """List the rules, or show one with its examples."""
    from factlint.rules import registry

    if markdown:
        click.echo(rule_table(), nl=False)
        return
    if code is None:
        for rule in registry():
            click.echo(f"{rule.code}  {rule.name:<26} {rule.severity:<8} {rule.summary}")
        return
    found = [r for r in registry() if r.code == code.upper() or r.name == code]
    if not found:
        _fail(f"no rule '{code}' (see `factlint rules`)")
    rule = found[0]
    click.echo(f"{rule.code} {rule.name} ({rule.severity}{', fixable' if rule.fixable else ''})\n")
    click.echo(rule.doc)


@main.command("fix")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--diff", "show_diff", is_flag=True,
              help="Print a unified diff of the fixes and write nothing; exit 1 if there are any.")
@click.option("--urls", "fix_urls", is_flag=True,
              help="Also replace permanently redirected URLs (FL403); uses the network.")
@click.option("--drop-unused", is_flag=True, help="Remove source definitions no marker cites.")
@click.option("--facts", type=click.Path(), help="Fact file for a single brief.")
@click.option("--config", type=click.Path(), help="Configuration file (over the project's).")
@click.option("--allow-private", is_flag=True, help="Let URL checks reach private addresses.")
@click.option("--timeout", type=click.FloatRange(min=0.1, max=600), callback=_finite,
              help="Seconds a URL request may take in all (connect, headers, body).")
def fix_command(paths, show_diff, fix_urls, drop_unused, facts, config, allow_private,
                timeout) -> None:
    """Apply safe fixes in place: rejoin page-split paragraphs, renumber citations in order
    of first appearance (with the fact file), and on request drop unused sources and
    replace redirected URLs.

    Exit status: 0 when the files were fixed or needed nothing; with --diff, 1 when there
    is something to fix (nothing is written); 2 when a file could not be read or fixed
    safely (that brief and its fact file are left untouched).
    """
    from factlint.config import ConfigError, Overrides
    from factlint.fix import FixOptions, fix_paths, unified_diff, write_changes

    url_overrides = []
    if allow_private:
        url_overrides.append(("allow_private", True))
    if timeout is not None:
        url_overrides.append(("timeout", timeout))
    if facts and len(paths) != 1:
        _fail("--facts names the fact file of a single brief: give exactly one brief")
    options = FixOptions(drop_unused=drop_unused, urls=fix_urls)
    notes: list[str] | None = None if show_diff else []  # --diff completes no interrupted fix
    try:
        results = fix_paths(tuple(paths) or (".",), options,
                            Overrides(config=config, urls=tuple(url_overrides)), facts, notes)
    except ConfigError as exc:
        _fail(str(exc))
    for note in notes or ():
        click.echo(f"factlint: {note}", err=True)
    failed = changed = False
    for result in results:
        if result.problem:
            click.echo(f"factlint: error: cannot fix {result.path}: {result.problem}", err=True)
            failed = True
            continue
        changed = changed or bool(result.changes)
        if show_diff:
            for change in result.changes:
                click.echo(unified_diff(change), nl=False)
            continue
        problem = write_changes(result)
        if problem:
            click.echo(f"factlint: error: cannot fix {result.path}: {problem}", err=True)
            failed = True
            continue
        for change in result.changes:
            click.echo(f"fixed {change.issues} issue(s) in {change.path}")
    if not changed and not failed and not show_diff:
        click.echo("nothing to fix")
    sys.exit(2 if failed else 1 if show_diff and changed else 0)
