""" "Meinten Sie …?": the closest spelling of a search among words the directory knows. No Django
import.

The vocabulary is what people search for by name: company names and tag labels. A word of the
search that some vocabulary word contains already (as the search compares words: its
companies.tags.search_key) stays as typed; any other word is replaced by the vocabulary word
most like it, if one is close enough (difflib's ratio over companies.tags.search_spelling, so
"Spanzange" is one letter from "Spannzange", and an umlaut is no difference at all).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from .tags import search_key, search_spelling

# Words as the search splits them (companies.services.search): hyphens stay inside a word.
WORDS = re.compile(r"[\w-]+")
# difflib's ratio: "spanzange"/"spannzange" 0.95, "harz"/"herz" 0.75 (a different word).
CLOSE_ENOUGH = 0.8
# Shorter words are too alike to correct ("Bau" is one letter from many words).
MIN_WORD_LENGTH = 4


def vocabulary_words(phrases: Iterable[str]) -> dict[str, str]:
    """The words of names and labels by their search spelling, each with the first way it was
    written: {"spannzange": "Spannzange", "muller": "Müller", ...}."""
    words: dict[str, str] = {}
    for phrase in phrases:
        for word in WORDS.findall(phrase):
            spelled = search_spelling(word)
            if len(spelled) >= MIN_WORD_LENGTH:
                words.setdefault(spelled, word.strip("-"))
    return words


def correct(query: str, phrases: Iterable[str]) -> str | None:
    """The search with its unknown words replaced by the closest known ones, or None when no word
    was replaced (every word is known, or nothing known is close)."""
    words = vocabulary_words(phrases)
    if not words:
        return None
    corrected: list[str] = []
    changed = False
    for word in WORDS.findall(query):
        spelled, key = search_spelling(word), search_key(word)
        if len(spelled) < MIN_WORD_LENGTH or any(key in known for known in words):
            corrected.append(word)
            continue
        closest = difflib.get_close_matches(spelled, words, n=1, cutoff=CLOSE_ENOUGH)
        if closest:
            corrected.append(words[closest[0]])
            changed = True
        else:
            corrected.append(word)
    return " ".join(corrected) if changed else None
