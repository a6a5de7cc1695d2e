"""Tag and search spelling: one key for every way people write the same word. No Django import.

"Spannzange", "spannzangen", "Spann-Zange" and "SPANNZANGE " all become "spannzang";
"Fräsen" and "Fraesen" both become "fraes"; "Kalibrieren" and "Kalibrier-" become "kalibri"
(endings go one after the other: see strip_ending).

The directory's search spells one step looser (search_spelling): "Härten", "Haerten" and
"Harten" are one word there, so people who type without umlauts find what others wrote with
them. Tag keys keep "ae" apart from "a" ("Bär" and "Bar" stay two tags).
"""

from __future__ import annotations

import re
import unicodedata

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# "ae", "oe", "ue" as a keyboard without umlauts writes ä, ö, ü (after fold(), which wrote the
# umlauts so): all three spellings of "Härten" become "harten".
_UMLAUT_DIGRAPHS = re.compile(r"(?<=[aou])e")
# A light German plural/inflection ending, removed longest first.
_ENDINGS = ("en", "er", "e", "n", "s")
_MIN_STEM = 4
# Not an ending but part of the word: the "s" of "ss" ("Straße" -> "strass") and of "es"
# ("Fräsen" -> "fraes", not "frae").
_KEEP_S_AFTER = ("s", "e")
MAX_TAG_LENGTH = 60


def clean_label(text: str) -> str:
    """The display form: trimmed, inner whitespace collapsed, length capped."""
    return " ".join(text.split())[:MAX_TAG_LENGTH]


def fold(text: str) -> str:
    """Lower case, umlauts as "ae", "oe", "ue", "ß" as "ss", other accents dropped, only letters
    and digits: "Spann-Zange" -> "spannzange", "Fräsen" -> "fraesen"."""
    folded = unicodedata.normalize("NFKC", text).lower().translate(_UMLAUTS)
    # Remaining accents (é, č …) fold to their base letter.
    folded = "".join(
        char for char in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(char)
    )
    return _NOT_ALNUM.sub("", folded)


def search_spelling(text: str) -> str:
    """fold(), and "ae", "oe", "ue" written as "a", "o", "u": "Härten", "Haerten" and "Harten"
    all become "harten". The search document and the search's words are spelled so (only
    there: it also makes "Feuer" "feur", which is harmless when both sides do it)."""
    return _UMLAUT_DIGRAPHS.sub("", fold(text))


def strip_ending(word: str) -> str:
    """The word without its endings: removed one after the other while a stem of at least four
    letters remains ("kalibrieren" -> "kalibrier" -> "kalibri"). Stripping until nothing more
    goes makes a key its own key: strip_ending(strip_ending(w)) == strip_ending(w)."""
    while True:
        for ending in _ENDINGS:
            stem = word[: -len(ending)]
            if (
                word.endswith(ending)
                and len(stem) >= _MIN_STEM
                and not (ending == "s" and stem.endswith(_KEEP_S_AFTER))
            ):
                word = stem
                break
        else:
            return word


def normalize_tag(text: str) -> str:
    """A tag's key. Idempotent, so a key in a link ("?offer=spannzang") is its own key."""
    return strip_ending(fold(text))


def search_key(word: str) -> str:
    """A word of a search as the directory compares it: "Härten" -> "hart"; it is contained in
    search_spelling() of every form of the word ("harten", "hartes" …)."""
    return strip_ending(search_spelling(word))


def split_tags(text: str) -> list[str]:
    """Tags typed into one field, separated by commas, semicolons or new lines; duplicates
    (by key) dropped, first spelling kept."""
    seen: set[str] = set()
    labels = []
    for part in re.split(r"[,;\n]", text or ""):
        label = clean_label(part)
        key = normalize_tag(label)
        if key and key not in seen:
            seen.add(key)
            labels.append(label)
    return labels
