# SPDX-License-Identifier: EUPL-1.2
"""Seeded, reproducible synthetic vroegsignalen calibrated on public figures.

Only made-up data: see docs/synthetic-data.md for the calibration table and the
deliberate simplifications.
"""

from vroegsignaal.synthetic.config import GeneratorConfig, describe
from vroegsignaal.synthetic.geo import all_gemeentecodes
from vroegsignaal.synthetic.messages import UNKNOWN_FIELDS
from vroegsignaal.synthetic.run import SyntheticRun, generate_signals
from vroegsignaal.synthetic.stats import GenerationStats
from vroegsignaal.synthetic.truth import AccountTruth, HouseholdTruth

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
