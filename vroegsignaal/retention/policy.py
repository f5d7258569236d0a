# SPDX-License-Identifier: EUPL-1.2
"""The retention policy: which records the purge may delete, and when.

Loaded from vroegsignaal/retention/bewaartermijnen.yaml (or the file named by
VROEGSIGNAAL_RETENTION_POLICY_FILE) and checked against the DDAS vocabularies, so a
misspelt status cannot silently keep (or delete) data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from vroegsignaal.config import Settings, get_settings
from vroegsignaal.contract.enums import Signaalstatus
from vroegsignaal.errors import VroegsignaalError

STAGES = ("processed", "quarantine")
ACCEPTED = frozenset({Signaalstatus.NOG_NIET_OPGEPAKT, Signaalstatus.OPGEPAKT})


class RetentionPolicyError(VroegsignaalError):
    """The policy file has an unknown key, a non-DDAS status or result, or a bad term."""

    code = "ONGELDIG_BEWAARBELEID"
    title = "Het bewaarbeleid is ongeldig"


@dataclass(frozen=True)
class RetentionPolicy:
    """The retention terms, checked against the DDAS vocabularies (bewaartermijnen.yaml)."""

    # months after receipt that a refusal row (ids and codes only) is kept
    weigering_maanden: int = 6
    # months after its day that an intake batch row (counts only) is kept
    intake_batch_maanden: int = 24
    # months after receipt, per DDAS signal status, for signals without a case
    signaal_zonder_zaak_maanden: dict[str, int] = field(default_factory=dict)
    # days after a delivered file was finished, per stage
    batchbestand_dagen: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RetentionPolicy:
        """Check and build the policy from the YAML's data; raises RetentionPolicyError."""
        known = {
            "weigering_maanden",
            "intake_batch_maanden",
            "signaal_zonder_zaak_maanden",
            "batchbestand_dagen",
        }
        if "zaak_behouden_bij_eindresultaat" in data:
            raise RetentionPolicyError(
                "zaak_behouden_bij_eindresultaat: no zaak is kept by its result any more; "
                "record a legal ground on the zaak (ADR 0018, retention/grounds.py)")
        if unknown := set(data) - known:
            raise RetentionPolicyError(f"unknown keys: {sorted(unknown)}")
        statuses = {s.value for s in Signaalstatus}
        months = dict(data.get("signaal_zonder_zaak_maanden") or {})
        for status, term in months.items():
            # An accepted signal ("Nog niet opgepakt", then "Opgepakt") always has a zaak.
            if status not in statuses or status in ACCEPTED:
                raise RetentionPolicyError(f"{status!r} is not a status of a signal without case")
            if not isinstance(term, int) or term < 1:
                raise RetentionPolicyError(f"{status!r}: the term is a whole number of months >= 1")
        days = dict(data.get("batchbestand_dagen") or {})
        for stage, term in days.items():
            if stage not in STAGES or not isinstance(term, int) or term < 0:
                raise RetentionPolicyError(f"batchbestand_dagen.{stage}: days >= 0 per stage")
        terms = {}
        for key in ("weigering_maanden", "intake_batch_maanden"):
            term = data.get(key, getattr(cls, key))
            if not isinstance(term, int) or term < 1:
                raise RetentionPolicyError(f"{key}: a whole number of months >= 1")
            terms[key] = term
        return cls(
            signaal_zonder_zaak_maanden=months,
            batchbestand_dagen=days,
            **terms,
        )

    @classmethod
    def cached(cls, settings: Settings | None = None) -> RetentionPolicy:
        """`load`, once per policy file and process (the intake asks for it per batch)."""
        settings = settings or get_settings()
        return _cached(settings.retention_policy_file)

    @classmethod
    def load(cls, settings: Settings | None = None) -> RetentionPolicy:
        """Read the policy file (VROEGSIGNAAL_RETENTION_POLICY_FILE, or the packaged one)."""
        settings = settings or get_settings()
        if settings.retention_policy_file:
            text = Path(settings.retention_policy_file).read_text(encoding="utf-8")
        else:
            text = (
                resources.files(__package__)
                .joinpath("bewaartermijnen.yaml")
                .read_text(encoding="utf-8")
            )
        return cls.from_dict(yaml.safe_load(text) or {})


@lru_cache(maxsize=4)
def _cached(policy_file: str) -> RetentionPolicy:
    return RetentionPolicy.load(Settings.model_construct(retention_policy_file=policy_file))
