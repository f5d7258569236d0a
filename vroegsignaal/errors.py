# SPDX-License-Identifier: EUPL-1.2
"""Domain errors carry a stable code; messages name ids, never people."""

from __future__ import annotations


class VroegsignaalError(Exception):
    """Base of every domain error; `code` is stable and used by the API and dead letters."""

    code = "VROEGSIGNAAL_FOUT"
    title = "Er ging iets mis"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title


class UnknownFileFormat(VroegsignaalError):
    """A signal file that is neither .jsonl nor .csv."""

    code = "ONBEKEND_BESTANDSFORMAAT"
    title = "Bestandsformaat niet ondersteund"


class DecryptionError(VroegsignaalError):
    """Ciphertext that does not authenticate, or whose key is not in the key ring."""

    code = "ONTSLEUTELEN_MISLUKT"
    title = "Gegevens konden niet worden ontsleuteld"


# Access: who may do what (vroegsignaal/accounts). The API maps each to its HTTP status
# (api/errors.py); the core knows nothing of HTTP.


class NotAuthenticated(VroegsignaalError):
    """No valid login: no session, an expired or ended one, or an unknown API key (401)."""

    code = "NIET_GEAUTHENTICEERD"
    title = "Niet aangemeld"


class Forbidden(VroegsignaalError):
    """Authenticated, but this role may never do this (403)."""

    code = "GEEN_TOEGANG"
    title = "Geen toegang"


class NotFound(VroegsignaalError):
    """The resource does not exist, or lies outside the caller's municipalities (404)."""

    code = "NIET_GEVONDEN"
    title = "Niet gevonden"


class Conflict(VroegsignaalError):
    """The request clashes with the current state, e.g. a name that is taken (409)."""

    code = "CONFLICT"
    title = "Conflict met de huidige toestand"


class TooManyAttempts(VroegsignaalError):
    """Login refused for now after repeated failures (429); `retry_after` in whole seconds."""

    code = "TE_VEEL_POGINGEN"
    title = "Te veel mislukte pogingen; probeer het later opnieuw"

    def __init__(self, retry_after: int, detail: str = "") -> None:
        super().__init__(detail)
        self.retry_after = max(1, retry_after)


class ServiceUnavailable(VroegsignaalError):
    """A service outside vroegsignaal that a request needs does not answer (503)."""

    code = "DIENST_NIET_BESCHIKBAAR"
    title = "Een benodigde dienst is niet bereikbaar"


class CodedRefusal(VroegsignaalError):
    """A refusal whose stable code names the rule that refused, chosen where it is raised
    (`code=`); the class's own `code` is the general one."""

    def __init__(self, detail: str = "", *, code: str | None = None) -> None:
        super().__init__(detail)
        if code:
            self.code = code
