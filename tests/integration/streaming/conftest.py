# SPDX-License-Identifier: EUPL-1.2
"""Fixtures for the Kafka door tests: synthetic streams and the real services."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import orjson
import pytest

from tests.integration.streaming.streaming_helpers import (
    CREATED_TOPICS,
    REPO_ROOT,
    SENDER_KEYS,
    Message,
    delete_created_topics,
    free_port,
    keyed,
)
from vroegsignaal.dates import add_months, month_start, today

SENDER_KEYS_ENV = "VROEGSIGNAAL_KAFKA_SENDER_KEYS"


@pytest.fixture(autouse=True, scope="session")
def _sender_keys() -> Iterator[None]:
    """The creditors' sender keys, for every consumer and producer of these tests."""
    saved = os.environ.get(SENDER_KEYS_ENV)
    os.environ[SENDER_KEYS_ENV] = orjson.dumps(SENDER_KEYS).decode()
    yield
    if saved is None:
        os.environ.pop(SENDER_KEYS_ENV, None)
    else:
        os.environ[SENDER_KEYS_ENV] = saved


@pytest.fixture(autouse=True, scope="session")
def _delete_test_topics() -> Iterator[None]:
    """Topics made by these tests hold up to 100,000 messages each: remove them after."""
    yield
    delete_created_topics()


@pytest.fixture(scope="session")
def synthetic_messages() -> list[Message]:
    """100,000 calibrated synthetic signals (all municipalities, two months ending about
    ten months ago), keyed by municipality as `vroegsignaal send` keys them."""
    from synthetic import all_gemeentecodes, generate_signals

    start = add_months(month_start(today()), -11)
    records = generate_signals(
        gemeenten=all_gemeentecodes(), start=start, months=2, seed=3
    )
    messages = keyed(islice(records, 100_000))
    assert len(messages) == 100_000
    return messages


def _script(name: str, *args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        ["bash", str(REPO_ROOT / "scripts" / "services" / f"{name}.sh"), *args],
        cwd=REPO_ROOT, env={**os.environ, **env}, capture_output=True, text=True,
        timeout=300, check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"{name}.sh {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}",
                    pytrace=False)
    return result.stdout.strip()


@dataclass
class OwnService:
    """A service instance this test module owns and may stop and start at will."""

    name: str
    env: dict[str, str]
    address: str

    def start(self) -> None:
        _script(self.name, "start", env=self.env)

    def stop(self) -> None:
        _script(self.name, "stop", env=self.env)


@pytest.fixture(scope="module")
def own_kafka() -> Iterator[OwnService]:
    """A second broker from the same cached jars, on free ports, for restarts."""
    port, controller = free_port(), free_port()
    state = REPO_ROOT / "var" / f"kafka-test-{uuid.uuid4().hex[:8]}"
    env = {
        "VROEGSIGNAAL_KAFKA_PORT": str(port),
        "VROEGSIGNAAL_KAFKA_CONTROLLER_PORT": str(controller),
        "VROEGSIGNAAL_KAFKA_STATE_DIR": str(state),
    }
    service = OwnService("kafka", env, f"127.0.0.1:{port}")
    service.start()
    try:
        yield service
    finally:
        service.stop()
        shutil.rmtree(state, ignore_errors=True)
        CREATED_TOPICS.pop(service.address, None)  # gone with the broker


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[OwnService]:
    """A second PostgreSQL cluster on a free port, for outages; its URL is `address`."""
    port = free_port()
    base = REPO_ROOT / "var" / f"postgres-test-{uuid.uuid4().hex[:8]}"
    env = {"VROEGSIGNAAL_POSTGRES_PORT": str(port), "VROEGSIGNAAL_POSTGRES_DIR": str(base)}
    service = OwnService("postgres", env, "")
    service.start()
    service.address = _script("postgres", "url", env=env)
    data = (base / "data").resolve()
    try:
        yield service
    finally:
        service.stop()
        shutil.rmtree(data, ignore_errors=True)
        Path(f"{data}.log").unlink(missing_ok=True)
        shutil.rmtree(base, ignore_errors=True)
