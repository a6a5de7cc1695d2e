"""Tag spelling: one key for every way people write the same word. No Django import.

"Spannzange", "spannzangen", "Spann-Zange" and "SPANNZANGE " all become "spannzang";
"Fräsen" and "Fraesen" both become "fraes".
"""

from __future__ import annotations

import re
import unicodedata

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# A light German plural/inflection ending, removed once, longest first.
_ENDINGS = ("en", "er", "e", "n", "s")
_MIN_STEM = 4
MAX_TAG_LENGTH = 60


def clean_label(text: str) -> str:
    """The display form: trimmed, inner whitespace collapsed, length capped."""
    return " ".join(text.split())[:MAX_TAG_LENGTH]


def normalize_tag(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).lower().translate(_UMLAUTS)
    # Remaining accents (é, č …) fold to their base letter.
    folded = "".join(
        char for char in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(char)
    )
    key = _NOT_ALNUM.sub("", folded)
    for ending in _ENDINGS:
        if key.endswith(ending) and len(key) - len(ending) >= _MIN_STEM:
            return key[: -len(ending)]
    return key


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
