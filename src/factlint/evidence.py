"""Evidence: what the sources a brief cites say, kept beside the brief (SPEC §6).

``factlint sources`` reads every cited source (definition URLs, fact-file URLs and
``file:`` copies), keeps the extracted text as a compressed, content-addressed snapshot
(``<folder>/ab/abcd….txt.gz``, named by the sha256 of the body read) and writes
``<stem>.evidence.yaml`` beside the brief. ``check --evidence`` reads them back (fetching
only what has no snapshot, and only online) and ``assess()`` says, for each figure of a
sourced sentence, whether the cited sources state it; the rules in
factlint.rules.evidence turn that into FL410-FL414.

A figure is found when the source states one whose SPEC §3 interval meets the brief's
(same unit after scaling, any spelling numbers.py reads) and whose stated value is of the
same size (within ``SAME_SIZE`` of each other): an open interval like 超120家 is not
"supported" by any larger count the page happens to give.
"""

from __future__ import annotations

import gzip
import hashlib
import math
import os
import re
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from factlint.lazyre import lazy
from factlint.messages import Message, Phrase, restored, stored
from factlint.numbers import Figure, builtin_lexicon, find_figures, interval_for
from factlint.sourcetext import SourceText, extract
from factlint.trust import is_within, repository_root

if TYPE_CHECKING:
    from factlint.document import Document, Sentence
    from factlint.facts import FactFile
    from factlint.settings import Settings

FORMAT = 1
DEFAULT_FOLDER = ".factlint/evidence"
DEFAULT_MAX_BYTES = 20_000_000
SAME_SIZE = 0.5  # a source's figure and the brief's differ by at most this share of the larger
CONTEXT = 12  # characters before a figure compared with the words before the brief's
READERS = 2  # pages extracted at once by `factlint sources`
PROCESS_PAGES = 8  # pages to fetch from which they are read by READERS processes (page_readers)
AHEAD = 2  # pages handed to a reader process before it answers the first (_Reader)
SNIPPET = 30  # characters each side of a found figure kept as its snippet
# "1 159" (a space between thousands) reads as one number: the space becomes a thin space,
# which numbers.py takes as a group separator; positions do not move
_SPACED_THOUSANDS = lazy(r"(?<![0-9.,])([0-9]{1,3})((?: [0-9]{3})+)(?![0-9])")
_TITLE = lazy(r"《([^《》\n]{1,200})》|“([^“”\n]{4,200})”|(?<![=\w])\"([^\"\n]{4,200})\"")
_FOLD = lazy(r"[\W_]+")
_TITLE_PIECES = lazy(r"\s[|｜\-–—_·]\s|[|｜_]")  # titles have single spaces (_clean)
TITLE_RATIO = 0.6


# --- the sources a brief cites -------------------------------------------------------------------


@dataclass(frozen=True)
class CitedSource:
    """One source label of a brief, with where it can be read."""

    label: str
    url: str | None = None
    file: str | None = None  # absolute path of a local copy (a fact file's `file:`)
    title: str = ""  # the title the brief's definition (or the fact file) gives it
    accessed: str | None = None
    path: str = ""  # the file and place the source is written at (for findings)
    line: int = 1
    column: int = 1
    end_line: int = 1
    end_column: int = 2

    @property
    def locator(self) -> str:
        return self.url or (f"file:{self.file}" if self.file else "")


def label_key(label: str) -> str:
    return label.strip().lower()


def definition_title(body: str) -> str:
    match = _TITLE.search(body)
    return next((g for g in match.groups() if g), "") if match else ""


def cited_sources(doc: Document, facts: FactFile | None, root: str | os.PathLike | None = None
                  ) -> dict[str, CitedSource]:
    """label key -> CitedSource: the brief's definitions first, the fact file filling in
    (and its `file:` copy, which must lie inside the repository ``root``)."""
    found: dict[str, CitedSource] = {}
    for definition in doc.definitions:
        key = label_key(definition.label)
        if key in found:
            continue
        line, column, end_line, end_column = doc.span(definition.start, definition.end)
        found[key] = CitedSource(
            definition.label, definition.urls[0].url if definition.urls else None, None,
            definition_title(definition.body), None, doc.path, line, column, end_line,
            end_column)
    if facts is None:
        return found
    top = Path(root) if root is not None else repository_root(facts.path)
    for source in facts.sources.values():
        key = label_key(source.label)
        local = None
        if source.file:
            candidate = (facts.folder / source.file).resolve()
            local = str(candidate) if is_within(candidate, top) else None
        here = found.get(key)
        place = source.field_place("file" if source.file else "url")
        if here is None:
            found[key] = CitedSource(source.label, source.url, local, source.title or "",
                                     source.accessed, facts.path, place.line, place.column,
                                     place.end_line, place.end_column)
        else:
            found[key] = replace(here, url=here.url or source.url, file=local,
                                 title=here.title or source.title or "",
                                 accessed=source.accessed)
    return found


# --- snapshots and the evidence file -------------------------------------------------------------


def evidence_path(brief: str) -> Path:
    path = Path(brief)
    return path.with_name(f"{path.stem}.evidence.yaml")


@dataclass(frozen=True)
class EvidenceSettings:
    enabled: bool = False
    folder: str | None = None  # absolute; None: DEFAULT_FOLDER at the repository's top
    max_bytes: int = DEFAULT_MAX_BYTES
    archive: str | None = None  # an endpoint speaking the Wayback availability API

    def folder_for(self, brief: str) -> Path:
        if self.folder:
            return Path(self.folder)
        return repository_root(brief, os.path.dirname(os.path.abspath(brief))) / DEFAULT_FOLDER


class Snapshots:
    """Extracted texts, gzip-compressed, named by the sha256 of the body they came from."""

    def __init__(self, folder: Path):
        self.folder = folder

    def path_for(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / f"{sha256}.txt.gz"

    def read(self, sha256: str) -> str | None:
        if not re.fullmatch(r"[0-9a-f]{64}", sha256 or ""):
            return None
        return _snapshot_text(str(self.path_for(sha256)))

    def write(self, sha256: str, text: str) -> Path:
        from factlint.fileio import write_bytes_atomically

        path = self.path_for(sha256)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            # level 1: on real pages' text a third of level 6's time (which was a fifth of
            # a page's reading) for 14 % more bytes; 9 took half as long again as 6
            data = gzip.compress(text.encode("utf-8"), compresslevel=1, mtime=0)
            write_bytes_atomically(str(path), data)
        return path


@lru_cache(maxsize=64)
def _snapshot_text(path: str) -> str | None:
    """A snapshot's text, read once per process: snapshots are named by what was read and
    never rewritten, and briefs of one run often cite the same sources."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            return stream.read()
    except (OSError, EOFError, UnicodeDecodeError):
        return None


def read_evidence_file(path: Path) -> dict[str, Any]:
    """The evidence file's data, or {} when it is missing or not an evidence file."""
    import yaml

    try:
        data = yaml.load(path.read_text(encoding="utf-8"),  # a safe loader, in C when built
                         Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    if not isinstance(data, dict) or data.get("factlint-evidence") != FORMAT:
        return {}
    return data


def write_evidence_file(path: Path, data: Mapping[str, Any]) -> None:
    import yaml

    from factlint.fileio import write_atomically

    text = yaml.dump(dict(data), Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
                     allow_unicode=True, sort_keys=False, width=1000)
    try:
        if path.read_text(encoding="utf-8") == text:
            return  # a rerun changes nothing
    except (OSError, UnicodeDecodeError):
        pass
    write_atomically(str(path), text)


# --- what a source says --------------------------------------------------------------------------


@dataclass
class SourceEvidence:
    """A cited source and what was read of it (``text`` None: not read, see ``problem``)."""

    cited: CitedSource
    record: dict[str, Any] = field(default_factory=dict)  # its entry in the evidence file
    text: SourceText | None = None
    live: SourceText | None = None  # the page as it reads today, when it differs
    problem: str = ""  # why it is unreadable (FL414)
    skipped: bool = False  # not read: offline and no snapshot
    _figures: dict = field(default_factory=dict)  # units -> figures

    def figures(self, units: frozenset[str] | None = None) -> list[Figure]:
        if units not in self._figures:
            self._figures[units] = _text_figures(self.text.text, units) if self.text else []
        return self._figures[units]


@lru_cache(maxsize=256)
def _text_figures(text: str, units: frozenset[str] | None) -> list[Figure]:
    """read_figures, once per text and units in a process (the same snapshot's text is
    the same string, see _snapshot_text): the list is shared, and is only read."""
    return read_figures(text, units)


_PERCENT_WORDS = ("%", "％", "百分之", "成", "per cent", "percent")


def read_figures(text: str, units: frozenset[str] | None = None) -> list[Figure]:
    """The figures a source's text states, through numbers.py (the one figure reader).

    ``units``: only figures in these units matter (``%`` for percentages), so only the
    lines that name one of them are read — most of a long page names none."""
    from factlint.document import detect_language

    lexicon = builtin_lexicon(detect_language(text[:5000]))
    words = tuple({w for u in units or () for w in (_PERCENT_WORDS if u == "%" else (u,))
                   if w})
    if not words:
        return find_figures(_spaced(text), lexicon)
    found: list[Figure] = []
    pattern = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))),
                         re.IGNORECASE)
    end = -1
    for hit in pattern.finditer(text):
        if hit.start() < end:
            continue  # on a line already read
        start = text.rfind("\n", 0, hit.start()) + 1
        end = text.find("\n", hit.end())
        end = len(text) if end < 0 else end
        found += [f._replace(start=f.start + start, end=f.end + start)
                  for f in find_figures(_spaced(text[start:end]), lexicon)]
    return found


def _spaced(text: str) -> str:
    return _SPACED_THOUSANDS.sub(lambda m: m[1] + m[2].replace(" ", "\u2009"), text)


def _units_of(figure: Figure) -> frozenset[str]:
    return frozenset(("%",) if figure.is_percent else (figure.unit.lower(), figure.unit_key))


def source_text(record: Mapping[str, Any], text: str) -> SourceText:
    return SourceText(text, str(record.get("kind", "")), str(record.get("title", "")),
                      str(record.get("og_title", "")), str(record.get("h1", "")),
                      str(record.get("published", "")), str(record.get("encoding", "")))


@dataclass
class Evidence:
    """Every cited source of one brief, as read for the evidence checks."""

    sources: dict[str, SourceEvidence]
    snapshot_folder: Path
    evidence_file: Path
    requests: int = 0
    _assessed: dict = field(default_factory=dict)

    @property
    def skipped(self) -> int:
        return sum(1 for s in self.sources.values() if s.skipped)

    def assessments(self, doc: Document, near_ratio: float = 0.9,
                    about_ratio: float = 0.05) -> list[Assessment]:
        key = (id(doc), near_ratio, about_ratio)
        if key not in self._assessed:
            self._assessed[key] = assess(doc, self, near_ratio, about_ratio)
        return self._assessed[key]


def _body_record(cited: CitedSource, fetched_at: str, body: bytes, content_type: str,
                 status: int | None, final_url: str, read: SourceText,
                 snapshots: Snapshots, evidence_file: Path) -> dict[str, Any]:
    sha = hashlib.sha256(body).hexdigest()
    record: dict[str, Any] = {}
    if cited.url:
        record["url"] = cited.url
        record["final_url"] = final_url or cited.url
    if cited.file:
        record["file"] = os.path.relpath(cited.file, evidence_file.parent).replace(os.sep, "/")
    record.update({"fetched": fetched_at, "status": status, "content_type": content_type,
                   "sha256": sha, "kind": read.kind})
    for name in ("title", "og_title", "h1", "published", "encoding"):
        if getattr(read, name):
            record[name] = getattr(read, name)
    if read.problem:
        _record_problem(record, read.problem)
    else:
        path = snapshots.write(sha, read.text)
        record["snapshot"] = os.path.relpath(path, evidence_file.parent).replace(os.sep, "/")
    if status is None:
        del record["status"]
    return record


def _failed_record(cited: CitedSource, fetched_at: str, problem: str, status: int | None = None
                   ) -> dict[str, Any]:
    record: dict[str, Any] = {"url": cited.url} if cited.url else {}
    if cited.file:
        record["file"] = cited.file
    record["fetched"] = fetched_at
    if status is not None:
        record["status"] = status
    _record_problem(record, problem)
    return record


def _record_problem(record: dict[str, Any], problem: str) -> None:
    """The file keeps the problem as English text, and (a Phrase's) as its message id and
    arguments, which a check reading the file back tells in the brief's language."""
    record["problem"] = str(problem)
    message = stored(problem)
    if message is not None:
        record["problem_message"] = message


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _same_locator(record: Mapping[str, Any], cited: CitedSource, evidence_file: Path) -> bool:
    if cited.url:
        return record.get("url") == cited.url
    if cited.file:
        written = record.get("file")
        return isinstance(written, str) and (
            (evidence_file.parent / written).resolve() == Path(cited.file).resolve())
    return False


def _from_record(cited: CitedSource, record: dict[str, Any], snapshots: Snapshots
                 ) -> SourceEvidence | None:
    """The source as its evidence record and snapshot say, or None when the snapshot is
    missing (it must be read again)."""
    if record.get("problem"):
        problem = restored(record.get("problem_message"), str(record["problem"]))
        return SourceEvidence(cited, record, None, problem=problem)
    text = snapshots.read(str(record.get("sha256", "")))
    if text is None:
        return None
    return SourceEvidence(cited, record, source_text(record, text))


def read_sources(cited: Mapping[str, CitedSource], evidence_file: Path, snapshots: Snapshots,
                 settings: EvidenceSettings, url_settings: Any, *, update: bool,
                 offline: bool, live: bool = False, root: str | os.PathLike | None = None,
                 progress: bool | None = False,
                 units: Mapping[str, Iterable[frozenset[str]]] | None = None) -> Evidence:
    """Each cited source, from its snapshot when there is one (and not ``update``), else
    read now: a `file:` copy from disk, a URL over the network unless ``offline``.
    ``live``: also fetch the URLs that have a snapshot, to see whether they changed.
    ``units``: label key -> the units whose figures will be looked for in that source,
    read with the page (by the readers, at once) rather than later."""
    units = units or {}
    from factlint import urls

    # what was read before (not needed when everything is read again)
    old = {} if update else read_evidence_file(evidence_file).get("sources") or {}
    result: dict[str, SourceEvidence] = {}
    to_fetch: dict[str, list[str]] = {}
    recheck: dict[str, list[str]] = {}
    for key, source in cited.items():
        if not source.locator:
            continue
        record = old.get(source.label)
        if not update and isinstance(record, dict) and _same_locator(record, source,
                                                                      evidence_file):
            known = _from_record(source, dict(record), snapshots)
            if known is not None:
                result[key] = known
                if live and source.url and not source.file and not offline:
                    recheck.setdefault(source.url, []).append(key)
                continue
        if source.file:
            result[key] = _read_file(source, evidence_file, snapshots, settings, root,
                                     tuple(units.get(key, ())))
        elif offline:
            result[key] = SourceEvidence(source, skipped=True)
        elif urls.url_problem(source.url or "") is not None:
            continue  # FL404 says what is wrong with it
        else:
            to_fetch.setdefault(source.url or "", []).append(key)
    fetched, requests = {}, 0
    if to_fetch or recheck:
        reading = []
        # Each page is read as it comes, while the others are on their way, READERS at a time.
        # The network stack is loaded first: the readers load lxml as they start, which
        # slowed its loading (three processes on two cores) and so the first requests.
        urls.load_network()
        with page_readers(len(to_fetch)) as readers:
            def read_fetched(url: str, answer: Any) -> None:
                for key in to_fetch.get(url, ()):
                    job = (cited[key], answer, _now(), snapshots, evidence_file,
                           tuple(units.get(key, ())))
                    reading.append((key, readers.submit(_from_fetch, *job)))

            fetched, requests = urls.fetch_bodies(list(to_fetch) + list(recheck), url_settings,
                                                  settings.max_bytes, progress, read_fetched)
            import yaml  # noqa: F401 - for the evidence file, while the readers finish
            for key, future in reading:
                result[key] = future.result()
    result = {key: result[key] for key in cited if key in result}  # in citing order, as read
    for url, keys in recheck.items():
        answer = fetched[url]
        for key in keys:
            known = result[key]
            if answer.kind == "ok" and hashlib.sha256(answer.body).hexdigest() != known.record.get(
                    "sha256"):
                today = extract(answer.body, answer.content_type)
                if not today.problem and today.text != (known.text.text if known.text else ""):
                    known.live = today
    return Evidence(result, snapshots.folder, evidence_file, requests)


def page_readers(pages: int) -> Any:
    """What reads the fetched pages: READERS forked processes (_Readers) when there are at
    least PROCESS_PAGES and this process may fork (Linux, no other thread: a fork copies
    the calling thread alone), forked before the requests' threads start; else READERS
    threads (lxml parses without holding the interpreter, the rest of the reading holds
    it, so that threads share two cores badly)."""
    import sys
    import threading

    if pages >= PROCESS_PAGES and sys.platform.startswith("linux") \
            and threading.active_count() == 1:
        return _Readers(READERS)
    from concurrent.futures import ThreadPoolExecutor

    return ThreadPoolExecutor(READERS, "factlint-read")


class _Readers:
    """Forked processes that read fetched pages while this one fetches the others (each
    a _Reader); the threads that feed them take the calls in turn from one queue. A call
    whose reader died is made here (by ``result()``). An executor's interface (``submit``
    of a module's function, whose arguments are pickled, ``shutdown``, ``with``) without
    multiprocessing's machinery, whose imports and threads cost this process more than
    handing the pages over."""

    def __init__(self, count: int):
        import queue

        self._calls: Any = queue.SimpleQueue()
        self._readers: list[_Reader] = []
        for _ in range(count):
            pages_in, pages_out = os.pipe()
            read_in, read_out = os.pipe()
            pid = os.fork()
            if pid == 0:
                others = [fd for reader in self._readers for fd in reader.fds]
                _serve_reading(pages_in, read_out, [*others, pages_out, read_in])
            os.close(pages_in)
            os.close(read_out)
            self._readers.append(_Reader(pid, pages_out, read_in))
        for reader in self._readers:
            reader.start(self._calls)

    def submit(self, function: Callable[..., Any], *arguments: Any) -> _Reading:
        reading = _Reading(function, arguments)
        self._calls.put(reading)
        return reading

    def shutdown(self) -> None:
        for _ in self._readers:
            self._calls.put(None)
        for reader in self._readers:
            reader.join()

    def __enter__(self) -> _Readers:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown()


class _Reader:
    """A forked reader as this process sees it: one thread sends it calls through a pipe,
    the next while it makes the one before (AHEAD at most unanswered: one at a time left
    it idle while this process took the answer and sent the next), another thread takes
    its answers, in the same order."""

    def __init__(self, pid: int, pages_fd: int, read_fd: int):
        import threading

        self.pid = pid
        self.fds = (pages_fd, read_fd)
        self._sent: deque[_Reading] = deque()
        self._lock = threading.Lock()
        self._room = threading.Semaphore(AHEAD)
        self._ended = False  # it ended or died: the calls it did not answer are made here
        self._threads: list[threading.Thread] = []

    def start(self, calls: Any) -> None:
        import threading

        self._threads = [threading.Thread(target=self._send, args=(calls,), daemon=True,
                                          name="factlint-read"),
                         threading.Thread(target=self._receive, daemon=True,
                                          name="factlint-read")]
        for thread in self._threads:
            thread.start()

    def join(self) -> None:
        for thread in self._threads:
            thread.join()
        os.waitpid(self.pid, 0)

    def _send(self, calls: Any) -> None:
        import pickle

        pages = os.fdopen(self.fds[0], "wb")
        try:
            while True:
                self._room.acquire()
                reading = calls.get()
                if reading is None:
                    return
                try:
                    call = pickle.dumps((reading.function, reading.arguments),
                                        pickle.HIGHEST_PROTOCOL)
                except Exception:  # noqa: BLE001 - made by result(), which raises what it raises
                    call = None
                with self._lock:
                    here = self._ended or call is None
                    if not here:
                        self._sent.append(reading)
                if here:
                    reading.done.set()
                    self._room.release()
                    continue
                with suppress(OSError):  # it died: _receive sees it end
                    pages.write(call)
                    pages.flush()
        finally:
            with suppress(OSError):  # to a reader that died: what is left goes nowhere
                pages.close()

    def _receive(self) -> None:
        import pickle

        read = os.fdopen(self.fds[1], "rb")
        try:
            while True:
                try:
                    value = pickle.load(read)
                except (OSError, EOFError, pickle.UnpicklingError):
                    return
                with self._lock:
                    reading = self._sent.popleft()
                reading.value = (value,)
                reading.done.set()
                self._room.release()
        finally:
            read.close()
            with self._lock:
                self._ended = True
                unanswered = list(self._sent)
                self._sent.clear()
            for reading in unanswered:
                reading.done.set()
            self._room.release(AHEAD)  # a sender waiting for room goes on, and sees the end


class _Reading:
    """A call handed to a reader, and what it returned (in a 1-tuple; empty until then,
    or for good when the reader died)."""

    def __init__(self, function: Callable[..., Any], arguments: tuple):
        import threading

        self.function = function
        self.arguments = arguments
        self.done = threading.Event()
        self.value: tuple = ()

    def result(self) -> Any:
        self.done.wait()
        return self.value[0] if self.value else self.function(*self.arguments)


def _serve_reading(pages_fd: int, read_fd: int, others: list[int]) -> None:
    """A reader's life (a forked child; ``others``: the parent's descriptors, closed):
    each call that comes made and what it returns sent back, until the pipe ends. It
    ends with os._exit, whatever happens: nothing of the parent's is flushed or run."""
    status = 1
    try:
        import pickle

        from lxml import etree  # noqa: F401 - loaded now, while the first pages are on their way

        for fd in others:
            os.close(fd)
        with os.fdopen(pages_fd, "rb") as pages, os.fdopen(read_fd, "wb") as read:
            while True:
                try:
                    function, arguments = pickle.load(pages)
                except EOFError:
                    status = 0
                    break
                pickle.dump(function(*arguments), read, pickle.HIGHEST_PROTOCOL)
                read.flush()
    finally:
        os._exit(status)


def _from_fetch(cited: CitedSource, answer: Any, at: str, snapshots: Snapshots,
                evidence_file: Path, units: Sequence[frozenset[str]] = ()) -> SourceEvidence:
    if answer.kind == "too-large":
        problem = Phrase("evidence.too-large", problem=answer.message)
        record = _failed_record(cited, at, problem, answer.status)
        return SourceEvidence(cited, record, None, problem=problem)
    if answer.kind != "ok":
        problem = answer.message or Phrase("evidence.not-fetched", kind=answer.kind)
        if answer.status in (401, 403, 407):
            problem = Phrase("evidence.login-wall", status=answer.status, problem=problem)
        record = _failed_record(cited, at, problem, answer.status)
        return SourceEvidence(cited, record, None, problem=problem)
    read = extract(answer.body, answer.content_type)
    record = _body_record(cited, at, answer.body, answer.content_type, answer.status,
                          answer.final_url, read, snapshots, evidence_file)
    return _read_evidence(cited, record, read, units)


def _read_evidence(cited: CitedSource, record: dict[str, Any], read: SourceText,
                   units: Sequence[frozenset[str]]) -> SourceEvidence:
    source = SourceEvidence(cited, record, None if read.problem else read, problem=read.problem)
    for wanted in units:
        source.figures(wanted)
    return source


def _read_file(cited: CitedSource, evidence_file: Path, snapshots: Snapshots,
               settings: EvidenceSettings, root: str | os.PathLike | None,
               units: Sequence[frozenset[str]] = ()) -> SourceEvidence:
    from factlint.reading import read_bytes_limited

    at = _now()
    assert cited.file is not None
    try:
        body = read_bytes_limited(cited.file, settings.max_bytes, "source file", root=root)
    except OSError as error:
        problem = Phrase("evidence.cannot-read", file=cited.file,
                         why=getattr(error, "why", None) or str(error.strerror))
        return SourceEvidence(cited, _failed_record(cited, at, problem), None, problem=problem)
    read = extract(body, "", name=cited.file)
    record = _body_record(cited, at, body, read.kind, None, "", read, snapshots, evidence_file)
    return _read_evidence(cited, record, read, units)


# --- does the source say so? ---------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    """One figure of a sourced sentence against the sources the sentence cites.

    ``verdict``: found | not-found | other-source | changed | unread (no cited source
    could be read: FL414 or offline says why)."""

    figure: Figure
    sentence: Sentence
    labels: tuple[str, ...]
    verdict: str
    label: str = ""  # the source that states it (found, other-source, changed)
    snippet: str = ""
    closest: str = ""  # what the cited source says instead (not-found)


def _same_size(a: float, b: float) -> bool:
    if a == b:
        return True
    if not (math.isfinite(a) and math.isfinite(b)):
        return False
    return abs(a - b) <= SAME_SIZE * max(abs(a), abs(b))


def _meets(one, other) -> bool:
    low, high = max(one.low, other.low), min(one.high, other.high)
    if low < high:
        return True
    if low > high:
        return False
    closed_low = (one.low_closed or one.low < low) and (other.low_closed or other.low < low)
    closed_high = (one.high_closed or one.high > high) and (other.high_closed or
                                                            other.high > high)
    return closed_low and closed_high


def supports(stated: Figure, brief: Figure, near_ratio: float = 0.9,
             about_ratio: float = 0.05) -> bool:
    """Whether a figure a source states supports the brief's figure (module docstring)."""
    if stated.is_percent != brief.is_percent or stated.unit_key != brief.unit_key:
        return False
    if not _same_size(stated.value, brief.value):
        return False
    return _meets(interval_for(stated, near_ratio, about_ratio),
                  interval_for(brief, near_ratio, about_ratio))


def _snippet(text: str, start: int, end: int) -> str:
    left, right = max(0, start - SNIPPET), min(len(text), end + SNIPPET)
    piece = re.sub(r"\s+", " ", text[left:right]).strip()
    return ("…" if left else "") + piece + ("…" if right < len(text) else "")


def _find(source: SourceEvidence, figure: Figure, near_ratio: float, about_ratio: float,
          text: SourceText | None = None) -> str | None:
    """The snippet where ``source`` states the figure, or None."""
    read = text or source.text
    if read is None:
        return None
    units = _units_of(figure)
    figures = source.figures(units) if text is None else read_figures(read.text, units)
    for stated in figures:
        if supports(stated, figure, near_ratio, about_ratio):
            return _snippet(read.text, stated.start, stated.end)
    return None


def _closest(source: SourceEvidence, figure: Figure, before: str) -> str:
    """What the source states in the figure's unit next to the same words, for FL410."""
    if source.text is None:
        return ""
    text = source.text.text
    best: tuple[int, float, Figure] | None = None
    for stated in source.figures(_units_of(figure)):
        if stated.is_percent != figure.is_percent or stated.unit_key != figure.unit_key:
            continue
        context = text[max(0, stated.start - CONTEXT): stated.start]
        match = SequenceMatcher(None, before, context, autojunk=False).find_longest_match(
            0, len(before), 0, len(context))
        distance = abs(stated.value - figure.value) / max(abs(figure.value), 1e-9)
        candidate = (match.size, -distance, stated)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
            words = before[match.a: match.a + match.size]
    if best is None:
        return ""
    stated = best[2]
    said = re.sub(r"\s+", " ", stated.text).strip()
    if best[0] >= 2:
        return Phrase("evidence.says", said=said, words=words.strip())
    return Phrase("evidence.nearest", said=said)


def _words_before(doc: Document, sentence: Sentence, figure: Figure) -> str:
    start = max(sentence.start, figure.start - CONTEXT)
    return re.sub(r"\s+", "", doc.text[start: figure.start])


def assess(doc: Document, evidence: Evidence, near_ratio: float = 0.9,
           about_ratio: float = 0.05) -> list[Assessment]:
    """An Assessment for every figure of every sentence that cites a source with evidence."""
    out: list[Assessment] = []
    sources = evidence.sources
    for sentence in doc.sentences:
        if not sentence.markers or not sentence.figures:
            continue
        labels = tuple(dict.fromkeys(label_key(lb) for m in sentence.markers for lb in m.labels))
        cited = [sources[lb] for lb in labels if lb in sources]
        readable = [s for s in cited if s.text is not None]
        for figure in sentence.figures:
            if not readable:
                if cited:
                    out.append(Assessment(figure, sentence, labels, "unread"))
                continue
            out.append(_assess_one(doc, evidence, sentence, figure, labels, readable,
                                   near_ratio, about_ratio))
    return out


def _assess_one(doc, evidence, sentence, figure, labels, readable, near_ratio, about_ratio):
    for source in readable:
        snippet = _find(source, figure, near_ratio, about_ratio)
        if snippet is not None:
            if source.live is not None and _find(source, figure, near_ratio, about_ratio,
                                                 source.live) is None:
                return Assessment(figure, sentence, labels, "changed", source.cited.label,
                                  snippet)
            return Assessment(figure, sentence, labels, "found", source.cited.label, snippet)
    for key, other in sorted(evidence.sources.items()):
        if key in labels or other.text is None:
            continue
        snippet = _find(other, figure, near_ratio, about_ratio)
        if snippet is not None:
            return Assessment(figure, sentence, labels, "other-source", other.cited.label,
                              snippet)
    before = _words_before(doc, sentence, figure)
    closest = next((c for c in (_closest(s, figure, before) for s in readable) if c), "")
    return Assessment(figure, sentence, labels, "not-found", closest=closest)


# --- titles --------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    import unicodedata

    return _FOLD.sub("", unicodedata.normalize("NFKC", text)).lower()


def title_matches(given: str, page_titles: Iterable[str]) -> bool:
    """Whether the title a brief gives a source is one of the page's titles (or a piece of
    one: "Title - Site"), allowing for small differences."""
    wanted = _fold(given)
    if not wanted:
        return True
    for title in page_titles:
        for piece in [title, *_TITLE_PIECES.split(title)]:
            folded = _fold(piece)
            if len(folded) < 2:
                continue
            if wanted in folded or (len(folded) >= 4 and folded in wanted):
                return True
            if SequenceMatcher(None, wanted, folded, autojunk=False).ratio() >= TITLE_RATIO:
                return True
    return False


# --- the evidence file's claims ------------------------------------------------------------------


def claim_records(doc: Document, evidence: Evidence, near_ratio: float = 0.9,
                  about_ratio: float = 0.05) -> list[dict[str, Any]]:
    """The `claims` of the evidence file: each assessed figure, its quote, and what was found."""
    records = []
    for item in evidence.assessments(doc, near_ratio, about_ratio):
        if item.verdict == "unread":
            continue
        start = max(item.sentence.start, item.figure.start - CONTEXT)
        quote = re.sub(r"\s+", " ", doc.text[start: item.figure.end]).strip()
        record: dict[str, Any] = {
            "quote": quote, "line": doc.position(item.figure.start)[0],
            "source": ",".join(evidence.sources[lb].cited.label for lb in item.labels
                               if lb in evidence.sources),
            "found": item.verdict in ("found", "changed"),
        }
        if item.snippet:
            record["snippet"] = item.snippet
        if item.verdict == "other-source":
            record["found_in"] = item.label
        records.append(record)
    return records


def evidence_data(doc: Document, evidence: Evidence, settings: Settings) -> dict[str, Any]:
    sources = {s.cited.label: s.record for s in evidence.sources.values() if s.record}
    return {"factlint-evidence": FORMAT, "sources": sources,
            "claims": claim_records(doc, evidence, settings.near_ratio, settings.about_ratio)}


def evidence_settings(settings: Settings) -> EvidenceSettings:
    return EvidenceSettings(**dict(settings.evidence))


def url_settings_for(settings: Settings, offline: bool) -> Any:
    from factlint import urls

    return urls.UrlSettings(offline=offline, **settings.url_options())


def gather(path: str, doc: Document, facts: FactFile | None, settings: Settings, *,
           offline: bool, update: bool = False, live: bool = False,
           root: str | os.PathLike | None = None, progress: bool | None = False) -> Evidence:
    """The evidence of one brief (see read_sources)."""
    options = evidence_settings(settings)
    evidence_file = evidence_path(path)
    snapshots = Snapshots(options.folder_for(path))
    return read_sources(cited_sources(doc, facts, root), evidence_file, snapshots, options,
                        url_settings_for(settings, offline), update=update, offline=offline,
                        live=live, root=root, progress=progress, units=_units_cited(doc))


def _units_cited(doc: Document) -> dict[str, set[frozenset[str]]]:
    """label key -> the units of the figures in the sentences that cite it (see assess)."""
    wanted: dict[str, set[frozenset[str]]] = {}
    for sentence in doc.sentences:
        if sentence.markers and sentence.figures:
            units = {_units_of(figure) for figure in sentence.figures}
            for marker in sentence.markers:
                for label in marker.labels:
                    wanted.setdefault(label_key(label), set()).update(units)
    return wanted


def outcome(evidence: Evidence) -> Sequence[tuple[str, str]]:
    """(label, 'read' | 'unreadable' | 'skipped') of each source, for summaries."""
    return [(s.cited.label, "skipped" if s.skipped else "unreadable" if s.text is None
             else "read") for s in evidence.sources.values()]


# --- dead links and their archived copies ------------------------------------------------------


ARCHIVED_NOTE = "archived copy"


def name_archived_copies(findings: list, refs: Sequence[Any], accessed: Mapping[str, str],
                         endpoint: str, url_settings: Any) -> list:
    """FL401 findings with the archived copy of their URL named in the message, when the
    archive at ``endpoint`` has one (closest before the source's ``accessed`` date)."""
    from factlint import urls

    url_at = {(r.path, r.line, r.column): r.url for r in refs}
    dead = {url_at[(f.path, f.line, f.column)] for f in findings
            if f.code == "FL401" and (f.path, f.line, f.column) in url_at}
    if not dead:
        return findings
    copies = urls.archived_copies({u: accessed.get(u) for u in sorted(dead)}, endpoint,
                                  url_settings)
    named = []
    for finding in findings:
        copy = copies.get(url_at.get((finding.path, finding.line, finding.column), ""))
        if finding.code == "FL401" and copy is not None:
            when = "" if copy.before else ", after the date it was accessed"
            finding = replace(finding, message=f"{finding.message}; {ARCHIVED_NOTE} of "
                              f"{copy.date}{when}: {copy.url} (`factlint fix --archive` adds it)",
                              message_id="FL401.archived", arguments=(
                                  ("finding", finding.worded()), ("date", copy.date),
                                  ("after", Message("FL401.after-accessed") if when else ""),
                                  ("url", copy.url)))
        named.append(finding)
    return named
