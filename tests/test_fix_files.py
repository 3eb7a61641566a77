"""`factlint fix` handles files as an editor does: a brief and its fact file change together
or not at all (even when the process is killed between two renames), symlinks are written
through, read-only files are refused, mode and owner are kept, an edit made meanwhile is
never overwritten, and no temporary file is left behind."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from factlint import fileio
from factlint.cli import main
from factlint.document import read_document

FIXTURES = Path(__file__).parent / "fixtures" / "fix"
JOURNAL = ".factlint-fix-journal.json"  # as the README names it

# Runs the CLI with os.replace replaced by one that kills the process (SIGKILL, as `kill -9`)
# just before the rename number argv[1] (0 = the journal, 1 = the brief, 2 = the fact file)
# or, with 3, just after the last rename, before the journal is removed. A real kill at an
# exact point, with no hook for tests in factlint itself.
KILLED_AT_RENAME = r"""
import os, signal, sys
kill_at = int(sys.argv.pop(1))
real_replace = os.replace
renames = [0]
def replace(source, target):
    if renames[0] == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    real_replace(source, target)
    renames[0] += 1
    if renames[0] == kill_at == 3:
        os.kill(os.getpid(), signal.SIGKILL)
os.replace = replace
from factlint.cli import main
main()
"""


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def fixture_pair(tmp_path: Path) -> tuple[Path, Path]:
    brief, facts = tmp_path / "shuffled.md", tmp_path / "shuffled.facts.yaml"
    shutil.copyfile(FIXTURES / brief.name, brief)
    shutil.copyfile(FIXTURES / facts.name, facts)
    return brief, facts


def claim_sources(brief: Path, facts: Path) -> list[str]:
    """For each claim of the fact file, the text of the brief's definition of its source."""
    doc = read_document(str(brief), brief.read_text(encoding="utf-8"))
    bodies = {d.label: d.body.strip() for d in doc.definitions}
    data = yaml.safe_load(facts.read_text(encoding="utf-8"))
    return [bodies.get(str(claim["source"]), "(none)") for claim in data["claims"]]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".factlint-"))


# ----------------------------------------------------------------- together or not at all


@pytest.mark.parametrize("kill_at", [0, 1, 2, 3])
def test_a_fix_killed_at_any_rename_is_completed_or_rolled_back_by_the_next_run(
        tmp_path, kill_at):
    """Reproduction: killed between the brief's rename and the fact file's, every claim
    pointed at the wrong source and the next `fix` said "nothing to fix". Now the journal
    written before the first rename lets the next run finish the commit."""
    brief, facts = fixture_pair(tmp_path)
    sources = claim_sources(brief, facts)
    original = brief.read_bytes(), facts.read_bytes()

    killed = subprocess.run([sys.executable, "-c", KILLED_AT_RENAME, str(kill_at), "fix",
                             str(brief)], capture_output=True, text=True, cwd=tmp_path)

    assert killed.returncode == -9, killed.stderr
    journal = (tmp_path / JOURNAL).exists()
    assert journal == (kill_at > 0)  # the journal is the commit point
    if kill_at == 0:
        assert (brief.read_bytes(), facts.read_bytes()) == original

    if journal:  # --diff writes nothing, not even the rest of a commit: it says so
        diff = invoke("fix", "--diff", str(brief))
        assert f"an interrupted factlint fix left {tmp_path / JOURNAL}" in diff.output
        assert (tmp_path / JOURNAL).exists()

    again = subprocess.run([sys.executable, "-m", "factlint", "fix", str(brief)],
                           capture_output=True, text=True, cwd=tmp_path)

    assert again.returncode == 0, again.stderr
    assert "Traceback" not in again.stderr
    if kill_at in (1, 2):
        assert f"factlint: completed the interrupted fix of {facts}" in again.stderr
        assert again.stdout == "nothing to fix\n"
    if kill_at == 0:
        assert "left by a factlint fix that did not finish" in again.stderr
        assert again.stdout.startswith(f"fixed 4 issue(s) in {brief}")
    assert claim_sources(brief, facts) == sources
    assert brief.read_bytes() != original[0] and facts.read_bytes() != original[1]
    assert leftovers(tmp_path) == []
    assert invoke("fix", str(brief)).output == "nothing to fix\n"


def test_a_journal_from_the_checked_tree_cannot_overwrite_files_outside_it(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    planted = tmp_path / ".factlint-999999-planted.tmp"
    planted.write_text("overwritten\n", encoding="utf-8")
    (tree / JOURNAL).write_text(json.dumps({
        "factlint_fix_journal": 1, "pid": 999999, "files": [{
            "target": str(victim), "temporary": str(planted),
            "before": fileio.digest(victim.read_bytes()), "after": "0"}]}), encoding="utf-8")
    (tree / "brief.md").write_text("甲 12 家<sup>1</sup>。\n\n<sup>1</sup> 来源：某局\n",
                                   encoding="utf-8")

    result = subprocess.run([sys.executable, "-m", "factlint", "fix", str(tree / "brief.md")],
                            capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    assert f"ignored a journal entry for {victim}" in result.stderr
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert not (tree / JOURNAL).exists()


def test_an_edit_made_while_fix_runs_is_never_overwritten(tmp_path, monkeypatch):
    from factlint import fix as fix_module

    brief, facts = fixture_pair(tmp_path)
    original_facts = facts.read_bytes()
    checks = fix_module.verify

    def while_the_author_saves(*args, **kwargs):
        checks(*args, **kwargs)
        with brief.open("a", encoding="utf-8") as stream:
            stream.write("\n新写的一段。\n")

    monkeypatch.setattr(fix_module, "verify", while_the_author_saves)
    edited = brief.read_text(encoding="utf-8") + "\n新写的一段。\n"

    result = invoke("fix", str(brief))

    assert result.exit_code == 2
    assert (f"cannot fix {brief}: {brief} was changed while factlint fix ran: nothing "
            "written; run it again") in result.output
    assert brief.read_text(encoding="utf-8") == edited
    assert facts.read_bytes() == original_facts
    assert leftovers(tmp_path) == []


# ----------------------------------------------------------------- files as an editor expects


def test_a_symlinked_brief_is_written_through_to_its_target(tmp_path):
    real = tmp_path / "drafts" / "brief.md"
    real.parent.mkdir()
    shutil.copyfile(FIXTURES / "shuffled.md", real)
    link = tmp_path / "brief.md"
    link.symlink_to(real)

    result = invoke("fix", str(link))

    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == real
    assert "全市数字经济规模达 820 亿元<sup>1</sup>" in real.read_text(encoding="utf-8")
    assert leftovers(tmp_path) == leftovers(real.parent) == []


def test_a_symlink_out_of_the_repository_is_not_written_through(tmp_path):
    repository = tmp_path / "repository"
    (repository / ".git").mkdir(parents=True)
    outside = tmp_path / "outside.md"
    shutil.copyfile(FIXTURES / "shuffled.md", outside)
    before = outside.read_bytes()
    (repository / "brief.md").symlink_to(outside)

    result = invoke("fix", str(repository / "brief.md"))

    assert result.exit_code == 2
    assert "outside the repository" in result.output
    assert outside.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_a_read_only_brief_is_refused_with_exit_2(tmp_path):
    brief, facts = fixture_pair(tmp_path)
    brief.chmod(0o444)
    before = brief.read_bytes(), facts.read_bytes()

    result = subprocess.run([sys.executable, "-m", "factlint", "fix", str(brief)],
                            capture_output=True, text=True)

    assert result.returncode == 2
    assert result.stderr == (f"factlint: error: cannot fix {brief}: {brief} is read-only: "
                             "make it writable to fix it\n")
    assert (brief.read_bytes(), facts.read_bytes()) == before
    assert stat.S_IMODE(brief.stat().st_mode) == 0o444
    assert leftovers(tmp_path) == []


def test_a_read_only_fact_file_stops_the_brief_too(tmp_path):
    brief, facts = fixture_pair(tmp_path)
    facts.chmod(0o400)
    before = brief.read_bytes()

    result = invoke("fix", str(brief))

    assert result.exit_code == 2
    assert f"{facts} is read-only" in result.output
    assert brief.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_a_brief_in_a_read_only_folder_is_refused_without_a_traceback(tmp_path):
    """Reproduction: a traceback and exit 1. The folder must be writable for the temporary
    file; as root every folder is writable, so there it is made immutable (chattr +i)."""
    folder = tmp_path / "locked"
    folder.mkdir()
    brief = folder / "shuffled.md"
    shutil.copyfile(FIXTURES / brief.name, brief)
    if os.geteuid() == 0:
        if shutil.which("chattr") is None or subprocess.run(
                ["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
            pytest.skip("this file system cannot make a folder read-only for root")
    else:
        folder.chmod(0o555)
    try:
        result = subprocess.run([sys.executable, "-m", "factlint", "fix", str(brief)],
                                capture_output=True, text=True)
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"factlint: error: cannot fix {brief}: cannot write "
                                    f"beside {brief} (")
    assert "its folder must be writable for a safe fix" in result.stderr
    assert brief.read_bytes() == (FIXTURES / brief.name).read_bytes()
    assert leftovers(folder) == []


def test_mode_and_owner_are_kept(tmp_path):
    brief, facts = fixture_pair(tmp_path)
    brief.chmod(0o640)
    facts.chmod(0o604)
    owner = (1234, 2345) if os.geteuid() == 0 else (os.getuid(), os.getgid())
    os.chown(brief, *owner)

    result = invoke("fix", str(brief))

    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(brief.stat().st_mode) == 0o640
    assert stat.S_IMODE(facts.stat().st_mode) == 0o604
    assert (brief.stat().st_uid, brief.stat().st_gid) == owner


def test_nothing_is_left_when_a_write_fails(tmp_path, monkeypatch):
    brief, facts = fixture_pair(tmp_path)
    before = brief.read_bytes(), facts.read_bytes()
    real = os.replace

    def disk_full(source, target):
        raise OSError(28, "No space left on device", str(target))

    monkeypatch.setattr(os, "replace", disk_full)  # the journal cannot be written

    result = invoke("fix", str(brief))

    monkeypatch.setattr(os, "replace", real)
    assert result.exit_code == 2
    assert "No space left on device" in result.output and "Traceback" not in result.output
    assert (brief.read_bytes(), facts.read_bytes()) == before
    assert leftovers(tmp_path) == []


def test_a_word_brief_is_left_as_it_is(tmp_path):
    brief = tmp_path / "brief.docx"
    brief.write_bytes(b"PK\x03\x04 not really a document")
    result = invoke("fix", str(brief))
    assert result.exit_code == 2
    assert "factlint fix edits Markdown and text briefs only" in result.output
    assert brief.read_bytes() == b"PK\x03\x04 not really a document"
