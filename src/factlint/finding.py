"""The one record every rule, loader and checker produces."""

from __future__ import annotations

from dataclasses import dataclass, field

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
MAX_MESSAGE = 600  # characters of a finding's message


@dataclass(frozen=True, order=True)
class Edit:
    """Replace the text between two 0-based code-point offsets of a file."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True, order=True)
class Fix:
    """Edits of the finding's file; ``other_files``: (path, edits) of files the fix changes
    with it (an FL301 figure edit also edits the fact file's quote)."""

    description: str
    edits: tuple[Edit, ...] = ()
    other_files: tuple[tuple[str, tuple[Edit, ...]], ...] = ()


@dataclass(frozen=True, order=True)
class Finding:
    """A fault at a place. Lines and columns are 1-based; columns count code points.

    ``end_column`` is exclusive (the column just past the span), as in SARIF.
    Findings sort by position and compare by value.
    """

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    name: str
    severity: str
    message: str
    fix: Fix | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        # A message quotes what a file holds, and a file may hold a 600,000-character quote:
        # keep its start (what is wrong) and its end (what to do), and elide the middle.
        if len(self.message) > MAX_MESSAGE:
            head, tail = self.message[: MAX_MESSAGE * 2 // 3], self.message[-MAX_MESSAGE // 4:]
            object.__setattr__(self, "message", f"{head} … {tail}")

    @property
    def fixable(self) -> bool:
        return self.fix is not None


@dataclass(frozen=True, order=True)
class UrlRef:
    """A URL cited at a place: in a brief's source definition or a fact file's source."""

    url: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
