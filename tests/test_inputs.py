"""FL001 and friends: bad input gets a clear message and exit status 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from factlint.cli import main

BRIEF = ("# 标题\n\n全省已汇聚数据商 1159 家<sup>1</sup>。\n\n"
         "<sup>1</sup> 来源：某局，《数据交易年报》\n")


def check(*args):
    return CliRunner().invoke(main, ["check", "--offline", *map(str, args)])


def test_gb18030_brief_names_its_encoding(tmp_path):
    path = tmp_path / "gbk.md"
    path.write_bytes(BRIEF.encode("gb18030"))
    result = check(path)
    assert result.exit_code == 2
    assert "FL001" in result.output and "GB18030" in result.output
    assert "iconv -f GB18030 -t UTF-8" in result.output


def test_binary_file(tmp_path):
    path = tmp_path / "image.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    result = check(path)
    assert result.exit_code == 2
    assert "FL001" in result.output and "binary" in result.output


def test_missing_file(tmp_path):
    result = check(tmp_path / "nowhere.md")
    assert result.exit_code == 2
    assert "FL001" in result.output and "not found" in result.output


def test_empty_file_is_fine(tmp_path):
    path = tmp_path / "empty.md"
    path.write_text("", encoding="utf-8")
    result = check(path)
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output


def test_utf8_bom_and_crlf(tmp_path):
    path = tmp_path / "bom.md"
    path.write_bytes(b"\xef\xbb\xbf" + BRIEF.replace("\n", "\r\n").encode("utf-8"))
    result = check(path, "--format", "json")
    assert result.exit_code == 0, result.output


def test_five_megabyte_brief_finishes(tmp_path):
    paragraph = "各地共培育数据企业 1732 家<sup>1</sup>，其中超120家位居全国前列。\n\n"
    body = paragraph * (5 * 1024 * 1024 // len(paragraph.encode("utf-8")))
    path = tmp_path / "big.md"
    path.write_text("# 大文件\n\n" + body + "<sup>1</sup> 来源：某局，《年报》\n", encoding="utf-8")
    assert path.stat().st_size > 5_000_000
    result = check(path, "--format", "json", "--select", "FL2")
    assert result.exit_code == 0, result.output[-500:]


def test_real_process_exit_codes(tmp_path):
    clean = tmp_path / "clean.md"
    clean.write_text(BRIEF, encoding="utf-8")
    dirty = tmp_path / "dirty.md"
    dirty.write_text("全省已汇聚数据商 1159 家。\n", encoding="utf-8")
    run = [sys.executable, "-m", "factlint", "check", "--offline"]
    assert subprocess.run([*run, str(clean)], capture_output=True).returncode == 0
    failed = subprocess.run([*run, str(dirty)], capture_output=True, text=True)
    assert failed.returncode == 1
    assert f"{dirty}:1:10: FL201 [error]" in failed.stdout
    usage = subprocess.run([*run, "--select", "FL999", str(clean)], capture_output=True, text=True)
    assert usage.returncode == 2 and "FL999" in usage.stderr
