"""What `factlint check` on one brief loads at start-up, and its pattern cache (real runs).

These tests never time anything: they check which modules a plain check imports (a heavy
library on the one-brief path is what made start-up slow), that its modules compile no pattern
as they are imported, and that a run whose patterns come from the cache reports exactly what
a run that compiled them reports.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from factlint import patterncache

BRIEF = (
    "# 数据产业简报\n\n"
    "2023年全区数据产业规模达到120亿元[^1]，同比增长15%，位居全国前列。\n\n"
    "The market grew by 12% in 2022, the first rise in three years.\n\n"
    "| 年份 | 规模 |\n|---|---|\n| 2023 | 120亿元 |\n\n"
    "[^1]: 国家统计局：《2023年统计公报》，2024年。\n"
)

# Imported only where they are used: a plain Markdown check without fact file, URLs or
# report files needs none of them.
NOT_ON_THE_PLAIN_PATH = (
    "jsonschema", "requests", "urllib3", "charset_normalizer", "idna", "certifi", "yaml",
    "docx", "lxml", "openpyxl", "pypdf", "re2", "pygls", "lsprotocol", "watchfiles",
    "pathspec", "http.client", "ssl", "socket", "subprocess", "tempfile", "hashlib",
    "concurrent.futures", "multiprocessing", "asyncio", "xml", "email", "csv", "zipfile",
    "shutil", "bz2", "lzma", "factlint.linear",
    "factlint.urls", "factlint.facts", "factlint.factfiles", "factlint.evidence",
    "factlint.word", "factlint.sheets", "factlint.lsp", "factlint.watch", "factlint.fix",
    "factlint.api", "factlint.annotate", "factlint.report.html", "factlint.report.sarif",
)

# NamedTuples whose fields' annotations are strings (their module has `from __future__ import
# annotations`): typing.NamedTuple compiles each one at every start (typing.ForwardRef).
# Two and three fields, in modules that name many types only for type checkers: left so.
ANNOTATIONS_COMPILED = {"factlint.notes.Kind", "factlint.documents.Grouping"}

MODULES_AFTER_CHECK = (
    "import sys\n"
    "from factlint.cli import main\n"
    "try:\n"
    "    main(sys.argv[1:])\n"
    "except SystemExit as exit:\n"
    "    sys.stderr.write('\\nMODULES ' + ' '.join(sorted(sys.modules)) + '\\n')\n"
    "    raise\n"
)


# The same run, telling which factlint modules compile a pattern with re.compile as they are
# imported (the pattern compiled at every start: lazy() builds it from the pattern cache,
# when first used).
PATTERNS_AT_IMPORT = (
    "import re, sys\n"
    "compiled, plain = [], re.compile\n"
    "def compile(pattern, flags=0):\n"
    "    caller = sys._getframe(1)\n"
    "    module = caller.f_globals.get('__name__', '')\n"
    "    if caller.f_code.co_name == '<module>' and module.startswith('factlint'):\n"
    "        compiled.append(f'{module}: {pattern}')\n"
    "    return plain(pattern, flags)\n"
    "re.compile = compile\n"
    "from factlint.cli import main\n"
    "try:\n"
    "    main(sys.argv[1:])\n"
    "except SystemExit:\n"
    "    sys.stderr.write('\\nCOMPILED ' + repr(compiled) + '\\n')\n"
    "    raise\n"
)


def run(args, cwd: Path, cache_home: Path, write_bytecode: bool) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["XDG_CACHE_HOME"] = str(cache_home)
    if not write_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def brief(tmp_path) -> Path:
    path = tmp_path / "brief.md"
    path.write_text(BRIEF, encoding="utf-8")
    return path


@pytest.mark.parametrize("output", [[], ["--format", "json"]])
def test_a_plain_check_imports_no_heavy_module(brief, tmp_path, output):
    done = run([sys.executable, "-c", MODULES_AFTER_CHECK, "check", "--offline", *output,
                brief.name], brief.parent, tmp_path / "cache", write_bytecode=False)
    assert done.returncode == 1, done.stderr  # the brief has findings: the check really ran
    assert "Traceback" not in done.stderr
    loaded = set(done.stderr.rsplit("MODULES ", 1)[1].split())
    assert "factlint.engine" in loaded and "factlint.rules.claims" in loaded
    assert sorted(loaded.intersection(NOT_ON_THE_PLAIN_PATH)) == []


def test_the_modules_a_plain_check_loads_compile_no_pattern_as_they_are_imported(brief, tmp_path):
    done = run([sys.executable, "-c", PATTERNS_AT_IMPORT, "check", "--offline", brief.name],
               brief.parent, tmp_path / "cache", write_bytecode=False)
    assert done.returncode == 1, done.stderr
    assert done.stderr.rsplit("COMPILED ", 1)[1].strip() == "[]"


def test_the_records_a_plain_check_loads_do_not_compile_their_annotations(brief, tmp_path):
    done = run([sys.executable, "-c", MODULES_AFTER_CHECK, "check", "--offline", brief.name],
               brief.parent, tmp_path / "cache", write_bytecode=False)
    loaded = [name for name in done.stderr.rsplit("MODULES ", 1)[1].split()
              if name.startswith("factlint.")]
    records = {f"{name}.{cls.__name__}": cls for name in loaded
               for cls in vars(importlib.import_module(name)).values()
               if isinstance(cls, type) and issubclass(cls, tuple) and hasattr(cls, "_fields")
               and cls.__module__ == name}
    assert "factlint.numbers.Figure" in records and "factlint.settings.Settings" in records
    compiled = {name for name, cls in records.items()
                if any(isinstance(a, typing.ForwardRef) for a in cls.__annotations__.values())}
    assert compiled == ANNOTATIONS_COMPILED


@pytest.mark.skipif(patterncache.interpreter() is None, reason="programs are kept on CPython")
def test_a_run_from_the_pattern_cache_reports_what_a_compiling_run_reports(brief, tmp_path):
    args = [sys.executable, "-m", "factlint", "check", "--offline", "--format", "json",
            brief.name]
    cache_home = tmp_path / "cache"
    kept = cache_home / "factlint" / f"patterns-{patterncache.interpreter()}.bin"

    told_not_to_write = run(args, brief.parent, cache_home, write_bytecode=False)
    assert not kept.exists()  # PYTHONDONTWRITEBYTECODE: nothing written
    first = run(args, brief.parent, cache_home, write_bytecode=True)
    assert kept.is_file()
    stamp = kept.stat().st_mtime_ns, kept.stat().st_size
    second = run(args, brief.parent, cache_home, write_bytecode=True)
    assert (kept.stat().st_mtime_ns, kept.stat().st_size) == stamp  # nothing new to keep

    assert first.returncode == second.returncode == told_not_to_write.returncode == 1
    assert '"FL' in first.stdout
    assert first.stdout == second.stdout == told_not_to_write.stdout
    assert first.stderr == second.stderr == told_not_to_write.stderr == ""
