"""CompactRows: a CSV table held column by column reads back exactly as it was given."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from factlint import columns
from factlint import facts as facts_module
from factlint.columns import SEP, CompactRows

cells = st.text(alphabet=st.sampled_from(["a", "东", "1", ",", "\n", SEP, "😀"]), max_size=4)


@given(st.integers(1, 4), st.lists(st.lists(cells, max_size=6), max_size=60))
def test_rows_and_columns_read_back_padded_and_cut(width, records):
    original = columns.CHUNK_ROWS
    columns.CHUNK_ROWS = 7  # several chunks even for a few rows
    try:
        table = CompactRows(width)
        for start in range(0, len(records), 5):
            table.extend(records[start:start + 5])
        table.finish()
    finally:
        columns.CHUNK_ROWS = original
    expected = [(record + [""] * width)[:width] for record in records]
    assert len(table) == len(expected)
    assert list(table) == expected
    for position in range(width):
        assert list(table.column(position)) == [row[position] for row in expected]
    if expected:
        assert table[-1] == expected[-1]


def test_data_tables_are_released_when_others_need_the_room(tmp_path, monkeypatch):
    monkeypatch.setattr(facts_module, "MAX_CACHED_DATA_BYTES", 100)
    monkeypatch.setattr(facts_module, "_TABLES", type(facts_module._TABLES)())
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("k,v\n" + "a,1\n" * 20, encoding="utf-8")
    second.write_text("k,v\n" + "b,2\n" * 20, encoding="utf-8")

    table = facts_module.load_table(first)
    assert facts_module.load_table(first) is table  # kept while it fits
    facts_module.load_table(second)

    assert facts_module.load_table(first) is not table  # released for b.csv, read again
