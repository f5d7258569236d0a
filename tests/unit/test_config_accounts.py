# SPDX-License-Identifier: EUPL-1.2
"""The login settings: every setting documented, unsafe OIDC and URL settings refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from vroegsignaal.config import ConfigurationError, Settings

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"encryption_key": "k1:" + "A" * 43 + "=", "hmac_key": "B" * 43 + "="}


def test_every_setting_is_in_env_example() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    missing = [f for f in Settings.model_fields if f"VROEGSIGNAAL_{f.upper()}=" not in example]
    assert missing == []


def test_oidc_needs_a_client_and_a_real_secret() -> None:
    with pytest.raises(ConfigurationError, match="OIDC_CLIENT"):
        Settings(env="production", oidc_issuer="https://idp.example", **KEYS)
    with pytest.raises(ConfigurationError, match="OIDC_CLIENT"):
        Settings(
            env="production",
            oidc_issuer="https://idp.example",
            oidc_client_id="vs",
            oidc_client_secret="changeme",
            **KEYS,
        )


def test_production_public_url_must_be_https() -> None:
    with pytest.raises(ConfigurationError, match="https"):
        Settings(env="production", public_url="http://vroegsignaal.example", **KEYS)
    assert Settings(env="test", public_url="http://127.0.0.1:8000", **KEYS).public_url


@pytest.mark.parametrize(
    ("env", "required"),
    [("production", True), ("test", True), ("demo", False), ("development", False)],
)
def test_totp_required_by_default_outside_development_and_demo(env: str, required: bool) -> None:
    settings = Settings(env=env, **KEYS)  # type: ignore[arg-type]
    assert settings.totp_required_for_all is required
    assert (
        Settings(env=env, totp_required=not required, **KEYS).totp_required_for_all is not required
    )  # type: ignore[arg-type]
