"""Input built to break a reader: numbers no float holds, nesting without end, encodings
that are not UTF-8, line ends of another age, files a message would quote whole. Each gets
a finding that says what is wrong, never a traceback."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from factlint.cli import main

BRIEF = "全省已汇聚数据商 1159 家<sup>1</sup>。\n\n<sup>1</sup> 来源：某局，《数据交易年报》\n"
QUOTE = "全省已汇聚数据商 1159 家"
DIGITS_5000 = "9" * 5000


def check(folder, *args):
    result = CliRunner().invoke(main, ["check", "--offline", *args, str(folder / "b.md")])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def fact_file(folder, text, suffix=".facts.yaml"):
    (folder / "b.md").write_text(BRIEF, encoding="utf-8")
    (folder / f"b{suffix}").write_text(text, encoding="utf-8")


@pytest.mark.parametrize("field", ["value", "tolerance"])
@pytest.mark.parametrize("number", ["1.0e999", ".nan", "-.inf", DIGITS_5000, "0x" + "f" * 5000,
                                    "9" * 400, "'1e999'"],
                         ids=["1e999", "nan", "-inf", "5000-digits", "long-hex", "400-digits",
                              "text-1e999"])
def test_yaml_fact_file_number_no_float_holds_is_fl502(tmp_path, field, number):
    value = number if field == "value" else "1159"
    extra = f"    tolerance: {number}\n" if field == "tolerance" else ""
    fact_file(tmp_path, f"factlint: 1\nclaims:\n  - quote: {QUOTE}\n    value: {value}\n"
                        f"{extra}    unit: 家\n")

    result = check(tmp_path)

    line = 4 if field == "value" else 5
    assert f"b.facts.yaml:{line}:" in result.output and "FL502" in result.output, result.output
    assert result.exit_code == 1
    assert max(map(len, result.output.splitlines())) < 300


@pytest.mark.parametrize("number", ["1e999", "NaN", "-Infinity", DIGITS_5000])
def test_json_fact_file_number_no_float_holds_is_fl502(tmp_path, number):
    claim = json.dumps({"quote": QUOTE, "unit": "家", "value": 0}).replace("0}", number + "}")
    fact_file(tmp_path, f'{{"factlint": 1, "claims": [{claim}]}}', suffix=".facts.json")

    result = check(tmp_path)

    assert "FL502" in result.output and "must be a finite number" in result.output, result.output


def data_claim(file, **select):
    selection = ", ".join(f"{k}: {v}" for k, v in select.items())
    return (f"factlint: 1\nclaims:\n  - quote: {QUOTE}\n    data: {{file: {file}, {selection}}}\n"
            f"    unit: 家\n")


@pytest.mark.parametrize("cell", ["1e999", "NaN", "inf", DIGITS_5000, DIGITS_5000 + ".5"])
def test_csv_cell_no_float_holds_is_fl305(tmp_path, cell):
    (tmp_path / "d.csv").write_text(f"k,v\na,{cell}\n", encoding="utf-8")
    fact_file(tmp_path, data_claim("d.csv", where="{k: a}", column="v"))

    result = check(tmp_path)

    assert "b.facts.yaml:4:11: FL305" in result.output and "not a number" in result.output
    assert max(map(len, result.output.splitlines())) < 300


@pytest.mark.parametrize("where", [DIGITS_5000, "0x" + "f" * 5000])
def test_where_value_of_thousands_of_digits(tmp_path, where):
    (tmp_path / "d.csv").write_text(f"k,v\n{DIGITS_5000},1159\n", encoding="utf-8")
    fact_file(tmp_path, data_claim("d.csv", where=f"{{k: {where}}}", column="v"))

    result = check(tmp_path)

    assert "Traceback" not in result.output and result.exit_code in (0, 1), result.output


@pytest.mark.parametrize("content", ['{"a": 1e999}', '{"a": NaN}', '{"a": ' + DIGITS_5000 + "}",
                                     '{"a": [1, 2]}'])
def test_json_data_value_no_float_holds_is_fl305(tmp_path, content):
    (tmp_path / "d.json").write_text(content, encoding="utf-8")
    fact_file(tmp_path, data_claim("d.json", pointer="/a"))

    result = check(tmp_path)

    assert "b.facts.yaml:4:11: FL305" in result.output, result.output


def test_json_pointer_index_of_thousands_of_digits_is_fl305(tmp_path):
    (tmp_path / "d.json").write_text('{"a": [1159]}', encoding="utf-8")
    fact_file(tmp_path, data_claim("d.json", pointer=f"/a/{DIGITS_5000}"))

    result = check(tmp_path)

    assert "FL305" in result.output and "no item 999" in result.output
    assert max(map(len, result.output.splitlines())) < 400


def test_json_data_file_nested_100000_deep_is_fl305(tmp_path):
    (tmp_path / "d.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    fact_file(tmp_path, data_claim("d.json", pointer="/0"))

    result = check(tmp_path)

    assert "b.facts.yaml:4:11: FL305" in result.output
    assert "d.json is nested too deeply to be a data file" in result.output


def test_message_about_a_million_columns_stays_short(tmp_path):
    header = ",".join(f"c{i}" for i in range(1_000_000))
    (tmp_path / "d.csv").write_text(header + "\n" + ",".join(["1"] * 1_000_000) + "\n",
                                    encoding="utf-8")
    fact_file(tmp_path, data_claim("d.csv", where="{c0: 1}", column="missing"))

    result = check(tmp_path)

    assert "FL305" in result.output and "and 999980 more" in result.output
    assert len(result.output) < 4000


# --- encodings and line ends ------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-be-bom", "utf-16"])
def test_utf32_and_utf16_with_a_mark_are_decoded(tmp_path, encoding, monkeypatch):
    monkeypatch.setenv("FACTLINT_MESSAGES", "auto")  # a Chinese brief's summary
    text = "全省已汇聚数据商 1159 家。\n"
    data = (b"\x00\x00\xfe\xff" + text.encode("utf-32-be") if encoding == "utf-32-be-bom"
            else text.encode(encoding))
    (tmp_path / "b.md").write_bytes(data)

    result = check(tmp_path)

    assert "b.md:1:10: FL201" in result.output, result.output
    assert "1 处数字说法" in result.output  # a Chinese brief: a Chinese summary


def test_utf32_without_a_mark_is_refused_by_name(tmp_path):
    (tmp_path / "b.md").write_bytes("全省已汇聚数据商 1159 家。\n".encode("utf-32-le"))

    result = check(tmp_path)

    assert result.exit_code == 2
    assert "FL001" in result.output and "UTF-32 without a byte-order mark" in result.output


def test_classic_mac_line_ends_are_lines(tmp_path):
    (tmp_path / "b.md").write_bytes("# 标题\r\r全省已汇聚数据商 1159 家。\r\r又一段 300 家。\r"
                                    .encode())

    result = check(tmp_path, "--format", "json")

    findings = json.loads(result.output)["findings"]
    assert [(f["line"], f["column"], f["code"]) for f in findings] == [
        (3, 10, "FL201"), (5, 5, "FL201")]


def test_messages_quoting_huge_values_stay_short(tmp_path):
    (tmp_path / "b.md").write_text(BRIEF, encoding="utf-8")
    (tmp_path / "b.facts.yaml").write_text(
        f"factlint: 1\nclaims:\n  - quote: {'很' * 200_000}\n    value: 1\n"
        f"  - quote: {QUOTE}\n    value: 1159\n    figure: {'9' * 100_000}\n"
        f"    unit: {'家' * 100_000}\n", encoding="utf-8")

    text = check(tmp_path)
    report = check(tmp_path, "--format", "json")

    assert "FL302" in text.output
    assert len(text.output) < 10_000 and len(report.output) < 10_000
    assert all(len(f["message"]) <= 610 for f in json.loads(report.output)["findings"])
