"""What an import read, matched, folded and rejected, and why a file was refused.

Examples
--------
>>> report = ImportReport(kind="france-services", file="liste.csv", read=3)
>>> report.match(2)
>>> report.fold(1, "arrondissement municipal → commune")
>>> report.reject(1, "code inconnu du référentiel")
>>> report.matched, report.folded, report.rejected
(3, 1, 1)
>>> print(report.summary())
liste.csv (france-services) : 3 lignes lues, 3 rattachées à une commune dont 1 par repli, 1 rejetée
  repli : arrondissement municipal → commune (1)
  rejet : code inconnu du référentiel (1)

"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields

__all__ = ["FormatError", "ImportReport"]


class FormatError(ValueError):
    """A file does not follow its format; nothing of it is imported.

    Parameters
    ----------
    file : str
        Name of the file.
    message : str
        What is wrong and what was expected (French).
    line : int, optional
        Line of the file (1 = first line, header included), or record number.
    column : str, optional
        Column (or field) concerned.
    line_label : str, default "ligne"
        What ``line`` counts (``"enregistrement"`` for a JSON array).

    Examples
    --------
    >>> str(FormatError("a.csv", "code INSEE attendu (5 caractères), reçu « 1234 »", 4, "insee"))
    'a.csv, ligne 4, colonne « insee » : code INSEE attendu (5 caractères), reçu « 1234 »'

    """

    def __init__(
        self,
        file: str,
        message: str,
        line: int | None = None,
        column: str | None = None,
        line_label: str = "ligne",
    ) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        where = [file]
        if line is not None:
            where.append(f"{line_label} {line}")
        if column is not None:
            where.append(f"colonne « {column} »")
        super().__init__(f"{', '.join(where)} : {message}")


@dataclass
class ImportReport:
    """Counts of one import: rows read, matched to a commune, folded, rejected (with reasons).

    ``matched`` counts every row attached to a current commune, including the
    ``folded`` ones (arrondissements, old codes, points located by coordinates).
    ``unchanged`` is set by the store when the same file was already imported.
    """

    kind: str
    file: str
    read: int = 0
    matched: int = 0
    folded: int = 0
    rejected: int = 0
    fold_reasons: Counter = field(default_factory=Counter)
    reject_reasons: Counter = field(default_factory=Counter)
    values: int = 0
    places: int = 0
    period: str = ""
    unchanged: bool = False
    notes: list[str] = field(default_factory=list)

    def match(self, count: int) -> None:
        """Count ``count`` rows matched directly to a current commune."""
        self.matched += int(count)

    def fold(self, count: int, reason: str) -> None:
        """Count ``count`` rows attached to a commune by folding, for ``reason``."""
        if count:
            self.matched += int(count)
            self.folded += int(count)
            self.fold_reasons[reason] += int(count)

    def reject(self, count: int, reason: str) -> None:
        """Count ``count`` rows left out, for ``reason``."""
        if count:
            self.rejected += int(count)
            self.reject_reasons[reason] += int(count)

    def to_dict(self) -> dict:
        """Plain dict of the report (for JSON); :meth:`from_dict` reads it back.

        >>> r = ImportReport("libraries", "b.csv", read=2)
        >>> r.reject(1, "x")
        >>> ImportReport.from_dict(r.to_dict()) == r
        True
        """
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["fold_reasons"] = dict(self.fold_reasons)
        data["reject_reasons"] = dict(self.reject_reasons)
        data["notes"] = list(self.notes)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> ImportReport:
        """Rebuild a report from :meth:`to_dict`."""
        data = dict(data)
        data["fold_reasons"] = Counter(data.get("fold_reasons", {}))
        data["reject_reasons"] = Counter(data.get("reject_reasons", {}))
        return cls(**data)

    def summary(self) -> str:
        """French summary, one line of counts then one line per reason."""
        head = (
            f"{self.file} ({self.kind}) : {self.read} lignes lues, "
            f"{self.matched} rattachées à une commune dont {self.folded} par repli, "
            f"{self.rejected} rejetée{'s' if self.rejected > 1 else ''}"
        )
        lines = [head]
        if self.unchanged:
            lines.append("  fichier identique déjà importé : rien n'a changé")
        lines += [f"  repli : {r} ({n})" for r, n in self.fold_reasons.most_common()]
        lines += [f"  rejet : {r} ({n})" for r, n in self.reject_reasons.most_common()]
        lines += [f"  note : {note}" for note in self.notes]
        return "\n".join(lines)
