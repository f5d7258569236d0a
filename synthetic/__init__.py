# SPDX-License-Identifier: EUPL-1.2
"""Seeded, reproducible synthetic vroegsignalen calibrated on public figures.

Only made-up data: see docs/synthetic-data.md for the calibration table and the
deliberate simplifications.
"""

from synthetic.config import GeneratorConfig, describe
from synthetic.geo import all_gemeentecodes
from synthetic.messages import UNKNOWN_FIELDS
from synthetic.run import SyntheticRun, generate_signals
from synthetic.stats import GenerationStats
from synthetic.truth import AccountTruth, HouseholdTruth

__all__ = [
    "UNKNOWN_FIELDS",
    "AccountTruth",
    "GenerationStats",
    "GeneratorConfig",
    "HouseholdTruth",
    "SyntheticRun",
    "all_gemeentecodes",
    "describe",
    "generate_signals",
]
