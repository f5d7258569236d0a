# SPDX-License-Identifier: EUPL-1.2
"""One typed settings object, read once from VROEGSIGNAAL_* environment variables."""

from __future__ import annotations

import base64
import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Development keys: fixed, public and therefore refused outside development and demo.
DEV_ENCRYPTION_KEY = base64.b64encode(b"vroegsignaal-dev-aes-key-000000!").decode()
DEV_HMAC_KEY = base64.b64encode(b"vroegsignaal-dev-hmac-key-00000!").decode()
DEFAULT_DATABASE_URL = "sqlite:///var/vroegsignaal.sqlite3"
# Folders default to absolute paths under one root, so that no process depends on the
# directory it was started in (docs/batch-intake.md, "Configuration").
DATA_DIR = "/var/lib/vroegsignaal"
DEFAULT_BATCH_INBOX = f"{DATA_DIR}/batch/inbox"
DEFAULT_BATCH_WORK_DIR = f"{DATA_DIR}/batch"
DEFAULT_MODEL_DIR = f"{DATA_DIR}/models"
FOLDER_SETTINGS = ("batch_inbox", "batch_work_dir", "model_dir")


class ConfigurationError(RuntimeError):
    """Raised at start-up when the configuration is unsafe or incomplete."""


class Settings(BaseSettings):
    """Runtime configuration; `.env.example` lists every variable."""

    model_config = SettingsConfigDict(env_prefix="VROEGSIGNAAL_", env_file=None, extra="ignore")

    env: Literal["production", "test", "development", "demo"] = "production"
    database_url: str = DEFAULT_DATABASE_URL
    # base64 of 32 random bytes; "kid:base64" pairs separated by commas allow rotation,
    # the first one encrypts, all of them decrypt.
    encryption_key: str = ""
    hmac_key: str = ""
    batch_size: int = 5000
    log_level: str = "INFO"
    # Batch intake and the scheduled work (dags/, docs/batch-intake.md).
    batch_inbox: str = DEFAULT_BATCH_INBOX  # one folder per schuldeiser code below it
    batch_work_dir: str = DEFAULT_BATCH_WORK_DIR  # processing/, processed/, quarantine/
    batch_max_invalid_fraction: float = 0.01  # more invalid rows than this: quarantine
    # Worker processes for one file's validation and intake (batch door and CLI); see
    # `file_workers`, the one place that decides how many run.
    batch_workers: int = 2
    batch_min_file_age_seconds: int = 60  # a file must be this still before pickup
    expectations_dir: str = ""  # default: expectations/ next to the vroegsignaal package
    retention_policy_file: str = ""  # default: vroegsignaal/retention/bewaartermijnen.yaml
    # Registry of trained eviction-risk models (models/registry.py); scoring uses its
    # promoted model and falls back to the transparent rule when there is none.
    model_dir: str = DEFAULT_MODEL_DIR
    # Alerts when a scheduled job fails (vroegsignaal/alerts.py): always a log line, and
    # each channel configured here.
    alert_webhook_url: str = ""  # POST, JSON
    alert_email_to: str = ""  # comma-separated addresses
    alert_email_from: str = "vroegsignaal@localhost"
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_user: str = ""  # set: STARTTLS and login
    smtp_password: str = ""
    alert_channel: str = ""  # "package.module:function", called with the Alert
    # Accounts and login (docs/adr/0012-authentication-sessions-oidc-api-keys.md).
    # Creditor API keys are rows of `api_sleutel` (`vroegsignaal keys api ...`), no longer
    # settings.
    # Where users reach the service, e.g. https://vroegsignaal.gemeente.nl: the OIDC
    # redirect URI and the allowed Origin of state-changing requests derive from it.
    public_url: str = ""
    session_idle_minutes: int = Field(default=30, ge=1)  # ended after this long unused
    session_absolute_hours: int = Field(default=10, ge=1)  # ended this long after login
    # TOTP second factor for password logins. None: required except in development and
    # demo mode. Admins always need it (BIO: MFA for accounts reachable over the internet).
    totp_required: bool | None = None
    # Back-off and lockout: failures per account name (also for names that do not exist,
    # so the answers tell nothing about which accounts exist) and per source address.
    login_max_failures: int = Field(default=5, ge=1)
    login_source_max_failures: int = Field(default=50, ge=1)
    login_failure_window_minutes: int = Field(default=15, ge=1)
    login_lockout_minutes: int = Field(default=15, ge=1)  # doubles with each further failure
    # OpenID Connect against the municipality's identity provider (production login).
    oidc_issuer: str = ""  # discovery: <issuer>/.well-known/openid-configuration
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_scope: str = "openid profile email"
    # Claim names and value maps: claim value -> role / team name; an empty map takes the
    # values as they are. Values without a mapping give nothing.
    oidc_roles_claim: str = "vroegsignaal_rollen"
    oidc_role_map: dict[str, str] = {}
    oidc_municipalities_claim: str = "vroegsignaal_gemeenten"
    oidc_team_claim: str = "vroegsignaal_team"
    oidc_team_map: dict[str, str] = {}
    # How long a rotated API key keeps working next to its successor (hours).
    api_key_overlap_hours: int = Field(default=168, ge=0)
    # Where offer letters and SMS texts go out (vroegsignaal/offers/outbox.py): "file:<folder>"
    # for development, the demo and tests; production plugs in its post and SMS service.
    offer_outbox: str = "file:var/outbox"
    # Creditor uploads in the web app (batch/upload.py): the largest file accepted.
    upload_max_bytes: int = Field(default=10_000_000, ge=1000)
    # The theme of pages that belong to no municipality (login, creditor pages): a CBS code
    # whose theme to use, or "" for the neutral default.
    default_theme: str = ""
    # `vroegsignaal serve`: proxies whose X-Forwarded-For/-Proto are trusted (comma list).
    forwarded_allow_ips: str = "127.0.0.1"
    # KPI regions (vroegsignaal/kpi/regions.py); default: vroegsignaal/kpi/regions.yaml.
    kpi_regions_file: str = ""
    # DDAS delivery to CBS (vroegsignaal/ddas/, docs/ddas.md).
    ddas_code_gegevensleverancier: str = "VROEGSIGNAAL"  # agreed with the DDAS programme
    ddas_organisatie_naam: str = ""  # default: "Gemeente <naam>"
    ddas_organisatie_kvk: str = ""
    ddas_signing_key_file: str = ""  # PEM private key of the signing certificate
    ddas_signing_cert_file: str = ""  # PEM chain, signing certificate first
    ddas_signing_kid: str = "vroegsignaal-ddas"
    ddas_trust_anchors_file: str = ""  # PEM CAs the callers' request signatures chain to
    ddas_oauth_issuer: str = ""  # the OAuth 2.0 server that issues CBS's access tokens
    ddas_oauth_clients: list[str] = ["cbs-ddas"]  # client ids allowed to pull
    ddas_export_dir: str = "var/ddas"  # where the DAG writes deliveries and reports
    ddas_gemeenten: list[str] = []  # the municipalities this installation delivers for

    @model_validator(mode="after")
    def _keys(self) -> Settings:
        if self.env in ("development", "demo"):
            self.encryption_key = self.encryption_key or DEV_ENCRYPTION_KEY
            self.hmac_key = self.hmac_key or DEV_HMAC_KEY
            return self
        for name in ("encryption_key", "hmac_key"):
            value = getattr(self, name)
            if not value:
                raise ConfigurationError(
                    f"VROEGSIGNAAL_{name.upper()} is required outside development and demo mode"
                )
            if value in (DEV_ENCRYPTION_KEY, DEV_HMAC_KEY) or "changeme" in value.lower():
                raise ConfigurationError(
                    f"VROEGSIGNAAL_{name.upper()} is a placeholder; generate a real key"
                )
        if self.oidc_issuer and (
            not self.oidc_client_id
            or not self.oidc_client_secret
            or "changeme" in self.oidc_client_secret.lower()
        ):
            raise ConfigurationError(
                "VROEGSIGNAAL_OIDC_CLIENT_ID and a real VROEGSIGNAAL_OIDC_CLIENT_SECRET are "
                "required when VROEGSIGNAAL_OIDC_ISSUER is set"
            )
        if self.env == "production" and self.public_url.startswith("http://"):
            raise ConfigurationError("VROEGSIGNAAL_PUBLIC_URL must be https in production")
        return self

    @property
    def totp_required_for_all(self) -> bool:
        """Whether every password login needs TOTP (admins need it regardless)."""
        if self.totp_required is None:
            return self.env not in ("development", "demo")
        return self.totp_required

    @model_validator(mode="after")
    def _absolute_folders(self) -> Settings:
        for name in FOLDER_SETTINGS:
            if not Path(getattr(self, name)).is_absolute():
                raise ConfigurationError(
                    f"VROEGSIGNAAL_{name.upper()} must be an absolute path; a relative one "
                    "would depend on the directory a process was started in"
                )
        return self

    @property
    def is_postgres(self) -> bool:
        """The database is PostgreSQL (the system of record), not the embedded SQLite."""
        return self.database_url.startswith("postgresql")

    def file_workers(self, requested: int | None = None, *, writes: bool = True) -> int:
        """Worker processes for one file: `requested` (the CLI's `--workers`), else
        VROEGSIGNAAL_BATCH_WORKERS. Writing to SQLite uses one: SQLite takes one writer at a
        time, more processes would only wait for each other. Validation (`writes=False`)
        uses them on any database."""
        workers = max(1, requested or self.batch_workers)
        return workers if self.is_postgres or not writes else 1


def require_folder(name: str, value: str) -> Path:
    """The configured folder `name` (a Settings field) as a Path; refuses to go on when it
    is missing or this process cannot write in it.

    Raises ConfigurationError naming the variable, the folder and what to do. Services call
    this before they touch a folder (the DAG tasks, at their start), so a missing volume
    stops the work with a clear message instead of an empty inbox or a half-written file.
    """
    variable = f"VROEGSIGNAAL_{name.upper()}"
    path = Path(value)
    if not path.is_dir():
        what = "is not a folder" if path.exists() else "does not exist"
        raise ConfigurationError(
            f"{variable}={value} {what}; create it (or mount the volume) before starting, "
            "or point the variable at the right folder"
        )
    if not os.access(path, os.W_OK | os.X_OK):
        raise ConfigurationError(
            f"{variable}={value} is not writable for this process (uid {os.getuid()})"
        )
    return path


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests call `get_settings.cache_clear()` after changing env."""
    return Settings()
