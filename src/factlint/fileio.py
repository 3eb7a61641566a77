"""Writing files as an editor does, so that nothing is lost.

* ``atomic_writer``: one file (a report, a baseline), written to a temporary file beside it,
  then renamed.
* ``Transaction``: several files (a brief and its fact file) that change together or not at
  all. Each new text is staged in a temporary file beside its target (through symlinks:
  the link stays a link), with the target's mode and owner; ``commit`` checks that no
  target changed since it was read (its hash), writes a small journal — the commit
  point — renames the temporary files over their targets and removes the journal.
* ``recover``: what a ``factlint fix`` run does first in each folder. A journal left by a
  run that died is completed (the temporary files named in it are renamed, unless their
  target changed since); temporary files with no journal, left by a run that died before
  its commit point, are removed — that run wrote nothing.

Temporary files are named ``.factlint-<pid>-<random>.tmp``; the process id tells a dead
run's files from those of a run still going.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from factlint.messages import Phrase

JOURNAL = ".factlint-fix-journal.json"
TEMPORARY = re.compile(r"\.factlint-(\d+)-[^/\\]*\.tmp")


class WriteError(Exception):
    """A file that cannot be written as asked; nothing of the transaction is written.
    Raised with a Phrase, which ``reason`` keeps (``str()`` is its English text)."""

    @property
    def reason(self) -> str:
        return self.args[0] if self.args and isinstance(self.args[0], str) else str(self)


# hashlib and tempfile are imported where used: `check` imports this module (through
# factlint.fix, for the fixes findings carry) but never writes.


def digest(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _temporary(folder: str) -> tuple[int, str]:
    import tempfile

    return tempfile.mkstemp(prefix=f".factlint-{os.getpid()}-", suffix=".tmp", dir=folder)


def _sync_folder(folder: str) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a folder
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _keep_mode_and_owner(temporary: str, target: str, strict: bool = True) -> None:
    """Give the temporary file the target's mode and owner; ``strict``: refuse (WriteError)
    when the owner cannot be kept, else keep what can be kept (a report's output file)."""
    if not os.path.exists(target):  # mkstemp makes files only the owner can read
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        return
    info = os.stat(target)
    os.chmod(temporary, stat.S_IMODE(info.st_mode))
    mine = os.stat(temporary)
    if (mine.st_uid, mine.st_gid) != (info.st_uid, info.st_gid):
        try:
            os.chown(temporary, info.st_uid, info.st_gid)
        except OSError:
            if not strict:
                return
            raise WriteError(Phrase("write.owner", target=target, user=info.st_uid,
                                    group=info.st_gid)) from None


@contextlib.contextmanager
def atomic_writer(path: str, newline: str | None = None, binary: bool = False
                  ) -> Iterator[TextIO]:
    """Open ``path`` for writing; the file appears whole when the block ends, or not at all.
    A symlink at ``path`` is replaced, not followed: a report written where the checked tree
    planted a link cannot land outside it. A device or a pipe at ``path`` (``/dev/null``, a
    FIFO) is written into: replacing it would put a regular file in its place."""
    target = os.path.abspath(path)
    if _is_device_or_pipe(target):
        with (open(target, "wb") if binary
              else open(target, "w", encoding="utf-8", newline=newline)) as stream:
            yield stream
        return
    handle, temporary = _temporary(os.path.dirname(target))
    try:
        with (os.fdopen(handle, "wb") if binary
              else os.fdopen(handle, "w", encoding="utf-8", newline=newline)) as stream:
            yield stream
        _keep_mode_and_owner(temporary, target, strict=False)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _is_device_or_pipe(path: str) -> bool:
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def write_atomically(path: str, text: str) -> None:
    with atomic_writer(path, newline="") as stream:
        stream.write(text)


def write_bytes_atomically(path: str, data: bytes) -> None:
    with atomic_writer(path, binary=True) as stream:
        stream.write(data)


def read_only_problem(path: str) -> str | None:
    """Why ``path`` must not be rewritten (read-only, not a regular file), or None."""
    target = os.path.realpath(path)
    try:
        info = os.stat(target)
    except OSError as exc:
        return Phrase("write.unreadable", path=path, why=str(exc.strerror or exc))
    if not stat.S_ISREG(info.st_mode):
        return Phrase("write.not-regular", path=path)
    if not info.st_mode & 0o222 or not os.access(target, os.W_OK):
        return Phrase("write.read-only", path=path)
    return None


@dataclass(frozen=True)
class Staged:
    path: str  # as named
    target: str  # symlinks resolved
    temporary: str
    before: str  # digest of the bytes the new text was made from
    after: str  # digest of the new bytes


class Transaction:
    """Files written together or not at all; use as a context manager (``abort`` on error).

    ``journal_folder`` is where the journal goes: the folder of the brief, where the next
    run of ``factlint fix`` looks for it.
    """

    def __init__(self, journal_folder: str):
        self.journal_folder = os.path.realpath(journal_folder)
        self.staged: list[Staged] = []

    def __enter__(self) -> Transaction:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        self.abort()

    def stage(self, path: str, data: bytes, before: str) -> None:
        """Write ``data`` to a temporary file beside ``path``'s target; ``before`` is the
        digest of the bytes that were read (to see edits made meanwhile)."""
        from factlint.trust import is_within, repository_root

        problem = read_only_problem(path)
        if problem is not None:
            raise WriteError(problem)
        target = os.path.realpath(path)
        if not is_within(target, repository_root(os.path.abspath(path))):
            raise WriteError(Phrase("write.symlink-out", path=path, target=target))
        try:
            handle, temporary = _temporary(os.path.dirname(target))
        except OSError as exc:
            raise WriteError(Phrase("write.folder", path=path,
                                    why=str(exc.strerror or exc))) from None
        self.staged.append(Staged(path, target, temporary, before, digest(data)))
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
        except OSError as exc:
            raise WriteError(Phrase("write.beside", path=path,
                                    why=str(exc.strerror or exc))) from None
        _keep_mode_and_owner(temporary, target)

    def read_back(self, path: str) -> bytes:
        """What was staged for ``path``, read from the temporary file."""
        staged = next(s for s in self.staged if s.path == path)
        with open(staged.temporary, "rb") as stream:
            return stream.read()

    def commit(self) -> None:
        for staged in self.staged:
            try:
                with open(staged.target, "rb") as stream:
                    now = digest(stream.read())
            except OSError as exc:
                raise WriteError(Phrase("write.read-again", path=staged.path,
                                        why=str(exc.strerror or exc))) from None
            if now != staged.before:
                raise WriteError(Phrase("write.changed", path=staged.path))
        journal = os.path.join(self.journal_folder, JOURNAL)
        entries = [{"target": s.target, "temporary": s.temporary, "before": s.before,
                    "after": s.after} for s in self.staged]
        handle, temporary = _temporary(self.journal_folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump({"factlint_fix_journal": 1, "pid": os.getpid(), "files": entries},
                          stream)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, journal)  # the commit point
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        _sync_folder(self.journal_folder)
        staged, self.staged = self.staged, []  # from here on, the journal's to finish
        for done, each in enumerate(staged):
            try:
                os.replace(each.temporary, each.target)
            except OSError as exc:
                raise WriteError(Phrase("write.stopped", done=done, count=len(staged),
                                        why=str(exc.strerror or exc))) from None
        for folder in {os.path.dirname(s.target) for s in staged}:
            _sync_folder(folder)
        os.unlink(journal)

    def abort(self) -> None:
        for staged in self.staged:
            with contextlib.suppress(OSError):
                os.unlink(staged.temporary)
        self.staged = []


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


def _file_digest(path: str) -> str | None:
    try:
        with open(path, "rb") as stream:
            return digest(stream.read())
    except OSError:
        return None


def _complete(entries: list, folder: str) -> list[str]:
    from factlint.trust import is_within, repository_root

    notes = []
    root = repository_root(folder)
    for entry in entries:
        target, temporary = str(entry["target"]), str(entry["temporary"])
        # A journal may come with the checked tree: it can only finish renames of our own
        # temporary files over files beside them, inside the repository.
        if (os.path.dirname(temporary) != os.path.dirname(target)
                or not TEMPORARY.fullmatch(os.path.basename(temporary))
                or not is_within(target, root)):
            notes.append(Phrase("write.ignored-entry", target=target))
            continue
        now = _file_digest(target)
        if os.path.exists(temporary):
            if now == entry["before"]:
                os.replace(temporary, target)
                notes.append(Phrase("write.completed", target=target))
                continue
            os.unlink(temporary)
        if now != entry["after"]:
            notes.append(Phrase("write.left", target=target))
    return notes


def recover(folder: str) -> list[str]:
    """Finish what a ``factlint fix`` run that died left in ``folder``; say what was done."""
    folder = os.path.realpath(folder)
    notes: list[str] = []
    journal = os.path.join(folder, JOURNAL)
    if os.path.exists(journal):
        try:
            with open(journal, encoding="utf-8") as stream:
                record = json.load(stream)
            entries, pid = list(record["files"]), int(record["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            entries, pid = [], 0  # not a journal this version wrote whole: nothing to redo
        if pid and _alive(pid) and pid != os.getpid():
            return notes  # another run is committing right now
        notes.extend(_complete(entries, folder))
        with contextlib.suppress(OSError):
            os.unlink(journal)
    try:
        names = os.listdir(folder)
    except OSError:
        return notes
    for name in names:
        match = TEMPORARY.fullmatch(name)
        if match and not _alive(int(match.group(1))):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, name))
                notes.append(Phrase("write.removed", name=name))
    return notes
