# SPDX-License-Identifier: EUPL-1.2
"""Who may read KPIs: managers and admins, for the municipalities they serve, aggregates
only (DESIGN.md "Users and rights"). Checked in the core: every KPI function starts here.
"""

from __future__ import annotations

from collections.abc import Iterable

from vroegsignaal.accounts.principal import Principal, SystemPrincipal, UserRole
from vroegsignaal.errors import Forbidden

KPI_ROLES = frozenset({UserRole.MANAGER, UserRole.ADMIN})
# Who reads KPIs: a logged-in user (checked here) or the system's own jobs (the monthly
# report from the command line or a DAG), which serve every municipality.
KpiReader = Principal | SystemPrincipal


class KpiForbidden(Forbidden):
    """The viewer may not see these KPI figures (403)."""

    code = "GEEN_TOEGANG"
    title = "Geen toegang tot deze cijfers"


def require_kpi_access(principal: KpiReader, gemeenten: Iterable[str]) -> None:
    """Raise `KpiForbidden` unless `principal` is a manager or admin who serves every one
    of `gemeenten` (a region's figures include its totals, so all of them), or the system."""
    if isinstance(principal, SystemPrincipal):
        return
    if not principal.has(*KPI_ROLES):
        raise KpiForbidden(f"kpi: niet voor de rollen {sorted(principal.roles)}")
    missing = sorted(set(gemeenten) - principal.gemeenten)
    if missing:
        raise KpiForbidden(f"kpi: gemeenten buiten uw werkgebied: {', '.join(missing)}")


def require_region_member(principal: KpiReader, gemeenten: Iterable[str]) -> None:
    """Raise `KpiForbidden` unless `principal` is a manager or admin who serves at least
    one of `gemeenten` (a region). What passes here may read the region's comparison of
    published cells: the region is one protection unit (vroegsignaal/kpi/regions.py), so
    its published cells are safe to show to each of its municipalities."""
    if isinstance(principal, SystemPrincipal):
        return
    if not principal.has(*KPI_ROLES):
        raise KpiForbidden(f"kpi: niet voor de rollen {sorted(principal.roles)}")
    if principal.gemeenten.isdisjoint(gemeenten):
        raise KpiForbidden("kpi: geen gemeente van deze regio in uw werkgebied")
