# SPDX-License-Identifier: EUPL-1.2
"""retention_purge end to end with dag.test() and PostgreSQL: the dry run deletes nothing,
the real run removes exactly the expired records and its log proves it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from tests.dags.conftest import run_dag
from tests.integration.batch.scenarios import build_retention_scenario
from vroegsignaal.storage.tables import Signaal, VerwijderLog, Zaak

pytestmark = pytest.mark.integration
PEILDATUM = "2026-10-01"  # a run parameter: the scheduler never starts future logical dates


def _logged(session: Session, run_id: str) -> dict[str, set[Any]]:
    out: dict[str, set[Any]] = {}
    for row in session.scalars(select(VerwijderLog).where(VerwijderLog.run_id == run_id)):
        out.setdefault(row.tabel, set()).update(row.ids)
    return out


def test_dry_run_then_purge(dagbag: Any, vroegsignaal_env: dict[str, Any]) -> None:
    engine = create_engine(vroegsignaal_env["database_url"])
    with Session(engine) as session:
        scenario = build_retention_scenario(session)
        signals_before = len(session.scalars(select(Signaal.id)).all())

    refused = run_dag(dagbag, "retention_purge", conf={"peildatum": PEILDATUM})
    assert refused.state == "failed" and refused.tasks["purge_database"] == "failed"
    assert refused.tasks["purge_batch_files"] == "upstream_failed", "nothing before a dry run"
    with Session(engine) as session:
        assert len(session.scalars(select(Signaal.id)).all()) == signals_before

    dry = run_dag(dagbag, "retention_purge", conf={"dry_run": True, "peildatum": PEILDATUM})
    assert dry.state == "success", dry.tasks
    planned = dry.xcom["purge_database"]
    assert planned["dry_run"] is True and planned["verwijderd"] == {}
    assert planned["gepland"] == {t: len(ids) for t, ids in scenario.delete.items()}
    with Session(engine) as session:
        assert len(session.scalars(select(Signaal.id)).all()) == signals_before
        assert session.scalars(select(VerwijderLog)).all() == []

    real = run_dag(dagbag, "retention_purge", conf={"peildatum": PEILDATUM})
    assert real.state == "success", real.tasks
    assert real.xcom["purge_database"]["verwijderd"] == {
        t: len(ids) for t, ids in scenario.delete.items()
    }
    with Session(engine) as session:
        assert _logged(session, real.run_id) == scenario.delete
        remaining = set(session.scalars(select(Signaal.id)))
        assert not remaining & scenario.delete["signaal"]
        assert scenario.keep["signaal"] <= remaining
        assert scenario.keep["zaak"] <= set(session.scalars(select(Zaak.id)))
    engine.dispose()
