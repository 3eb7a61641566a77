"""Documents made of several files: which briefs belong together, and their shared citations.

A book's chapters often cite notes kept in one shared file, or one file per chapter is
rendered into one document. The files of such a document are grouped, in reading order:

1. by a ``documents:`` entry of the configuration (glob patterns, in order);
2. by the chapter list of the build: mkdocs ``nav``, mdBook ``SUMMARY.md``, Quarto
   ``book: chapters``, bookdown ``rmd_files``, a pandoc defaults file's ``input-files``;
3. else by a notes file: a file that holds only definitions (footnotes ``[^n]:``, a
   numbered references list ``[n] …``, or ``<sup>n</sup> …`` notes) is shared by the
   briefs of its folder (of its name's prefix: ``guide-notes.md`` serves ``guide-*.md``)
   that cite labels they do not define. Posts that each define their own notes stay
   separate.

A ``Book`` answers, over all its files, where a marker's label is defined and whether a
definition is cited; each finding stays in the file where its marker or definition is.
"""

from __future__ import annotations

import glob
import os
import re
import stat
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from factlint.lazyre import lazy
from factlint.trust import is_within, repository_root

if TYPE_CHECKING:
    from factlint.document import Definition, Document, Marker
    from factlint.notes import Kind
    from factlint.settings import Settings

MARKDOWN = (".md", ".markdown", ".txt", ".qmd", ".rmd")
NOTES_LINE = lazy(
    r"[ \t]*(?:$|#|\[\^[^\]\n]+\]:|<sup>\s*\d+\s*</sup>|\\?\[\d{1,4}\\?\][^:(\[]|[ \t]{1,}\S"
    r"|[*_\-=\s]+$|<[^>]*>\s*$)"
)
NOTE_DEFINITION = lazy(r"(?m)^ {0,3}\[\^([^\]\n]+)\]:")
NOTE_MARKER = lazy(r"\[\^([^\[\]\n]+)\](?!:)")
# A numbered references list ([3] …, \[3\] …, - [3] …) and <sup>3</sup> notes, one per line
NUMBERED_DEFINITION = lazy(
    r"(?m)^[ \t]*(?:[-*+][ \t]+)?(?:\\?\[(\d{1,4})\\?\]|<sup>\s*(\d{1,4})\s*</sup>)(?![:(\[])")
# NUMBERED_DEFINITION at the text's start, and after a newline: a search skips to the next
# newline at C speed, where a ^ pattern is tried at every character (see numbered_definitions)
DEFINITION_HERE = lazy(NUMBERED_DEFINITION.pattern.removeprefix("(?m)^"))
DEFINITION_AFTER_NEWLINE = lazy("\n" + DEFINITION_HERE.pattern)
# [3] or <sup>3</sup> in running text (not at a line's start, not a link or an index a[3]).
# Each branch opens with its bracket and looks behind it from there (the character before
# the bracket): a search that starts with a character set skips to the next [ or < at C
# speed, where one that starts with an assertion is tried at every character.
NUMBERED_MARKER = lazy(
    r"\[(?<=[^\n]\[)(?<![A-Za-z0-9_\]\\!]\[)(\d{1,4})\](?![\[(:])|<(?<=[^\n]<)sup>\s*(\d{1,4})\s*</sup>")
NOTES_NAME = lazy(
    r"(?i)(?:^|[-_. ])(?:foot|end)?notes?$|(?:^|[-_. ])(?:references|bibliography|sources|"
    r"citations|注释|註釋|脚注|腳註|参考文献|參考文獻)$")
MAX_SCANNED = 2000  # files read per folder when looking for chapters of a notes file


class Grouping(NamedTuple):
    """The files of one document, in reading order."""

    files: tuple[str, ...]
    inferred: bool = False  # by a shared notes file: chapters not in the folder may cite it
    # the [n] labels of its notes files: a chapter's [n] cites them (document.read_document)
    shared_labels: frozenset[str] = frozenset()


def label_key(label: str) -> str:
    """Footnote labels compare case-insensitively, as in GitHub Markdown."""
    return label.strip().lower()


def _key(path: str) -> str:
    return os.path.normcase(os.path.abspath(path))


# --- which files belong together ---------------------------------------------------------


def find_documents(paths: Sequence[str], settings_for: Callable[[str], Settings],
                   map_each: Callable = map) -> dict[str, Grouping]:
    """For each of ``paths`` that is part of a multi-file document, that document.

    ``map_each``: how the first look at each brief (``may_share_notes``) is spread over
    the briefs: ``map``, or a process pool's map (the engine's, which checks them next)."""
    found: dict[str, Grouping] = {}
    pending = []
    for path in paths:
        grouping = _configured(path, settings_for(path)) or _from_build(path)
        if grouping is not None:
            found[_key(path)] = grouping
        else:
            pending.append(path)
    # a folder is looked through for notes files only when one of its briefs cites a note
    # it does not define, or holds notes only: most briefs are documents by themselves
    by_folder: dict[str, list[str]] = {}
    for path, may in zip(pending, map_each(may_share_notes, pending), strict=True):
        if may:
            by_folder.setdefault(os.path.dirname(os.path.abspath(path)), []).append(path)
    for folder in by_folder:
        for grouping in _notes_groupings(folder):
            for member in grouping.files:
                found.setdefault(_key(member), grouping)
    if not found:  # most runs: no multi-file document, no path to key
        return {}
    return {_key(p): found[_key(p)] for p in paths if _key(p) in found}


def forget() -> None:
    """Drop the groupings earlier runs found: a run sees the notes and build files as they
    are now (a long-lived caller — the language server, ``check --watch`` — runs many)."""
    for cached in (_root, _numbered_notes, _builds_above, _build_chapters, _notes_groupings):
        cached.cache_clear()


@lru_cache(maxsize=1024)
def _root(folder: str, config: str | None = None) -> Path:
    """The repository top above ``folder``, found once per folder."""
    return repository_root(folder, config)


def _configured(path: str, settings: Settings) -> Grouping | None:
    if not settings.documents:
        return None
    target = _key(path)
    root = _root(os.path.dirname(os.path.abspath(path)),
                 settings.origin if settings.origin != "defaults" else None)
    for patterns in settings.documents:
        files = [f for f in _expand(patterns) if is_within(f, root)]  # never outside the tree
        if target in {_key(f) for f in files} and len(files) > 1:
            return Grouping(tuple(files), shared_labels=_numbered_notes(tuple(files)))
    return None


def _expand(patterns: Iterable[str]) -> list[str]:
    files: list[str] = []
    for pattern in patterns:
        matched = sorted(glob.glob(pattern, recursive=True)) if glob.has_magic(pattern) else (
            [pattern] if os.path.isfile(pattern) else [])
        files.extend(f for f in matched if os.path.isfile(f))
    return list(dict.fromkeys(files))


def _from_build(path: str) -> Grouping | None:
    """The chapter list of a build file above ``path`` (inside the repository) naming it."""
    target = _key(path)
    for keys, chapters in _builds_above(os.path.dirname(os.path.abspath(path))):
        if target in keys:
            return Grouping(chapters, shared_labels=_numbered_notes(chapters))
    return None


@lru_cache(maxsize=256)
def _numbered_notes(files: tuple[str, ...]) -> frozenset[str]:
    """The labels of the numbered references lists in those of ``files`` that hold only
    notes (a book's shared references file)."""
    labels: set[str] = set()
    for path in files:
        if "[" not in _peek(path, 4096):
            continue
        text = _read(Path(path))
        if text is not None and _holds_only_notes(text):
            labels |= {m.group(1) for m in NUMBERED_DEFINITION.finditer(text) if m.group(1)}
    return frozenset(labels)


@lru_cache(maxsize=1024)
def _builds_above(folder: str) -> tuple[tuple[frozenset[str], tuple[str, ...]], ...]:
    """The chapter lists of the build files in ``folder`` and above it, up to the
    repository's top, nearest first (each with its files' keys)."""
    here = Path(folder)
    root = _root(folder)
    found = []
    for current in (here, *here.parents):
        found.extend((frozenset(_key(c) for c in chapters), chapters)
                     for chapters in _build_chapters(str(current)))
        if current == root or not is_within(current, root):
            break
    return tuple(found)


@lru_cache(maxsize=256)
def _build_chapters(folder: str) -> tuple[tuple[str, ...], ...]:
    """Chapter lists of the build files in ``folder``, each as existing paths in order."""
    lists = []
    base = Path(folder)
    for name in ("mkdocs.yml", "mkdocs.yaml"):
        data = _yaml(base / name)
        if isinstance(data, dict) and data.get("nav"):
            docs = base / str(data.get("docs_dir") or "docs")
            lists.append(_existing(docs, _nav_files(data["nav"])))
    book = base / "book.toml"
    if book.is_file():
        # [ \t]* after ^, not \s*: from each of many blank lines \s* would read all the rest
        source = re.search(r"(?m)^[ \t]*src[ \t]*=[ \t]*[\"']([^\"']+)", _read(book) or "")
        summary = base / (source.group(1) if source else "src") / "SUMMARY.md"
        lists.append(_existing(summary.parent, _summary_files(_read(summary) or "")))
    elif (base / "SUMMARY.md").is_file():
        lists.append(_existing(base, _summary_files(_read(base / "SUMMARY.md") or "")))
    quarto = _yaml(base / "_quarto.yml")
    if isinstance(quarto, dict) and isinstance(quarto.get("book"), dict):
        lists.append(_existing(base, _quarto_files(quarto["book"])))
    bookdown = _yaml(base / "_bookdown.yml")
    if isinstance(bookdown, dict) and bookdown.get("rmd_files"):
        files = bookdown["rmd_files"]
        if isinstance(files, dict):
            files = files.get("html") or next(iter(files.values()), [])
        lists.append(_existing(base, [str(f) for f in files or ()]))
    for candidate in sorted(base.glob("*.y*ml")):
        if candidate.suffix not in (".yaml", ".yml") or candidate.name.startswith(
                ("mkdocs.", "_quarto", "_bookdown")):
            continue
        text = _read(candidate) or ""
        if "input-files" in text or "input-file:" in text:
            data = _yaml(candidate)
            if isinstance(data, dict):
                files = data.get("input-files") or [data.get("input-file")]
                lists.append(_existing(base, [str(f) for f in files if f]))
    return tuple(chapters for chapters in lists if len(chapters) > 1)


def _nav_files(nav) -> list[str]:
    files: list[str] = []
    items = nav if isinstance(nav, list) else [nav]
    for item in items:
        if isinstance(item, str):
            files.append(item)
        elif isinstance(item, dict):
            for value in item.values():
                files.extend(_nav_files(value) if isinstance(value, (list, dict)) else
                             [value] if isinstance(value, str) else [])
    return [f for f in files if not re.match(r"[a-z]+://", f)]


def _summary_files(text: str) -> list[str]:
    return re.findall(r"\]\(<?([^()\s>]+\.md)>?\)", text)


def _quarto_files(book: dict) -> list[str]:
    files: list[str] = []
    for key in ("chapters", "appendices"):
        for item in book.get(key) or ():
            if isinstance(item, str):
                files.append(item)
            elif isinstance(item, dict):
                if isinstance(item.get("part"), str) and item["part"].endswith(MARKDOWN):
                    files.append(item["part"])
                files.extend(c for c in item.get("chapters") or () if isinstance(c, str))
    return files


def _existing(base: Path, names: Iterable[str]) -> tuple[str, ...]:
    root = _root(str(base))
    found = []
    for name in names:
        path = (base / name)
        if path.suffix.lower() in MARKDOWN and path.is_file() and is_within(path, root):
            found.append(str(path))
    return tuple(dict.fromkeys(found))


def _read(path: Path) -> str | None:
    """A build or brief file's text, read as untrusted input: a regular file inside the
    repository, at most 5 MB; None when it is anything else."""
    from factlint.reading import read_bytes_limited

    try:
        data = read_bytes_limited(path, 5_000_000, "file", _root(str(path.parent)))
        return data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def _yaml(path: Path):
    text = _read(path) if path.is_file() else None
    if text is None:
        return None
    import yaml

    class _Loader(yaml.SafeLoader):
        """mkdocs files carry !!python/name and !ENV tags: read them as plain values."""

    _Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError:
        return None


@lru_cache(maxsize=256)
def _notes_groupings(folder: str) -> tuple[Grouping, ...]:
    """Each notes file of ``folder`` with the briefs that cite it."""
    try:
        with os.scandir(folder) as entries:
            # regular files only (no symlinks, devices or FIFOs) for the first look
            plain = {e.name for e in entries if e.name.lower().endswith(MARKDOWN)
                     and not e.is_symlink() and e.is_file()}
    except OSError:
        return ()
    names = sorted(plain)
    notes: dict[str, str] = {}
    for name in names[:MAX_SCANNED]:
        if _starts_like_notes(Path(folder, name)):
            text = _read(Path(folder, name))
            if text is not None and _holds_only_notes(text):
                notes[name] = text
    if not notes:
        return ()
    from factlint.document import detect_language

    groupings = []
    for name, notes_text in notes.items():
        defined = _defined(notes_text)
        language = detect_language(notes_text)
        prefix = _name_prefix(Path(name).stem)
        members = []
        for other in names[:MAX_SCANNED]:
            if other in notes or not other.startswith(prefix):
                continue
            text = _read(Path(folder, other))
            if (text is not None and _cites_undefined(text, defined)
                    and detect_language(text) == language):
                members.append(other)
        if members:
            files = [os.path.join(folder, n) for n in (*members, name)]
            numbered = frozenset(m.group(1) for m in NUMBERED_DEFINITION.finditer(notes_text)
                                 if m.group(1))
            groupings.append(Grouping(tuple(files), inferred=True, shared_labels=numbered))
    return tuple(groupings)


def may_share_notes(path: str) -> bool:
    """Might the brief at ``path`` share a notes file with others (it cites a note it does
    not define, or holds notes only)? A first look at its text, for find_documents."""
    if not path.lower().endswith(MARKDOWN):
        return False
    text = _peek(path, 5_000_000)
    if not _may_cite(text):
        return False
    return _cites_undefined(text, None) or _holds_only_notes(text)


def _may_cite(text: str) -> bool:
    return "[^" in text or "[" in text and NUMBERED_MARKER.search(text) is not None or (
        "<sup" in text)


def _starts_like_notes(path: Path) -> bool:
    """A cheap look at the first 4 KB: does the file open as a notes file would?"""
    head = _peek(str(path), 4096)
    lines = head.split("\n")[:-1] if len(head) == 4096 else head.split("\n")
    return (("[^" in head or NUMBERED_DEFINITION.search(head) is not None)
            and all(NOTES_LINE.match(line) for line in _after_front_matter(lines)))


def _peek(path: str, limit: int) -> str:
    """Up to ``limit`` bytes of a regular file that is not a symlink, for a first look that
    decides nothing by itself (the files grouped are read with the guarded reader); ""
    for anything else: a symlink, FIFO or device, a file that cannot be read."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return ""
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return ""
        chunks, size = [], 0
        while size < limit:
            chunk = os.read(descriptor, min(1 << 20, limit - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks).decode("utf-8", "ignore")
    except OSError:
        return ""
    finally:
        os.close(descriptor)


def _after_front_matter(lines: list[str]) -> list[str]:
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), 0)
        return lines[end + 1 :]
    return lines


def _holds_only_notes(text: str) -> bool:
    # the lines first: in a brief, the first line of prose settles it
    return all(NOTES_LINE.match(line) for line in _after_front_matter(text.split("\n"))) \
        and bool(_defined(text))


def _defined(text: str) -> set[str]:
    """The labels ``text`` defines: footnotes, references-list entries, <sup> notes."""
    labels = set(NOTE_DEFINITION.findall(text)) if "[^" in text else set()
    labels.update(numbered_definitions(text))
    return labels


def numbered_definitions(text: str) -> list[str]:
    """The labels NUMBERED_DEFINITION.findall(text) finds, a twentieth of the work on a brief.
    A match ends with ``]`` or ``</sup>``, never at a newline: the next line's newline is
    still there for the next match, as its line's start is for findall's."""
    first = DEFINITION_HERE.match(text)
    found = DEFINITION_AFTER_NEWLINE.findall(text, first.end() if first else 0)
    labels = [first.group(1) or first.group(2)] if first else []
    labels.extend(a or b for a, b in found)
    return labels


def _cited(text: str) -> set[str]:
    labels = set(NOTE_MARKER.findall(text)) if "[^" in text else set()
    labels.update(a or b for a, b in NUMBERED_MARKER.findall(text))
    return labels


def _name_prefix(stem: str) -> str:
    """``guide-notes`` -> ``guide-``; ``footnotes`` -> ``""`` (the whole folder)."""
    match = NOTES_NAME.search(stem)
    if match is None:
        return stem.rsplit("-", 1)[0] + "-" if "-" in stem else ""
    return stem[: match.start() + 1] if match.start() else ""


def _cites_undefined(text: str, shared: set[str] | None) -> bool:
    """Does the text cite a note it does not define (one of ``shared``, when given)?"""
    if not _may_cite(text):
        return False
    own = _defined(text)
    return any(label not in own and (shared is None or label in shared)
               for label in _cited(text))


# --- one document over several files --------------------------------------------------------


class Book:
    """The parsed files of one document in reading order (a single brief is a book of one)."""

    def __init__(self, docs: Sequence[Document], inferred: bool = False):
        self.docs = tuple(docs)
        self.inferred = inferred

    @cached_property
    def shared(self) -> frozenset[str]:
        """Paths of the files that hold only definitions (the book's notes files)."""
        if len(self.docs) == 1:
            return frozenset()
        return frozenset(d.path for d in self.docs if is_notes_file(d))

    @cached_property
    def _keys(self) -> dict[str, list[str]]:
        """The label_key of each definition of each file, in order."""
        return {doc.path: [label_key(d.label) for d in doc.definitions] for doc in self.docs}

    def keys(self, doc: Document) -> list[str]:
        """The label_key of each definition of ``doc``, read once for the rules."""
        return self._keys[doc.path]

    @cached_property
    def _own(self) -> dict[str, dict[str, Definition]]:
        own: dict[str, dict[str, Definition]] = {}
        for doc in self.docs:
            first: dict[str, Definition] = {}
            for key, definition in zip(self._keys[doc.path], doc.definitions, strict=True):
                first.setdefault(key, definition)
            own[doc.path] = first
        return own

    @cached_property
    def _elsewhere(self) -> dict[str, tuple[Document, Definition]]:
        """Each label's definition for a file that does not define it: the book's notes
        files first, then the other files in reading order."""
        found: dict[str, tuple[Document, Definition]] = {}
        for doc in sorted(self.docs, key=lambda d: d.path not in self.shared):
            for key, definition in self._own[doc.path].items():
                found.setdefault(key, (doc, definition))
        return found

    def resolve(self, doc: Document, label: str) -> tuple[Document, Definition] | None:
        """Where ``label`` cited in ``doc`` is defined: its own file first, then the
        book's notes files, then any other file of the book."""
        key = label_key(label)
        found = self._own[doc.path].get(key)
        if found is not None:
            return doc, found
        if len(self.docs) == 1:
            return None
        return self._elsewhere.get(key)

    def cited(self, doc: Document) -> list[tuple[Marker, str, tuple[Document, Definition] | None]]:
        """(marker, label, where it is defined or None) for each label the markers of
        ``doc`` cite, in order: resolved once for the rules that follow citations."""
        cited = self.__dict__.setdefault("_cited", {})
        if doc.path not in cited:
            cited[doc.path] = [(marker, label, self.resolve(doc, label))
                               for marker in doc.markers for label in marker.labels]
        return cited[doc.path]

    @cached_property
    def scopes(self) -> dict[str, tuple[Document, ...]]:
        """For each file, the files whose markers are numbered as one series with it: a
        file that defines notes it cites numbers them by itself; files citing shared or
        other files' notes are numbered together, in reading order."""
        def local(doc: Document) -> bool:
            return len(self.docs) == 1 or any(
                found is not None and found[0] is doc for _, _, found in self.cited(doc))

        flags = {doc.path: local(doc) for doc in self.docs}
        together = tuple(doc for doc in self.docs if not flags[doc.path])
        return {doc.path: (doc,) if flags[doc.path] else together for doc in self.docs}

    def memo(self, key, compute):
        """A value derived from the whole book, computed once for all its files."""
        cache = self.__dict__.setdefault("_memo", {})
        if key not in cache:
            cache[key] = compute()
        return cache[key]

    def kinds(self, doc: Document) -> list[Kind]:
        return self._kinds[doc.path]

    @cached_property
    def _kinds(self) -> dict[str, list[Kind]]:
        from factlint.notes import classify

        return {doc.path: classify(doc.definitions, doc.pack, self.bodies(doc), self.titles(doc))
                for doc in self.docs}

    def bodies(self, doc: Document) -> list[str]:
        """What each definition of ``doc`` says, without the source prefix (notes.source_body):
        read once for the rules that judge definitions."""
        bodies = self.__dict__.setdefault("_bodies", {})
        if doc.path not in bodies:
            from factlint.notes import source_body

            bodies[doc.path] = [source_body(d, doc.pack) for d in doc.definitions]
        return bodies[doc.path]

    def titles(self, doc: Document) -> list[frozenset[str]]:
        """The titles each definition of ``doc`` names (notes.titles_of its body), read once."""
        titles = self.__dict__.setdefault("_titles", {})
        if doc.path not in titles:
            from factlint.notes import titles_of

            titles[doc.path] = [titles_of(body) for body in self.bodies(doc)]
        return titles[doc.path]

    @cached_property
    def used(self) -> frozenset[tuple[str, int]]:
        """(path, start) of every definition a marker cites, directly or through the repeat
        notes that point back at it."""
        used: set[tuple[str, int]] = set()
        for doc in self.docs:
            for _, _, found in self.cited(doc):
                if found is not None:
                    used.add((found[0].path, found[1].start))
        for doc in self.docs:  # a label defined twice (FL104's) is used when either is
            own = self._own[doc.path]
            for key, definition in zip(self._keys[doc.path], doc.definitions, strict=True):
                if (doc.path, own[key].start) in used:
                    used.add((doc.path, definition.start))
        for doc in self.docs:
            for definition, kind in zip(doc.definitions, self.kinds(doc), strict=True):
                if kind.target and (doc.path, definition.start) in used:
                    found = self.resolve(doc, kind.target)
                    if found is not None:
                        used.add((found[0].path, found[1].start))
        return frozenset(used)

    def only_notes(self, doc: Document, markers: Sequence[Marker]) -> tuple[str, ...]:
        """The labels ``markers`` cite when every one is a note that explains (no source);
        else ()."""
        if not self._notes:  # most books have no such note
            return ()
        labels = tuple(label for marker in markers for label in marker.labels)
        for label in labels:
            found = self.resolve(doc, label)
            if found is None or (found[0].path, found[1].start) not in self._notes:
                return ()
        return labels

    @cached_property
    def _notes(self) -> frozenset[tuple[str, int]]:
        """(path, start) of each definition that is a note that explains."""
        from factlint.notes import NOTE

        return frozenset((doc.path, d.start) for doc in self.docs
                         for d, kind in zip(doc.definitions, self.kinds(doc), strict=True)
                         if kind.kind == NOTE)


def is_notes_file(doc: Document) -> bool:
    """A file that holds definitions and no text of its own (headings aside)."""
    if not doc.definitions:
        return False
    return not any(re.search(r"\w", doc.text[p.start : p.end]) for p in doc.paragraphs)


def book_of(doc: Document, book: Book | None) -> Book:
    return book if book is not None else Book((doc,))
