"""Thuringia's public holidays, and the next working day after one. Pure (no Django import).

The demo dates (events/demo.py) never fall on one. Thuringia keeps the nationwide holidays plus
the Reformation Day (31 October) and, since 2019, the World Children's Day (20 September).
"""

from __future__ import annotations

from datetime import date, timedelta


def easter_sunday(year: int) -> date:
    """Easter Sunday of the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def thuringia_holidays(year: int) -> dict[date, str]:
    """The public holidays of Thuringia in `year`, date -> German name."""
    easter = easter_sunday(year)
    days = {
        date(year, 1, 1): "Neujahr",
        easter - timedelta(days=2): "Karfreitag",
        easter + timedelta(days=1): "Ostermontag",
        date(year, 5, 1): "Tag der Arbeit",
        easter + timedelta(days=39): "Christi Himmelfahrt",
        easter + timedelta(days=50): "Pfingstmontag",
        date(year, 10, 3): "Tag der Deutschen Einheit",
        date(year, 10, 31): "Reformationstag",
        date(year, 12, 25): "1. Weihnachtstag",
        date(year, 12, 26): "2. Weihnachtstag",
    }
    if year >= 2019:
        days[date(year, 9, 20)] = "Weltkindertag"
    return days


def is_public_holiday(day: date) -> bool:
    return day in thuringia_holidays(day.year)


def next_working_day(day: date) -> date:
    """`day` itself unless it is a public holiday; then the next day that is neither a holiday
    nor a Saturday or Sunday."""
    if not is_public_holiday(day):
        return day
    day += timedelta(days=1)
    while day.weekday() >= 5 or is_public_holiday(day):
        day += timedelta(days=1)
    return day
