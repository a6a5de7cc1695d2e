"""Thuringia's public holidays and the demo dates that avoid them."""

from __future__ import annotations

from datetime import date

import pytest

from events.public_holidays import (
    easter_sunday,
    is_public_holiday,
    next_working_day,
    thuringia_holidays,
)


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2038, date(2038, 4, 25)),
    ],
)
def test_easter_sunday_is_the_known_date(year, easter):
    assert easter_sunday(year) == easter


def test_the_holidays_of_2026_in_thuringia():
    assert sorted(thuringia_holidays(2026)) == [
        date(2026, 1, 1),
        date(2026, 4, 3),  # Karfreitag
        date(2026, 4, 6),  # Ostermontag
        date(2026, 5, 1),
        date(2026, 5, 14),  # Christi Himmelfahrt
        date(2026, 5, 25),  # Pfingstmontag
        date(2026, 9, 20),  # Weltkindertag
        date(2026, 10, 3),
        date(2026, 10, 31),
        date(2026, 12, 25),
        date(2026, 12, 26),
    ]
    assert not is_public_holiday(date(2026, 6, 4))  # Fronleichnam is not one in most of Thuringia


def test_a_holiday_moves_to_the_next_working_day():
    assert next_working_day(date(2026, 12, 25)) == date(2026, 12, 28)  # Fri, Sat -> Monday
    assert next_working_day(date(2026, 5, 1)) == date(2026, 5, 4)
    assert next_working_day(date(2026, 4, 3)) == date(2026, 4, 7)  # Good Friday -> after Easter
    assert next_working_day(date(2026, 6, 3)) == date(2026, 6, 3)
