# SPDX-License-Identifier: EUPL-1.2
"""vroegsignaal: early-warning intake, matching and outreach queue for Dutch municipalities."""

__version__ = "0.1.0"
