# SPDX-License-Identifier: EUPL-1.2
"""Refuse to start without real keys outside development and demo mode."""

from __future__ import annotations

import os
from pathlib import Path

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


def test_folders_default_to_absolute_paths_and_refuse_relative_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("BATCH_INBOX", "BATCH_WORK_DIR", "MODEL_DIR"):
        monkeypatch.delenv(f"VROEGSIGNAAL_{name}", raising=False)
    s = Settings(env="development")
    for name in ("batch_inbox", "batch_work_dir", "model_dir"):
        assert getattr(s, name).startswith("/var/lib/vroegsignaal/")
    with pytest.raises(ConfigurationError, match="VROEGSIGNAAL_BATCH_INBOX must be an absolute"):
        Settings(env="development", batch_inbox="var/batch/inbox")


def test_the_worker_count_is_decided_in_one_place() -> None:
    sqlite = Settings(env="development")
    pg = Settings(env="development", database_url="postgresql+psycopg://x@h/db")
    assert (pg.file_workers(), pg.file_workers(4), pg.file_workers(writes=False)) == (2, 4, 2)
    assert (sqlite.file_workers(), sqlite.file_workers(4)) == (1, 1)  # one SQLite writer
    assert sqlite.file_workers(writes=False) == 2  # validation writes nothing


def test_a_missing_or_unwritable_folder_stops_the_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vroegsignaal.config import require_folder

    assert require_folder("batch_inbox", str(tmp_path)) == tmp_path
    with pytest.raises(ConfigurationError, match=r"VROEGSIGNAAL_BATCH_INBOX=.*does not exist"):
        require_folder("batch_inbox", str(tmp_path / "nergens"))
    (tmp_path / "bestand").write_text("")
    with pytest.raises(ConfigurationError, match="is not a folder"):
        require_folder("model_dir", str(tmp_path / "bestand"))
    locked = tmp_path / "dicht"
    locked.mkdir(mode=0o555)  # readable, not writable
    if os.geteuid() == 0:  # root may write anywhere: answer as a service account would
        monkeypatch.setattr(os, "access", lambda path, mode: not (mode & os.W_OK))
    with pytest.raises(ConfigurationError, match="is not writable for this process"):
        require_folder("batch_work_dir", str(locked))
    locked.chmod(0o755)
