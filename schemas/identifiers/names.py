"""Person names: a normal form for exact comparison and a phonetic key for fuzzy matching."""

import unicodedata
from functools import lru_cache

import jellyfish


# Linking normalises each name many times (facts, keys, rows); names repeat across reports.
@lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """Case-fold, strip diacritics and punctuation other than - and ', collapse whitespace."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    kept = "".join(c if c.isalnum() or c in "-' " else " " for c in plain.casefold())
    return " ".join(kept.split())


def name_tokens(name: str) -> list[str]:
    """The name's parts, split on spaces and hyphens, in normal form."""
    return normalise_name(name).replace("-", " ").replace("'", "").split()


def phonetic_key(name: str) -> str:
    """Metaphone of each part, sorted, so "Walsh Dean" and "Dean Welsh" share a key."""
    return " ".join(sorted(jellyfish.metaphone(token) for token in name_tokens(name)))
