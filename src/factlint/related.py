"""From changed files to the briefs to check: a fact file or a data file stands for its briefs.

A pre-commit hook or ``--changed-since`` names the files that changed. A brief is checked
as it is; ``x.facts.yaml`` stands for the brief ``x.md`` beside it; a data file (CSV, JSON,
YAML) stands for every brief whose fact file reads it through a claim's ``data.file``.
Anything else is dropped: it cannot change what factlint reports.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence

from factlint.lazyre import lazy

# The one place that says which files are briefs. A file named on the command line is a
# brief when its name ends with one of BRIEF_SUFFIXES (or is a Word file); a folder walk
# takes only those in WALKED_SUFFIXES (plain .txt files are often changelogs or
# requirements), Word briefs when the configuration says `docx: true`, and what a
# configuration's `include:` adds.
BRIEF_SUFFIXES = (".md", ".markdown", ".txt")
WALKED_SUFFIXES = (".md", ".markdown")
# Word briefs: checked when named (as a pre-commit hook names them), and in folders when
# the configuration says `docx: true`. A .doc is read only to say it must be saved as .docx.
WORD_SUFFIXES = (".docx",)
OLD_WORD_SUFFIXES = (".doc",)
DATA_SUFFIXES = (".csv", ".tsv", ".json", ".yaml", ".yml", ".xlsx", ".xlsm", ".ods")
FACT_FILE = lazy(r"\.facts\.(?:ya?ml|json)$", re.IGNORECASE)
SKIPPED_FOLDERS = {"node_modules", "__pycache__", "venv", "site-packages"}
MAX_FOLDERS = 5000  # a bound on the walk for fact files, for a data file named in a huge tree


def is_brief_name(path: str) -> bool:
    """Whether a file named ``path`` can be a brief (when named, or included by config)."""
    return path.lower().endswith(BRIEF_SUFFIXES + WORD_SUFFIXES)


def is_walked_brief(path: str, docx: bool = False) -> bool:
    """Whether a folder walk takes ``path`` as a brief without being told to (Word briefs
    when ``docx``, never Word's ``~$name.docx`` lock files)."""
    name = os.path.basename(path).lower()
    if name.startswith("~$"):
        return False
    return name.endswith(WALKED_SUFFIXES + (WORD_SUFFIXES if docx else ()))


def briefs_for(paths: Sequence[str]) -> list[str]:
    """The briefs that ``paths`` (briefs, fact files, data files, anything) ask to be checked."""
    briefs: list[str] = []
    data_files: list[str] = []
    for path in paths:
        name = os.path.basename(path)
        if FACT_FILE.search(name):
            briefs.extend(briefs_beside(path))
        elif name.lower().endswith(BRIEF_SUFFIXES + WORD_SUFFIXES):
            briefs.append(path)
        elif name.lower().endswith(DATA_SUFFIXES):
            data_files.append(path)
    if data_files:
        briefs.extend(briefs_reading(data_files))
    unique: dict[str, str] = {}
    for brief in briefs:
        unique.setdefault(os.path.normpath(os.path.abspath(brief)), brief)
    return list(unique.values())


FACT_SUFFIXES = (".facts.yaml", ".facts.yml", ".facts.json")


def is_word_file(path: str) -> bool:
    return path.lower().endswith(WORD_SUFFIXES + OLD_WORD_SUFFIXES)


def fact_file_for(brief: str) -> str | None:
    """``x.md`` -> ``x.facts.yaml`` / ``.facts.yml`` / ``.facts.json`` beside it, if present.
    ``x.checked.docx``, the copy `factlint annotate` writes, uses ``x``'s when it has none."""
    stem = os.path.splitext(brief)[0]
    found = next((stem + s for s in FACT_SUFFIXES if os.path.isfile(stem + s)), None)
    if found is None and brief.lower().endswith(".checked.docx"):
        return fact_file_for(stem[: -len(".checked")] + ".docx")
    return found


def briefs_beside(fact_file: str) -> list[str]:
    """``x.facts.yaml`` -> ``x.md`` / ``x.markdown`` / ``x.txt`` / ``x.docx`` in the same folder,
    if present."""
    folder, name = os.path.split(fact_file)
    stem = FACT_FILE.sub("", name)
    return [
        candidate for suffix in BRIEF_SUFFIXES + WORD_SUFFIXES
        if os.path.isfile(candidate := os.path.join(folder, stem + suffix))
    ]


def briefs_reading(data_files: Sequence[str]) -> list[str]:
    """The briefs whose fact files name one of ``data_files`` in a claim's ``data.file``."""
    wanted = {os.path.realpath(path) for path in data_files}
    root = search_root(data_files)
    found: list[str] = []
    for fact_file in fact_files_under(root):
        if wanted & data_files_of(fact_file):
            found.extend(_shown(brief) for brief in briefs_beside(fact_file))
    return found


def search_root(paths: Sequence[str]) -> str:
    """The repository holding ``paths`` (the nearest folder above them with ``.git``);
    failing that, the folder they have in common."""
    common = os.path.commonpath([os.path.dirname(os.path.abspath(p)) for p in paths])
    folder = common
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return common
        folder = parent


def fact_files_under(root: str) -> Iterator[str]:
    """Fact files in ``root``, skipping hidden, vendored and virtual-environment folders."""
    walked = 0
    for folder, folders, files in os.walk(root):
        walked += 1
        if walked > MAX_FOLDERS:
            return
        folders[:] = sorted(
            d for d in folders if not d.startswith(".") and d not in SKIPPED_FOLDERS
        )
        for name in sorted(files):
            if FACT_FILE.search(name):
                yield os.path.join(folder, name)


def data_files_of(fact_file: str) -> set[str]:
    """Real paths of the data files a fact file's claims read. A fact file that can't be
    read names none: its brief's own check reports the problem (FL501, FL502)."""
    import yaml

    from factlint.facts import FactFileError, read_tree  # the fact loader's guards: only a
    # regular file within its size limit (a FIFO would block), no alias bombs, no nesting

    try:
        content = read_tree(fact_file).value
    except (OSError, FactFileError, UnicodeDecodeError, ValueError, yaml.YAMLError):
        return set()
    claims = content.get("claims") if isinstance(content, dict) else None
    folder = os.path.dirname(os.path.abspath(fact_file))
    names = set()
    for claim in claims if isinstance(claims, list) else ():
        data = claim.get("data") if isinstance(claim, dict) else None
        compute = claim.get("compute") if isinstance(claim, dict) else None
        refs = compute.get("of") if isinstance(compute, dict) else None
        for ref in [data, *(refs if isinstance(refs, list) else ())]:  # data refs of `compute`
            file = ref.get("file") if isinstance(ref, dict) else None
            if isinstance(file, str) and file:
                names.add(os.path.realpath(os.path.join(folder, file)))
    return names


def _shown(path: str) -> str:
    """A found brief relative to the working folder when it lies under it, else absolute."""
    relative = os.path.relpath(path)
    return path if relative == os.pardir or relative.startswith(os.pardir + os.sep) else relative

