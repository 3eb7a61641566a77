"""What a checked tree cannot make factlint read: files outside the repository, devices,
FIFOs, files larger than they claim. No byte of such a file may reach any report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from factlint.cli import main
from factlint.reading import RefusedFile, read_bytes_limited

SECRET = "TOKEN-9f3b1c-DO-NOT-PRINT"
BRIEF = "全省已汇聚数据商 1159 家<sup>1</sup>。\n\n<sup>1</sup> 来源：某局，《数据交易年报》\n"
FORMATS = ("text", "json", "sarif", "github", "rdjson", "html")
needs_posix = pytest.mark.skipif(os.name != "posix", reason="symlinks, FIFOs and /dev/zero")


def fact_file(data_file: str) -> str:
    return ("factlint: 1\nclaims:\n  - quote: 全省已汇聚数据商 1159 家\n"
            f"    data: {{file: '{data_file}', where: {{k: a}}, column: v}}\n")


@pytest.fixture
def repo(tmp_path):
    """A git work tree (just its .git folder: the boundary) and a secret outside it."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.csv").write_text(
        f"k,v,{SECRET}\na,{SECRET},{SECRET}\n", encoding="utf-8")
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "b.md").write_text(BRIEF, encoding="utf-8")
    return root


def every_report(root: Path) -> dict[str, str]:
    outputs = {}
    for name in FORMATS:
        result = CliRunner().invoke(main, ["check", "--offline", "--format", name, str(root)])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        outputs[name] = result.output
    return outputs


@needs_posix
@pytest.mark.parametrize("how", ["dot-dot", "absolute", "symlink", "proc-environ"])
def test_data_file_outside_the_repository_is_fl305_and_never_read(repo, how, monkeypatch):
    secret_path = repo.parent / "outside" / "secret.csv"
    if how == "proc-environ":
        if not os.path.exists("/proc/self/environ"):
            pytest.skip("no /proc here")
        monkeypatch.setenv("FACTLINT_TEST_SECRET", SECRET)
        named = "/proc/self/environ"
    elif how == "symlink":
        (repo / "numbers.csv").symlink_to(secret_path)
        named = "numbers.csv"
    else:
        named = "../outside/secret.csv" if how == "dot-dot" else str(secret_path)
    (repo / "b.facts.yaml").write_text(fact_file(named), encoding="utf-8")

    outputs = every_report(repo)

    assert "b.facts.yaml:4:11: FL305" in outputs["text"]
    assert ("resolves outside the repository" in outputs["text"]
            or "must be a path relative to the fact file" in outputs["text"])
    for name, output in outputs.items():
        assert SECRET not in output, name


@needs_posix
def test_fact_file_that_is_a_symlink_out_is_not_read(repo):
    (repo / "b.facts.yaml").symlink_to(repo.parent / "outside" / "secret.csv")

    outputs = every_report(repo)

    assert "FL501" in outputs["text"] and "outside the repository" in outputs["text"]
    for name, output in outputs.items():
        assert SECRET not in output, name


@needs_posix
@pytest.mark.parametrize("named", [True, False], ids=["named", "found-by-walking"])
def test_brief_symlinked_out_of_the_repository_is_not_read(repo, named):
    (repo / "creds.md").symlink_to(repo.parent / "outside" / "secret.csv")
    target = repo / "creds.md" if named else repo

    result = CliRunner().invoke(main, ["check", "--offline", str(target)])
    html = CliRunner().invoke(main, ["check", "--offline", "--format", "html", str(target)])

    assert result.exit_code == 2
    assert ("creds.md:1:1: FL001 [error] cannot check " in result.output
            and "it is a symlink to a file outside the repository" in result.output)
    assert SECRET not in result.output and SECRET not in html.output


@needs_posix
@pytest.mark.parametrize("command", ["show", "extract"])
def test_the_commands_that_print_a_brief_do_not_follow_it_out_of_the_repository(repo, command):
    (repo / "creds.md").symlink_to(repo.parent / "outside" / "secret.csv")

    result = CliRunner().invoke(main, [command, str(repo / "creds.md")])

    assert result.exit_code == 2
    assert "it is a symlink to a file outside the repository" in result.output
    assert SECRET not in result.output


@needs_posix
def test_symlink_inside_the_repository_is_read(repo):
    (repo / "docs").mkdir()
    (repo / "docs" / "real.md").write_text(BRIEF, encoding="utf-8")
    (repo / "alias.md").symlink_to(repo / "docs" / "real.md")

    result = CliRunner().invoke(main, ["check", "--offline", str(repo / "alias.md")])

    assert result.exit_code == 0, result.output


@needs_posix
@pytest.mark.parametrize("kind", ["dev-zero", "fifo"])
def test_devices_and_fifos_are_refused_without_waiting(repo, kind):
    """A real process with a time limit: today's code reads /dev/zero until memory runs
    out and waits on a FIFO for ever."""
    if kind == "fifo":
        os.mkfifo(repo / "pipe.md")
        os.mkfifo(repo / "pipe.csv")
    else:
        os.symlink("/dev/zero", repo / "pipe.md")
        os.symlink("/dev/zero", repo / "pipe.csv")
    (repo / "b.facts.yaml").write_text(fact_file("pipe.csv"), encoding="utf-8")

    done = subprocess.run(
        [sys.executable, "-m", "factlint", "check", "--offline", str(repo)],
        capture_output=True, text=True, timeout=60,
    )

    assert done.returncode == 2, done.stderr
    assert "pipe.md:1:1: FL001" in done.stdout
    assert "b.facts.yaml:4:11: FL305" in done.stdout
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="no /proc here")
def test_size_limit_holds_while_reading_not_only_by_stat():
    assert os.path.getsize("/proc/self/status") == 0  # what stat() says, whatever it holds
    with pytest.raises(RefusedFile, match="larger than a brief can be"):
        read_bytes_limited("/proc/self/status", 100, "brief")
    assert len(read_bytes_limited("/proc/self/status", 1 << 20, "brief")) > 100


@needs_posix
def test_naming_a_data_file_does_not_open_a_fifo_fact_file(repo):
    """A pre-commit hook names a changed data file; factlint then looks for the fact files
    that read it, and must not wait on a FIFO dressed as one."""
    (repo / "d.csv").write_text("k,v\na,1159\n", encoding="utf-8")
    (repo / "b.facts.yaml").write_text(fact_file("d.csv"), encoding="utf-8")
    (repo / "sub").mkdir()
    os.mkfifo(repo / "sub" / "trap.facts.yaml")

    done = subprocess.run(
        [sys.executable, "-m", "factlint", "check", "--offline", "--messages", "auto", "d.csv"],
        capture_output=True, text=True, timeout=60, cwd=repo,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 个文件" in done.stdout  # a Chinese brief: a Chinese summary
