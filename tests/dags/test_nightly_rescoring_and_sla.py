# SPDX-License-Identifier: EUPL-1.2
"""nightly_rescoring_and_sla end to end with dag.test() and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from tests.dags.conftest import run_dag
from tests.factories import signaal
from vroegsignaal.intake.pipeline import run_intake
from vroegsignaal.storage.tables import WerkvoorraadItem

pytestmark = pytest.mark.integration


def test_nightly_run_rescores_and_marks_overdue_with_counts_in_the_log(
    dagbag: Any, vroegsignaal_env: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_engine(vroegsignaal_env["database_url"])
    with Session(engine) as session:
        run_intake(
            [
                signaal(
                    signaalId=f"N-{i}",
                    klantreferentie=f"KN-{i}",
                    client__huisnummer=str(i + 1),
                    crisissignaal=i == 0,
                )
                for i in range(4)
            ],
            session=session,
            source="test",
            ontvangen_op=dt.date(2026, 3, 12),
        )
    caplog.set_level(logging.INFO, logger="vroegsignaal")
    # 27 March: 14 days after 12 March have passed.
    result = run_dag(dagbag, "nightly_rescoring_and_sla", conf={"peildatum": "2026-03-27"})

    assert result.state == "success", result.tasks
    report = result.xcom["report"]
    assert report["herscoring"]["open_items"] == 4
    assert report["herscoring"]["herberekend"] == 0  # intake stored the fingerprints
    assert report["sla"] == {
        "peildatum": "2026-03-27",
        "te_laat_op_peildatum": 4,
        "waarvan_crisis": 1,
        "totaal_te_laat_open": 4,
        "per_gemeente": {"GM0344": 4},
    }
    assert "overdue_today=4" in caplog.text and "rescored=0" in caplog.text
    with Session(engine) as session:
        marks = set(session.scalars(select(WerkvoorraadItem.te_laat_sinds)))
        assert marks == {dt.date(2026, 3, 27)}
        assert None not in set(session.scalars(select(WerkvoorraadItem.score_invoer)))
    engine.dispose()

    second = run_dag(dagbag, "nightly_rescoring_and_sla", conf={"peildatum": "2026-03-28"})
    assert second.xcom["report"]["herscoring"]["herberekend"] == 0
    assert second.xcom["report"]["sla"]["te_laat_op_peildatum"] == 0
    assert second.xcom["report"]["sla"]["totaal_te_laat_open"] == 4
