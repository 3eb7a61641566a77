"""Reading the files a checked tree names (briefs, fact files, data files) as untrusted input.

factlint runs on pull requests from strangers, so a file is read only when it is a regular
file (never a device such as /dev/zero, a FIFO that blocks for ever, or a socket), when it
resolves inside the repository (when a root is given: a symlink pointing out is refused
before a byte is read), and only up to a size limit that is enforced while reading, not by
trusting the size the file system reports.
"""

from __future__ import annotations

import io
import os
import stat
from typing import BinaryIO

from factlint.messages import Phrase
from factlint.trust import is_within

CHUNK = 1024 * 1024


class RefusedFile(OSError):
    """A file factlint will not read; ``why`` completes "cannot read FILE: ..."."""

    def __init__(self, why: str):
        super().__init__(why)
        self.why = why


def outside_reason(path: str | os.PathLike, root: str | os.PathLike | None) -> str | None:
    """Why ``path`` may not be read from a tree whose top is ``root``, or None when it may."""
    if root is None or is_within(path, root):
        return None
    if os.path.islink(path):
        return Phrase("read.symlink-outside")
    return Phrase("read.outside")


def open_limited(path: str | os.PathLike, limit: int, what: str = "file",
                 root: str | os.PathLike | None = None) -> BinaryIO:
    """``path`` opened for reading in binary, on the terms of read_bytes_limited: the checks
    are made on opening, and a read beyond ``limit`` bytes raises RefusedFile."""
    descriptor = _open_regular(path, root)
    return io.BufferedReader(_LimitedFile(descriptor, limit, what), CHUNK)


class _LimitedFile(io.RawIOBase):
    def __init__(self, descriptor: int, limit: int, what: str):
        self._file = io.FileIO(descriptor, "rb", closefd=True)
        self._left = limit
        self._limit = limit
        self._what = what

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        count = self._file.readinto(buffer) or 0
        self._left -= count
        if self._left < 0:
            raise RefusedFile(Phrase("read.too-large", what=self._what,
                                     limit=_megabytes(self._limit)))
        return count

    def close(self) -> None:
        self._file.close()
        super().close()


def _open_regular(path: str | os.PathLike, root: str | os.PathLike | None) -> int:
    """A descriptor of ``path`` opened for reading, once it is known to be a regular file
    inside ``root``; raises as read_bytes_limited does."""
    why = outside_reason(path, root)
    if why is not None:
        raise RefusedFile(why)
    # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(f"{path} is a folder")
        if not stat.S_ISREG(mode):
            raise RefusedFile("it is not a regular file (a device, a FIFO or a socket)")
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def read_bytes_limited(path: str | os.PathLike, limit: int, what: str = "file",
                       root: str | os.PathLike | None = None) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    Raises FileNotFoundError, IsADirectoryError or another OSError as open() does, and
    RefusedFile for a file outside ``root``, a file that is not regular, or one larger than
    ``limit`` bytes (``what`` names the kind of file in that message)."""
    descriptor = _open_regular(path, root)
    try:
        chunks = []
        size = 0
        while True:
            chunk = os.read(descriptor, min(CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise RefusedFile(Phrase("read.too-large", what=what, limit=_megabytes(limit)))
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def _megabytes(size: int) -> Phrase:
    return (Phrase("size.megabytes", count=size // (1024 * 1024)) if size >= 1024 * 1024
            else Phrase("size.bytes", count=size))

