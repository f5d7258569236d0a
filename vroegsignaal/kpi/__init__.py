# SPDX-License-Identifier: EUPL-1.2
"""Prevention KPIs per municipality (to come, issue 12): read from the zaak status history
(zaak_statuswijziging) and the intake events, no personal data."""
