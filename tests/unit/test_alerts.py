# SPDX-License-Identifier: EUPL-1.2
"""Alerts for operators (vroegsignaal/alerts.py): every configured channel gets the failure,
one broken channel does not stop the others, and no data from the failure goes out."""

from __future__ import annotations

import pytest

from tests.alert_sinks import received_by_own_channel, smtp_sink, webhook_sink
from vroegsignaal.alerts import Alert, describe, send
from vroegsignaal.config import Settings
from vroegsignaal.errors import VroegsignaalError

ALERT = Alert("signal_batch_intake", "levering__L0011223344556677", "claim_file", 4, "X: y")


def _settings(**values: object) -> Settings:
    return Settings(env="development", **values)  # type: ignore[arg-type]


def test_webhook_email_and_own_channel_all_get_the_alert(caplog: pytest.LogCaptureFixture) -> None:
    received_by_own_channel.clear()
    with webhook_sink() as (url, posted), smtp_sink() as (port, mails):
        failed = send(
            ALERT,
            _settings(
                alert_webhook_url=url,
                alert_email_to="beheer@gemeente.example",
                smtp_host="127.0.0.1",
                smtp_port=port,
                alert_channel="tests.alert_sinks:own_channel",
            ),
        )
    assert failed == []
    assert posted[0]["dag_id"] == "signal_batch_intake" and posted[0]["task_id"] == "claim_file"
    assert posted[0]["tekst"] == ALERT.summary
    assert "Subject: vroegsignaal: signal_batch_intake.claim_file mislukt" in mails[0]
    assert "To: beheer@gemeente.example" in mails[0]
    assert received_by_own_channel == [ALERT]
    assert ALERT.summary in caplog.text  # the log line, always


def test_a_broken_channel_does_not_stop_the_others(caplog: pytest.LogCaptureFixture) -> None:
    with webhook_sink() as (url, posted):
        failed = send(
            ALERT,
            _settings(
                alert_webhook_url=url,
                alert_email_to="beheer@gemeente.example",
                smtp_host="127.0.0.1",
                smtp_port=1,  # nothing listens
            ),
        )
    assert failed == ["email"] and len(posted) == 1
    assert "alert channel email failed: ConnectionRefusedError" in caplog.text


def test_only_domain_messages_are_passed_on() -> None:
    class Refused(VroegsignaalError):
        code = "TEST_CODE"

    assert describe(Refused("levering L1 waits for levering L0")) == (
        "TEST_CODE: levering L1 waits for levering L0"
    )
    # A library's message may echo a value from the data: only the class goes out.
    assert describe(ValueError("invalid input syntax: 'Jansen'")) == "ValueError"
    assert describe(None) == "onbekend"
    try:  # a DAG task wraps the domain error to fail without retries
        raise RuntimeError("AirflowFailException") from Refused("no dry run")
    except RuntimeError as wrapped:
        assert describe(wrapped) == "TEST_CODE: no dry run"
