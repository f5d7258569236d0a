# SPDX-License-Identifier: EUPL-1.2
"""Role checks and the admin's reach, as core functions taking the principal.

Routes pass the principal through; the rule is here (DEVELOPERS.md, "Doors translate
transport and nothing more"). Errors follow issue 10's answers: a role that may never do
the action gets Forbidden (403); a thing outside the caller's municipalities is NotFound
(404), so its existence is not revealed.

The operator's command line acts as a `SystemPrincipal` and is not limited: whoever runs
it has the database and the keys already.
"""

from __future__ import annotations

from collections.abc import Iterable

from vroegsignaal.accounts.principal import AnyPrincipal, Principal, SystemPrincipal, UserRole
from vroegsignaal.errors import Forbidden


class OutsideAdminScope(Forbidden):
    """An administrator acts on a user, team or municipality outside the ones it
    administers (403)."""

    code = "BUITEN_BEHEERGEBIED"
    title = "Buiten de gemeenten die u beheert"


class SelfLockout(Forbidden):
    """An admin may not deactivate their own account or drop their own admin role. Its
    own code and title because a 403 answers with its title only (api/errors.py)."""

    code = "EIGEN_BEHEER_GEWEIGERD"
    title = "U kunt uw eigen account niet deactiveren of uw eigen beheerrol niet intrekken"


def require_role(actor: AnyPrincipal, *roles: UserRole) -> None:
    """Raise Forbidden unless `actor` is the system or a user with one of `roles`."""
    if isinstance(actor, SystemPrincipal):
        return
    if not isinstance(actor, Principal) or not actor.has(*roles):
        raise Forbidden(f"vereist een van de rollen: {', '.join(sorted(roles))}")


def admin_scope(actor: AnyPrincipal) -> frozenset[str] | None:
    """The municipalities `actor` administers: None for the system (all of them).

    Raises Forbidden when `actor` is not an admin. An admin administers the municipalities
    they serve: their own and those of their (regional) teams.
    """
    require_role(actor, UserRole.ADMIN)
    if isinstance(actor, SystemPrincipal):
        return None
    assert isinstance(actor, Principal)
    return actor.gemeenten


def within(scope: frozenset[str] | None, gemeenten: Iterable[str]) -> bool:
    """True when every municipality of `gemeenten` lies in `scope` (None: everywhere).

    A user or team without municipalities lies within every admin's scope: it has no
    rights anywhere yet, and an admin must be able to give it some.
    """
    return scope is None or set(gemeenten) <= scope


def require_within(scope: frozenset[str] | None, gemeenten: Iterable[str]) -> None:
    """Raise OutsideAdminScope when an admin would grant a municipality they do not serve."""
    outside = sorted(set(gemeenten) - scope) if scope is not None else []
    if outside:
        raise OutsideAdminScope(f"gemeenten buiten uw beheergebied: {', '.join(outside)}")
