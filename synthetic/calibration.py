# SPDX-License-Identifier: EUPL-1.2
"""Measure generated messages against the DOMAIN.md case figures.

A rough, independent re-count on raw messages (not the matching module): a case is one
address in one calendar month of the signaaldatum. As in ADR 0003, "opeenvolgend" (a
signal on the address in one of the 6 months before) takes precedence over
"meervoudig" (2+ signals in the month); the rest is "enkelvoudig".
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from vroegsignaal.contract.enums import Zaaktype


@dataclass(frozen=True)
class CaseShares:
    cases: int
    counts: Mapping[Zaaktype, int]
    meervoudig_inclusief: float  # 2+ signals in the month, with or without an earlier signal

    def share(self, zaaktype: Zaaktype) -> float:
        return self.counts.get(zaaktype, 0) / self.cases if self.cases else 0.0


def _address(msg: Mapping[str, Any]) -> tuple[str, str, str] | None:
    client = msg.get("client")
    if not isinstance(client, Mapping):
        return None
    postcode, huisnummer = client.get("postcode"), client.get("huisnummer")
    if not isinstance(postcode, str) or not isinstance(huisnummer, str):
        return None
    toev = client.get("huisnummertoevoeging") or ""
    return postcode.replace(" ", "").upper(), huisnummer, str(toev).upper()


def _month(msg: Mapping[str, Any]) -> int | None:
    day = msg.get("signaaldatum")
    if not isinstance(day, str) or len(day) < 7:
        return None
    return int(day[:4]) * 12 + int(day[5:7]) - 1


def case_shares(messages: Iterable[Mapping[str, Any]], *, skip_months: int = 0) -> CaseShares:
    """Case-type shares; `skip_months` leaves out the first months (no 6-month history yet)."""
    per_case: Counter[tuple[tuple[str, str, str], int]] = Counter()
    for msg in messages:
        addr, month = _address(msg), _month(msg)
        if addr is not None and month is not None:
            per_case[addr, month] += 1
    if not per_case:
        return CaseShares(0, {}, 0.0)
    months_of: defaultdict[tuple[str, str, str], set[int]] = defaultdict(set)
    for addr, month in per_case:
        months_of[addr].add(month)
    first = min(m for _, m in per_case) + skip_months
    counts: Counter[Zaaktype] = Counter()
    multiple_any = 0
    for (addr, month), n in per_case.items():
        if month < first:
            continue
        multiple_any += n >= 2
        if any(month - k in months_of[addr] for k in range(1, 7)):
            counts[Zaaktype.OPEENVOLGEND] += 1
        elif n >= 2:
            counts[Zaaktype.MEERVOUDIG] += 1
        else:
            counts[Zaaktype.ENKELVOUDIG] += 1
    cases = sum(counts.values())
    return CaseShares(cases, dict(counts), multiple_any / cases if cases else 0.0)
