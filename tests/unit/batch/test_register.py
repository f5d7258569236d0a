# SPDX-License-Identifier: EUPL-1.2
"""The delivery register (batch/register.py): opaque ids, arrival order per
schuldeiser, one delivery of a schuldeiser at a time."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from batch import register
from batch.folders import BatchFolders, find_deliveries
from batch.register import LeveringStatus, NotNextInLine
from vroegsignaal.storage.db import session_factory


@pytest.fixture
def session(sqlite_url: str) -> Session:
    return session_factory(sqlite_url)()


@pytest.fixture
def folders(tmp_path: Path) -> BatchFolders:
    return BatchFolders(tmp_path / "inbox", tmp_path / "work")


def _deliver(folders: BatchFolders, creditor: str, name: str, minutes_ago: float) -> Path:
    path = folders.inbox / creditor / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"signaalId\n{name}\n")
    stamp = time.time() - minutes_ago * 60
    os.utime(path, (stamp, stamp))
    return path


def _scan(session: Session, folders: BatchFolders) -> list[register.BatchLevering]:
    return register.register(session, find_deliveries(folders, min_age_seconds=0))


def test_ids_are_opaque_and_a_file_is_registered_once(
    session: Session, folders: BatchFolders
) -> None:
    _deliver(folders, "WBV-A", "Jansen-mei.csv", minutes_ago=10)
    (row,) = _scan(session, folders)
    assert row.id.startswith("L") and len(row.id) == 17 and "Jansen" not in row.id
    assert (row.schuldeiser, row.bestandsnaam) == ("WBV-A", "Jansen-mei.csv")
    assert row.status == "wachtend"
    assert _scan(session, folders) == [], "a waiting file is not registered twice"


def test_a_changed_or_redelivered_file_is_a_new_delivery(
    session: Session, folders: BatchFolders
) -> None:
    path = _deliver(folders, "WBV-A", "a.csv", minutes_ago=10)
    (first,) = _scan(session, folders)
    path.write_text("signaalId\nS-2\nS-3\n")  # replaced before its run claimed it
    (second,) = _scan(session, folders)
    assert second.id != first.id
    register.start(session, first.id)
    register.finish(session, first.id, LeveringStatus.QUARANTAINE, keep_days=30)
    register.start(session, second.id)
    register.finish(session, second.id, LeveringStatus.VERWERKT, keep_days=7)
    stamp = path.stat().st_mtime  # the same file again, same time (rsync -t): a new delivery
    os.utime(path, (stamp, stamp))
    (third,) = _scan(session, folders)
    assert third.id not in (first.id, second.id)


def test_one_delivery_per_schuldeiser_runs_in_arrival_order(
    session: Session, folders: BatchFolders
) -> None:
    _deliver(folders, "WBV-A", "z-oldest.csv", minutes_ago=30)
    _deliver(folders, "WBV-A", "a-newer.csv", minutes_ago=20)
    _deliver(folders, "EN-B", "b.csv", minutes_ago=25)
    _scan(session, folders)
    names = {r.id: r.bestandsnaam for r in session.query(register.BatchLevering)}
    up = register.next_up(session)
    assert [names[r.id] for r in up] == ["z-oldest.csv", "b.csv"]
    newer = next(i for i, n in names.items() if n == "a-newer.csv")
    with pytest.raises(NotNextInLine, match="waits for levering"):
        register.start(session, newer)
    oldest = up[0].id
    assert register.start(session, oldest).status == "bezig"
    assert register.start(session, oldest).status == "bezig", "a retry may start it again"
    assert register.next_up(session)[0].id == oldest, "running still holds the line"
    done = register.finish(session, oldest, LeveringStatus.VERWERKT, keep_days=7)
    assert done.bewaren_tot is not None and done.afgerond_op is not None
    assert register.next_of(session, "WBV-A").id == newer  # type: ignore[union-attr]
    assert register.start(session, newer).status == "bezig"
    with pytest.raises(register.AlreadyFinished):
        register.start(session, oldest)  # a finished run that an operator cleared
