"""Text report: path:line:col: CODE [severity] message, the source line, a caret, a summary.

The source line is shown behind a gutter with its number (``  21 | …``), so that no line
of the report starts with what the brief wrote: on a CI runner, which trims leading
spaces, a brief line ``::add-mask::…`` would otherwise become a live workflow command.
Control characters a file holds (terminal escapes, line breaks inside a message) are
shown as U+FFFD or escaped, never written as they are.

A source line and its carets fit ``options.width`` display columns (report/terminal.py
measures them): a long line is shown as a window around its span, cut ends marked ….
With ``options.wrap`` (a terminal) a long message wraps to that width too; a pipe keeps
each finding's header on one line, for grep. Findings on one line share one excerpt, a
caret line each, when their spans fit in one window. Infos of one code whose messages
differ in one number at most are written as one line (``FL107 ×23 [info] source 2, 3,
4 … 24 has no URL …``) unless ``options.verbose``; ``options.quiet`` lists errors only;
``options.statistics`` adds counts per code before the summary.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import TYPE_CHECKING, TextIO

from factlint import messages
from factlint.lazyre import lazy
from factlint.report.terminal import COMMAND_STARTS, Cells, Excerpt, excerpt, wrap

if TYPE_CHECKING:
    from factlint.engine import RunResult
    from factlint.finding import Finding
    from factlint.report import ReportOptions

COLORS = {"error": "31", "warning": "33", "info": "36", "code": "1", "caret": "32", "dim": "2"}

GROUP_AT_LEAST = 3  # infos of one kind in a file written as one line from this many on
LISTED = 3  # values of a group shown before "… last"


def _paint(text: str, what: str, color: bool) -> str:
    return f"\x1b[{COLORS[what]}m{text}\x1b[0m" if color else text


_CONTROLS = lazy(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all but tab and newline
_LINE_BREAKS = lazy(r"\r\n|[\r\n\u2028\u2029\x85]")


def shown(text: str) -> str:
    """A line of a file as the report shows it: control characters but tabs become U+FFFD,
    one character for one (tabs are expanded where the line is laid out)."""
    return _CONTROLS.sub("\ufffd", text.replace("\n", "\ufffd"))


def shown_path(path: str) -> str:
    """A path at the start of a report line: one that would read as a CI workflow command
    (``::error::x.md``, ``##[error]x.md``) is written ``./::error::x.md``."""
    path = one_line(path)
    return "./" + path if path.lstrip().startswith(COMMAND_STARTS) else path


def one_line(text: str) -> str:
    """A path or message on one line: line breaks written as \\n, tabs as a space, other
    controls as U+FFFD."""
    return shown(_LINE_BREAKS.sub(lambda m: "\\r\\n" if m.group() == "\r\n" else "\\n",
                                  text)).replace("\t", " ")


def write(result: RunResult, stream: TextIO, options: ReportOptions) -> None:
    color, width = options.color, options.width
    wrap_width = width if options.wrap else None
    renderings = result.renderings()
    lines = _Lines(result, width)
    shown_findings = [f for f in result.findings if f.severity == "error" or not options.quiet]
    for path, block in groupby(shown_findings, key=lambda f: f.path):
        singles, groups = _grouped(result, list(block), options.verbose)
        for run in _runs(lines, singles):
            for finding in run:
                place = (f" ({renderings[path].location(finding.line, finding.column).describe()})"
                         if path in renderings else "")
                _write_header(stream, finding, result.message(finding), place, wrap_width, color)
            _write_excerpt(stream, lines, run, color)
        for group in groups:
            _write_group(stream, result, group, wrap_width, color)
    language = _run_language(result)
    if options.statistics:
        _write_statistics(stream, result.findings, language, color)
    _write_summary(stream, result, language, wrap_width, color)


def _write_header(stream: TextIO, finding: Finding, message: str, place: str,
                  width: int | None, color: bool) -> None:
    where = f"{shown_path(finding.path)}:{finding.line}:{finding.column}:"
    _write_wrapped(stream, where, finding.code, finding.severity,
                   f"{one_line(message)}{place}", width, color)


def _write_wrapped(stream: TextIO, where: str, code: str, severity: str, text: str,
                   width: int | None, color: bool) -> None:
    """``where CODE [severity] text`` wrapped to the width (if any), its head painted."""
    head = f"{where} {code} [{severity}]"
    line = f"{head} {text}"
    lines = wrap(line, width, keep=len(head)) if width else [line]
    if color and lines[0].startswith(head):
        painted = (f"{_paint(where, 'code', color)} {_paint(code, 'code', color)} "
                   f"{_paint(f'[{severity}]', severity, color)}")
        lines[0] = painted + lines[0][len(head):]
    stream.write("".join(line + "\n" for line in lines))


def _span(finding: Finding, source: str) -> tuple[int, int]:
    """A finding's span on its first line, as 0-based code points [start, end)."""
    end = finding.end_column if finding.end_line == finding.line else len(source) + 1
    return finding.column - 1, end - 1


def _room(line: int, width: int) -> int:
    return width - len(_number(line)) - 3  # the gutter: "  21 | "


def _number(line: int) -> str:
    return str(line).rjust(4)


class _Lines:
    """The source lines findings point at, laid out once each."""

    def __init__(self, result: RunResult, width: int):
        self.result, self.width = result, width
        self.cells: dict[tuple[str, int], Cells | None] = {}

    def excerpt(self, run: list[Finding]) -> Excerpt | None:
        """The run's line cut around its spans, or None when it has no text or the spans
        do not fit in one window."""
        key = (run[0].path, run[0].line)
        if key not in self.cells:
            source = self.result.line(*key)
            self.cells[key] = Cells(shown(source)) if source and source.strip() else None
        cells = self.cells[key]
        if cells is None:
            return None
        # a shared excerpt leaves room for the code after each caret
        labels = max(len(f.code) + 1 for f in run) if len(run) > 1 else 0
        return excerpt(cells, [_span(f, cells.text) for f in run],
                       _room(key[1], self.width) - labels)


def _runs(lines: _Lines, findings: list[Finding]) -> Iterator[list[Finding]]:
    """Findings in order, those next to each other on one line gathered into one run when
    their spans fit in one window of that line."""
    run: list[Finding] = []
    for finding in findings:
        if (run and (finding.path, finding.line) == (run[0].path, run[0].line)
                and lines.excerpt([*run, finding])):
            run.append(finding)
            continue
        if run:
            yield run
        run = [finding]
    if run:
        yield run


def _write_excerpt(stream: TextIO, lines: _Lines, run: list[Finding], color: bool) -> None:
    shown_line = lines.excerpt(run)
    if shown_line is None:  # no text on that line
        return
    number = _number(run[0].line)
    stream.write(f"{number} | {shown_line.text}\n")
    for finding, (column, span) in zip(run, shown_line.carets, strict=True):
        caret = "^" + "~" * (span - 1)
        if len(run) > 1:  # say which finding each caret line belongs to
            caret = f"{caret} {finding.code}"
        stream.write(f"{' ' * len(number)} | {' ' * column}{_paint(caret, 'caret', color)}\n")


def _grouped(result: RunResult, findings: list[Finding], verbose: bool
             ) -> tuple[list[Finding], list[list[Finding]]]:
    """The findings to write one by one, and the groups of infos to write as one line
    each: GROUP_AT_LEAST or more of one message id (told in one language) whose arguments
    differ in one at most; for a message without an id, whose English differs in one
    number at most."""
    if verbose:
        return findings, []
    kinds: dict[tuple[str, ...], list[Finding]] = {}
    for finding in findings:
        if finding.severity == "info":
            key = ((finding.code, finding.message_id, result.language(finding))
                   if finding.message_id else (finding.code, _NUMBER.sub("#", finding.message)))
            kinds.setdefault(key, []).append(finding)
    groups = [kind for kind in kinds.values()
              if len(kind) >= GROUP_AT_LEAST and _varying(kind) is not None]
    grouped = {id(f) for group in groups for f in group}
    return [f for f in findings if id(f) not in grouped], groups


_NUMBER = lazy(r"\d+")


def _varying(group: list[Finding]) -> str | int | None:
    """What differs between the group's messages: the name of the one argument that does
    (an index into the numbers of the English text, for messages without an id), "" when
    nothing does, None when more than one thing does."""
    if group[0].message_id:
        arguments = [dict(f.arguments) for f in group]
        if any(a.keys() != arguments[0].keys() for a in arguments):
            return None
        differing = [name for name in arguments[0]
                     if len({repr(a[name]) for a in arguments}) > 1]
    else:
        if any(_NUMBER.split(f.message) != _NUMBER.split(group[0].message) for f in group):
            return None
        numbers = [_NUMBER.findall(f.message) for f in group]
        differing = [i for i in range(len(numbers[0])) if len({n[i] for n in numbers}) > 1]
    if len(differing) > 1:
        return None
    return differing[0] if differing else ""


def _write_group(stream: TextIO, result: RunResult, group: list[Finding], width: int | None,
                 color: bool) -> None:
    first = group[0]
    language = result.language(first) if first.message_id else "en"
    varying = _varying(group)
    if varying == "":  # the same message each time: say where
        text = messages.render("text.group-lines", {
            "message": result.message(first),
            "lines": _listed((str(f.line) for f in group), language)}, language)
    elif isinstance(varying, str):
        arguments = dict(first.arguments)
        arguments[varying] = _listed((str(dict(f.arguments)[varying]) for f in group), language)
        text = messages.render(first.message_id, arguments, language)
    else:
        parts = _NUMBER.split(first.message)
        numbers = _NUMBER.findall(first.message)
        numbers[varying] = _listed((_NUMBER.findall(f.message)[varying] for f in group), "en")
        text = "".join(p + n for p, n in zip(parts, [*numbers, ""], strict=True))
    _write_wrapped(stream, f"{shown_path(first.path)}:", f"{first.code} ×{len(group)}",
                   first.severity, one_line(text), width, color)


def _listed(values: Iterable[str], language: str) -> str:
    """2, 3, 4 … 24: the first LISTED values and the last, when there are more."""
    values = list(values)
    separator = messages.template("text.list-separator", language)
    if len(values) <= LISTED + 2:
        return separator.join(values)
    return f"{separator.join(values[:LISTED])} … {values[-1]}"


def _run_language(result: RunResult) -> str:
    """The language of the run's own lines (summary, statistics): its briefs' when they
    share one, else English."""
    languages = {messages.chosen(f.messages, None, f.language) for f in result.files}
    return languages.pop() if len(languages) == 1 else "en"


def _write_statistics(stream: TextIO, findings: list[Finding], language: str,
                      color: bool) -> None:
    counts: dict[tuple[str, str, str], int] = {}
    for finding in findings:
        key = (finding.code, finding.name, finding.severity)
        counts[key] = counts.get(key, 0) + 1
    if not counts:
        return
    stream.write(messages.render("text.statistics", {}, language) + "\n")
    digits = len(str(max(counts.values())))
    for (code, name, severity), count in sorted(counts.items()):
        stream.write(f"  {str(count).rjust(digits)}  {_paint(code, 'code', color)}  "
                     f"{_paint(severity.ljust(7), severity, color)}  {name}\n")


def _write_summary(stream: TextIO, result: RunResult, language: str, width: int | None,
                   color: bool) -> None:
    s = result.summary

    def said(message_id: str, **arguments) -> str:
        return messages.render(message_id, arguments, language)

    parts = [said("summary.files", count=s["files"]),
             said("summary.claims", count=s["claims"], sourced=s["sourced_claims"])]
    if s["figures_verified"]:
        parts.append(said("summary.figures-verified", count=s["figures_verified"]))
    if s["urls_checked"] or s["urls_skipped"]:
        parts.append(said("summary.urls", checked=s["urls_checked"], skipped=s["urls_skipped"]))
    not_checked: dict[str, int] = {}
    for file in result.files:
        for kind, count in file.not_checked.items():
            not_checked[kind] = not_checked.get(kind, 0) + count
    if not_checked:
        from factlint.word import describe_not_checked

        parts.append(said("summary.not-checked", what=describe_not_checked(not_checked)))
    counts = [(said(f"summary.{key}", count=s[key]), severity, s[key])
              for key, severity in (("errors", "error"), ("warnings", "warning"),
                                    ("infos", "info"))]
    line = said("summary.line",
                parts=messages.template("summary.parts-separator", language).join(parts),
                counts=messages.template("summary.counts-separator", language).join(
                    text for text, _, _ in counts))
    lines = wrap(line, width, indent="  ") if width else [line]
    if color:
        for text, severity, count in counts:
            if count:
                lines = [line.replace(text, _paint(text, severity, color), 1) for line in lines]
    stream.write("".join(line + "\n" for line in lines))
