# SPDX-License-Identifier: EUPL-1.2
"""Date helpers; 'today' is the Dutch calendar date, since deadlines are Dutch working days."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def today() -> dt.date:
    """Today's date in the Netherlands (Europe/Amsterdam), whatever the server's zone."""
    return dt.datetime.now(AMSTERDAM).date()


def month_start(day: dt.date) -> dt.date:
    """The first day of `day`'s calendar month (a matching period, ADR 0003)."""
    return day.replace(day=1)


@lru_cache(maxsize=1 << 14)
def add_months(day: dt.date, months: int) -> dt.date:
    """Same day `months` later (or earlier), clamped to the month's last day.

    Cached: the intake asks it ~14,000 times a batch for a few hundred distinct days
    (0.5-0.8 -> 0.08 µs a call, measured 1 Dec 2026)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def utc(moment: dt.datetime) -> dt.datetime:
    """`moment` as an aware UTC datetime: SQLite returns timezone columns naive (in UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def utc_now() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


# Dutch month names for dates written out in letters and pages ("1 december 2026"): twelve
# words do not warrant a localisation library.
MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
             "september", "oktober", "november", "december")


def dutch_date(day: dt.date) -> str:
    """'1 december 2026'."""
    return f"{day.day} {MONTHS_NL[day.month - 1]} {day.year}"
