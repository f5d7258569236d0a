# SPDX-License-Identifier: EUPL-1.2
"""The contract's own check of one message: the same function for every door and for the
batch door's file validation (batch/frame.py), so what validation reports is what intake
does (issue 9, "one definition of the contract").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from vroegsignaal.contract.signaal import SignaalBericht
from vroegsignaal.contract.types import DROPPED, SAFE_ID_RE


@dataclass(frozen=True, slots=True)
class ContractCheck:
    """The verdict on one message: the valid `bericht`, or the `fouten` (field path and
    error code, never a value); `weggelaten` names the optional identifiers dropped
    because they broke their rule ("client.telefoonnummer:ongeldig")."""

    bericht: SignaalBericht | None
    fouten: list[dict[str, Any]] = field(default_factory=list)
    weggelaten: list[str] = field(default_factory=list)


def check_message(data: Mapping[str, Any]) -> ContractCheck:
    """Validate one decoded message strictly against the contract (contract/signaal.py)."""
    dropped: list[str] = []
    try:
        bericht = SignaalBericht.model_validate(data, context={DROPPED: dropped})
    except ValidationError as exc:
        return ContractCheck(None, contract_errors(exc), dropped)
    return ContractCheck(bericht, [], dropped)


def contract_errors(exc: ValidationError) -> list[dict[str, Any]]:
    """Field path and error type only: pydantic's messages may echo the (personal) input."""
    return [
        {"veld": ".".join(str(p) for p in e["loc"]), "fout": e["type"]}
        for e in exc.errors(include_input=False, include_url=False, include_context=False)
    ]


def safe_id(value: Any) -> str | None:
    """`value` when it has the form of a contract id (types.SAFE_ID), else None: only such
    a value is echoed in a refusal (anything else could be personal data)."""
    if isinstance(value, str) and SAFE_ID_RE.fullmatch(value):
        return value
    return None
