# SPDX-License-Identifier: EUPL-1.2
"""The case-work errors, each with a stable code, as kinds of the shared access errors
of vroegsignaal/errors.py (api/errors.py maps the kinds to HTTP): 404 `CaseNotFound`,
403 `Forbidden` (the shared one, re-exported), 409 `CaseChanged` and `AlreadyAssigned`,
422 `TransitionRefused` and `CaseWorkRefused`. Messages name ids and codes, never people."""

from __future__ import annotations

from vroegsignaal.errors import Conflict, Forbidden, NotFound, VroegsignaalError

__all__ = [
    "AlreadyAssigned", "CaseChanged", "CaseNotFound", "CaseWorkRefused", "Forbidden",
    "TransitionRefused",
]


class CaseNotFound(NotFound):
    """No zaak with that id, or none the principal may know of (another municipality's)."""

    code = "ZAAK_NIET_GEVONDEN"
    title = "Zaak niet gevonden"


class TransitionRefused(VroegsignaalError):
    """The move is not in the table, not the actor's role's, or lacks an eindresultaat."""

    code = "STATUSOVERGANG_NIET_TOEGESTAAN"
    title = "Deze statusovergang is niet toegestaan"


class CaseChanged(Conflict):
    """Someone changed the zaak since its version was read (optimistic locking)."""

    code = "ZAAK_INTUSSEN_GEWIJZIGD"
    title = "De zaak is intussen door iemand anders gewijzigd"


class AlreadyAssigned(Conflict):
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
