"""The command line: parse options into plain objects, call the engine, return an exit code.

Heavy modules (the engine, jsonschema, requests) are imported inside the commands that
need them, so `factlint check` on one brief starts fast.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys

import click

from factlint import __version__
from factlint.report import FORMATS


class Choice(click.Choice):
    """click.Choice whose refusal names the value and the choices in the reader's language."""

    def get_invalid_choice_message(self, value, ctx) -> str:
        from factlint.messages import Phrase

        return Phrase("cli.one-of", value=value, choices=", ".join(map(str, self.choices)))


class _Range:
    """click's IntRange and FloatRange, whose refusals say what is wrong in the reader's
    language: the value is not a number, or not in the range."""

    number: type = float
    whole = False

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            from factlint.messages import Phrase

            try:
                self.number(value)
            except (TypeError, ValueError):
                self.fail(Phrase("cli.not-an-integer" if self.whole else "cli.not-a-number",
                                 value=value), param, ctx)
            low, high = self.min, self.max
            self.fail(Phrase("cli.range" if low is not None and high is not None
                             else "cli.range-min" if high is None else "cli.range-max",
                             low=low, high=high), param, ctx)


class FloatRange(_Range, click.FloatRange):
    number = float


class IntRange(_Range, click.IntRange):
    number = int
    whole = True


class FilePath(click.Path):
    """click.Path of a file, whose refusal of a folder is in the reader's language (click
    names the kind of path in English, when the option is declared)."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False)

    def convert(self, value, param, ctx):
        if os.path.isdir(value):
            from factlint.messages import Phrase

            self.fail(Phrase("cli.is-a-folder", path=click.format_filename(value)), param, ctx)
        return super().convert(value, param, ctx)


# One instance of each path type for every option: each click.Path asks gettext for its
# name when made (a look-up of catalog files on disk), ~20 times at every start otherwise.
PATH = click.Path()
FILE = FilePath()
SEVERITY = Choice(["error", "warning", "info"])
# `factlint` alone: its help, raised as a usage error (click 8.2 and later)
NO_ARGUMENTS = getattr(click.exceptions, "NoArgsIsHelpError", ())
MESSAGES = Choice(["auto", "zh", "en"])
_SAID_IN = ("Language of what the command says (default auto: FACTLINT_MESSAGES, "
            "`messages:` in the configuration, else the locale).")


def _codes(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _fail(message: str) -> None:
    """Say ``message`` (a Phrase, or plain text) as an error, and exit with status 2."""
    _say("cli.error", message)
    sys.exit(2)


def _reason(error: Exception) -> str:
    """What an error says: the Phrase it was raised with (rendered in the reader's
    language), else its text."""
    given = error.args[0] if error.args else None
    return given if isinstance(given, str) else str(error)


def _say(message_id: str, message: str = "", err: bool = True, *, told_in: str = "",
         **arguments) -> None:
    """One line of what the command line says: an error, a warning or a note
    (``message_id`` with ``message`` inside), or a message of its own (``arguments``);
    in ``told_in`` (a catalog language), else in the reader's (``_language``)."""
    from factlint.messages import render, told

    language = told_in or _language()
    if message:
        arguments["message"] = told(message, language)
    click.echo(render(message_id, arguments, language), err=err)


def _language(option: str | None = None, config: str | None = None) -> str:
    """en, zh or zh-Hant: the language of what the command line says that belongs to no
    brief (errors, warnings, notes, rule docs, click's own words). ``--messages``, then
    FACTLINT_MESSAGES, then ``messages:`` in the configuration (of a brief in the current
    folder) — the order findings follow too; ``auto`` (or
    nothing set) follows the user's locale: LC_ALL, LC_MESSAGES or LANG (the first one
    set) starting with zh gives Chinese. Chinese is in Traditional characters when the
    locale names Traditional Chinese (zh_TW, zh_HK, zh_MO, zh-Hant). The command's own
    --messages and --config are read from the running command when not given."""
    from factlint.messages import locale_language

    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        option = option or ctx.params.get("messages")
        config = config or ctx.params.get("config")
    language = None
    for setting in (option, _messages_from_environment(), _configured_messages(config)):
        if setting in ("zh", "en"):
            language = setting
            break
        if setting == "auto":
            break
    language = language or locale_language()
    return "zh-Hant" if language == "zh" and _traditional_locale() else language


def _traditional_locale() -> bool:
    """Whether the locale (LC_ALL, LC_MESSAGES or LANG, the first one set) names Chinese in
    Traditional characters."""
    locale = next((os.environ[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG")
                   if os.environ.get(name)), "")
    return locale.lower().replace("-", "_").startswith(("zh_tw", "zh_hk", "zh_mo", "zh_hant"))


def _run_language(languages) -> str:
    """The language of what is said under ``auto`` of a brief whose text could not be read
    (a missing file has no words): that of most briefs of the run that were read, else the
    reader's (``_language``: --messages, FACTLINT_MESSAGES, configuration, locale)."""
    from collections import Counter

    read = Counter(language for language in languages if language)
    return read.most_common(1)[0][0] if read else _language()


def _configured_messages(config: str | None) -> str | None:
    """The `messages` setting of the configuration a brief in the current folder gets
    (None when it sets none or cannot be read: it may be what the error is about)."""
    from pathlib import Path

    from factlint.config import ConfigError, Overrides, forget, settings_for

    forget()  # files read earlier in this process may have changed (a long-lived caller)
    try:
        settings = settings_for(Path("brief.md"), Overrides(config=config))
    except (ConfigError, OSError, ValueError):
        return None
    return settings.messages if "messages" in dict(settings.sources) else None


def _check_selectors(option: str, selectors) -> None:
    from factlint.registry import known_selector

    for selector in selectors or ():
        if not known_selector(selector):
            from factlint.messages import Phrase

            raise click.BadParameter(Phrase("cli.unknown-selector", selector=selector),
                                     param_hint=option)


def _finite(ctx, param, value):
    """A FloatRange lets NaN through (it compares false with both bounds)."""
    if value is not None and value != value:
        from factlint.messages import Phrase

        raise click.BadParameter(Phrase("cli.nan"))
    return value


def _usage_error(error: click.ClickException, language: str) -> None:
    """A usage error (a bad option, a missing argument) in the reader's ``language``: ours
    are Phrases; click's own are in that language already (see _Group.main)."""
    from factlint.messages import Phrase, render, told

    if language == "en" or isinstance(error, NO_ARGUMENTS):
        error.show()
        return
    message = error.message
    if isinstance(error, click.NoSuchOption):
        message = Phrase("cli.no-such-option", option=error.option_name)
        if error.possibilities:
            message = Phrase("cli.with-hint", message=message, hint=Phrase(
                "cli.did-you-mean", options=", ".join(sorted(error.possibilities))))
    elif isinstance(error, click.MissingParameter):
        hint = error.param.get_error_hint(error.ctx) if error.param and error.ctx else ""
        message = Phrase("cli.missing", hint=hint)
    elif isinstance(error, click.BadParameter):
        hint = error.param_hint or (error.param.get_error_hint(error.ctx)
                                    if error.param and error.ctx else "")
        if not isinstance(message, Phrase):
            message = Phrase("cli.click-said", message=message)
        message = Phrase("cli.bad-value", hint=hint, message=message) if hint else message
    elif not isinstance(message, Phrase):
        message = Phrase("cli.click-said", message=message)
    ctx = getattr(error, "ctx", None)
    if ctx is not None:
        click.echo(ctx.get_usage(), err=True)
        click.echo(render("cli.try-help", {"command": ctx.command_path}, language), err=True)
        click.echo(err=True)
    click.echo(render("cli.usage-error", {"message": told(message, language)}, language),
               err=True)


def _option_value(args: list[str], name: str) -> str | None:
    """The value ``args`` give option ``name`` (``--name value`` or ``--name=value``)."""
    for index, arg in enumerate(args):
        if arg == name and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(name + "="):
            return arg.partition("=")[2]
    return None


def _said_language(args: list[str]) -> str | None:
    """The reader's language (``_language``) when the command line or the environment says
    it (--messages, FACTLINT_MESSAGES) or help is asked for; else None, for a plain run
    should not read the configuration before its command does."""
    option = _option_value(args, "--messages")
    for setting in (option, _messages_from_environment()):
        if setting in ("zh", "en"):
            return _language(setting)
        if setting == "auto":
            break
    if not args or "-h" in args or "--help" in args:
        return _language(option, _option_value(args, "--config"))
    return None


def _speaking(language: str | None):
    """click's own words in ``language`` while the block runs (clickwords.speaking): as
    click writes them for English, or while the language is not known yet."""
    if language in (None, "en"):
        from contextlib import nullcontext

        return nullcontext()
    from factlint.clickwords import speaking

    return speaking(language)


class _ClickHelp:
    """The help of the options click declares itself (--help, --version) in the reader's
    language when it is shown: click words it once, when the option is made (--help's when
    a command first parses, --version's when it is declared)."""

    def get_help_option(self, ctx):
        from gettext import gettext

        option = super().get_help_option(ctx)
        if option is not None:
            option.help = gettext("Show this message and exit.")
        return option


class _VersionOption(click.Option):
    """--version, whose help (click's own text) is told in the reader's language when it
    is shown."""

    def get_help_record(self, ctx):
        from gettext import gettext

        self.help = gettext("Show the version and exit.")
        return super().get_help_record(ctx)


class _Command(_ClickHelp, click.Command):
    """A command that does its work in the user's environment (click's words aside, see
    clickwords.py), and does not run while its group only rehearses the parsing (see
    _Group.main)."""

    def invoke(self, ctx):
        group = ctx.find_root().command
        if getattr(group, "rehearsing", False):
            return None
        said = getattr(group, "said", None)
        if said is None:
            return super().invoke(ctx)
        with said.aside():
            return super().invoke(ctx)


class _Group(_ClickHelp, click.Group):
    """The command group, whose help and usage errors speak the reader's language: click's
    own words (``Usage:``, ``No such option``) through gettext (clickwords.py), ours from
    the catalog.

    click words a message when it meets the error, while it parses. The language is known
    then if --messages or FACTLINT_MESSAGES says it (or help is asked for); else it may be
    the configuration's, which a plain run does not read so early: after an error it is
    read, and the command line parsed once more in that language, its command not run, to
    meet the same error in the reader's words."""

    command_class = _Command
    rehearsing = False
    said = None  # what clickwords.speaking installed for this run (None: English)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True,
             **extra):
        args = list(sys.argv[1:] if args is None else args)
        language = _said_language(args)
        try:
            with _speaking(language) as self.said:
                done = super().main(args, prog_name, complete_var, standalone_mode=False,
                                    **extra)
        except click.ClickException as error:
            if not standalone_mode:
                raise
            if language is None:
                language = _language(_option_value(args, "--messages"),
                                     _option_value(args, "--config"))
                error = self._rehearsed(args, prog_name, language, extra) or error
            with _speaking(language):
                _usage_error(error, language)
            sys.exit(error.exit_code)
        except click.exceptions.Abort:
            if not standalone_mode:
                raise
            from gettext import gettext

            with _speaking(language or _language(_option_value(args, "--messages"))):
                click.echo(gettext("Aborted!"), err=True)  # as click's own main says it
            sys.exit(1)
        if standalone_mode:  # as click's own main: a command that returns exits with 0
            sys.exit(done if isinstance(done, int) else 0)
        return done

    def _rehearsed(self, args, prog_name, language, extra) -> click.ClickException | None:
        """The error parsing ``args`` meets in ``language`` (None: it parses, so the error
        came from the command itself)."""
        if language == "en":
            return None
        self.rehearsing = True
        try:
            with _speaking(language):
                super().main(args, prog_name, standalone_mode=False, **extra)
        except click.ClickException as error:
            return error
        finally:
            self.rehearsing = False
        return None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="factlint", message="%(prog)s %(version)s",
                      cls=_VersionOption)
def main() -> None:
    """factlint: check that a brief's claims are sourced, its figures match their data,
    and its cited URLs resolve."""



def _report_spec(ctx, param, values) -> tuple[tuple[str, str | None], ...]:
    """``--report FORMAT[=FILE]`` -> (format, file or None for stdout)."""
    from factlint.messages import Phrase

    specs = []
    for value in values:
        name, _, file = value.partition("=")
        if name not in FORMATS:
            raise click.BadParameter(Phrase("cli.not-a-format", name=name,
                                            formats=", ".join(FORMATS)), param_hint="--report")
        if _ and not file:
            raise click.BadParameter(Phrase("cli.no-file-after", value=value),
                                     param_hint="--report")
        specs.append((name, file or None))
    if sum(1 for _, file in specs if file is None) > 1:
        raise click.BadParameter(Phrase("cli.one-stdout-report"), param_hint="--report")
    return tuple(specs)


def _write_report(write, result, output: str | None, options) -> None:
    """One report to a file (its folder made when missing) or to standard output."""
    if output is None:
        write(result, sys.stdout, options)
        return
    from factlint.fileio import atomic_writer
    from factlint.messages import Phrase

    try:
        folder = os.path.dirname(os.path.abspath(output))
        os.makedirs(folder, exist_ok=True)
        if os.path.isdir(output):
            _fail(Phrase("cli.output-folder", output=output))
        with atomic_writer(output) as stream:
            write(result, stream, options)
    except OSError as exc:
        _fail(Phrase("cli.cannot-write-report", output=output, why=str(exc.strerror or exc)))


def _view_for(reports):
    """What the engine keeps of each brief for the reports asked for: the HTML report's
    view of it (report.html.document_view), or nothing."""
    if not any(name == "html" for name, _ in reports):
        return None
    from factlint.report.html import document_view

    return document_view


def _part_for(reports, reworked: bool):
    """The part writer of the one report's format when its report is made of each brief's
    part (written by the workers, see report.part_writer) and no option reworks the
    findings first."""
    from factlint.report import part_writer

    return None if reworked or len(reports) != 1 else part_writer(reports[0][0])


def _messages_from_environment() -> str | None:
    """FACTLINT_MESSAGES=zh|en|auto: the language of messages when --messages is not given."""
    from factlint.messages import CHOICES

    value = os.environ.get("FACTLINT_MESSAGES", "").strip().lower()
    return value if value in CHOICES else None


def _url_overrides(allow_private: bool, networks: tuple[str, ...], timeout) -> list:
    """URL settings from flags and environment (the only places that can widen the
    address policy: a configuration file in the checked tree cannot)."""
    from factlint.config import network_overrides

    overrides = network_overrides(os.environ, allow_private, networks)
    if timeout is not None:
        overrides.append(("timeout", timeout))
    return overrides


@main.command()
@click.argument("paths", nargs=-1, type=PATH)
@click.option("--format", "output_format", default="text",
              type=Choice(list(FORMATS)), help="Report format.")
@click.option("--output", type=FILE, help="Write the report here.")
@click.option("--report", "reports", multiple=True, metavar="FORMAT[=FILE]",
              callback=_report_spec,
              help="Write a report from this one run (repeatable): e.g. --report github "
                   "--report sarif=factlint.sarif. Replaces --format/--output.")
@click.option("--offline", is_flag=True, help="No network: URL checks are skipped and counted.")
@click.option("--facts", type=PATH, help="Fact file for a single brief.")
@click.option("--config", type=PATH, help="Configuration file (over the project's).")
@click.option("--select", help="Comma-separated codes, prefixes or names to run.")
@click.option("--ignore", help="Comma-separated codes, prefixes or names to skip.")
@click.option("--fail-on", type=SEVERITY, help="Lowest severity that fails the run.")
@click.option("--allow-private", is_flag=True,
              help="Let URL checks reach private addresses (also FACTLINT_ALLOW_PRIVATE=1).")
@click.option("--allow-network", "networks", multiple=True, metavar="CIDR",
              help="A network URL checks may reach although it is private (repeatable; "
                   "also FACTLINT_ALLOWED_NETWORKS).")
@click.option("--timeout", type=FloatRange(min=0.1, max=600), callback=_finite,
              help="Seconds a URL request may take in all (connect, headers, body).")
@click.option("--url-deadline", type=FloatRange(min=1, max=86400), callback=_finite,
              help="Seconds all URL checks may take together (default 300); "
                   "URLs left are reported as not checked.")
@click.option("--jobs", type=IntRange(min=0), default=0, help="Files in parallel.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the URL result cache.")
@click.option("--language", type=Choice(["auto", "zh", "en"]),
              help="Rule pack for every sentence (default auto: each sentence's script).")
@click.option("--messages", type=MESSAGES,
              help="Language of the messages (default auto: each finding in the language "
                   "of the text it points at).")
@click.option("--changed-since", metavar="REF",
              help="Report only lines changed since a git ref "
                   "(fact/data changes count for briefs).")
@click.option("--two-point", is_flag=True,
              help="With --changed-since, diff against REF itself, not its merge base "
                   "with HEAD.")
@click.option("--baseline", type=FILE,
              help="Report only findings not recorded in this baseline.")
@click.option("--write-baseline", type=FILE,
              help="Record today's findings in this file.")
@click.option("--across-briefs", is_flag=True,
              help="Also compare figures between the briefs of the run (FL309).")
@click.option("--stdin-filename", metavar="PATH",
              help="With `-`: the name the brief read from stdin is checked under "
                   "(its configuration, fact file and the paths in messages).")
@click.option("--force-exclude", is_flag=True,
              help="Files named on the command line obey the folder walk's rules too: "
                   ".gitignore, .factlintignore, and the suffixes (.txt only if included).")
@click.option("--evidence", is_flag=True,
              help="Check figures against the text of their cited sources (FL410-FL414): "
                   "snapshots from `factlint sources`, else fetched (not with --offline).")
@click.option("--watch", is_flag=True,
              help="Check, then check again whenever a brief, fact, data or configuration "
                   "file under the paths changes, printing the findings new and gone.")
@click.option("-q", "--quiet", is_flag=True, help="Text report: errors and the summary only.")
@click.option("-v", "--verbose", is_flag=True,
              help="Text report: every finding on its own (infos of one kind are not grouped).")
@click.option("--statistics", is_flag=True, help="Text report: counts per code before the summary.")
@click.option("--color", "color_choice", type=Choice(["auto", "always", "never"]),
              default="auto", help="Colour in the text report (auto: a terminal, unless NO_COLOR; "
                                   "FORCE_COLOR forces it).")
@click.pass_context
def check(ctx, paths, output_format, output, reports, offline, facts, config, select, ignore,
          fail_on, allow_private, networks, timeout, url_deadline, jobs, no_cache, language,
          messages, changed_since,
          two_point, baseline, write_baseline, across_briefs, stdin_filename,
          force_exclude, evidence, quiet, verbose, statistics, color_choice, watch) -> None:
    """Check briefs (files or folders; default: the current folder; `-`: standard input)."""
    url_standby = None
    if not (offline or watch):  # forked first: it loads the network stack meanwhile
        from factlint.urls import standby

        url_standby = standby()
    from factlint.config import ConfigError, Overrides
    from factlint.engine import RunOptions, run
    from factlint.messages import Phrase
    from factlint.report import ReportOptions, reporter

    # At exit, everything is freed with the process: the interpreter's last full garbage
    # collection (~4% of a one-brief run) walks nothing that was made before it.
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)

    explicit = ctx.get_parameter_source("output_format").name != "DEFAULT" or output
    if not reports or explicit:
        reports = ((output_format, output), *reports)
    if any(name == "github" for name, _ in reports):
        # on a CI runner: nothing on stderr may read as a command
        from factlint.report.github import EscapedStream

        sys.stderr = EscapedStream(sys.stderr)
    select_codes, ignore_codes = _codes(select), _codes(ignore)
    _check_selectors("--select", select_codes)
    _check_selectors("--ignore", ignore_codes)
    url_overrides = _url_overrides(allow_private, networks, timeout)
    if url_deadline is not None:
        url_overrides.append(("deadline", url_deadline))
    stdin = None
    if paths.count("-") > 1:
        _fail(Phrase("cli.stdin-twice"))
    if "-" in paths:
        stdin = sys.stdin.buffer.read()
    elif stdin_filename:
        _fail(Phrase("cli.stdin-filename"))
    if no_cache:
        url_overrides.append(("use_cache", False))
    if facts and len(paths) != 1:
        _fail(Phrase("cli.facts-one-brief"))
    options = RunOptions(
        paths=tuple(paths) or (".",),
        overrides=Overrides(config, select_codes, ignore_codes or (), fail_on,
                            tuple(url_overrides), language,
                            messages=messages or _messages_from_environment()),
        facts=facts,
        offline=offline,
        jobs=jobs,
        view_of=_view_for(reports),
        across_briefs=across_briefs,
        force_exclude=force_exclude,
        stdin=stdin,
        stdin_filename=stdin_filename,
        evidence=evidence,
        report_part=_part_for(reports, bool(changed_since or baseline or write_baseline
                                            or watch or across_briefs)),
    )
    if watch:
        if stdin is not None or write_baseline:
            _fail(Phrase("cli.watch-stdin"))
        _watch(options, reports, changed_since, two_point, baseline)
    try:
        result = run(options, url_standby)
        for warning in result.warnings:
            _say("cli.warning", warning)
        skipped = result.summary.get("evidence_skipped")
        if skipped:
            _say("cli.evidence-skipped", count=skipped)
        if changed_since:
            from factlint.changes import changed_lines, keep_changed

            keep_changed(result, changed_lines(changed_since, two_point=two_point))
        if write_baseline:
            from factlint.baseline import write_baseline as record

            try:
                count = record(result, write_baseline)
            except OSError as exc:
                _fail(Phrase("cli.cannot-write-baseline", output=write_baseline,
                             why=str(exc.strerror or exc)))
            _say("cli.note", Phrase("cli.baseline-recorded", count=count, file=write_baseline))
        if baseline:
            from factlint.baseline import apply_baseline

            apply_baseline(result, baseline)
    except ConfigError as exc:
        _fail(_reason(exc))
    from factlint.report.terminal import color_wanted, terminal_width

    color = color_wanted(color_choice, os.environ, sys.stdout)
    width = terminal_width(os.environ, sys.stdout)
    for name, file in reports:
        _write_report(reporter(name), result, file,
                      ReportOptions(color=color and (file is None or color_choice == "always"),
                                    width=width, wrap=file is None and sys.stdout.isatty(),
                                    quiet=quiet, verbose=verbose,
                                    statistics=statistics))
    sys.exit(result.exit_code)


def _watch(options, reports, changed_since, two_point, baseline) -> None:
    """`check --watch` (see watch.py): the first run reported as `check` reports it, then
    only the findings new and gone at each change. Exits 0 on Ctrl-C."""
    from factlint.config import ConfigError
    from factlint.engine import run
    from factlint.report import ReportOptions, reporter
    from factlint.watch import watch

    def checked():
        result = run(options)
        if changed_since:
            from factlint.changes import changed_lines, keep_changed

            keep_changed(result, changed_lines(changed_since, two_point=two_point))
        if baseline:
            from factlint.baseline import apply_baseline

            apply_baseline(result, baseline)
        return result

    def report(result) -> None:
        for name, file in reports:
            _write_report(reporter(name), result, file, ReportOptions())

    outputs = [file for _, file in reports if file]
    sys.exit(watch(options.paths, checked, report, lambda line: click.echo(line),
                   ignored=outputs, problem=ConfigError, language=_language()))


@main.command()
@click.option("--allow-private", is_flag=True,
              help="Let URL checks reach private addresses (also FACTLINT_ALLOW_PRIVATE=1).")
@click.option("--allow-network", "networks", multiple=True, metavar="CIDR",
              help="A network URL checks may reach although it is private (repeatable; "
                   "also FACTLINT_ALLOWED_NETWORKS).")
@click.option("--messages", type=MESSAGES,
              help="Language of the diagnostics, quick fixes and hovers (default auto: "
                   "FACTLINT_MESSAGES, `messages:` in the configuration, else each "
                   "brief's).")
def lsp(allow_private, networks, messages) -> None:
    """Run the language server on standard input and output (see the README's editor
    set-up): findings as you type, quick fixes, go to a marker's source, hover."""
    from factlint.config import Overrides
    from factlint.lsp import serve

    serve(Overrides(urls=tuple(_url_overrides(allow_private, networks, None)),
                    messages=messages or _messages_from_environment()))


@main.command()
@click.argument("brief", type=FILE)
@click.option("--messages", type=MESSAGES,
              help="Language of the skeleton's comments (default auto: FACTLINT_MESSAGES, "
                   "`messages:` in the configuration, else the brief's).")
def extract(brief: str, messages: str | None) -> None:
    """Print a fact-file skeleton (YAML) with one claim per figure of BRIEF."""
    from factlint.document import read_document
    from factlint.engine import read_any_brief
    from factlint.extract import extract_skeleton
    from factlint.messages import chosen

    text, _, problem = read_any_brief(brief)
    if text is None:
        from factlint.messages import Phrase

        _fail(Phrase("cli.cannot-read", path=brief, problem=problem))
    doc = read_document(brief, text)
    setting = next((s for s in (messages, _messages_from_environment(),
                                _configured_messages(None)) if s), "auto")
    script = "zh-Hant" if doc.language == "zh" and doc.traditional else doc.language
    click.echo(extract_skeleton(doc, chosen(setting, None, script)), nl=False)


@main.command()
@click.argument("brief", type=FILE)
@click.option("-o", "--output", type=FILE,
              help="The annotated copy (default: BRIEF.checked.docx beside it).")
@click.option("--offline", is_flag=True, help="No network: URL checks are skipped.")
@click.option("--facts", type=PATH, help="Fact file for the brief.")
@click.option("--config", type=PATH, help="Configuration file (over the project's).")
@click.option("--select", help="Comma-separated codes, prefixes or names to run.")
@click.option("--ignore", help="Comma-separated codes, prefixes or names to skip.")
@click.option("--fail-on", type=SEVERITY, help="Lowest severity that fails the run.")
@click.option("--messages", type=MESSAGES,
              help="Language of the comments (default auto: the brief's).")
def annotate(brief, output, offline, facts, config, select, ignore, fail_on, messages) -> None:
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
    from factlint.messages import Phrase
    from factlint.related import WORD_SUFFIXES

    if not brief.lower().endswith(WORD_SUFFIXES):
        _fail(Phrase("cli.annotate-docx", brief=brief))
    select_codes, ignore_codes = _codes(select), _codes(ignore)
    _check_selectors("--select", select_codes)
    _check_selectors("--ignore", ignore_codes)
    output = output or os.path.splitext(brief)[0] + ".checked.docx"
    options = RunOptions(overrides=Overrides(config, select_codes, ignore_codes or (), fail_on,
                                             messages=messages or _messages_from_environment()),
                         facts=facts, offline=offline, jobs=1)
    try:
        done = write_annotated(brief, output, options)
    except (AnnotateError, ConfigError) as exc:
        _fail(_reason(exc))
    replaced = Phrase("cli.annotated-replaced", count=done.replaced) if done.replaced else ""
    _say("cli.annotated", err=False, output=output, count=done.comments, replaced=replaced)
    sys.exit(done.result.exit_code)


@main.command()
@click.argument("brief", type=FILE)
@click.option("--messages", type=MESSAGES, help=_SAID_IN)
def show(brief: str, messages: str | None) -> None:
    """Print the text factlint reads in BRIEF, with line numbers. For a Word brief (.docx)
    this is its rendering, where findings' lines and columns count, with the paragraph each
    line starts in."""
    from factlint.engine import read_any_brief

    text, rendering, problem = read_any_brief(brief)
    if text is None:
        from factlint.messages import Phrase

        _fail(Phrase("cli.cannot-read", path=brief, problem=problem))
    lines = text.split("\n")
    width = len(str(len(lines)))
    for number, line in enumerate(lines, start=1):
        if rendering is None:
            click.echo(f"{number:>{width}} | {line}")
        else:
            place = rendering.location(number, 1).describe().rsplit(":", 1)[0] if line else ""
            click.echo(f"{number:>{width}} {place:<16}| {line}")


@main.command()
@click.argument("name", type=Choice(["facts", "report", "config", "rulepack", "evidence"]))
def schema(name: str) -> None:
    """Print one of factlint's JSON Schemas (facts, report, config, rulepack, evidence)."""
    from factlint.schemas import schemas_dir

    click.echo((schemas_dir() / f"{name}.schema.json").read_text(encoding="utf-8"), nl=False)


@main.command("config")
@click.argument("path", required=False, default="-", type=PATH)
@click.option("--config", "extra", type=PATH,
              help="Configuration file (over the project's).")
@click.option("--json", "as_json", is_flag=True, help="Print the settings as JSON.")
@click.option("--messages", type=MESSAGES, help=_SAID_IN)
def config_command(path: str, extra: str | None, as_json: bool, messages: str | None) -> None:
    """Print the effective settings for a brief (default: one in the current folder) and
    the file each came from."""
    from pathlib import Path

    from factlint.config import ConfigError, Overrides, describe, settings_for

    target = Path("brief.md") if path == "-" else Path(path)
    if target.is_dir():
        target = target / "brief.md"  # settings are those of a brief in that folder
    try:
        settings = settings_for(target, Overrides(config=extra))
    except ConfigError as exc:
        _fail(_reason(exc))
    rows = describe(settings)
    if as_json:
        import json

        click.echo(json.dumps({
            "path": str(target), "files": list(settings.files), "warnings": list(settings.warnings),
            "settings": {key: {"value": value, "from": origin} for key, value, origin in rows},
        }, ensure_ascii=False, indent=2))
        return
    from factlint.messages import Phrase

    _say("cli.settings-for", err=False, path=str(target))
    _say("cli.files-read", err=False,
         files=", ".join(settings.files) or Phrase("cli.files-none"))
    width = max(len(key) for key, _, _ in rows)
    from factlint.messages import told

    language = _language()
    for key, value, origin in rows:
        click.echo(f"  {key:<{width}}  {told(value, language)}  [{told(origin, language)}]")
    for warning in settings.warnings:
        _say("cli.warning", warning)


def rule_table() -> str:
    """The README's rule table, made from the rules' own metadata."""
    from factlint.registry import registry

    rows = ["| code | name | default | fix | what |", "| --- | --- | --- | --- | --- |"]
    for rule in registry():
        rows.append(f"| {rule.code} | {rule.name} | {rule.severity} | "
                    f"{'yes' if rule.fixable else ''} | {rule.summary} |")
    return "\n".join(rows) + "\n"


@main.command()
@click.argument("code", required=False)
@click.option("--markdown", is_flag=True, help="Print the rule table as Markdown.")
@click.option("--messages", type=MESSAGES,
              help="Language of the rule docs (default auto: FACTLINT_MESSAGES, else LANG).")
def rules(code: str | None, markdown: bool, messages: str | None) -> None:
    """List the rules, or show one with its examples."""
    from factlint.messages import rule_doc
    from factlint.registry import registry

    if markdown:
        click.echo(rule_table(), nl=False)
        return
    from factlint.messages import render
    from factlint.report.terminal import display_width

    language = _language(messages)
    if code is None:
        for rule in registry():
            summary = rule_doc(rule.code, language, rule.doc).splitlines()[0]
            severity = render(f"severity.{rule.severity}", None, language)
            padding = " " * max(1, 9 - display_width(severity))
            click.echo(f"{rule.code}  {rule.name:<26} {severity}{padding}{summary}")
        return
    found = [r for r in registry() if r.code == code.upper() or r.name == code]
    if not found:
        from factlint.messages import Phrase

        _fail(Phrase("cli.no-rule", code=code))
    rule = found[0]
    fixable = render("rules.fixable", None, language) if rule.fixable else ""
    opening, closing = ("（", "）") if language != "en" else (" (", ")")
    severity = render(f"severity.{rule.severity}", None, language)
    click.echo(f"{rule.code} {rule.name}{opening}{severity}{fixable}{closing}\n")
    click.echo(rule_doc(rule.code, language, rule.doc))


@main.command()
@click.argument("paths", nargs=-1, type=PATH)
@click.option("--update", is_flag=True,
              help="Fetch every source again (default: reuse the snapshots already kept).")
@click.option("--config", type=PATH, help="Configuration file (over the project's).")
@click.option("--allow-private", is_flag=True,
              help="Let fetches reach private addresses (also FACTLINT_ALLOW_PRIVATE=1).")
@click.option("--allow-network", "networks", multiple=True, metavar="CIDR",
              help="A network fetches may reach although it is private (repeatable).")
@click.option("--timeout", type=FloatRange(min=0.1, max=600), callback=_finite,
              help="Seconds a request may take in all (connect, headers, body).")
@click.option("--messages", type=MESSAGES, help=_SAID_IN)
def sources(paths, update, config, allow_private, networks, timeout, messages) -> None:
    """Fetch every source the briefs cite (URLs, fact-file `file:` copies), keep the text as
    snapshots and write `<stem>.evidence.yaml` beside each brief, for `check --evidence`.

    Exit status: 0 when every source was read (or is unreadable as text, which FL414
    reports); 2 when a brief could not be read.
    """
    from factlint.config import ConfigError, Overrides
    from factlint.evidence import outcome
    from factlint.messages import Phrase, joined
    from factlint.sources import fetch_sources

    atexit.unregister(gc.freeze)  # as check does: the last collection walks nothing old
    atexit.register(gc.freeze)
    overrides = Overrides(config=config, urls=tuple(_url_overrides(allow_private, networks,
                                                                    timeout)))
    try:
        done = fetch_sources(tuple(paths) or (".",), overrides, update=update)
    except ConfigError as exc:
        _fail(_reason(exc))
    failed = False
    for brief in done:
        if brief.evidence is None:
            _say("cli.error", brief.unwritten or Phrase("cli.cannot-read", path=brief.path,
                                                        problem=brief.problem))
            failed = True
            continue
        states = [state for _, state in outcome(brief.evidence)]
        if not states:
            _say("cli.no-sources", err=False, path=brief.path)
            continue
        counts = joined([Phrase(f"cli.sources-state.{s}", count=states.count(s))
                         for s in ("read", "unreadable") if states.count(s)])
        _say("cli.sources-read", err=False, path=brief.path, count=len(states),
             counts=counts, requests=brief.evidence.requests,
             file=str(brief.evidence.evidence_file))
    sys.exit(2 if failed else 0)


@main.command("fix")
@click.argument("paths", nargs=-1, type=PATH)
@click.option("--diff", "show_diff", is_flag=True,
              help="Print a unified diff of the fixes and write nothing; exit 1 if there are any.")
@click.option("--urls", "fix_urls", is_flag=True,
              help="Also replace permanently redirected URLs (FL403); uses the network.")
@click.option("--drop-unused", is_flag=True, help="Remove source definitions no marker cites.")
@click.option("--figures", "fix_figures", is_flag=True,
              help="Also write the true value over a figure that does not hold for it (FL301) "
                   "and the same change in the fact file's quote: an editorial decision, so "
                   "only on request.")
@click.option("--archive", "add_archived", is_flag=True,
              help="Add the archived copy of each dead URL (FL401) to its definition, from "
                   "the archive the configuration names (`evidence: {archive: …}`).")
@click.option("--facts", type=PATH, help="Fact file for a single brief.")
@click.option("--config", type=PATH, help="Configuration file (over the project's).")
@click.option("--allow-private", is_flag=True,
              help="Let URL checks reach private addresses (also FACTLINT_ALLOW_PRIVATE=1).")
@click.option("--allow-network", "networks", multiple=True, metavar="CIDR",
              help="A network URL checks may reach although it is private (repeatable).")
@click.option("--timeout", type=FloatRange(min=0.1, max=600), callback=_finite,
              help="Seconds a URL request may take in all (connect, headers, body).")
@click.option("--messages", type=MESSAGES, help=_SAID_IN)
def fix_command(paths, show_diff, fix_urls, drop_unused, fix_figures, add_archived, facts,
                config, allow_private, networks, timeout, messages) -> None:
    """Apply safe fixes in place: rejoin page-split paragraphs, renumber citations in order
    of first appearance (with the fact file), and on request drop unused sources,
    replace redirected URLs and write the true value over figures that do not hold for it.

    Exit status: 0 when the files were fixed or needed nothing; with --diff, 1 when there
    is something to fix (nothing is written); 2 when a file could not be read or fixed
    safely (that brief and its fact file are left untouched).
    """
    from factlint.config import ConfigError, Overrides
    from factlint.fix import FixOptions, fix_paths, unified_diff, write_changes
    from factlint.messages import Phrase, chosen

    url_overrides = _url_overrides(allow_private, networks, timeout)
    if facts and len(paths) != 1:
        _fail(Phrase("cli.facts-one-brief"))
    options = FixOptions(drop_unused=drop_unused, urls=fix_urls,
                         archive="" if add_archived else None, figures=fix_figures)
    notes: list[str] = []
    try:
        results = fix_paths(tuple(paths) or (".",), options,
                            Overrides(config=config, urls=tuple(url_overrides),
                                      messages=messages or _messages_from_environment()),
                            facts, notes,
                            complete=not show_diff)  # --diff writes nothing, not even that
    except ConfigError as exc:
        _fail(_reason(exc))
    # what is said of a brief: in its language (see _run_language for one that was not read);
    # of the run (its notes, "nothing to fix"): in the language of its briefs
    run_language = _run_language([r.language for r in results])
    run_told = chosen(results[0].messages, None, run_language) if results else ""
    for note in notes:
        _say("cli.note", note, told_in=run_told)
    failed = changed = False
    for result in results:
        told_in = chosen(result.messages, None, result.language or run_language)
        if result.problem:
            _say("cli.error", Phrase("cli.cannot-fix", path=result.path, problem=result.problem),
                 told_in=told_in)
            failed = True
            continue
        changed = changed or bool(result.changes)
        if show_diff:
            for change in result.changes:
                click.echo(unified_diff(change), nl=False)
            continue
        problem = write_changes(result)
        if problem:
            _say("cli.error", Phrase("cli.cannot-fix", path=result.path, problem=problem),
                 told_in=told_in)
            failed = True
            continue
        for change in result.changes:
            _say("cli.fixed", err=False, told_in=told_in, count=change.issues, path=change.path)
    if not changed and not failed and not show_diff:
        _say("cli.nothing-to-fix", err=False, told_in=run_told)
    sys.exit(2 if failed else 1 if show_diff and changed else 0)
