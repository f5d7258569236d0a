# SPDX-License-Identifier: EUPL-1.2
"""From the identity provider's ID-token claims to roles, municipality and team.

Claim names and value maps come from the settings (`oidc_*_claim`, `oidc_role_map`,
`oidc_team_map`), so each municipality maps its own IdP's claims. A value without a
mapping gives nothing, and so does a missing claim: a user the IdP gives no mapped claim
logs in and has no rights until an admin grants them.

The claims are *applied at every login*, not proposed for an admin to confirm: the
municipality's IdP is where employment is kept (joiners, movers, leavers), and BIO asks
that rights follow it promptly. A role the IdP withdraws is gone at the next login;
sessions last at most `session_absolute_hours`, which bounds the delay. Rows that came
from claims are marked `bron = "oidc"` and replaced at each login; what an admin grants
(`bron = "beheer"`) stays. Municipalities: one claimed municipality becomes the account's
own; several are served through the claimed team (a regional team), as the principal
model has it; the values no team covers are ignored and reported in the audit record.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from vroegsignaal.accounts.principal import UserRole
from vroegsignaal.config import ConfigurationError, Settings


@dataclass(frozen=True, slots=True)
class ClaimMapping:
    """Which claims carry roles, municipalities and team, and how values map."""

    roles_claim: str
    role_map: Mapping[str, UserRole]
    municipalities_claim: str
    team_claim: str
    team_map: Mapping[str, str]

    @classmethod
    def from_settings(cls, settings: Settings) -> ClaimMapping:
        """Raises ConfigurationError for a role map value that is not a role."""
        raw = settings.oidc_role_map or {role.value: role.value for role in UserRole}
        try:
            role_map = {value: UserRole(role) for value, role in raw.items()}
        except ValueError as exc:
            raise ConfigurationError(
                f"VROEGSIGNAAL_OIDC_ROLE_MAP maps to an unknown role ({exc}); "
                f"roles: {', '.join(UserRole)}"
            ) from exc
        return cls(
            roles_claim=settings.oidc_roles_claim,
            role_map=role_map,
            municipalities_claim=settings.oidc_municipalities_claim,
            team_claim=settings.oidc_team_claim,
            team_map=dict(settings.oidc_team_map),
        )


@dataclass(frozen=True, slots=True)
class MappedClaims:
    """What the claims grant. `unmapped` counts claim values that gave nothing (for the
    audit; the values themselves are not kept)."""

    roles: frozenset[UserRole]
    gemeenten: frozenset[str]
    team: str | None
    unmapped: int


def _values(claim: Any) -> list[str]:
    if claim is None:
        return []
    if isinstance(claim, str):
        return [claim]
    if isinstance(claim, Iterable):
        return [str(v) for v in claim if isinstance(v, str | int)]
    return []


def map_claims(claims: Mapping[str, Any], mapping: ClaimMapping) -> MappedClaims:
    """The roles, municipality codes and team name the claims give (unvalidated codes: the
    caller keeps those that exist)."""
    role_values = _values(claims.get(mapping.roles_claim))
    roles = frozenset(mapping.role_map[v] for v in role_values if v in mapping.role_map)
    gemeenten = frozenset(v.upper() for v in _values(claims.get(mapping.municipalities_claim)))
    team_values = _values(claims.get(mapping.team_claim))
    team = None
    if team_values:
        team = mapping.team_map.get(
            team_values[0], team_values[0] if not mapping.team_map else None
        )
    unmapped = sum(v not in mapping.role_map for v in role_values) + (
        1 if team_values and team is None else 0
    )
    return MappedClaims(roles, gemeenten, team, unmapped)
