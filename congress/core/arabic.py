"""Arabic text for search and ordering: normalize both sides, sort by letters.

Search must find a name whatever hamza/alef form, taa marbuta, alef maqsura,
tatweel or diacritics were typed; ordering follows the Arabic alphabet and
ignores diacritics (and, when the bylaws say so, the definite article).
"""

from __future__ import annotations

import re
import unicodedata

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # + tatweel
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ٲ": "ا",
        "ٳ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ئ": "ي",
        "ؤ": "و",
        "ء": "",
        "ک": "ك",
        "ی": "ي",
        "ھ": "ه",
    }
)
_SPACES = re.compile(r"\s+")

# Arabic alphabetical order (hija'i); letters outside it sort after, by code point.
_ALPHABET = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}


def normalize(text: str) -> str:
    """Fold to the form used for search: NFKC, no marks, one alef, ha for taa marbuta."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _INVISIBLE.sub("", text)
    text = _DIACRITICS.sub("", text)
    text = text.translate(_FOLD).casefold()
    return _SPACES.sub(" ", text).strip()


def _strip_article(word: str) -> str:
    if word.startswith("ال") and len(word) > 3:
        return word[2:]
    return word


def sort_key(text: str, *, ignore_article: bool = False) -> tuple:
    """A key that orders Arabic names by the alphabet, ignoring diacritics.

    With `ignore_article`, a leading definite article of each word is skipped
    (الأحمد sorts with أحمد), as some bylaws require for ballot order.
    """
    words = normalize(text).split(" ")
    if ignore_article:
        words = [_strip_article(w) for w in words]
    return tuple(
        tuple((0, _RANK[ch]) if ch in _RANK else (1, ord(ch)) for ch in word) for word in words
    )


def matches(query: str, text: str) -> bool:
    return normalize(query) in normalize(text)
