# SPDX-License-Identifier: EUPL-1.2
"""The audit trail on PostgreSQL: hash chain, tamper detection by `audit verify`, the
append-only application role, the purge of an old prefix through audit_purge, and the
privacy officer's question."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.casework import World, new_zaak
from vroegsignaal.accounts.principal import SystemPrincipal
from vroegsignaal.audit.log import record, verify, who_looked
from vroegsignaal.cases.detail import personal_data, zaak_detail
from vroegsignaal.storage.db import session_factory
from vroegsignaal.storage.tables import AuditLog, Zaak

pytestmark = pytest.mark.integration


def _rows(session: Session, n: int, start: dt.datetime | None = None) -> None:
    for i in range(n):
        moment = (start or dt.datetime.now(dt.UTC)) + dt.timedelta(minutes=i)
        record(session, SystemPrincipal("test"), actie="test.schrijven", doel="test",
               resultaat="ok", details={"i": i}, now=moment)
        session.commit()


def test_reads_are_logged_and_a_privacy_officer_can_ask(pg_session: Session, world: World
                                                       ) -> None:
    zaak_id = new_zaak(pg_session)
    worker = world.principal(pg_session, "schuldhulpverlener", request_id="req-0000-lezen")
    zaak_detail(pg_session, worker, zaak_id)
    people = personal_data(pg_session, worker, zaak_id)
    assert people[0]["achternaam"] == "Testhuizen"
    key = pg_session.execute(sa.select(Zaak.huishouden_sleutel)).scalar_one()
    seen = who_looked(pg_session, huishouden_sleutel=key)
    assert [(a.actor, a.rollen, a.actie, a.doel, a.trace_id) for a in seen] == [
        (f"gebruiker:{world.users['schuldhulpverlener']}", "schuldhulpverlener", "zaak.lezen",
         "vroegsignalering.behandeling", "req-0000-lezen"),
        (f"gebruiker:{world.users['schuldhulpverlener']}", "schuldhulpverlener",
         "persoonsgegevens.lezen", "vroegsignalering.behandeling", "req-0000-lezen"),
    ]
    # The log itself holds no personal data.
    dump = str(pg_session.execute(sa.select(AuditLog)).scalars().all()) + str(
        [r.details for r in pg_session.execute(sa.select(AuditLog)).scalars()])
    assert "Testhuizen" not in dump and "Proefstraat" not in dump
    assert verify(pg_session).ok


def test_verify_finds_a_changed_and_a_removed_row(
    pg_url: str, pg_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _rows(pg_session, 5)
    report = verify(pg_session)
    assert (report.ok, report.checked, report.head_volgnummer) == (True, 5, 5)
    pg_session.execute(sa.text("UPDATE audit_log SET doel = 'iets anders' WHERE volgnummer = 3"))
    pg_session.commit()
    changed = verify(pg_session)
    assert (changed.ok, changed.fout, changed.volgnummer) == (False, "gewijzigd", 3)
    pg_session.execute(sa.text("UPDATE audit_log SET doel = 'test' WHERE volgnummer = 3"))
    pg_session.execute(sa.text("DELETE FROM audit_log WHERE volgnummer = 4"))
    pg_session.commit()
    removed = verify(pg_session)
    assert (removed.ok, removed.fout, removed.volgnummer) == (False, "ontbreekt", 4)
    # The command line says the same, and fails.
    from cli import app
    from vroegsignaal.config import get_settings

    monkeypatch.setenv("VROEGSIGNAAL_DATABASE_URL", pg_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["audit", "verify"])
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert result.exit_code == 1, result.output
    assert "ontbreekt" in result.output and "4" in result.output


@pytest.fixture
def app_role_url(pg_url: str, postgres_admin_url: sa.URL) -> Iterator[str]:
    """A login role of the application group (migration 0012), as a deployment makes it."""
    name = f"vs_app_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT",
                             poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE ROLE {name} LOGIN PASSWORD 'app' IN ROLE "
                             "vroegsignaal_toepassing"))
    yield make_url(pg_url).set(username=name, password="app").render_as_string(
        hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP OWNED BY {name}"))
        conn.execute(sa.text(f"DROP ROLE {name}"))
    admin.dispose()


def test_the_application_role_cannot_change_or_delete_the_log(
    app_role_url: str, pg_session: Session
) -> None:
    engine = sa.create_engine(app_role_url, poolclass=sa.pool.NullPool)
    with Session(engine) as app:
        _rows(app, 3, start=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))  # INSERT works
        for statement in ("UPDATE audit_log SET doel = 'x'", "DELETE FROM audit_log",
                          "TRUNCATE audit_log", "DELETE FROM audit_anker"):
            with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
                app.execute(sa.text(statement))
            app.rollback()
        # The purge still works, through the SECURITY DEFINER function, as a whole prefix.
        _rows(app, 2)  # recent rows stay
        gone = app.execute(sa.text("SELECT audit_purge(:p)"), {"p": dt.date(2026, 6, 1)}
                           ).scalars().all()
        app.commit()
        assert len(gone) == 3
        report = verify(app)
        assert (report.ok, report.checked, report.head_volgnummer) == (True, 2, 5)
    engine.dispose()
    # A prefix removed without the purge's anchor is found.
    pg_session.execute(sa.text("DELETE FROM audit_log WHERE volgnummer = 4"))
    pg_session.commit()
    assert verify(pg_session).fout == "begin"


def test_a_chain_on_sqlite_too(sqlite_url: str) -> None:
    with session_factory(sqlite_url)() as s:
        _rows(s, 4, start=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
        _rows(s, 1)
        assert verify(s).ok
        from vroegsignaal.audit.log import purge_prefix

        assert len(purge_prefix(s, dt.date(2026, 6, 1))) == 4
        s.commit()
        assert (verify(s).ok, verify(s).head_volgnummer) == (True, 5)
