# SPDX-License-Identifier: EUPL-1.2
"""Seeds reference data and default settings; existing (admin-edited) rows are left alone."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from vroegsignaal.eligibility.rules import default_settings
from vroegsignaal.reference import load_reference
from vroegsignaal.storage.tables import Gemeente, GemeenteInstelling, table_of


def seed_reference(session: Session) -> tuple[int, int]:
    """Insert missing municipalities and default settings; returns the counts inserted."""
    ref = load_reference()
    have_gm = set(session.execute(select(Gemeente.gemeentecode)).scalars())
    new_gm = [
        {"gemeentecode": g.gemeentecode, "naam": g.naam, "inwoners": g.inwoners}
        for g in ref.gemeenten.values()
        if g.gemeentecode not in have_gm
    ]
    if new_gm:
        session.execute(table_of(Gemeente).insert(), new_gm)
    defaults = default_settings()
    have_set = set(session.execute(select(GemeenteInstelling.gemeentecode)).scalars())
    new_set = [
        {"gemeentecode": code, "actief": True, **defaults}
        for code in ref.gemeenten
        if code not in have_set
    ]
    if new_set:
        session.execute(table_of(GemeenteInstelling).insert(), new_set)
    session.commit()
    return len(new_gm), len(new_set)


def prepare_database(url: str) -> None:
    """Migrate to head and seed: what `vroegsignaal db upgrade` and the fixtures do."""
    from vroegsignaal.storage.db import session_scope
    from vroegsignaal.storage.migrate import upgrade

    upgrade(url)
    with session_scope(url) as session:
        seed_reference(session)
