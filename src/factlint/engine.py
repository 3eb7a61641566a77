"""The engine: find briefs, read each once, run the selected rules, apply suppressions.

Selection, severity overrides and suppression directives live here and nowhere else;
rules stay pure functions of a Document (and its fact file).
"""

from __future__ import annotations

import fnmatch
import gc
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from factlint import messages
from factlint.config import ConfigError, Overrides, Settings, settings_for
from factlint.config import forget as forget_configuration
from factlint.discovery import STDIN, Found
from factlint.discovery import discover as find
from factlint.document import Document, detect_language, read_document
from factlint.documents import Book
from factlint.documents import forget as forget_groupings
from factlint.finding import IN_ORDER, SEVERITY_RANK, Finding, UrlRef
from factlint.lazyre import lazy
from factlint.reading import RefusedFile, read_bytes_limited
from factlint.registry import registry
from factlint.related import fact_file_for, is_word_file
from factlint.rulepack import script_characters
from factlint.rules import Context, Rule, matches
from factlint.rules.inputs import BAD_SUPPRESSION, UNREADABLE
from factlint.trust import repository_root

MAX_BRIEF_BYTES = 50 * 1024 * 1024


@dataclass(eq=False, repr=False)
class RunOptions:
    """What a run checks and how: the paths, the command line's overrides, the fact file,
    the network and the processes. Never changed once made: ``dataclasses.replace`` makes
    another (not frozen: a frozen dataclass's generated methods cost ~2 M instructions to
    compile at every start)."""

    paths: tuple[str, ...] = (".",)
    overrides: Overrides = field(default_factory=Overrides)
    facts: str | None = None
    offline: bool = False
    urls_cached: bool = False  # offline, but URL results in the cache are used (an editor)
    jobs: int = 0
    progress: bool | None = None
    # called with each brief's Context and findings in the process that read it; FileResult.view
    # keeps what it returns (the HTML report's report.html.document_view)
    view_of: Callable[[Context, list[Finding]], Any] | None = None
    across_briefs: bool = False  # FL309 also between the briefs of the run
    force_exclude: bool = False  # named files obey the walk's suffix and ignore-file rules
    stdin: bytes | None = None  # the brief named `-`
    stdin_filename: str | None = None  # the name it is checked under (config, fact file)
    evidence: bool = False  # check figures against the cited sources (FL410-FL414)
    # the ``part`` of a format whose report is the briefs' parts joined (report.part_writer):
    # each worker writes its briefs' parts, sparing the parent their findings (FileResult.part)
    report_part: Callable[[FileResult], str] | None = None


@dataclass(eq=False, repr=False)
class FileResult:
    """What checking one brief found, with what its reports need of the brief."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    claims: int = 0
    sourced_claims: int = 0
    figures_verified: int = 0
    unreadable: bool = False
    url_refs: list[UrlRef] = field(default_factory=list)
    # path -> line number -> text, for every line a finding (URL findings included) may point at
    lines: dict[str, dict[int, str]] = field(default_factory=dict)
    fail_on: str = "error"
    view: Any = None  # what RunOptions.view_of made of the brief
    regions: list = field(default_factory=list)  # the brief's suppression regions
    document: Any = None  # the brief read, kept when its document spans several files
    rendering: Any = None  # word.Rendering of a Word brief: its lines are what findings name
    not_checked: dict[str, int] = field(default_factory=dict)  # Word content not read, by kind
    statements: list = field(default_factory=list)  # FL309 statements, with --across-briefs
    evidence_skipped: int | None = None  # sources not read (offline, no snapshot); None: no check
    accessed: dict[str, str] = field(default_factory=dict)  # URL -> when the fact file read it
    language: str = "en"  # the brief's, for its messages: en, zh or zh-Hant (see messages.py)
    messages: str = "auto"  # the `messages` setting: auto, zh or en
    # (path, line) -> the language of the messages about that line (see told_in)
    languages: dict[tuple[str, int], str] = field(default_factory=dict)
    # (finding, language, text) for each of `findings`: put into words where the brief was
    # checked (in a worker process, alongside the others) rather than when reported
    told: list[tuple[Finding, str, str]] = field(default_factory=list)
    # (a format's part writer, what it wrote): the brief's findings as that format's report
    # writes them, written where the brief was checked (RunOptions.report_part, RunResult.parts)
    part: tuple[Callable[[FileResult], str], str] | None = None

    def __getstate__(self) -> dict[str, Any]:
        """What a worker hands back: the findings and what goes with them (PACKED) in one
        pickled string, unpacked where they are first asked for (``__getattr__``), and the
        count of each severity (what a summary and an exit code need of them). A run that
        reports from the briefs' parts never unpacks them: unpickling ~30 findings, their
        fixes and texts cost the parent more than all else it did for a brief."""
        import pickle  # only a run with worker processes pays for loading it

        state = dict(self.__dict__)
        if "_packed" not in state:
            packed = tuple(state.pop(name) for name in PACKED)
            state["_packed"] = pickle.dumps(packed, pickle.HIGHEST_PROTOCOL)
            state["_severities"] = dict(Counter(f.severity for f in packed[0]))
        return state

    def __getattr__(self, name: str) -> Any:
        # called only for an attribute not set: one of PACKED of a result handed back
        packed = self.__dict__.get("_packed")
        if packed is None or name not in PACKED:
            raise AttributeError(name)
        import pickle
        for key, value in zip(PACKED, pickle.loads(packed), strict=True):
            self.__dict__.setdefault(key, value)  # not over one set meanwhile
        del self.__dict__["_packed"]
        return self.__dict__[name]

    @property
    def as_handed(self) -> bool:
        """Whether this is a worker's result with its part, its findings still packed
        (so neither read nor changed since)."""
        state = self.__dict__
        return (self.part is not None and "_packed" in state
                and not any(name in state for name in PACKED))

    def severities(self) -> Counter:
        """How many findings of each severity."""
        if self.as_handed:
            return Counter(self.__dict__["_severities"])
        return Counter(f.severity for f in self.findings)

    def told_in(self, finding: Finding) -> str:
        """The language ``finding`` is told in when this brief owns the file it points at:
        the ``messages`` setting, and under ``auto`` the language of the line it points at
        (a brief's line) or of the brief (a fact file's line)."""
        if self.messages in ("zh", "en") or finding.path != self.path:
            return messages.chosen(self.messages, None, self.language)
        key = (finding.path, finding.line)
        if key not in self.languages:
            text = self.lines.get(finding.path, {}).get(finding.line)
            self.languages[key] = messages.chosen(self.messages, text, self.language)
        return self.languages[key]


# What FileResult.__getstate__ packs: the findings, their words and the lines they point at
PACKED = ("findings", "told", "lines", "languages")


@dataclass(eq=False, repr=False)
class RunResult:
    """What a run found: each brief's result and all their findings in order."""

    files: list[FileResult]
    findings: list[Finding] | None  # None: the files' findings in turn, when first asked for
    urls_checked: int = 0
    urls_skipped: int = 0
    fail_on: str = "error"
    warnings: list[str] = field(default_factory=list)  # about the configuration, for stderr
    # documents.find_documents of the briefs checked: the multi-file documents they are in
    groupings: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.findings is None:
            del self.findings  # gathered by __getattr__ if asked for

    def __getattr__(self, name: str) -> Any:
        # called only for an attribute not set: the findings of a run that gathers them late
        if name != "findings" or "files" not in self.__dict__:
            raise AttributeError(name)
        self.findings = [f for r in self.files for f in r.findings]
        return self.findings

    def parts(self, writer: Callable[[FileResult], str]) -> list[str] | None:
        """What ``writer`` (a format's part writer) wrote of each brief where it was checked
        (RunOptions.report_part), in the order of ``findings``; None unless the run's
        findings are still those the briefs' checks handed back, each brief's own (so what
        a part says of them stands)."""
        if not self._as_handed() or any(r.part[0] is not writer for r in self.files):
            return None
        return [r.part[1] for r in self.files]

    def _as_handed(self) -> bool:
        """Whether ``findings`` is still to be gathered and every brief's result is as its
        worker handed it back with its part: the part is made only of a brief whose findings
        and lines are its own, so with no path twice, nothing else speaks of its file."""
        return ("findings" not in self.__dict__ and all(r.as_handed for r in self.files)
                and len({r.path for r in self.files}) == len(self.files))

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def summary(self) -> dict[str, int]:
        if self._as_handed():
            severities = sum((r.severities() for r in self.files), Counter())
        else:
            severities = Counter(f.severity for f in self.findings)
        return {
            "files": len(self.files),
            "errors": severities["error"],
            "warnings": severities["warning"],
            "infos": severities["info"],
            "claims": sum(f.claims for f in self.files),
            "sourced_claims": sum(f.sourced_claims for f in self.files),
            "figures_verified": sum(f.figures_verified for f in self.files),
            "urls_checked": self.urls_checked,
            "urls_skipped": self.urls_skipped,
        } | ({"not_checked": sum(sum(f.not_checked.values()) for f in self.files)}
             if any(f.not_checked for f in self.files) else {}) | (
            {"evidence_skipped": sum(f.evidence_skipped or 0 for f in self.files)}
            if any(f.evidence_skipped is not None for f in self.files) else {})

    def renderings(self) -> dict[str, Any]:
        """path -> word.Rendering, for the Word briefs: ``.location(line, column)`` says
        where a finding's place lies in the document (part, paragraph, offset, excerpt)."""
        return {f.path: f.rendering for f in self.files if f.rendering is not None}

    def language(self, finding: Finding) -> str:
        """The language ``finding`` is told in: the ``messages`` setting of its brief, and
        under ``auto`` the language of the line it points at (a brief's line) or of its
        brief (a fact file's line)."""
        owner = self._owners.get(finding.path)
        return "en" if owner is None else owner.told_in(finding)

    @property
    def summary_language(self) -> str:
        """The language of what is said of the run as a whole (the summary line): that of
        most findings, else of the briefs (their ``messages`` setting, else their text)."""
        told = Counter(self.language(f) for f in self.findings)
        if not told:
            told = Counter(messages.chosen(r.messages, None, r.language) for r in self.files)
        return told.most_common(1)[0][0] if told else "en"

    def message(self, finding: Finding) -> str:
        """The text of ``finding`` in its language (see ``language``)."""
        told = self._told.get(id(finding))
        if told is not None and told[0] is finding and self._owners.get(finding.path) is told[1]:
            return told[2]  # told by the brief that owns its file: in the language it gives
        language = self.language(finding)
        if told is not None and told[0] is finding and told[3] == language:
            return told[2]
        return messages.text_of(finding, language)

    @cached_property
    def _told(self) -> dict[int, tuple[Finding, FileResult, str, str]]:
        """What the check of each brief put into words, by finding (kept with it): the
        finding, the brief's result, the text and its language."""
        return {id(finding): (finding, r, text, language)
                for r in self.files for finding, language, text in r.told}

    @cached_property
    def _owners(self) -> dict[str, FileResult]:
        owners: dict[str, FileResult] = {}
        for result in self.files:
            for path in (result.path, *result.lines):
                owners.setdefault(path, result)
        return owners

    def line(self, path: str, line: int) -> str | None:
        """The text of a line a finding points at, in a brief or its fact file."""
        for result in self.files:
            if path in result.lines:
                return result.lines[path].get(line)
        return None

    @property
    def exit_code(self) -> int:
        """2 when an input could not be checked; 1 when a finding reaches the ``fail_on`` of
        the brief it belongs to (each brief's own configuration); else 0."""
        if any(f.unreadable for f in self.files):
            return 2
        if self._as_handed():  # each brief's findings are in its own file
            return int(any(SEVERITY_RANK[severity] >= SEVERITY_RANK[r.fail_on]
                           for r in self.files for severity in r.severities()))
        fail_on = {path: r.fail_on for r in self.files for path in (*r.lines, r.path)}
        for finding in self.findings:
            threshold = SEVERITY_RANK[fail_on.get(finding.path, self.fail_on)]
            if SEVERITY_RANK[finding.severity] >= threshold:
                return 1
        return 0


# --- finding the briefs ---------------------------------------------------------------


def find_briefs(paths: Sequence[str], overrides: Overrides | None = None,
                force_exclude: bool = False) -> Found:
    """Briefs named on the command line or found in the folders named (see discovery.py)."""
    def settings_of(path: str) -> Settings:
        return settings_for(Path(path), overrides or Overrides())

    return find(paths, settings_of, force_exclude)


def discover(paths: Sequence[str], overrides: Overrides | None = None) -> list[str]:
    """Briefs named on the command line or found in the folders named, in a stable order."""
    return find_briefs(paths, overrides).briefs


def excluded(path: str, settings: Settings) -> bool:
    """Whether the configuration's ``exclude:`` globs (each relative to its file) name ``path``."""
    if not settings.exclude or path == STDIN:
        return False
    absolute = Path(path).resolve()
    for base, pattern in settings.exclude:
        try:
            relative = absolute.relative_to(Path(base).resolve()).as_posix()
        except ValueError:
            relative = Path(path).as_posix()
        if fnmatch.fnmatch(relative, pattern):
            return True
    return False


# --- reading a brief --------------------------------------------------------------------


def decode(data: bytes) -> tuple[str | None, str]:
    """(text, problem): UTF-8 with or without BOM, or UTF-16 or UTF-32 with BOM; else why
    not. UTF-32's mark begins like UTF-16's, so it is looked for first."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for marks, encoding in (((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"), "UTF-32"),
                            ((b"\xff\xfe", b"\xfe\xff"), "UTF-16")):
        if data.startswith(marks):
            try:
                text = data.decode(encoding.lower())
            except UnicodeDecodeError:
                return None, messages.Phrase("read.bad-bom", encoding=encoding)
            if "\x00" in text:
                return None, messages.Phrase("read.nul", encoding=encoding)
            return text, ""
    head = data[:8192]
    wide = _wide_encoding(head)
    if wide:
        return None, messages.Phrase("read.no-bom", encoding=wide)
    if b"\x00" in head or _looks_binary(head):
        return None, messages.Phrase("read.binary")
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError as exc:
        return None, messages.Phrase("read.not-utf8", byte=exc.start, guess=_guess_encoding(data))


def _wide_encoding(head: bytes) -> str | None:
    """"UTF-32" or "UTF-16" when bytes holding NULs read as text in it without a mark: in
    UTF-32 every unit's high byte is 0; in UTF-16, Latin text has a 0 in every other byte."""
    if b"\x00" not in head:  # the common case, decided at C speed
        return None
    quads = head[: len(head) - len(head) % 4]
    if len(quads) >= 16:
        for high, encoding in ((quads[3::4], "utf-32-le"), (quads[0::4], "utf-32-be")):
            if not high.strip(b"\x00"):
                try:
                    if "\x00" not in quads.decode(encoding):
                        return "UTF-32"
                except UnicodeDecodeError:
                    pass
    pairs = head[: len(head) - len(head) % 2]
    if len(pairs) >= 8 and max(pairs[1::2].count(0), pairs[0::2].count(0)) > len(pairs) // 4:
        return "UTF-16"
    return None


_CONTROL_BYTES = bytes(b for b in range(256) if b < 9 or 13 < b < 32)


def _looks_binary(head: bytes) -> bool:
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return bool(head) and controls / len(head) > 0.05


def _guess_encoding(data: bytes) -> messages.Phrase:
    for encoding, name in (("gb18030", "GB18030 (GBK)"), ("big5", "Big5"),
                           ("shift_jis", "Shift_JIS")):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        han = sum(1 for c in text[:4000] if "\u4e00" <= c <= "\u9fff")
        if han >= 2:
            return messages.Phrase("read.looks-like", name=name, encoding=encoding.upper())
    return messages.Phrase("read.convert")


def read_bytes(path: str, root: str | os.PathLike | None = None) -> tuple[bytes | None, str]:
    """(the file's bytes, problem): why not, when it is missing, a folder, too large, not a
    regular file, or (given the repository's ``root``) a symlink that leads out of it."""
    try:
        return read_bytes_limited(path, MAX_BRIEF_BYTES, "brief", root), ""
    except FileNotFoundError:
        return None, messages.Phrase("read.not-found")
    except IsADirectoryError:
        return None, messages.Phrase("read.folder")
    except RefusedFile as exc:
        return None, exc.why
    except OSError as exc:
        return None, messages.Phrase("read.os-error", why=str(exc.strerror or exc))


def read_brief(path: str, root: str | os.PathLike | None = None) -> tuple[str | None, str]:
    """(text, problem) of a brief: decoded, with classic-Mac line ends (a lone CR) read as
    line ends (one character for one, so every position stays where it was)."""
    data, problem = read_bytes(path, root)
    if data is None:
        return None, problem
    text, problem = decode(data)
    if text is not None and "\r" in text:
        text = LONE_CR.sub("\n", text)
    return text, problem


LONE_CR = lazy(r"\r(?!\n)")


def read_word_bytes(path: str, root: str | os.PathLike | None = None
                    ) -> tuple[bytes | None, str]:
    """A Word brief's bytes, read as any brief is (see read_bytes); without a ``root``,
    inside the repository that holds it."""
    return read_bytes(path, repository_root(path) if root is None else root)


def read_any_brief(path: str, root: str | os.PathLike | None = None
                   ) -> tuple[str | None, Any, str]:
    """(text, rendering, problem): a text brief's text, or a Word brief's rendering (whose
    text the reader reads); text None and the problem when it can't be read. The brief must
    lie inside ``root`` (see read_bytes); without one, inside the repository that holds it."""
    root = repository_root(path) if root is None else root
    if not is_word_file(path):
        text, problem = read_brief(path, root)
        return text, None, problem
    from factlint.word import WordError, read_word

    data, problem = read_word_bytes(path, root)
    if data is None:
        return None, None, problem
    try:
        rendering = read_word(data, path)
    except WordError as exc:
        return None, None, exc.args[0] if exc.args else str(exc)
    return rendering.text, rendering, ""


# --- checking one brief -------------------------------------------------------------------


def active_rules(settings: Settings) -> list[Rule]:
    try:
        return list(_active_rules(settings))  # the briefs of a folder share their settings
    except TypeError:  # settings holding something unhashable
        return list(_active_rules.__wrapped__(settings))


@lru_cache(maxsize=64)
def _active_rules(settings: Settings) -> tuple[Rule, ...]:
    return tuple(
        rule for rule in registry()
        if rule.check is not None and matches(rule, settings.select)
        and not matches(rule, settings.ignore)
        and settings.severity_for(rule.code, rule.name) != "off"
    )


def _selected(code: str, settings: Settings) -> bool:
    rule = _rule(code)
    return (matches(rule, settings.select) and not matches(rule, settings.ignore)
            and settings.severity_for(rule.code, rule.name) != "off")


def _lines_of(path: str, numbers: set[int], root: Path) -> dict[int, str]:
    """The text of the given lines of a file other than the brief (its fact file)."""
    if not numbers:
        return {}
    text, _ = read_brief(path, root)
    lines = (text or "").split("\n")
    return {n: lines[n - 1].rstrip("\r") for n in numbers if 0 < n <= len(lines)}


def _severity(finding: Finding, settings: Settings) -> Finding:
    """The finding at the severity its configuration gives the rule (never ``off``: an
    ``off`` rule does not run, see active_rules and _selected)."""
    severity = settings.severity_for(finding.code, finding.name)
    return replace(finding, severity=severity) if severity not in (None, "off") else finding


@lru_cache(maxsize=1024)
def _root_of(folder: str, config: str | None) -> Path:
    """The repository top of the briefs of ``folder`` (see trust.repository_root), found
    once per folder and configuration file."""
    return repository_root(folder, config)


def _brief_language(doc: Document, text: str, settings: Settings) -> str:
    """en, zh or zh-Hant: the language of the brief's words (whatever rule pack
    ``--language`` forces), Traditional when more of its characters are Traditional-only
    than Simplified-only."""
    language = doc.language if settings.language == "auto" else detect_language(text)
    if language != "zh" or not doc.traditional:
        return language
    traditional, simplified = script_characters()
    if traditional is None or simplified is None:
        return "zh"
    sample = text[:20000]
    return "zh-Hant" if len(traditional.findall(sample)) > len(simplified.findall(sample)) \
        else "zh"


def check_file(path: str, options: RunOptions, in_book: bool = False,
               shared_labels: frozenset[str] = frozenset(),
               begin_urls: Callable[[str, list[str]], None] | None = None) -> FileResult:
    """Read one brief and run every selected rule over it. Never raises for bad input.

    ``in_book``: the brief is one file of a multi-file document; the whole-document rules
    are left to ``check_books``, which sees all its files. ``shared_labels``: the numbers
    of that document's shared references list, which its ``[n]`` cite. ``begin_urls`` is
    called with a file's path and the URLs it cites as soon as they are known (the run
    begins checking them while the brief is still being read)."""
    settings = settings_for(Path(path), options.overrides)
    result = FileResult(path, fail_on=settings.fail_on, messages=settings.messages)
    root = _root_of(os.path.dirname(os.path.abspath(path)),
                    settings.origin if settings.origin != "defaults" else None)
    if path == (options.stdin_filename or STDIN) and options.stdin is not None:
        text, problem = decode(options.stdin)
    else:
        text, result.rendering, problem = read_any_brief(path, root)
    if text is None:
        result.unreadable = True
        result.findings.append(
            UNREADABLE.at_position(path, 1, 1, messages.Message("FL001.cannot-check", path=path,
                                                                problem=problem)))
        return result
    def definitions_read(definitions) -> None:
        assert begin_urls is not None
        begin_urls(path, [u.url for d in definitions for u in d.urls])

    doc = read_document(path, text, language=settings.language, extra_packs=settings.packs,
                        primary=settings.is_primary(Path(path)), shared_labels=shared_labels,
                        on_definitions=definitions_read if begin_urls is not None else None)
    result.language = _brief_language(doc, text, settings)
    facts, fact_findings = None, []
    if options.facts or (path != STDIN and fact_file_for(path)):
        from factlint.factfiles import load_for_brief  # only briefs with a fact file pay for it

        facts, fact_findings = load_for_brief(path, explicit=options.facts, root=root,
                                              found=fact_file_for(path))
        if facts is not None and begin_urls is not None:
            for ref in facts.url_refs():
                begin_urls(ref.path, [ref.url])
    evidence = None
    if (options.evidence or dict(settings.evidence).get("enabled")) and path != STDIN:
        from factlint.evidence import gather

        evidence = gather(path, doc, facts, settings, offline=options.offline,
                          live=not options.offline, root=repository_root(path))
        result.evidence_skipped = evidence.skipped
    ctx = Context(doc, facts, settings, Book((doc,)), evidence)
    findings: list[Finding] = [f for f in fact_findings if _selected(f.code, settings)]
    for rule in active_rules(settings):
        if not (in_book and rule.whole_document):
            findings.extend(rule.check(ctx))
    # Directives are lines of the brief: they govern only the findings in the brief.
    in_brief = apply_directives(doc, [f for f in findings if f.path == path], settings)
    if doc.directives:  # kept for the URL findings, which come after every brief is read
        result.regions = [(d, first, last) for d, first, last in directive_regions(doc)[0]]
    findings = in_brief + [f for f in findings if f.path != path]
    if result.rendering is not None:  # a Word paragraph is never split by a page's notes,
        # `factlint fix` edits text briefs only, and advice is in Word's terms
        from factlint.word import in_word_terms

        findings = [in_word_terms(f) if f.path == path else replace(f, fix=None)
                    for f in findings if f.code != "FL603"]
        result.not_checked = dict(result.rendering.not_checked)
    result.findings = sorted((_severity(f, settings) for f in findings), key=IN_ORDER)
    if facts is not None:
        result.figures_verified = sum(1 for v in ctx.verifications if v.verdict == "holds")
        result.url_refs.extend(facts.url_refs())
        result.accessed = {s.url.strip(): s.accessed for s in facts.sources.values()
                           if s.url and s.accessed}
    claims = doc.claims
    result.claims = len(claims)
    result.sourced_claims = sum(1 for s in claims if s.is_sourced)
    editable = result.rendering is None  # a Word brief's URLs are not edited
    result.url_refs[:0] = [
        UrlRef(u.url, path, *doc.span(u.start, u.end),
               span=(u.start, u.end) if editable else None)
        for d in doc.definitions for u in d.urls
    ]
    wanted: dict[str, set[int]] = {}
    for place in (*result.findings, *result.url_refs):
        wanted.setdefault(place.path, set()).add(place.line)
    result.lines = {
        file: ({n: doc.line_text(n) for n in numbers if n <= len(doc.line_starts)}
               if file == path else _lines_of(file, numbers, root))
        for file, numbers in wanted.items()
    }
    if options.across_briefs and _selected("FL309", settings):
        from factlint.rules.consistency import statements

        result.statements = list(statements(ctx, for_run=True))
    if options.view_of is not None:
        result.view = options.view_of(ctx, result.findings)
    if in_book:
        result.document = replace(doc, sentences=[], enumerations=[], heading_figures={})
    result.told = [(f, language, messages.text_of(f, language))
                   for f in result.findings for language in (result.told_in(f),)]
    return result


def check_books(results: list[FileResult], groupings: dict, options: RunOptions) -> None:
    """Run the whole-document rules over each multi-file document the results belong to,
    adding their findings to the results of the files checked."""
    by_key = {_key(r.path): r for r in results if r.document is not None}
    done: set = set()
    for key, grouping in groupings.items():
        if grouping in done or key not in by_key:
            continue
        done.add(grouping)
        docs = []
        for path in grouping.files:
            checked = by_key.get(_key(path))
            if checked is not None:
                docs.append(checked.document)
                continue
            settings = settings_for(Path(path), options.overrides)
            root = repository_root(path, settings.origin if settings.origin != "defaults" else None)
            text, _ = read_brief(path, root)  # a file of the document not asked for: context
            if text is not None:
                docs.append(read_document(path, text, extra_packs=settings.packs,
                                          shared_labels=grouping.shared_labels))
        book = Book(docs, grouping.inferred)
        for doc in docs:
            result = by_key.get(_key(doc.path))
            if result is None or not grouping_member(result.path, grouping):
                continue
            settings = settings_for(Path(result.path), options.overrides)
            ctx = Context(doc, None, settings, book)
            found = [f for rule in active_rules(settings) if rule.whole_document
                     for f in rule.check(ctx)]
            found = apply_directives(doc, found, settings) if doc.directives else found
            result.findings = sorted(result.findings + [_severity(f, settings) for f in found])
            lines = result.lines.setdefault(result.path, {})
            for finding in found:
                lines.setdefault(finding.line, doc.line_text(finding.line))


def grouping_member(path: str, grouping) -> bool:
    return _key(path) in {_key(f) for f in grouping.files}


def _key(path: str) -> str:
    return os.path.normcase(os.path.abspath(path))


# --- suppression directives ---------------------------------------------------------------


def _directive_selects(codes: Iterable[str], finding: Finding) -> bool:
    for code in codes:
        if code.lower() == "all" or finding.code.startswith(code.upper()) or finding.name == code:
            return True
    return False


def directive_regions(doc: Document) -> tuple[list[tuple[Any, int, int]], list[Finding]]:
    """(directive, first line, last line) for each region a directive governs, and FL604
    findings for the directives that are malformed or name unknown codes."""
    from factlint.registry import known_selector

    regions = []
    problems: list[Finding] = []
    open_regions: dict[str, tuple[Any, int]] = {}
    last_line = len(doc.line_starts)
    for directive in doc.directives:
        line, _ = doc.position(directive.start)
        end_line, _ = doc.position(directive.end - 1)
        if directive.kind == "invalid":
            problems.append(
                BAD_SUPPRESSION.at(doc, directive.start, directive.end,
                                   messages.Message("FL604.malformed", problem=directive.problem)))
            continue
        unknown = [c for c in directive.codes if c.lower() != "all" and not known_selector(c)]
        if unknown:
            problems.append(BAD_SUPPRESSION.at(
                doc, directive.start, directive.end,
                messages.Message("FL604.unknown-code", codes=", ".join(unknown)),
            ))
            continue
        if directive.kind == "disable-file":
            regions.append((directive, 1, last_line))
        elif directive.kind == "disable-next-line":
            target = _next_content_line(doc, end_line)
            regions.append((directive, target, target))
        elif directive.kind == "disable":
            for code in directive.codes:
                open_regions[code.upper()] = (directive, line)
        elif directive.kind == "enable":
            for code in directive.codes:
                opened = open_regions.pop(code.upper(), None)
                if opened:
                    regions.append((opened[0], opened[1], line))
    for directive, line in {id(d): (d, ln) for d, ln in open_regions.values()}.values():
        regions.append((directive, line, last_line))
    return regions, problems


def suppressed(regions, finding: Finding) -> bool:
    return any(first <= finding.line <= last and _directive_selects(directive.codes, finding)
               for directive, first, last in regions)


def apply_directives(doc: Document, findings: list[Finding], settings: Settings) -> list[Finding]:
    """Drop suppressed findings; add FL604 for directives that are malformed or did nothing."""
    if not doc.directives:
        return findings
    active = {rule.code for rule in active_rules(settings)}
    regions, problems = directive_regions(doc)
    used: set[int] = set()
    kept = []
    for finding in findings:
        hidden = False
        for directive, first, last in regions:
            if first <= finding.line <= last and _directive_selects(directive.codes, finding):
                used.add(id(directive))
                hidden = True
        if not hidden:
            kept.append(finding)
    if BAD_SUPPRESSION.code in active or matches(BAD_SUPPRESSION, settings.select):
        for directive in {id(d): d for d, _, _ in regions}.values():
            names_active = any(
                code.lower() == "all" or any(a.startswith(code.upper()) for a in active)
                or any(r.name == code and r.code in active for r in registry())
                for code in directive.codes
            )
            if id(directive) not in used and names_active:
                problems.append(BAD_SUPPRESSION.at(
                    doc, directive.start, directive.end,
                    messages.Message("FL604.unused", codes=" ".join(directive.codes)),
                ))
        kept.extend(p for p in problems if not matches(BAD_SUPPRESSION, settings.ignore))
    return kept


def _next_content_line(doc: Document, line: int) -> int:
    for candidate in range(line + 1, len(doc.line_starts) + 1):
        if doc.line_text(candidate).strip():
            return candidate
    return line + 1


# --- the whole run ----------------------------------------------------------------------------


def _check_many(paths: list[str], options: RunOptions,
                in_books: Mapping[str, frozenset[str]] | None = None,
                begin_urls: Callable[[str, list[str]], None] | None = None,
                map_each: Callable | None = None) -> list[FileResult]:
    """``in_books``: key of each file of a multi-file document -> its shared labels.
    ``begin_urls``: see check_file; with several processes, called with each brief's URLs
    as its result comes back. ``map_each``: a map over the briefs (see ``_mapper``); one
    made here when None."""
    in_books = in_books or {}
    keys = [_key(path) for path in paths] if in_books else [""] * len(paths)
    flags = [key in in_books for key in keys]
    shared = [in_books.get(key, frozenset()) for key in keys]
    if map_each is None:
        with _mapper(options, len(paths)) as map_each:
            return _check_many(paths, options, in_books, begin_urls, map_each)
    if map_each is map:  # in this process
        return [check_file(path, options, flag, labels, begin_urls)
                for path, flag, labels in zip(paths, flags, shared, strict=True)]
    results = []
    for item in map_each(_check_file_safely, paths, [options] * len(paths), flags, shared):
        if begin_urls is not None and isinstance(item, FileResult):  # as each comes
            cited: dict[str, list[str]] = {}
            for ref in item.url_refs:
                cited.setdefault(ref.path, []).append(ref.url)
            for path, found in cited.items():
                begin_urls(path, found)
        results.append(item)
    return results


@contextmanager
def _mapper(options: RunOptions, count: int):
    """A map that spreads work on ``count`` briefs over ``options.jobs`` processes (all
    cores when 0): the builtin map for one job or fewer than four briefs. One pool serves
    both looks at the briefs (documents.find_documents, then the checks)."""
    jobs = options.jobs or os.cpu_count() or 1
    if jobs <= 1 or count < 4:
        yield map
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    chunk = max(1, min(64, count // (jobs * 4) or 1))
    # What the workers inherit (modules, compiled patterns, configuration) lives as long as
    # they do: frozen, the collector in each worker never walks it again (nor writes to its
    # pages, which a forked worker would then copy); this process's objects are handed back
    # to the collector when the pool is done.
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            yield lambda function, *items: pool.map(function, *items, chunksize=chunk)
    finally:
        gc.unfreeze()


def _check_file_safely(path: str, options: RunOptions, in_book: bool = False,
                       shared_labels: frozenset[str] = frozenset()) -> FileResult | ConfigError:
    try:
        result = check_file(path, options, in_book, shared_labels)
    except ConfigError as exc:
        return exc
    # the part of the report, for a brief whose findings and lines are its own and stay so
    # (a multi-file document's get more in check_books; FL001's words are chosen later)
    if (options.report_part and not result.unreadable and result.document is None
            and result.lines.keys() <= {path}):
        result.part = (options.report_part, options.report_part(result))
    return result


def run(options: RunOptions, url_standby: Any = None) -> RunResult:
    """Check every brief the options name; raise ConfigError for a configuration that
    can't be used. ``url_standby``: a child process forked ahead to check the URLs in
    (factlint.urls.standby()); closed here."""
    try:
        return _run(options, url_standby)
    finally:
        if url_standby is not None:
            url_standby.close()


def _run(options: RunOptions, url_standby: Any) -> RunResult:
    forget_configuration()
    forget_groupings()
    settings_of = _settings_by_folder(options.overrides)
    found = find(options.paths, settings_of, options.force_exclude)
    stdin_name = options.stdin_filename or STDIN
    paths = [stdin_name if p == STDIN else p for p in found.briefs]
    paths = [p for p in paths if p == stdin_name or not excluded(p, settings_of(p))]
    if not paths and not found.unreadable and not options.force_exclude:
        raise ConfigError(_nothing_to_check(options.paths, found))
    warnings = [w for p in paths for w in settings_of(p).warnings]
    from factlint.documents import find_documents

    with _mapper(options, len(paths)) as map_each:
        # a brief read from stdin under a name (an editor's buffer) is checked in its document
        groupings = find_documents([p for p in paths if p != STDIN], settings_of, map_each)
        early = _EarlyUrlChecks(options, paths, url_standby)
        try:
            results = _check_many(paths, options,
                                  {key: g.shared_labels for key, g in groupings.items()},
                                  early.begin, map_each)
        except BaseException:
            early.close()
            raise
    for item in results:
        if isinstance(item, ConfigError):
            raise item
    if groupings:
        check_books(results, groupings, options)
        for item in results:
            item.document = None  # not needed past this point
    results += [_unreadable_folder(folder, why, options) for folder, why in found.unreadable]
    _tell_unread(results)
    fail_on = options.overrides.fail_on or (results[0].fail_on if results else "error")
    # findings: each file's, sorted already, gathered when first asked for
    result = RunResult(results, None, fail_on=fail_on,
                       warnings=list(dict.fromkeys(warnings)), groupings=groupings)
    if options.across_briefs:
        _check_across_briefs(result, options)
    refs = [ref for r in results for ref in r.url_refs]
    if refs:
        _check_urls(result, refs, options, paths, early.checks)
    early.close()
    return result


def _settings_by_folder(overrides: Overrides) -> Callable[[str], Settings]:
    """settings_for of a path, asked once per folder as the path names it: a run asks for
    every brief's settings several times (walk, exclude, warnings, documents), and making
    a Path and an absolute path each time cost more than the rest of the look-up."""
    known: dict[str, Settings] = {}

    def settings_of(path: str) -> Settings:
        folder = os.path.dirname(path)
        settings = known.get(folder)
        if settings is None:
            settings = known[folder] = settings_for(Path(path), overrides)
        return settings

    return settings_of


def _nothing_to_check(paths: Sequence[str], found: Found) -> messages.Phrase:
    aside = (messages.Phrase("config.set-aside", files=", ".join(found.set_aside))
             if found.set_aside else "")
    return messages.Phrase("config.no-briefs", paths=", ".join(paths), aside=aside)


def _tell_unread(results: list[FileResult]) -> None:
    """A file that could not be read has no words to tell its language by: under ``auto``,
    what is said of it (FL001) is in the language of most briefs of the run that were
    read, else in the reader's locale's."""
    unread = [r for r in results if r.unreadable]
    if not unread:
        return
    read = Counter(r.language for r in results if not r.unreadable)
    language = read.most_common(1)[0][0] if read else messages.locale_language()
    for result in unread:
        result.language = language
        result.languages.clear()
        result.told = [(f, told, messages.text_of(f, told))
                       for f in result.findings for told in (result.told_in(f),)]


def _unreadable_folder(folder: str, why: str, options: RunOptions) -> FileResult:
    try:
        setting = settings_for(Path(folder) / "brief.md", options.overrides).messages
    except (ConfigError, OSError):
        setting = options.overrides.messages or "auto"
    result = FileResult(folder, unreadable=True, messages=setting)
    result.findings.append(
        UNREADABLE.at_position(folder, 1, 1, messages.Message("FL001.cannot-read-folder",
                                                                  folder=folder, why=why)))
    return result


class _EarlyUrlChecks:
    """The run's URL checks, begun as the briefs read in this process name their URLs
    (``begin``, see check_file), so that they run while the rest is read; ``checks`` is
    None until then. Only URLs whose file's configuration runs a URL rule are begun, with
    the URL settings _check_urls uses; nothing is begun offline."""

    def __init__(self, options: RunOptions, paths: Sequence[str], standby: Any = None):
        self.options = options
        self.paths = paths
        self.standby = standby  # see run()
        self.checks: Any = None  # a factlint.urls.UrlChecks
        self._usable = not options.offline and bool(paths)
        if standby is not None:  # given its settings now, it is ready when the URLs come
            self._start()

    def begin(self, path: str, found: list[str]) -> None:
        if not found or not self._usable:
            return
        if not _runs_url_rules(settings_for(Path(path), self.options.overrides)):
            return
        self._start()
        if self.checks is not None:
            self.checks.begin(found)

    def _start(self) -> None:
        if self.checks is not None or not self._usable:
            return
        from factlint import urls

        try:
            url_settings = _url_settings(self.options, self.paths)
        except ConfigError:  # raised again by _check_urls, after the briefs are read
            self._usable = False
            return
        self.checks = urls.UrlChecks(url_settings, standby=self.standby)

    def close(self) -> None:
        if self.checks is not None:
            self.checks.close()


def _runs_url_rules(settings: Settings) -> bool:
    return any(_selected(r.code, settings) for r in registry() if r.code.startswith("FL40"))


def _url_settings(options: RunOptions, paths: Sequence[str]) -> Any:
    """The run's urls.UrlSettings: the first brief's configuration's; raises ConfigError."""
    from factlint import urls

    settings = settings_for(Path(paths[0]), options.overrides)
    try:
        return urls.UrlSettings(offline=options.offline and not options.urls_cached,
                                cache_only=options.urls_cached, **settings.url_options())
    except (TypeError, ValueError) as exc:
        raise ConfigError(messages.Phrase("config.urls", origin=settings.origin,
                                          problem=str(exc))) from exc


def _check_urls(result: RunResult, refs: list[UrlRef], options: RunOptions, paths,
                begun: Any = None) -> None:
    """``begun``: the urls.UrlChecks begun while the briefs were read, if any."""
    from factlint import urls

    settings = settings_for(Path(paths[0]), options.overrides)

    def settings_of(path: str) -> Settings:  # each brief's (or fact file's) own configuration
        return settings_for(Path(path), options.overrides)

    wants: dict[str, bool] = {}  # path -> whether its configuration runs a URL rule
    for path in {ref.path for ref in refs}:
        wants[path] = _runs_url_rules(settings_of(path))
    refs = [ref for ref in refs if wants[ref.path]]
    if not refs:
        return
    url_settings = _url_settings(options, paths)
    checks = begun if begun is not None else urls.UrlChecks(url_settings)
    report = checks.report(refs, progress=options.progress)
    archive = dict(settings.evidence).get("archive")
    if archive and not options.offline:  # a dead link's message names its archived copy
        from factlint.evidence import name_archived_copies

        accessed = {url: day for r in result.files for url, day in r.accessed.items()}
        report.findings = name_archived_copies(report.findings, refs, accessed, archive,
                                               url_settings)
    by_path = {r.path: r for r in result.files}
    new = [
        _severity(f, settings_of(f.path)) for f in _with_redirect_fixes(report, refs)
        if _selected(f.code, settings_of(f.path))
        and not (f.path in by_path and suppressed(by_path[f.path].regions, f))
    ]
    result.findings = sorted(result.findings + new, key=_position)
    result.urls_checked = report.checked
    result.urls_skipped = report.skipped


def _with_redirect_fixes(report: Any, refs: list[UrlRef]) -> list[Finding]:
    """The report's findings, each FL403 of a brief with its fix: the URL replaced with
    where it leads, as ``factlint fix --urls`` writes it (factlint.urlfix)."""
    from factlint.urlfix import final_target, redirect_edit, redirects_replaced

    at = {(r.path, r.line, r.column, r.end_line, r.end_column): r for r in refs if r.span}
    findings = []
    for finding in report.findings:
        ref = at.get((finding.path, finding.line, finding.column, finding.end_line,
                      finding.end_column)) if finding.code == "FL403" else None
        target = final_target(ref.url, report.redirects) if ref is not None else None
        edit = redirect_edit(*ref.span, ref.url, target) if target else None
        findings.append(replace(finding, fix=redirects_replaced([edit])) if edit else finding)
    return findings


def _check_across_briefs(result: RunResult, options: RunOptions) -> None:
    """FL309 between briefs, after each brief was read on its own (in whatever process)."""
    from factlint.rules.consistency import across_briefs

    files = [r for r in result.files if r.statements]
    by_path = {r.path: r for r in files}
    findings = result.findings  # gathered before FL309's are added to their briefs'
    new = []
    for finding in across_briefs([r.statements for r in files]):
        owner = by_path[finding.path]
        if suppressed(owner.regions, finding):
            continue
        new.append(_severity(finding, settings_for(Path(finding.path), options.overrides)))
        owner.findings = sorted([*owner.findings, new[-1]])
        line = next(s.line_text for s in owner.statements if s.span[0] == finding.line)
        owner.lines.setdefault(finding.path, {})[finding.line] = line
    if new:
        result.findings = sorted(findings + new, key=_position)


def _position(finding: Finding) -> tuple:
    return finding.path, finding.line, finding.column, finding.code


def _rule(code: str) -> Rule:
    return next(r for r in registry() if r.code == code)
