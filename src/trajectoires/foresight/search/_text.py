"""French words as search terms: stemmed (Snowball French), folded, stop words dropped.

The same functions turn an indexed document and a query into terms, so SQLite's
FTS5 and PostgreSQL's ``tsvector`` compare the same tokens: each term is made of
``[a-z0-9]`` only, which both databases' tokenizers keep as one word (FTS5's
``unicode61``, PostgreSQL's ``simple`` configuration).

A word gives one or two terms (:func:`stem`): its stem read with its accents, as the
Snowball French algorithm expects (« connectée » → ``connect``), then folded to ASCII;
and the stem of the word folded first, which is what a word typed without its accents
gives (« connectee » → ``connecte``, « acces » → ``acce``). A document is indexed
under both; a query word matches either (:func:`query_groups`), so « accès » and
« acces », « connectée » and « connecte » find each other. Letters outside the
Latin alphabet are dropped.

Examples
--------
>>> terms("Les écoles numériques de l'Île-de-France")
['ecol', 'numer', 'ile', 'franc']
>>> terms("école") == terms("ECOLES")
True
>>> terms("le la les")
[]
>>> query_groups("accès connectée")
[('acces', 'acce'), ('connect', 'connecte')]

"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

__all__ = ["FILTER_PREFIX", "MAX_TERM_LENGTH", "STOP_WORDS", "filter_term", "fold", "query_groups",
           "stem", "terms", "words"]

FILTER_PREFIX = "zz"
"""Terms that name a filter (kind, type, year, territory) start with it; no word gives one."""

MAX_TERM_LENGTH = 40
"""Longer words (a pasted link, a hash) are not indexed."""

_WORD = re.compile(r"[^\W_]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_TRANSLITERATE = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l",
                                "đ": "d", "ð": "d", "þ": "th", "ı": "i"})

_STOP_WORDS_TEXT = """
a au aux avec ce ces cet cette d dans de des du elle en et eux il ils je j l la le les
leur leurs lui m ma mais me meme mes moi mon n ne nos notre nous on ou par pas pour qu
que qui s sa se ses son sur t ta te tes toi ton tu un une vos votre vous y c est sont
ete etre avoir ont aussi plus tres comme dont ni si sans sous entre vers chez
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
"""Folded French words too common to search for (matched after folding)."""

_STEMMER = snowballstemmer.stemmer("french")


def fold(text: str) -> str:
    """Return ``text`` lower-cased and without diacritics (``œ`` becomes ``oe``).

    >>> fold("Œuvre à Plœmeur")
    'oeuvre a ploemeur'
    """
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_TRANSLITERATE))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Return the words of ``text`` in lower case, as written (accents kept).

    >>> words("L'accès au haut-débit !")
    ['l', 'accès', 'au', 'haut', 'débit']
    """
    return _WORD.findall(text.lower())


def _ascii(text: str) -> str:
    """Return the ``[a-z0-9]`` token of a folded text, or '' (several parts are joined)."""
    return "".join(_ASCII_WORD.findall(text))[:MAX_TERM_LENGTH + 1]


@lru_cache(maxsize=65536)
def stem(word: str) -> tuple[str, ...]:
    """Return the terms of one word: none for a stop word, else one or two (see above).

    >>> stem("numériques"), stem("les"), stem("Œuvres"), stem("connectée")
    (('numer',), (), ('oeuvr',), ('connect', 'connecte'))
    """
    word = word.lower()
    folded = _ascii(fold(word))
    if not folded or folded in STOP_WORDS or len(folded) > MAX_TERM_LENGTH:
        return ()
    accented = _ascii(fold(_STEMMER.stemWord(word)))
    plain = _STEMMER.stemWord(folded)
    return tuple(dict.fromkeys(t for t in (accented, plain)
                               if t and not t.startswith(FILTER_PREFIX)))


def filter_term(field: str, value: str) -> str:
    """Return the term of a filter, which the full-text index holds beside the words.

    ``field`` is ``k`` (kind), ``s`` (type), ``y`` (year) or ``t`` + a territory kind.

    A word never gives such a term (:func:`stem` drops the words that would), so a
    document cannot claim a territory by its text.

    >>> filter_term("tdepartement", "2A"), filter_term("s", "imaginer-2030")
    ('zztdepartement2a', 'zzsimaginer2030')
    >>> stem("zzsimaginer2030")
    ()
    """
    return FILTER_PREFIX + field + _NOT_ALNUM.sub("", value.lower())


def terms(text: str) -> list[str]:
    """Return the search terms of ``text``, in order (a word's variants side by side)."""
    return [term for word in words(text) for term in stem(word)]


def query_groups(text: str) -> list[tuple[str, ...]]:
    """Return the terms of a query, one group per distinct word: a match holds one of each."""
    groups = (stem(word) for word in words(text))
    return list(dict.fromkeys(group for group in groups if group))
