"""Layered configuration: defaults -> project files, outermost first -> --config -> flags.

A project file is ``factlint.yaml``, ``factlint.yml``, ``.factlint.yaml``, ``.factlint.yml``
or ``[tool.factlint]`` in ``pyproject.toml``. As in EditorConfig, every folder from the
checked file's up to the file system's root may hold one; a folder's file extends its
parent's, and one saying ``root: true`` stops the search. Every file is validated against
schemas/config.schema.json; relative paths resolve against the file naming them and must
stay inside its repository (src/factlint/trust.py).

A configuration file lives in the checked tree, which may be a stranger's pull request: it
cannot widen what the URL checker may reach (``allow_private``, ``allowed_networks`` are
taken only from the command line and the environment; a file setting them gets a warning)
and it is read with the fact-file reader's guards (size, aliases, nesting).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from factlint.messages import Phrase, joined
from factlint.settings import ConfigError, Overrides, Settings
from factlint.trust import is_within, repository_root

CONFIG_NAMES = ("factlint.yaml", "factlint.yml", ".factlint.yaml", ".factlint.yml",
                "pyproject.toml")
MAX_CONFIG_BYTES = 1024 * 1024
MAX_PACK_BYTES = 4 * 1024 * 1024
SEVERITIES = ("error", "warning", "info", "off")
# URL settings that widen what the checker may reach: command line and environment only.
NETWORK_KEYS = ("allow_private", "allowed_networks")
QUOTED = 60  # at most this many characters of a value are quoted in a message
COMMAND_LINE = "command line"


# --- reading one file -------------------------------------------------------------------


def _read_text(path: Path, limit: int = MAX_CONFIG_BYTES, what: str = "configuration",
               origin: Path | None = None) -> str:
    """The file's text, read only when it is a regular file inside its repository (a
    symlink out is not followed) and no larger than ``limit`` (enforced while reading:
    reading.read_bytes_limited)."""
    from factlint.reading import read_bytes_limited

    where = f"{origin}: packs: {path}" if origin else str(path)
    try:
        raw = read_bytes_limited(path, limit, what, root=repository_root(path))
    except OSError as exc:
        why = getattr(exc, "why", None) or exc.strerror or str(exc)
        raise ConfigError(Phrase("config.cannot-read", where=where, what=what, why=why)) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(Phrase("config.not-utf8", where=where, byte=exc.start)) from exc


def safe_yaml(text: str, path: Path, what: str) -> Any:
    """YAML -> plain values with the fact-file reader's guards (alias bombs, nesting, tags)."""
    from factlint.facts import FactFileError, compose_tree

    try:
        return compose_tree(text).value
    except FactFileError as exc:
        message = exc.message
        said = getattr(message, "message", None)
        if said is not None and said.id == "fact.yaml-syntax":
            message = Phrase("config.invalid-yaml", problem=dict(said.arguments)["problem"])
        elif "fact file" in message:  # the fact-file reader's words, for another file
            message = message.replace("a fact file", f"a {what}").replace(
                "fact files hold", f"a {what} holds")
        raise ConfigError(Phrase("config.at", path=str(path), line=exc.line, column=exc.column,
                                 problem=message)) from None


@lru_cache(maxsize=64)
def _data(path: Path) -> Mapping[str, Any] | None:
    """The factlint section of a config file, or None if the file holds none."""
    text = _read_text(path)
    if path.name == "pyproject.toml":
        import tomllib

        if "factlint" not in text:  # most pyproject files: no need to parse them
            return None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(Phrase("config.toml", path=str(path), problem=str(exc))) from exc
        tool = data.get("tool")
        data = tool.get("factlint") if isinstance(tool, dict) else None
        if data is None:
            return None
    else:
        data = safe_yaml(text, path, "configuration")
        if data is None:
            return {}
    if not isinstance(data, dict):
        raise ConfigError(Phrase("config.not-mapping", path=str(path)))
    if isinstance(data.get("severity"), dict):  # YAML 1.1 reads a bare `off` as false
        data["severity"] = {k: "off" if v is False else v for k, v in data["severity"].items()}
    _validate(data, path)
    return data


def _short(value: Any) -> str:
    shown = repr(value) if not isinstance(value, str) else f"'{value}'"
    return shown if len(shown) <= QUOTED else shown[:QUOTED] + "…"


def _validate(data: Mapping[str, Any], path: Path) -> None:
    """Schema problems as 'file: key: what is wrong (allowed: …)', never echoing a big value."""
    from factlint.registry import known_selector
    from factlint.schemas import json_path, validator

    problems = []
    errors = validator("config").iter_errors(data)
    for error in sorted(errors, key=lambda e: list(map(str, e.path))):
        where = json_path(error.path)
        prefix = "" if where == "(top level)" else where + "."
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = sorted(error.schema.get("properties", {}))
            for key in sorted(map(str, error.instance)):
                if key not in allowed:
                    problems.append(Phrase("config.unknown-key", key=prefix + _short(key)[1:-1],
                                           allowed=", ".join(allowed)))
        elif error.validator == "enum":
            problems.append(Phrase("config.not-allowed", where=where,
                                   value=_short(error.instance),
                                   allowed=", ".join(map(str, error.validator_value))))
        elif error.validator == "type":
            problems.append(Phrase("config.type", where=where, type=str(error.validator_value),
                                   actual=type(error.instance).__name__,
                                   value=_short(error.instance)))
        else:
            problems.append(Phrase("config.schema", where=where, value=_short(error.instance),
                                   rule=f"{error.validator}: {_short(error.validator_value)}"))
    if not problems:
        selectors = [("select", s) for s in data.get("select", ())]
        selectors += [("ignore", s) for s in data.get("ignore", ())]
        selectors += [("severity", s) for s in data.get("severity", {})]
        problems += [Phrase("config.unknown-selector", key=key, selector=_short(s))
                     for key, s in selectors if not known_selector(s)]
    if problems:
        raise ConfigError(Phrase("config.invalid", path=str(path),
                                 problems=joined(problems, "list.semicolon")))


def _check_pack(path: Path, origin: Path) -> None:
    """A rule pack named by ``packs:``, read with the same guards as a configuration."""
    from factlint.rulepack import PackError, validate_pack

    data = safe_yaml(_read_text(path, MAX_PACK_BYTES, "rule pack", origin), path, "rule pack")
    if not isinstance(data, dict):
        raise ConfigError(Phrase("config.pack-not-mapping", path=str(path)))
    try:
        validate_pack(data, str(path))
    except PackError as exc:
        message = str(exc)
        raise ConfigError(Phrase("config.invalid-pack", problem=(
            message if len(message) <= 2000 else message[:2000] + "…"))) from exc


def _inside(path: Path, value: str, key: str) -> Path:
    """``value`` resolved against ``path``'s folder; it must stay in path's repository."""
    root = repository_root(path)
    resolved = (path.parent / value).resolve()
    if not is_within(resolved, root):
        raise ConfigError(Phrase("config.outside", path=str(path), key=key, value=value,
                                 root=str(root)))
    return resolved


def _apply(settings: Settings, data: Mapping[str, Any], path: Path) -> Settings:
    base = str(path.parent)
    origin = str(path)
    changes: dict[str, Any] = {"origin": origin, "files": settings.files + (origin,)}
    sources = list(settings.sources)
    warnings = list(settings.warnings)
    for key in data:
        if key not in ("root", "urls", "figures", "evidence"):
            sources.append((key, origin))
    if "select" in data:
        changes["select"] = tuple(data["select"])
    if "ignore" in data:
        changes["ignore"] = settings.ignore + tuple(data["ignore"])
    if "severity" in data:
        changes["severity"] = settings.severity + tuple(data["severity"].items())
    if "packs" in data:
        packs = []
        for pack in data["packs"]:
            resolved = _inside(path, pack, "packs")
            if not resolved.is_file():
                raise ConfigError(Phrase("config.pack-not-found", path=str(path), pack=pack))
            _check_pack(resolved, path)
            packs.append(str(resolved))
        changes["packs"] = settings.packs + tuple(packs)
    if "exclude" in data:
        changes["exclude"] = settings.exclude + tuple((base, p) for p in data["exclude"])
    if "include" in data:
        changes["include"] = settings.include + tuple((base, p) for p in data["include"])
    if "docx" in data:
        changes["docx"] = bool(data["docx"])
    figures = data.get("figures", {})
    for key in ("near_ratio", "about_ratio"):
        if key in figures:
            changes[key] = float(figures[key])
            sources.append((f"figures.{key}", origin))
    if "fail_on" in data:
        changes["fail_on"] = data["fail_on"]
    if "language" in data:
        changes["language"] = data["language"]
    if "messages" in data:
        changes["messages"] = data["messages"]
    if "primary" in data:
        value = data["primary"]
        patterns = ["**"] if value is True else [] if value is False else list(value)
        folder = path.parent.resolve()
        changes["primary"] = settings.primary + tuple(
            (folder / p).as_posix() if p != "**" else folder.as_posix() + "/*" for p in patterns)
    if "urls" in data:
        urls = dict(data["urls"])
        for key in NETWORK_KEYS:
            if urls.pop(key, None) is not None:
                warnings.append(Phrase("config.network-ignored", path=str(path), key=key))
        if "cache_dir" in urls:
            urls["cache_dir"] = str(_inside(path, urls["cache_dir"], "urls.cache_dir"))
        changes["urls"] = settings.urls + tuple(urls.items())
        sources += [(f"urls.{key}", origin) for key in urls]
    if "evidence" in data:
        given = data["evidence"]
        evidence = {"enabled": given} if isinstance(given, bool) else {"enabled": True, **given}
        if "folder" in evidence:
            evidence["folder"] = str(_inside(path, evidence["folder"], "evidence.folder"))
        changes["evidence"] = settings.evidence + tuple(evidence.items())
        sources += [(f"evidence.{key}", origin) for key in evidence]
    if "documents" in data:
        changes["documents"] = settings.documents + tuple(
            tuple(str(path.parent / pattern) for pattern in
                  (entry["files"] if isinstance(entry, Mapping) else entry))
            for entry in data["documents"])
        sources.append(("documents", origin))
    changes["sources"] = tuple(sources)
    changes["warnings"] = tuple(dict.fromkeys(warnings))
    return settings._replace(**changes)


@lru_cache(maxsize=256)
def load_file(path: Path, settings: Settings = Settings()) -> Settings:
    data = _data(path)
    return settings if data is None else _apply(settings, data, path)


# --- finding the files --------------------------------------------------------------------


def forget() -> None:
    """Drop what earlier runs found: a run reads the configuration as it is now."""
    _config_in.cache_clear()
    _chain.cache_clear()
    _data.cache_clear()
    load_file.cache_clear()
    _settings_for_folder.cache_clear()


@lru_cache(maxsize=512)
def _config_in(folder: Path) -> Path | None:
    """The configuration file of one folder; two of them is an error (which would win?)."""
    found = []
    for name in CONFIG_NAMES:
        candidate = folder / name
        present = candidate.is_symlink() or (candidate.exists() and not candidate.is_dir())
        if present and (name != "pyproject.toml" or _data(candidate) is not None):
            found.append(candidate)
    if len(found) > 1:
        raise ConfigError(Phrase("config.several", folder=str(folder),
                                 names=", ".join(p.name for p in found)))
    return found[0] if found else None


@lru_cache(maxsize=256)
def _chain(folder: Path) -> tuple[Path, ...]:
    """The configuration files that apply in ``folder``, outermost first."""
    found = _config_in(folder)
    if found is not None and (_data(found) or {}).get("root") is True:
        return (found,)
    above = () if folder.parent == folder else _chain(folder.parent)
    return above + ((found,) if found is not None else ())


def config_files(start: Path) -> tuple[Path, ...]:
    """The project files that apply to ``start`` (a file or folder), outermost first."""
    start = start.resolve()
    return _chain(start if start.is_dir() else start.parent)


def find_project_config(start: Path) -> Path | None:
    """The nearest project file above ``start``."""
    files = config_files(start)
    return files[-1] if files else None


# --- what the command line says -----------------------------------------------------------


def settings_for(brief: Path, overrides: Overrides) -> Settings:
    return _settings_for_folder(os.path.dirname(os.path.abspath(brief)), overrides)


@lru_cache(maxsize=256)
def _settings_for_folder(folder: str, overrides: Overrides) -> Settings:
    settings = Settings()
    for path in _chain(Path(folder).resolve()):
        settings = load_file(path, settings)
    if overrides.config:
        path = Path(overrides.config)
        if not path.is_file():
            raise ConfigError(Phrase("config.not-found", path=str(overrides.config)))
        settings = load_file(path.resolve(), settings)
    changes: dict[str, Any] = {}
    sources = list(settings.sources)
    if overrides.select is not None:
        changes["select"] = overrides.select
        sources.append(("select", COMMAND_LINE))
    if overrides.ignore:
        changes["ignore"] = settings.ignore + overrides.ignore
        sources.append(("ignore", COMMAND_LINE))
    if overrides.fail_on:
        changes["fail_on"] = overrides.fail_on
        sources.append(("fail_on", COMMAND_LINE))
    if overrides.urls:
        changes["urls"] = settings.urls + overrides.urls
        sources += [(f"urls.{key}", COMMAND_LINE) for key, _ in overrides.urls]
    if overrides.language:
        changes["language"] = overrides.language
        sources.append(("language", COMMAND_LINE))
    if overrides.messages:
        changes["messages"] = overrides.messages
        sources.append(("messages", COMMAND_LINE))
    if changes:
        changes["sources"] = tuple(sources)
    return settings._replace(**changes) if changes else settings


def network_overrides(environ: Mapping[str, str], allow_private: bool,
                      networks: tuple[str, ...]) -> list[tuple[str, Any]]:
    """The URL settings that widen what the checker reaches, from flags and environment."""
    overrides: list[tuple[str, Any]] = []
    if allow_private or environ.get("FACTLINT_ALLOW_PRIVATE", "").lower() in ("1", "true", "yes"):
        overrides.append(("allow_private", True))
    from_environment = environ.get("FACTLINT_ALLOWED_NETWORKS", "").replace(",", " ").split()
    if networks or from_environment:
        overrides.append(("allowed_networks", tuple(from_environment) + tuple(networks)))
    return overrides


# --- `factlint config PATH` -----------------------------------------------------------------


def describe(settings: Settings) -> list[tuple[str, str, str]]:
    """(setting, value, where it came from) for every setting, as `factlint config` prints;
    what is no file's value (none, the defaults) is a Phrase, told in the reader's language."""
    none = Phrase("config.value-none")

    def origin(key: str) -> str:
        return ", ".join(settings.origins(key)) or Phrase("config.origin-defaults")

    rows = [
        ("select", ", ".join(settings.select), origin("select")),
        ("ignore", ", ".join(settings.ignore) or none, origin("ignore")),
        ("severity", ", ".join(f"{s}: {v}" for s, v in settings.severity)
         or Phrase("config.value-rule-defaults"), origin("severity")),
        ("fail_on", settings.fail_on, origin("fail_on")),
        ("packs", ", ".join(settings.packs) or Phrase("config.value-built-in"), origin("packs")),
        ("include", ", ".join(p for _, p in settings.include) or none, origin("include")),
        ("exclude", ", ".join(p for _, p in settings.exclude) or none, origin("exclude")),
        ("docx", str(settings.docx).lower(), origin("docx")),
        ("language", settings.language, origin("language")),
        ("messages", settings.messages, origin("messages")),
        ("primary", ", ".join(settings.primary) or none, origin("primary")),
        ("figures.near_ratio", str(settings.near_ratio), origin("figures.near_ratio")),
        ("figures.about_ratio", str(settings.about_ratio), origin("figures.about_ratio")),
    ]
    from factlint.urls import UrlSettings

    urls = settings.url_options()
    for name in UrlSettings.__dataclass_fields__:
        if name in ("offline", "user_agent"):
            continue
        value = urls.get(name, getattr(UrlSettings, name, None))
        if name == "cache_dir" and value is None:
            from factlint.urls import default_cache_dir

            value = default_cache_dir()
        if isinstance(value, tuple):
            value = ", ".join(map(str, value)) or none
        rows.append((f"urls.{name}", value if isinstance(value, Phrase) else str(value),
                     origin(f"urls.{name}")))
    from factlint.evidence import DEFAULT_FOLDER, EvidenceSettings

    evidence = dict(settings.evidence)
    for name in EvidenceSettings.__dataclass_fields__:
        value = evidence.get(name, getattr(EvidenceSettings, name))
        if name == "folder" and value is None:
            value = Phrase("config.value-evidence-folder", folder=DEFAULT_FOLDER)
        shown = (str(value).lower() if isinstance(value, bool)
                 else value if isinstance(value, Phrase) else str(value) if value else none)
        rows.append((f"evidence.{name}", shown, origin(f"evidence.{name}")))
    return rows
