"""Tag spelling and the "Wer kann helfen?" score: pure functions, no database."""

from __future__ import annotations

import pytest

from companies.matching import Profile, Weights, best_partners, fit, value
from companies.tags import normalize_tag, split_tags


@pytest.mark.parametrize(
    "spelling", ["Spannzange", "spannzangen", "Spann-Zange", "  SPANNZANGE ", "Spann Zangen"]
)
def test_spellings_of_one_word_share_a_key(spelling):
    assert normalize_tag(spelling) == normalize_tag("Spannzange")


@pytest.mark.parametrize(("a", "b"), [("Fräsen", "Fraesen"), ("Härterei", "Haerterei")])
def test_umlauts_and_their_spelled_out_forms_share_a_key(a, b):
    assert normalize_tag(a) == normalize_tag(b)


@pytest.mark.parametrize(("a", "b"), [("Glas", "Gas"), ("Laser", "Lasur"), ("Spindel", "Spind")])
def test_different_words_keep_different_keys(a, b):
    assert normalize_tag(a) != normalize_tag(b)


def test_short_words_keep_their_ending():
    assert normalize_tag("Glas") == "glas"
    assert normalize_tag("CNC") == "cnc"


def test_punctuation_alone_is_no_tag():
    assert normalize_tag(" - ") == ""


def test_a_typed_list_is_split_and_deduplicated_keeping_the_first_spelling():
    assert split_tags("Spannzangen, Härten;\nspann-zange, , Fräsen") == [
        "Spannzangen",
        "Härten",
        "Fräsen",
    ]


def profile(pid, company, industry="C28", offers=(), needs=(), wishes=()):
    return Profile(pid, company, industry, frozenset(offers), frozenset(needs), frozenset(wishes))


FEINMESS = profile("feinmess", "F", "C26", offers={"feinmechan"}, needs={"spannzang", "haert"})
SPANNWERK = profile("spannwerk", "S", "C25", offers={"spannzang", "sonderspannmittel"})


def test_a_need_met_by_an_offer_scores_the_tag_weight_plus_the_industry_bonus():
    assert value(FEINMESS, SPANNWERK) == 3 * 1 + 1


def test_the_score_counts_both_directions_and_is_symmetric():
    a = profile("a", "A", offers={"x"}, needs={"y"})
    b = profile("b", "B", offers={"y"}, needs={"x"})

    assert value(a, b) == value(b, a) == 6  # same industry: no bonus


def test_a_wish_adds_the_wish_weight_each_way():
    a = profile("a", "A", wishes={"B"})
    b = profile("b", "B", wishes={"A"})

    assert value(a, b, Weights(tag=3, industry=1, wish=10)) == 20


def test_two_people_of_one_company_are_worth_nothing():
    assert value(profile("a", "A", offers={"x"}), profile("b", "A", needs={"x"})) == 0


def test_the_fit_names_the_reason_from_my_point_of_view():
    result = fit(FEINMESS, SPANNWERK)

    assert result.they_can_help_with == ("spannzang",)
    assert result.we_can_help_with == ()
    assert result.different_industry


def test_best_partners_are_sorted_by_value_and_skip_firms_with_nothing_in_common():
    stranger = profile("glas", "G", "C23", offers={"glasflasch"})
    also_helps = profile("haerterei", "H", "C25", offers={"haert", "spannzang"})

    ranked = best_partners(FEINMESS, [SPANNWERK, stranger, also_helps])

    assert [other.id for other, _fit in ranked] == ["haerterei", "spannwerk"]
