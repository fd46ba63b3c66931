"""Small helpers to write SVG text safely: escaping, attributes, elements, wrapped lines.

Every piece of text that reaches the document goes through :func:`escape`
(or :func:`escape_many` for whole columns), which also drops the control
characters that XML 1.0 forbids.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence

import numpy as np

__all__ = ["SVG_NAMESPACE", "element", "escape", "escape_many", "text_block", "text_lines", "wrap"]

SVG_NAMESPACE = "http://www.w3.org/2000/svg"

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#39;"))


def escape(text: object) -> str:
    """Escape ``text`` for use in SVG character data or a quoted attribute.

    Examples
    --------
    >>> escape("Saint-Jean-d'Angély <script>")
    'Saint-Jean-d&#39;Angély &lt;script&gt;'

    """
    text = _FORBIDDEN.sub("", str(text))
    for char, entity in _ENTITIES:
        text = text.replace(char, entity)
    return text


def escape_many(texts: Sequence[object] | np.ndarray) -> list[str]:
    r"""Escape a whole column of texts at once.

    The texts are joined into one string (with NUL, which XML forbids and which
    is removed first, as the separator), escaped with a handful of ``str.replace``
    calls, then split again: far faster than escaping them one by one.

    Examples
    --------
    >>> escape_many(["a & b", "<c>", "d\x00"])
    ['a &amp; b', '&lt;c&gt;', 'd']

    """
    texts = [str(text) for text in texts]
    if not texts:
        return []
    joined = "\x00".join(texts)
    if joined.count("\x00") != len(texts) - 1 or _FORBIDDEN.search(joined.replace("\x00", "")):
        joined = "\x00".join(_FORBIDDEN.sub("", text) for text in texts)
    for char, entity in _ENTITIES:
        joined = joined.replace(char, entity)
    return joined.split("\x00")


def element(name: str, content: str = "", **attributes: object) -> str:
    """Write one element; ``content`` must already be escaped.

    Attribute names use ``_`` for ``-`` (``stroke_width`` → ``stroke-width``);
    ``None`` values are left out; values are escaped.

    Examples
    --------
    >>> element("rect", width=10, stroke_width=0.5, fill=None)
    '<rect width="10" stroke-width="0.5"/>'
    >>> element("text", "a &amp; b", x=1)
    '<text x="1">a &amp; b</text>'

    """
    attrs = "".join(
        f' {key.rstrip("_").replace("_", "-")}="{escape(value)}"'
        for key, value in attributes.items()
        if value is not None
    )
    if content:
        return f"<{name}{attrs}>{content}</{name}>"
    return f"<{name}{attrs}/>"


def text_block(
    text: str, *, x: float, y: float, max_chars: int, line_height: float, **attributes: object
) -> tuple[str, float]:
    """Write ``text`` wrapped at ``max_chars`` characters, first baseline at ``y``.

    SVG does not wrap text: long lines are split on spaces into ``<tspan>``s.

    Returns
    -------
    tuple of (str, float)
        The ``<text>`` element and the baseline of its last line.

    Examples
    --------
    >>> svg, last = text_block("un deux trois", x=0, y=10, max_chars=8, line_height=12)
    >>> last, svg.count("<tspan")
    (22, 2)

    """
    lines = textwrap.wrap(text, max(max_chars, 10), break_on_hyphens=False) or [""]
    if len(lines) == 1:
        return element("text", escape(text), x=x, y=y, **attributes), y
    spans = "".join(
        element("tspan", escape(line), x=x, y=y + index * line_height)
        for index, line in enumerate(lines)
    )
    return element("text", spans, x=x, y=y, **attributes), y + (len(lines) - 1) * line_height


def wrap(text: str, chars: int, max_lines: int | None = None) -> list[str]:
    """Split ``text`` into lines of at most ``chars`` characters (at least 8).

    With ``max_lines``, the last line kept ends with « … ».

    Examples
    --------
    >>> wrap("Une navette autonome dessert les hameaux", 16, max_lines=2)
    ['Une navette', 'autonome …']

    """
    return textwrap.wrap(text, max(chars, 8), break_on_hyphens=False, max_lines=max_lines,
                         placeholder=" …") or [""]


def text_lines(lines: Sequence[str], *, x: float, y: float, line_height: float,
               **attributes: object) -> str:
    """Write lines (not escaped) as one ``<text>``, first baseline at ``y``.

    Unlike :func:`text_block`, the lines are already wrapped (see :func:`wrap`)
    and the baselines are rounded to a tenth.

    Examples
    --------
    >>> text_lines(["a <b>", "c"], x=0, y=10, line_height=12).count("<tspan")
    2

    """
    if len(lines) == 1:
        return element("text", escape(lines[0]), x=x, y=y, **attributes)
    spans = "".join(element("tspan", escape(line), x=x, y=round(y + index * line_height, 1))
                    for index, line in enumerate(lines))
    return element("text", spans, x=x, y=y, **attributes)
