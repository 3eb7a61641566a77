"""Writing files so that nothing is lost: a temporary file beside the target, then a rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from typing import TextIO


@contextlib.contextmanager
def atomic_writer(path: str, newline: str | None = None, binary: bool = False
                  ) -> Iterator[TextIO]:
    """Open ``path`` for writing; the file appears whole when the block ends, or not at all."""
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".factlint-", suffix=".tmp", dir=folder)
    try:
        with (os.fdopen(handle, "wb") if binary
              else os.fdopen(handle, "w", encoding="utf-8", newline=newline)) as stream:
            yield stream
        if os.path.exists(path):
            os.chmod(temporary, os.stat(path).st_mode & 0o7777)
        else:  # mkstemp makes files only the owner can read; a new file gets the usual mode
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def write_atomically(path: str, text: str) -> None:
    with atomic_writer(path, newline="") as stream:
        stream.write(text)


def write_bytes_atomically(path: str, data: bytes) -> None:
    with atomic_writer(path, binary=True) as stream:
        stream.write(data)
