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
    code = "ONBEKEND_BESTANDSFORMAAT"
    title = "Bestandsformaat niet ondersteund"


class DecryptionError(VroegsignaalError):
    code = "ONTSLEUTELEN_MISLUKT"
    title = "Gegevens konden niet worden ontsleuteld"
