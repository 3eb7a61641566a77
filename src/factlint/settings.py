"""What governs the checking of a brief: the settings the layered configuration makes
(``config.py`` reads the files), the command line's overrides, and the error a configuration
that cannot be used raises. Plain values, below every other layer: rules read ``Settings``
from their Context.
"""

# Annotations are evaluated here (no `from __future__ import annotations`): typing.NamedTuple
# compiles each field's annotation given as a string (typing.ForwardRef), ~0.14 M
# instructions a field at every start.
from pathlib import Path
from typing import Any, NamedTuple

DEFAULTS = "defaults"  # Settings.origin when no configuration file was read


class ConfigError(Exception):
    """A configuration file that cannot be used; the run stops with exit status 2."""


class Settings(NamedTuple):
    """What governs the checking of one brief."""

    select: tuple[str, ...] = ("FL",)
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()  # (code, prefix or name, severity), in layer order
    packs: tuple[str, ...] = ()  # absolute paths of extra rule packs
    exclude: tuple[tuple[str, str], ...] = ()  # (folder, glob) of files not to check
    include: tuple[tuple[str, str], ...] = ()  # (folder, glob) of more files a walk checks
    docx: bool = False  # Word briefs found in folders are checked too (named ones always are)
    near_ratio: float = 0.9
    about_ratio: float = 0.05
    fail_on: str = "error"
    urls: tuple[tuple[str, Any], ...] = ()  # UrlSettings fields from the config
    evidence: tuple[tuple[str, Any], ...] = ()  # evidence.EvidenceSettings fields
    origin: str = DEFAULTS  # the nearest file read
    files: tuple[str, ...] = ()  # every file read, outermost first
    sources: tuple[tuple[str, str], ...] = ()  # (setting, file that set or extended it)
    warnings: tuple[str, ...] = ()
    # multi-file documents: per document, absolute glob patterns of its files in reading order
    documents: tuple[tuple[str, ...], ...] = ()
    language: str = "auto"  # auto: each sentence's script picks the rule pack; or zh, en
    messages: str = "auto"  # auto: each finding in the language of its text; or zh, en
    primary: tuple[str, ...] = ()  # glob patterns of briefs that are their own source

    def is_primary(self, brief: Path) -> bool:
        """Is ``brief`` configured as the primary source of its figures (a survey report)?"""
        if not self.primary:
            return False
        from fnmatch import fnmatch

        path = brief.resolve().as_posix()
        return any(fnmatch(path, pattern) for pattern in self.primary)

    def url_options(self) -> dict[str, Any]:
        return dict(self.urls)

    def severity_for(self, code: str, name: str) -> str | None:
        """The severity the configuration gives a rule (``off`` included), or None.

        The most specific selector wins (a code or name over a prefix, a longer prefix over
        a shorter one); between equals, the later layer."""
        best, best_rank = None, -1
        for selector, severity in self.severity:
            if selector == name or selector.upper() == code:
                rank = 1000
            elif code.startswith(selector.upper()):
                rank = len(selector)
            else:
                continue
            if rank >= best_rank:
                best, best_rank = severity, rank
        return best

    def origins(self, key: str) -> list[str]:
        return list(dict.fromkeys(origin for name, origin in self.sources if name == key))


class Overrides(NamedTuple):
    """What the command line (and the environment) says; it wins over every file."""

    config: str | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    urls: tuple[tuple[str, Any], ...] = ()
    language: str | None = None
    messages: str | None = None
