"""Compile the French catalogue of the command line (``messages.po`` → ``messages.mo``).

Run ``.venv/bin/python scripts/compile_messages.py`` after editing
``src/trajectoires/locale/fr/LC_MESSAGES/messages.po``; the test suite fails while the
compiled file and its source disagree. Needs Babel (a development dependency).
"""

from __future__ import annotations

import io
from pathlib import Path

CATALOGUE = (Path(__file__).resolve().parent.parent
             / "src" / "trajectoires" / "locale" / "fr" / "LC_MESSAGES" / "messages.po")


def compiled(po_path: Path = CATALOGUE) -> bytes:
    """Return the ``.mo`` bytes of a ``.po`` catalogue (entries in a stable order)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path.open("rb") as source:
        catalogue = read_po(source, locale="fr")
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    return buffer.getvalue()


if __name__ == "__main__":
    CATALOGUE.with_suffix(".mo").write_bytes(compiled())
    print(f"écrit : {CATALOGUE.with_suffix('.mo')}")
