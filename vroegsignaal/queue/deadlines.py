# SPDX-License-Identifier: EUPL-1.2
"""Due dates: 14 calendar days for contact, 3 working days for crisis signals (DOMAIN.md step 5)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _feestdagen(year: int) -> frozenset[dt.date]:
    # Dutch public holidays as the holidays package lists them (Koningsdag, Pasen, ...).
    return frozenset(holidays.country_holidays("NL", years=year))


def is_werkdag(day: dt.date) -> bool:
    """Monday to Friday and not a Dutch public holiday."""
    return day.weekday() < 5 and day not in _feestdagen(day.year)


def add_werkdagen(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (start itself does not count)."""
    day = start
    while n > 0:
        day += dt.timedelta(days=1)
        if is_werkdag(day):
            n -= 1
    return day


def uiterste_datum(
    ontvangen_op: dt.date, *, crisis: bool, contact_termijn_dagen: int, crisis_werkdagen: int
) -> dt.date:
    """The last day for contact (DOMAIN.md step 5): `ontvangen_op` plus
    `contact_termijn_dagen` calendar days (14, Amsterdam's norm), or for a crisis signal
    plus `crisis_werkdagen` Dutch working days (3, the Wgs norm). Both from the
    municipality's rules (gemeente_instelling)."""
    if crisis:
        return add_werkdagen(ontvangen_op, crisis_werkdagen)
    return ontvangen_op + dt.timedelta(days=contact_termijn_dagen)
