# SPDX-License-Identifier: EUPL-1.2
"""The case-work errors, each with a stable code (api/errors.py maps them to HTTP):
404 `CaseNotFound`, 403 `Forbidden`, 409 `CaseChanged` and `AlreadyAssigned`,
422 `TransitionRefused` and `CaseWorkRefused`. Messages name ids and codes, never people."""

from __future__ import annotations

from vroegsignaal.errors import VroegsignaalError


class CaseNotFound(VroegsignaalError):
    """No zaak with that id, or none the principal may know of (another municipality's)."""

    code = "ZAAK_NIET_GEVONDEN"
    title = "Zaak niet gevonden"


class Forbidden(VroegsignaalError):
    """The principal's roles never allow this action."""

    code = "GEEN_TOEGANG"
    title = "U heeft geen recht op deze handeling"


class TransitionRefused(VroegsignaalError):
    """The move is not in the table, not the actor's role's, or lacks an eindresultaat."""

    code = "STATUSOVERGANG_NIET_TOEGESTAAN"
    title = "Deze statusovergang is niet toegestaan"


class CaseChanged(VroegsignaalError):
    """Someone changed the zaak since its version was read (optimistic locking)."""

    code = "ZAAK_INTUSSEN_GEWIJZIGD"
    title = "De zaak is intussen door iemand anders gewijzigd"


class AlreadyAssigned(VroegsignaalError):
    """The zaak is assigned to someone else: a teamleider reassigns it, nobody claims it."""

    code = "ZAAK_AL_TOEGEWEZEN"
    title = "De zaak is al aan een collega toegewezen"


class CaseWorkRefused(VroegsignaalError):
    """The zaak's state does not allow this (closed, not picked up, not yours, a colleague
    outside the zaak's team or municipality, ...); `code` says which."""

    code = "HANDELING_NIET_MOGELIJK"
    title = "Deze handeling is nu niet mogelijk"

    def __init__(self, detail: str = "", *, code: str | None = None) -> None:
        super().__init__(detail)
        if code:
            self.code = code
