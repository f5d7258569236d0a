# SPDX-License-Identifier: EUPL-1.2
"""Refuse to start without real keys outside development and demo mode."""

from __future__ import annotations

import pytest

from vroegsignaal.config import DEV_ENCRYPTION_KEY, ConfigurationError, Settings


def test_production_without_keys_refuses() -> None:
    with pytest.raises(ConfigurationError, match="ENCRYPTION_KEY"):
        Settings(env="production", encryption_key="", hmac_key="")


def test_production_with_placeholder_refuses() -> None:
    with pytest.raises(ConfigurationError, match="placeholder"):
        Settings(env="production", encryption_key=DEV_ENCRYPTION_KEY, hmac_key="x" * 44)
    with pytest.raises(ConfigurationError, match="placeholder"):
        Settings(env="production", encryption_key="k1:changeme", hmac_key="x" * 44)


def test_demo_falls_back_to_development_keys() -> None:
    s = Settings(env="demo", encryption_key="", hmac_key="")
    assert s.encryption_key == DEV_ENCRYPTION_KEY and s.hmac_key


def test_env_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VROEGSIGNAAL_DATABASE_URL", "postgresql+psycopg://x@h/db")
    monkeypatch.setenv("VROEGSIGNAAL_ENV", "development")
    assert Settings().is_postgres
