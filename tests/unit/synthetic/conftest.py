# SPDX-License-Identifier: EUPL-1.2
"""One calibration run shared by the synthetic-data tests (about a second to generate)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from synthetic import HouseholdTruth, SyntheticRun

# Groningen, Zwolle, Utrecht, Rotterdam: about 1.4 million inhabitants, about 66,000
# signals a year, so sampling noise on the shares is well under one percentage point.
CALIBRATION_GEMEENTEN = ("GM0014", "GM0193", "GM0344", "GM0599")
START = dt.date(2024, 1, 1)


@dataclass(frozen=True)
class Generated:
    run: SyntheticRun
    messages: list[dict[str, Any]]
    households: list[HouseholdTruth]


@pytest.fixture(scope="session")
def calibration() -> Generated:
    run = SyntheticRun(gemeenten=CALIBRATION_GEMEENTEN, start=START, months=12, seed=11)
    messages = list(run)
    return Generated(run, messages, list(run.households()))
