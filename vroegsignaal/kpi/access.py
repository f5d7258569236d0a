# SPDX-License-Identifier: EUPL-1.2
"""Who may read KPIs: managers and admins, for the municipalities they serve, aggregates
only (DESIGN.md "Users and rights"). Checked in the core: every KPI function starts here.
"""

from __future__ import annotations

from collections.abc import Iterable

from vroegsignaal.accounts.principal import Principal, UserRole
from vroegsignaal.errors import Forbidden

KPI_ROLES = frozenset({UserRole.MANAGER, UserRole.ADMIN})


class KpiForbidden(Forbidden):
    """The viewer may not see these KPI figures (403)."""

    code = "GEEN_TOEGANG"
    title = "Geen toegang tot deze cijfers"


def require_kpi_access(principal: Principal, gemeenten: Iterable[str]) -> None:
    """Raise `KpiForbidden` unless `principal` is a manager or admin who serves every one
    of `gemeenten` (a region's figures include its totals, so all of them)."""
    if not principal.has(*KPI_ROLES):
        raise KpiForbidden(f"kpi: niet voor de rollen {sorted(principal.roles)}")
    missing = sorted(set(gemeenten) - principal.gemeenten)
    if missing:
        raise KpiForbidden(f"kpi: gemeenten buiten uw werkgebied: {', '.join(missing)}")
