"""The topics people wished for next time, grouped. No Django import.

Feedback forms take the topics as free text ("Fachkräfte, Digitalisierung"). One answer may name
several topics, separated by commas, semicolons or new lines; each topic counts once per answer.
Answers that spell a topic differently ("Fachkräfte", "fachkräfte ", "Fachkraefte",
"Fach-Kräfte") fall into one group by the tag key of companies/tags.py. A group is shown in the
spelling most people used.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from companies.tags import normalize_tag, split_tags


@dataclass(frozen=True)
class TopicGroup:
    label: str
    count: int  # how many answers named it


def group_topics(answers: Iterable[str]) -> list[TopicGroup]:
    """Groups of the same topic, most often named first, then by label."""
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    first_seen: dict[str, int] = {}
    for answer in answers:
        for label in split_tags(answer):  # one answer names each topic once
            key = normalize_tag(label)
            counts[key] += 1
            spellings.setdefault(key, Counter())[label] += 1
            first_seen.setdefault(f"{key}\0{label}", len(first_seen))
    groups = []
    for key, count in counts.items():
        # The most used spelling; of equally used ones the first written.
        label = min(
            spellings[key].items(),
            key=lambda item: (-item[1], first_seen[f"{key}\0{item[0]}"]),
        )[0]
        groups.append(TopicGroup(label=label, count=count))
    return sorted(groups, key=lambda group: (-group.count, group.label.casefold()))
