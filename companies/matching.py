"""How well two firms fit: "Wer kann helfen?". No Django import.

The same value function serves the company pages and the speed-dating planner (see
docs/seating.md, "How plans are compared"):

    value(a, b) = tag      * (|a.needs ∩ b.offers| + |b.needs ∩ a.offers|)
                + industry * [a.industry ≠ b.industry]
                + wish     * ([b.company ∈ a.wishes] + [a.company ∈ b.wishes])

Tags are compared by their normalised key (companies.tags.normalize_tag), so the reasons can name
the words people actually wrote.
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Weights:
    tag: int = 3
    industry: int = 1
    wish: int = 10


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class Profile:
    """What the score needs to know about a firm (or a person attending for it)."""

    id: object
    company: object
    industry: str | None
    offers: frozenset[str]
    needs: frozenset[str]
    wishes: frozenset[object] = field(default_factory=frozenset)


class Matchable(Protocol):
    """Anything value() can score: a Profile, or the seat planner's Attendee."""

    @property
    def company(self) -> object: ...
    @property
    def industry(self) -> str | None: ...
    @property
    def offers(self) -> Set[str]: ...
    @property
    def needs(self) -> Set[str]: ...
    @property
    def wishes(self) -> Set[object]: ...


@dataclass(frozen=True)
class Fit:
    value: int
    # Tag keys: what the other offers that I need, and what I offer that the other needs.
    they_can_help_with: tuple[str, ...]
    we_can_help_with: tuple[str, ...]
    different_industry: bool
    wished: bool

    @property
    def shares_tags(self) -> bool:
        return bool(self.they_can_help_with or self.we_can_help_with)


def value(a: Matchable, b: Matchable, weights: Weights = DEFAULT_WEIGHTS) -> int:
    """The match value alone, for hot loops (the seating planner)."""
    if a.company == b.company:
        return 0
    score = weights.tag * (len(a.needs & b.offers) + len(b.needs & a.offers))
    if a.industry != b.industry:
        score += weights.industry
    score += weights.wish * ((b.company in a.wishes) + (a.company in b.wishes))
    return score


def fit(a: Profile, b: Profile, weights: Weights = DEFAULT_WEIGHTS) -> Fit:
    """The value with its reasons, from a's point of view."""
    if a.company == b.company:
        return Fit(0, (), (), False, False)
    return Fit(
        value=value(a, b, weights),
        they_can_help_with=tuple(sorted(a.needs & b.offers)),
        we_can_help_with=tuple(sorted(b.needs & a.offers)),
        different_industry=a.industry != b.industry,
        wished=b.company in a.wishes or a.company in b.wishes,
    )


def best_partners(
    me: Profile, others: Iterable[Profile], *, limit: int = 10, weights: Weights = DEFAULT_WEIGHTS
) -> list[tuple[Profile, Fit]]:
    """The firms that fit best, best first; only those that share at least one need or offer
    (a different industry alone is no reason to call someone). Ties by id, so it is stable."""
    scored = [(other, fit(me, other, weights)) for other in others if other.company != me.company]
    useful = [(other, result) for other, result in scored if result.shares_tags]
    useful.sort(key=lambda pair: (-pair[1].value, str(pair[0].id)))
    return useful[:limit]
