"""Configuration a user can predict, and one a checked tree cannot turn against the checker.

Folder files extend their parent's (root: true stops), each brief is judged by its own
fail_on, severities take prefixes and `off`, unknown keys and values name the allowed ones,
`factlint config` shows where each setting came from; network-widening settings come only
from the command line and environment; config files and packs are read with guards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from urlserver import LoopbackServer, answer

from factlint.cli import main

UNSOURCED = "# 标题\n\n全省已汇聚数据商 1159 家。\n\n该市企业数量位居全国前列。\n"
CLEAN = "# 标题\n\n本文只有文字。\n"
WARNING_ONLY = "# 标题\n\n该市企业数量位居全国前列。\n"  # FL202, a warning


def run(*args, env=None):
    return CliRunner().invoke(main, ["check", "--offline", "--format", "json", *map(str, args)],
                              env=env)


def findings(result):
    return json.loads(result.stdout)["findings"]


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- each brief is judged by its own fail_on ------------------------------------------------


@pytest.fixture
def two_folders(tmp_path):
    """a.md under the default fail_on (error); sub/b.md under fail_on: warning."""
    write(tmp_path / "a.md", CLEAN)
    write(tmp_path / "sub" / "factlint.yaml", "fail_on: warning\n")
    write(tmp_path / "sub" / "b.md", WARNING_ONLY)
    return tmp_path


@pytest.mark.parametrize("order", [("a.md", "sub/b.md"), ("sub/b.md", "a.md")])
def test_each_brief_is_judged_by_its_own_fail_on(two_folders, order, monkeypatch):
    monkeypatch.chdir(two_folders)
    result = run(*order)
    assert [f["code"] for f in findings(result)] == ["FL202"]
    assert result.exit_code == 1  # b.md's warning reaches b.md's fail_on, in either order


def test_a_warning_under_the_default_fail_on_passes(tmp_path, monkeypatch):
    write(tmp_path / "a.md", WARNING_ONLY)
    write(tmp_path / "sub" / "factlint.yaml", "fail_on: warning\n")
    write(tmp_path / "sub" / "b.md", CLEAN)
    monkeypatch.chdir(tmp_path)
    assert run("sub/b.md", "a.md").exit_code == 0


# --- a folder's file extends its parent's --------------------------------------------------


def test_a_folder_file_extends_its_parent(tmp_path):
    write(tmp_path / "factlint.yaml", "ignore: [FL202]\n")
    write(tmp_path / "sub" / "factlint.yml", "severity: {FL201: warning}\n")
    brief = write(tmp_path / "sub" / "brief.md", UNSOURCED)
    assert [(f["code"], f["severity"]) for f in findings(run(brief))] == [("FL201", "warning")]


def test_root_true_stops_the_search(tmp_path):
    write(tmp_path / "factlint.yaml", "ignore: [FL202]\n")
    write(tmp_path / "sub" / ".factlint.yml", "root: true\nseverity: {FL201: warning}\n")
    brief = write(tmp_path / "sub" / "brief.md", UNSOURCED)
    assert sorted(f["code"] for f in findings(run(brief))) == ["FL201", "FL202"]


def test_the_nearer_file_wins_a_severity(tmp_path):
    write(tmp_path / "factlint.yaml", "severity: {FL201: info}\n")
    write(tmp_path / "sub" / "factlint.yaml", "severity: {FL201: warning}\n")
    brief = write(tmp_path / "sub" / "brief.md", UNSOURCED)
    assert {f["code"]: f["severity"] for f in findings(run(brief))}["FL201"] == "warning"


def test_two_files_in_one_folder_is_an_error(tmp_path):
    write(tmp_path / "factlint.yaml", "ignore: [FL202]\n")
    write(tmp_path / "factlint.yml", "ignore: [FL201]\n")
    brief = write(tmp_path / "brief.md", UNSOURCED)
    result = run(brief)
    assert result.exit_code == 2 and "factlint.yaml, factlint.yml" in result.output


# --- severities: prefixes and off ------------------------------------------------------------


def test_severity_by_prefix_and_the_most_specific_wins(tmp_path):
    write(tmp_path / "factlint.yaml", "severity: {FL2: info, FL202: error}\n")
    brief = write(tmp_path / "brief.md", UNSOURCED)
    result = run(brief)
    assert {f["code"]: f["severity"] for f in findings(result)} == {
        "FL201": "info", "FL202": "error"}
    assert result.exit_code == 1


@pytest.mark.parametrize("off", ["off", "'off'", "false"])
def test_severity_off_silences_a_rule(tmp_path, off):
    write(tmp_path / "factlint.yaml", f"severity: {{FL202: {off}}}\n")
    brief = write(tmp_path / "brief.md", UNSOURCED)
    assert [f["code"] for f in findings(run(brief))] == ["FL201"]


# --- unknown keys and values ---------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("selekt: [FL2]\n", "selekt: unknown key (allowed: about"),
    ("urls: {timout: 3}\n", "urls.timout: unknown key (allowed: accept_status"),
    ("fail_on: fatal\n", "fail_on: 'fatal' is not allowed (allowed: error, warning, info)"),
    ("severity: {FL6: fatal}\n",
     "severity.FL6: 'fatal' is not allowed (allowed: error, warning, info, off)"),
    ("severity: {FL9: error}\n", "severity: 'FL9' is not a rule code, prefix or name"),
])
def test_unknown_keys_and_values_name_the_file_key_and_allowed_values(tmp_path, text, expected):
    config = write(tmp_path / "factlint.yaml", text)
    brief = write(tmp_path / "brief.md", UNSOURCED)
    result = run(brief)
    assert result.exit_code == 2
    assert str(config) in result.output
    assert expected.replace("about", "") in result.output.replace("about_ratio", "")
    assert "Traceback" not in result.output


def test_factlint_yml_is_found(tmp_path):
    write(tmp_path / "factlint.yml", "ignore: [FL201]\n")
    brief = write(tmp_path / "brief.md", UNSOURCED)
    assert [f["code"] for f in findings(run(brief))] == ["FL202"]


# --- factlint config ------------------------------------------------------------------------


def test_config_command_says_where_each_setting_came_from(tmp_path):
    outer = write(tmp_path / "factlint.yaml", "fail_on: warning\nseverity: {FL6: error}\n")
    inner = write(tmp_path / "sub" / "factlint.yml", "ignore: [FL107]\n")
    result = CliRunner().invoke(main, ["config", "--json", str(tmp_path / "sub" / "x.md")])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["files"] == [str(outer), str(inner)]
    settings = shown["settings"]
    assert settings["fail_on"] == {"value": "warning", "from": str(outer)}
    assert settings["severity"] == {"value": "FL6: error", "from": str(outer)}
    assert settings["ignore"] == {"value": "FL107", "from": str(inner)}
    assert settings["select"]["from"] == "defaults"
    text = CliRunner().invoke(main, ["config", str(tmp_path / "sub" / "x.md")]).output
    assert "fail_on" in text and f"[{outer}]" in text


def test_config_command_as_a_user_runs_it(tmp_path):
    write(tmp_path / "factlint.yaml", "fail_on: info\n")
    done = subprocess.run([sys.executable, "-m", "factlint", "config", "."], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 0 and "fail_on" in done.stdout and "info" in done.stdout


# --- a tree's config cannot widen the network policy -------------------------------------------


def cited(url):
    return f"# 标题\n\n数据商 1159 家<sup>1</sup>。\n\n<sup>1</sup> 来源：某局，《年报》，{url}\n"


@pytest.fixture
def loopback():
    with LoopbackServer("127.0.0.3") as running:
        yield running


def test_a_tree_config_cannot_open_private_addresses(tmp_path, loopback):
    url = loopback.route("/secret", answer(200))
    write(tmp_path / "factlint.yaml",
          "urls: {allowed_networks: [0.0.0.0/0], allow_private: true, "
          "cache_dir: cache}\n")
    brief = write(tmp_path / "brief.md", cited(url))
    result = CliRunner().invoke(main, ["check", "--format", "json", str(brief)])
    assert loopback.requests == []  # never connected
    assert [f["code"] for f in findings(result)] == ["FL405"]
    assert "urls.allowed_networks is ignored" in result.stderr
    assert "urls.allow_private is ignored" in result.stderr


def test_the_command_line_and_environment_can(tmp_path, loopback):
    url = loopback.route("/ok", answer(200))
    write(tmp_path / "factlint.yaml", "urls: {cache_dir: cache}\n")
    brief = write(tmp_path / "brief.md", cited(url))
    by_flag = CliRunner().invoke(main, ["check", "--format", "json", "--allow-network",
                                        "127.0.0.3/32", "--no-cache", str(brief)])
    assert findings(by_flag) == [] and len(loopback.requests) == 1
    by_env = CliRunner().invoke(main, ["check", "--format", "json", "--no-cache", str(brief)],
                                env={"FACTLINT_ALLOWED_NETWORKS": "127.0.0.0/8"})
    assert findings(by_env) == [] and len(loopback.requests) == 2


# --- paths a tree's config names stay in the tree ---------------------------------------------


def test_cache_dir_outside_the_repository_is_a_config_error(tmp_path):
    repo = tmp_path / "repo"
    write(repo / "factlint.yaml", f"urls: {{cache_dir: {tmp_path / 'elsewhere'}}}\n")
    brief = write(repo / "brief.md", UNSOURCED)
    result = run(brief)
    assert result.exit_code == 2 and "urls.cache_dir" in result.output
    assert "outside the repository" in result.output
    assert not (tmp_path / "elsewhere").exists()


def test_a_pack_outside_the_repository_is_a_config_error(tmp_path):
    write(tmp_path / "outside.yaml", "secret: hunter2\n")
    write(tmp_path / "repo" / "factlint.yaml", "packs: [../outside.yaml]\n")
    brief = write(tmp_path / "repo" / "brief.md", UNSOURCED)
    result = run(brief)
    assert result.exit_code == 2 and "outside the repository" in result.output
    assert "hunter2" not in result.output


# --- the config reader's guards ----------------------------------------------------------------

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n"
    for i in range(8)
) + "select: [*i, *i, *i, *i, *i, *i, *i, *i, *i]\n"


def test_an_alias_bomb_config_is_refused_fast(tmp_path):
    assert len(BOMB.encode()) < 600
    write(tmp_path / "factlint.yaml", BOMB)
    brief = write(tmp_path / "brief.md", UNSOURCED)
    started = time.perf_counter()
    result = run(brief)
    elapsed = time.perf_counter() - started
    assert result.exit_code == 2 and "alias bomb" in result.output
    assert len(result.output) < 2000, elapsed  # the message does not expand it


def test_an_alias_bomb_rule_pack_is_refused(tmp_path):
    write(tmp_path / "house.yaml", BOMB.replace("select:", "claim_triggers:"))
    write(tmp_path / "factlint.yaml", "packs: [house.yaml]\n")
    brief = write(tmp_path / "brief.md", UNSOURCED)
    result = run(brief)
    assert result.exit_code == 2 and "alias bomb" in result.output
    assert len(result.output) < 2000


def test_a_huge_config_is_refused(tmp_path):
    write(tmp_path / "factlint.yaml", "ignore: [FL107]\n" + "#" * (2 * 1024 * 1024) + "\n")
    brief = write(tmp_path / "brief.md", UNSOURCED)
    result = run(brief)
    assert result.exit_code == 2 and "larger than a configuration can be" in result.output


def test_a_long_bad_value_is_not_echoed_whole(tmp_path):
    write(tmp_path / "factlint.yaml", "fail_on: " + "x" * 100_000 + "\n")
    brief = write(tmp_path / "brief.md", UNSOURCED)
    result = run(brief)
    assert result.exit_code == 2 and len(result.output) < 1000


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_config_that_is_no_regular_file_is_refused(tmp_path, kind):
    if kind == "fifo":
        os.mkfifo(tmp_path / "factlint.yaml")  # opening it for reading would wait for ever
        expected = "not a regular file"
    else:
        (tmp_path / "factlint.yaml").symlink_to("/dev/zero")  # reading it never ends
        expected = "outside the repository"
    brief = write(tmp_path / "brief.md", UNSOURCED)
    result = run(brief)
    assert result.exit_code == 2 and expected in result.output


def test_a_config_symlinked_out_of_the_tree_is_not_read(tmp_path):
    secret = write(tmp_path / "secret.txt", "token: ghp_0123456789abcdef\n")
    (tmp_path / "repo").mkdir()
    subprocess.run(["git", "init", "-q"], cwd=tmp_path / "repo", check=True)
    (tmp_path / "repo" / "factlint.yaml").symlink_to(secret)
    brief = write(tmp_path / "repo" / "brief.md", UNSOURCED)
    result = run(brief)
    assert result.exit_code == 2 and "outside the repository" in result.output
    assert "ghp_" not in result.output
