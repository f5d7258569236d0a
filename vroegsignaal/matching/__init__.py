# SPDX-License-Identifier: EUPL-1.2
"""Matching (DOMAIN.md steps 3-4): the repeat rule here; the zaak a signal joins and its
classification live with the zaak in `vroegsignaal.cases`."""
