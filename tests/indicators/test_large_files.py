"""A large official file is read by chunks of compact strings (#14: 200 MB took 2.8 GB).

The files here are small (a few hundred rows) with chunks of 100 rows, so that a row, its
line number and its refusal are checked across chunk boundaries; the memory itself is
measured by ``python -m bench import_memory``.
"""

import pytest

from trajectoires.indicators import FormatError, parse_file
from trajectoires.indicators.formats import _common
from trajectoires.indicators.formats._common import commune_codes, numbers, read_csv

ROWS = 350


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_common, "CHUNK_ROWS", 100)


def _rows(bad_at: int | None = None) -> tuple[str, list[int]]:
    """A ``;`` file of ROWS data rows with a blank line every 40; return it and each row's line."""
    text, lines, line = ["code;nom;n\n"], [], 1
    for i in range(ROWS):
        if i and i % 40 == 0:
            text.append("\n")
            line += 1
        line += 1
        code = "2923X" if i == bad_at else f"{29000 + i}"
        text.append(f"{code};Commune {i};{i},5\n")
        lines.append(line)
    return "".join(text), lines


def test_rows_read_by_chunks_keep_their_values_and_lines(tmp_path, small_chunks) -> None:
    text, lines = _rows()
    path = tmp_path / "grand.csv"
    path.write_text(text, encoding="utf-8")
    table = read_csv(path, ";")
    assert len(table.frame) == ROWS
    assert list(commune_codes(table, "code")) == [f"{29000 + i}" for i in range(ROWS)]
    assert list(numbers(table, "n", decimal_comma=True)) == [i + 0.5 for i in range(ROWS)]
    assert table.frame["nom"].iloc[[0, 99, 100, 349]].tolist() == [
        "Commune 0", "Commune 99", "Commune 100", "Commune 349"]
    assert [table.line_of(i) for i in range(ROWS)] == lines
    assert {str(dtype) for dtype in table.frame.dtypes} == {"str"}  # not Python objects


def test_a_bad_code_in_a_later_chunk_names_its_line(tmp_path, small_chunks) -> None:
    text, lines = _rows(bad_at=321)
    path = tmp_path / "grand.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        commune_codes(read_csv(path, ";"), "code")
    assert (caught.value.line, caught.value.column) == (lines[321], "code")


def test_a_header_after_metadata_is_found_without_reading_the_whole_file(
    tmp_path, fixture_matcher, small_chunks,
) -> None:
    """ARCEP's mobile table: header found in the first lines (Windows-1252), rows streamed."""
    head = "Données ARCEP – couverture 4G, extraction du 1er trimestre\n"
    body = "".join(f"{29000 + i};Commune {i};{i % 100},5;nd\n" for i in range(1, ROWS))
    path = tmp_path / "couverture_4g_2023.csv"
    path.write_bytes((head + "CODGEO;libgeo;pct_pop_4g;pct_surf_4g\n" + body)
                     .encode("cp1252", errors="replace"))
    parsed = parse_file("arcep-mobile", path, fixture_matcher)
    assert parsed.report.read == ROWS - 1 and parsed.period == "2023"


def test_an_unreadable_byte_far_in_the_file_names_its_line(
    tmp_path, fixture_matcher, small_chunks,
) -> None:
    lines = ["CODGEO;libgeo;pct_pop_4g;pct_surf_4g\n"]
    lines += [f"{29000 + i};Commune {i};50;nd\n" for i in range(1, ROWS)]
    data = "".join(lines).encode("utf-8").replace(b"Commune 300;", b"Commune \x81;")
    path = tmp_path / "couverture_4g_2023.csv"
    path.write_bytes(data)
    with pytest.raises(FormatError) as caught:
        parse_file("arcep-mobile", path, fixture_matcher)
    assert caught.value.line == 301
    assert "0x81" in caught.value.message
