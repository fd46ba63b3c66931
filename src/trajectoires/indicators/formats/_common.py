r"""Reading and validating the official files: CSV with line numbers, codes, numbers.

Every check raises :class:`~trajectoires.indicators.report.FormatError` naming the
file, the line (1 = first line of the file), the column and what was expected.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
>>> _ = path.write_text("code;n\n1001;3\n2A004;4,5\n")
>>> table = read_csv(path, sep=";")
>>> list(commune_codes(table, "code")), list(numbers(table, "n", decimal_comma=True))
(['01001', '2A004'], [3.0, 4.5])
>>> _ = path.write_text("code;n\n01001;3\n2A004\n")
>>> read_csv(path, sep=";")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
trajectoires.indicators.report.FormatError: t.csv, ligne 3 : 2 champs attendus ...

"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd
import pyarrow as pa

from trajectoires.indicators.report import FormatError

__all__ = [
    "NUL",
    "NUL_MESSAGE",
    "CODE_PATTERN",
    "Table",
    "commune_codes",
    "first_line",
    "head_lines",
    "open_stream",
    "numbers",
    "open_text",
    "read_csv",
    "require_columns",
    "sniff_separator",
]

CODE_PATTERN = re.compile(r"^(?:[013-9]\d|2[AB1-9])\d{3}$")
"""INSEE commune code (the national schema's regex): 01001, 2A004, 97411, 98818."""

_SECRET = {"", "s", "nd", "n/a", "na"}


@dataclass
class Table:
    """Rows of a file as strings, with the file line of each row."""

    file: str
    frame: pd.DataFrame
    lines: np.ndarray
    header_line: int
    line_label: str = "ligne"

    def line_of(self, position: int) -> int:
        """File line of the row at ``position``."""
        return int(self.lines[position])


NUL = "\x00"
NUL_MESSAGE = ("caractère nul (octet 0x00) : aucun texte n'en contient, le fichier est-il "
               "corrompu ou binaire ?")


def open_text(path: Path, encodings: Iterable[str] = ("utf-8-sig",)) -> str:
    """Read ``path`` as text with the first encoding that works (else FormatError).

    A ZIP archive is opened and its largest ``.csv`` member read (INSEE ships ZIPs).
    """
    data = path.read_bytes()
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
            if not members:
                raise FormatError(path.name, "archive ZIP sans fichier CSV")
            data = archive.read(max(members, key=lambda m: m.file_size))
    tried = list(encodings)
    for encoding in tried:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _encoding_error(path, tried)


@contextlib.contextmanager
def open_stream(path: Path, encoding: str) -> Iterator[TextIO]:
    """Open ``path`` (or the largest ``.csv`` of a ZIP archive) as a text stream."""
    if not zipfile.is_zipfile(path):
        with path.open(encoding=encoding, newline="") as stream:
            yield stream
        return
    with zipfile.ZipFile(path) as archive:
        members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
        if not members:
            raise FormatError(path.name, "archive ZIP sans fichier CSV")
        with (
            archive.open(max(members, key=lambda m: m.file_size)) as raw,
            io.TextIOWrapper(raw, encoding=encoding, newline="") as stream,
        ):
            yield stream


def _encoding_error(path: Path, tried: list[str]) -> FormatError:
    """Refuse a file no encoding reads, naming the first line the first encoding cannot read.

    The file is streamed line by line (bytes read as Latin-1, which maps each byte to one
    character, then decoded incrementally), so a large file is never held whole.
    """
    decoder = codecs.getincrementaldecoder(tried[0])()
    with open_stream(path, "latin-1") as stream:
        for number, line in enumerate(stream, start=1):
            try:
                decoder.decode(line.encode("latin-1"))
            except UnicodeDecodeError as exc:
                byte = exc.object[exc.start]
                return FormatError(path.name, f"encodage attendu : {' ou '.join(tried)} "
                                   f"(octet illisible en {tried[0]} : 0x{byte:02x})", number)
    return FormatError(path.name, f"encodage attendu : {' ou '.join(tried)}")


def head_lines(path: Path, encodings: Iterable[str] = ("utf-8-sig",),
               count: int = 20) -> list[str]:
    r"""Return the first ``count`` lines of ``path`` in the first encoding that reads them.

    Only the start of the file is read (to find a header or a separator); :func:`read_csv`
    then streams the rest. No encoding reads them: FormatError naming the line.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = path.write_bytes("Note : données\ncode;n\n".encode("cp1252"))
    >>> head_lines(path, ("utf-8-sig", "cp1252"))
    ['Note : données', 'code;n']
    """
    tried = list(encodings)
    for encoding in tried:
        try:
            with open_stream(path, encoding) as stream:
                return [line.rstrip("\r\n") for line in itertools.islice(stream, count)]
        except UnicodeDecodeError:
            continue
    raise _encoding_error(path, tried)


def first_line(path: Path) -> str:
    """Return the first line of ``path`` (or of the CSV in a ZIP), without reading the rest."""
    try:
        with open_stream(path, "utf-8-sig") as stream:
            return stream.readline()
    except UnicodeDecodeError:
        return ""


def read_csv(
    path: Path,
    sep: str,
    *,
    header: Callable[[list[str]], bool] | None = None,
    text: str | None = None,
    encodings: Iterable[str] = ("utf-8-sig",),
    max_search: int = 20,
    keep: Callable[[str], bool] | None = None,
) -> Table:
    """Read a delimited file into a :class:`Table` of strings.

    ``header`` recognises the header row among the first ``max_search`` rows
    (default: the first row). Every data row must have as many fields as the
    header; blank lines are skipped. ``keep`` selects the columns kept (all by
    default); with ``text=None`` the file is streamed, so that a very wide file
    (INSEE dossier complet) never sits whole in memory.
    """
    options = {"header": header, "max_search": max_search, "keep": keep}
    if text is not None:
        return _parse_rows(path.name, io.StringIO(text, newline=""), sep, **options)
    tried = list(encodings)
    for encoding in tried:
        try:
            with open_stream(path, encoding) as stream:
                return _parse_rows(path.name, stream, sep, **options)
        except UnicodeDecodeError:
            continue
    raise _encoding_error(path, tried)


def _parse_rows(
    name: str,
    stream: TextIO,
    sep: str,
    *,
    header: Callable[[list[str]], bool] | None,
    max_search: int,
    keep: Callable[[str], bool] | None,
) -> Table:
    reader = csv.reader(stream, delimiter=sep)
    head: list[str] | None = None
    header_line = 0
    try:
        for row in reader:
            if header is None or header(row):
                head, header_line = [c.strip() for c in row], reader.line_num
                break
            if reader.line_num >= max_search:
                break
        if head is None:
            raise FormatError(name, f"ligne d'en-tête introuvable dans les {max_search} "
                              "premières lignes")
        kept = [i for i, c in enumerate(head) if keep is None or keep(c)]
        parts, lines = _compact_rows(name, reader, head, kept, sep)
    except csv.Error as exc:
        raise FormatError(name, f"ligne CSV illisible ({exc})", reader.line_num) from None
    frame = pd.DataFrame({head[i]: pd.array(pa.chunked_array(column, pa.large_string()),
                                            dtype="str")
                          for i, column in zip(kept, parts, strict=True)})
    return Table(name, frame, np.concatenate(lines) if lines else np.empty(0, int), header_line)


CHUNK_ROWS = 10_000
"""Rows held as Python strings at once while reading: then stored as compact strings."""


def _compact_rows(
    name: str, reader: Iterator[list[str]], head: list[str], kept: list[int], sep: str,
) -> tuple[list[list[pa.Array]], list[np.ndarray]]:
    """Read the data rows by chunks; return each kept column's chunks as Arrow strings.

    A cell as a Python string costs about 60 bytes whatever its length: a 200 MB file of
    short cells held that way took 2.8 GB. As Arrow strings (the storage of pandas's
    ``str``), a cell costs its bytes and an offset; only ``CHUNK_ROWS`` rows are ever
    Python strings, and the chunks become the table's columns without a copy.
    """
    parts: list[list[pa.Array]] = [[] for _ in kept]
    lines, rows, numbers = [], [], []

    def flush() -> None:
        for column, values in zip(parts, zip(*rows, strict=True), strict=True):
            column.append(pa.array(values, pa.large_string()))
        lines.append(np.asarray(numbers, dtype=int))
        rows.clear()
        numbers.clear()

    for row in reader:
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != len(head):
            raise FormatError(name, _field_count_message(head, row, sep), reader.line_num)
        if any(NUL in cell for cell in row):
            raise FormatError(name, NUL_MESSAGE, reader.line_num)
        rows.append(row if len(kept) == len(head) else [row[i] for i in kept])
        numbers.append(reader.line_num)
        if len(rows) == CHUNK_ROWS:
            flush()
    if rows:
        flush()
    return parts, lines


def _field_count_message(head: list[str], row: list[str], sep: str) -> str:
    """Say how many fields the header announced, which, and what the row holds instead.

    >>> print(_field_count_message(["code", "n"], ["01001"], ";"))
    2 champs attendus comme l'en-tête (code ; n), 1 lu
    >>> print(_field_count_message(["code,n,x"], ["0", "1", "2"], ";"))  # doctest: +ELLIPSIS
    1 champ attendu comme l'en-tête (code,n,x), 3 lus ; ... séparé par « , » et non par « ; » ...
    """
    shown = " ; ".join(head[:12]) + (" ; …" if len(head) > 12 else "")
    count = f"{len(head)} champ{'s' if len(head) > 1 else ''} attendu{'s' if len(head) > 1 else ''}"
    text = f"{count} comme l'en-tête ({shown}), {len(row)} lu{'s' if len(row) > 1 else ''}"
    other = sniff_separator(sep.join(head), candidates=";,\t|".replace(sep, ""))
    if len(head) == 1 and other in head[0]:
        shown_other = "tabulation" if other == "\t" else f"« {other} »"
        text += (f" ; l'en-tête semble séparé par {shown_other} et non par « {sep} » : "
                 "ce fichier n'est sans doute pas de ce type")
    return text


def missing_columns(missing: list[str]) -> str:
    """Say that ``missing`` columns are absent, singular or plural.

    >>> missing_columns(["cog"]), missing_columns(["cog", "insee"])
    ('colonne attendue absente', 'colonnes attendues absentes')
    """
    many = "s" if len(missing) > 1 else ""
    return f"colonne{many} attendue{many} absente{many}"


def require_columns(table: Table, columns: Iterable[str]) -> None:
    """Raise FormatError unless every column of ``columns`` is in ``table``."""
    missing = [c for c in columns if c not in table.frame.columns]
    if missing:
        raise FormatError(
            table.file,
            f"{missing_columns(missing)} : {', '.join(missing)} ; "
            f"colonnes lues : {', '.join(map(str, table.frame.columns))}",
            table.header_line,
        )


def commune_codes(table: Table, column: str, allow_empty: bool = False) -> pd.Series:
    """Return the validated commune codes of ``column`` (4-digit codes get a leading 0)."""
    raw = table.frame[column].astype(str).str.strip().str.upper()
    codes = raw.where(~raw.str.fullmatch(r"\d{4}"), "0" + raw)
    valid = codes.str.fullmatch(CODE_PATTERN.pattern)
    if allow_empty:
        valid |= codes.eq("")
    if not valid.all():
        position = int(np.flatnonzero(~valid.to_numpy())[0])
        raise FormatError(
            table.file,
            "code INSEE de commune attendu (5 caractères, ex. 01001, 2A004, 97411), "
            f"reçu « {raw.iloc[position]} »",
            table.line_of(position),
            column,
            table.line_label,
        )
    return codes


def numbers(
    table: Table,
    column: str,
    decimal_comma: bool = False,
    allow_missing: bool = False,
    minimum: float | None = 0.0,
) -> pd.Series:
    """Return ``column`` as validated floats (NaN: empty or secret ``s``, when allowed)."""
    raw = table.frame[column].astype(str).str.strip()
    text = raw.str.replace("\u202f", "").str.replace("\xa0", "").str.replace(" ", "")
    if decimal_comma:
        text = text.str.replace(",", ".")
    missing = text.str.lower().isin(_SECRET)
    values = pd.to_numeric(text.where(~missing, None), errors="coerce").astype(float)
    bad = values.isna() & ~missing
    if not allow_missing:
        bad |= missing
    if minimum is not None:
        bad |= values.lt(minimum)
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        expected = "un nombre" + (" positif ou nul" if minimum == 0 else "")
        if allow_missing:
            expected += " (ou vide, ou « s » pour le secret statistique)"
        raise FormatError(table.file, f"{expected} attendu, reçu « {raw.iloc[position]} »",
                          table.line_of(position), column, table.line_label)
    return values


def sniff_separator(text: str, candidates: str = ";,\t") -> str:
    r"""Return the candidate separator most frequent on the first line of ``text``.

    >>> sniff_separator("CODGEO;P21_POP\n01001;800\n")
    ';'
    """
    first = text.split("\n", 1)[0]
    return max(candidates, key=first.count)
