# SPDX-License-Identifier: EUPL-1.2
"""Alerts for the people who run vroegsignaal: a scheduled job failed.

An `Alert` names the job (DAG, task, run, try) and why, never data: the reason is the
error's class, plus its message only for domain errors (`VroegsignaalError`), whose
messages name ids and never people. It goes to every configured channel:

- the log, always (an ERROR line, so the task log shows it too);
- a webhook: `VROEGSIGNAAL_ALERT_WEBHOOK_URL` gets the alert as JSON (POST), for a chat
  room or an incident tool;
- e-mail: `VROEGSIGNAAL_ALERT_EMAIL_TO` (comma-separated) through
  `VROEGSIGNAAL_SMTP_HOST`/`_PORT`, from `VROEGSIGNAAL_ALERT_EMAIL_FROM`, STARTTLS and login
  when `VROEGSIGNAAL_SMTP_USER` is set;
- your own: `VROEGSIGNAAL_ALERT_CHANNEL=package.module:function`, called with the Alert.

A channel that fails is logged and does not stop the others (or the job's own result).
The DAGs call `send` from their failure callbacks (dags/_alerting.py).
"""

from __future__ import annotations

import importlib
import json
import logging
import smtplib
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass
from email.message import EmailMessage

from vroegsignaal.config import ConfigurationError, Settings
from vroegsignaal.errors import VroegsignaalError

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
Channel = Callable[["Alert"], None]


@dataclass(frozen=True, slots=True)
class Alert:
    """What failed and why; ids and codes only."""

    dag_id: str
    run_id: str
    task_id: str | None
    try_number: int | None
    reden: str  # error class (and a domain error's message), or the scheduler's reason

    @property
    def summary(self) -> str:
        """One line for a mail subject or chat message: what failed, in which run, why."""
        where = f"{self.dag_id}.{self.task_id}" if self.task_id else self.dag_id
        attempt = f" (poging {self.try_number})" if self.try_number else ""
        return f"vroegsignaal: {where} mislukt in run {self.run_id}{attempt}: {self.reden}"


def describe(exc: BaseException | None, fallback: str = "onbekend") -> str:
    """The error as an alert may carry it: the code and message of the domain or
    configuration error behind it (the task may have wrapped it, `raise ... from`), else its
    class only: a library's message may echo a value from the data."""
    if exc is None:
        return fallback
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, VroegsignaalError):
            return f"{cause.code}: {cause.detail}"[:500]
        if isinstance(cause, ConfigurationError):
            return f"{type(cause).__name__}: {cause}"[:500]
        cause = cause.__cause__
    return type(exc).__name__


def webhook(url: str) -> Channel:
    """A channel that POSTs the alert as JSON to `url` (urllib raises on an HTTP error status)."""
    def post(alert: Alert) -> None:
        body = json.dumps({**asdict(alert), "tekst": alert.summary}).encode()
        request = urllib.request.Request(
            url, data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            response.read()

    return post


def email(settings: Settings) -> Channel:
    """A channel that mails the alert through the configured SMTP host."""
    def mail(alert: Alert) -> None:
        message = EmailMessage()
        message["Subject"] = alert.summary[:200]
        message["From"] = settings.alert_email_from
        message["To"] = settings.alert_email_to
        message.set_content(
            alert.summary
            + "\n\n"
            + "\n".join(f"{k}: {v}" for k, v in asdict(alert).items())
            + "\n\nZie de taaklog in Airflow en docs/batch-intake.md.\n"
        )
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS) as smtp:
            if settings.smtp_user:
                smtp.starttls()
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(message)

    return mail


def _custom(target: str) -> Channel:
    module, _, name = target.partition(":")
    channel: Channel = getattr(importlib.import_module(module), name)
    return channel


def channels(settings: Settings) -> dict[str, Channel]:
    """The configured channels by name (the log is not one of them: it is always used)."""
    out: dict[str, Channel] = {}
    if settings.alert_webhook_url:
        out["webhook"] = webhook(settings.alert_webhook_url)
    if settings.alert_email_to:
        out["email"] = email(settings)
    if settings.alert_channel:
        out[settings.alert_channel] = _custom(settings.alert_channel)
    return out


def send(alert: Alert, settings: Settings | None) -> list[str]:
    """Log the alert and hand it to every configured channel; the channels that failed.

    Without settings (the configuration itself is broken) only the log line goes out.
    """
    log.error("%s", alert.summary)
    failed = []
    for name, channel in (channels(settings) if settings else {}).items():
        try:
            channel(alert)
        except Exception as exc:  # one broken channel must not hide the alert elsewhere
            log.error("alert channel %s failed: %s", name, type(exc).__name__)
            failed.append(name)
    return failed
