"""Layered configuration: defaults -> project file found upward -> --config -> flags.

A project file is ``factlint.yaml``, ``.factlint.yaml`` or ``[tool.factlint]`` in
``pyproject.toml``, the nearest one above the checked file. Every file is validated
against schemas/config.schema.json; relative paths resolve against the file naming them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

CONFIG_NAMES = ("factlint.yaml", ".factlint.yaml", "pyproject.toml")


class ConfigError(Exception):
    """A configuration file that cannot be used; the run stops with exit status 2."""


@dataclass(frozen=True)
class Settings:
    """What governs the checking of one brief."""

    select: tuple[str, ...] = ("FL",)
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()  # (code or name, severity)
    packs: tuple[str, ...] = ()  # absolute paths of extra rule packs
    exclude: tuple[str, ...] = ()  # glob patterns of files not to check
    docx: bool = False  # Word briefs found in folders are checked too (named ones always are)
    near_ratio: float = 0.9
    about_ratio: float = 0.05
    fail_on: str = "error"
    urls: tuple[tuple[str, Any], ...] = ()  # UrlSettings fields from the config
    origin: str = "defaults"
    language: str = "auto"  # auto: each sentence's script picks the rule pack; or zh, en
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


def _read(path: Path) -> Mapping[str, Any] | None:
    """The factlint section of a config file, or None if the file holds none."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from exc
    if path.name == "pyproject.toml":
        import tomllib

        try:
            data = tomllib.loads(raw)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
        return data.get("tool", {}).get("factlint")
    import yaml

    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise ConfigError(f"{path}{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from exc
    return data if data is not None else {}


def _apply(settings: Settings, data: Mapping[str, Any], path: Path) -> Settings:
    from factlint.schemas import validation_errors

    problems = validation_errors("config", data)
    if problems:
        raise ConfigError(f"{path}: invalid configuration: " + "; ".join(problems))
    from factlint.rules import known_selector

    for key in ("select", "ignore"):
        for selector in data.get(key, ()):
            if not known_selector(selector):
                raise ConfigError(f"{path}: {key}: '{selector}' is not a rule code, prefix or name")
    base = path.parent
    changes: dict[str, Any] = {"origin": str(path)}
    if "select" in data:
        changes["select"] = tuple(data["select"])
    if "ignore" in data:
        changes["ignore"] = settings.ignore + tuple(data["ignore"])
    if "severity" in data:
        changes["severity"] = settings.severity + tuple(data["severity"].items())
    if "packs" in data:
        packs = []
        for pack in data["packs"]:
            resolved = (base / pack).resolve()
            if not resolved.is_file():
                raise ConfigError(f"{path}: packs: rule pack '{pack}' not found")
            _check_pack(resolved)
            packs.append(str(resolved))
        changes["packs"] = settings.packs + tuple(packs)
    if "exclude" in data:
        changes["exclude"] = settings.exclude + tuple(data["exclude"])
    if "docx" in data:
        changes["docx"] = bool(data["docx"])
    figures = data.get("figures", {})
    for key in ("near_ratio", "about_ratio"):
        if key in figures:
            changes[key] = float(figures[key])
    if "fail_on" in data:
        changes["fail_on"] = data["fail_on"]
    if "language" in data:
        changes["language"] = data["language"]
    if "primary" in data:
        value = data["primary"]
        patterns = ["**"] if value is True else [] if value is False else list(value)
        changes["primary"] = tuple((base / p).resolve().as_posix() if p != "**"
                                   else base.resolve().as_posix() + "/*" for p in patterns)
    if "urls" in data:
        changes["urls"] = settings.urls + tuple(data["urls"].items())
    return replace(settings, **changes)


def _check_pack(path: Path) -> None:
    from factlint.rulepack import PackError, read_pack_file, validate_pack

    try:
        validate_pack(read_pack_file(path), str(path))
    except PackError as exc:
        raise ConfigError(f"invalid rule pack {exc}") from exc


def forget() -> None:
    """Drop what earlier runs found: a run reads the configuration as it is now."""
    _find_upward.cache_clear()
    load_file.cache_clear()
    _settings_for_folder.cache_clear()


def find_project_config(start: Path) -> Path | None:
    return _find_upward(start.resolve() if start.is_dir() else start.resolve().parent)


@lru_cache(maxsize=256)
def _find_upward(folder: Path) -> Path | None:
    for name in CONFIG_NAMES:
        candidate = folder / name
        if candidate.is_file():
            if (name != "pyproject.toml"
                    or "[tool.factlint" in candidate.read_text("utf-8", "replace")):
                return candidate
    return None if folder.parent == folder else _find_upward(folder.parent)


@lru_cache(maxsize=64)
def load_file(path: Path, settings: Settings = Settings()) -> Settings:
    data = _read(path)
    if data is None:
        return settings
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: configuration must be a mapping of options")
    return _apply(settings, data, path)


@dataclass(frozen=True)
class Overrides:
    """What the command line says; it wins over every file."""

    config: str | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    urls: tuple[tuple[str, Any], ...] = field(default=())
    language: str | None = None


def settings_for(brief: Path, overrides: Overrides) -> Settings:
    return _settings_for_folder(os.path.dirname(os.path.abspath(brief)), overrides)


@lru_cache(maxsize=256)
def _settings_for_folder(folder: str, overrides: Overrides) -> Settings:
    settings = Settings()
    project = find_project_config(Path(folder))
    if project is not None:
        settings = load_file(project)
    if overrides.config:
        path = Path(overrides.config)
        if not path.is_file():
            raise ConfigError(f"{overrides.config}: configuration file not found")
        settings = load_file(path.resolve(), settings)
    changes: dict[str, Any] = {}
    if overrides.select is not None:
        changes["select"] = overrides.select
    if overrides.ignore:
        changes["ignore"] = settings.ignore + overrides.ignore
    if overrides.fail_on:
        changes["fail_on"] = overrides.fail_on
    if overrides.urls:
        changes["urls"] = settings.urls + overrides.urls
    if overrides.language:
        changes["language"] = overrides.language
    return replace(settings, **changes) if changes else settings
