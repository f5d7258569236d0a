# SPDX-License-Identifier: EUPL-1.2
"""The inbox layout: which files are picked up, and moves that can be repeated."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from batch.folders import (
    BatchFileError,
    BatchFolders,
    claim,
    find_deliveries,
    finish,
    inbox_file,
)


@pytest.fixture
def folders(tmp_path: Path) -> BatchFolders:
    f = BatchFolders(tmp_path / "inbox", tmp_path / "work")
    (f.inbox / "WBV-A").mkdir(parents=True)
    return f


def _file(path: Path, age_seconds: float = 600) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("signaalId\n")
    stamp = time.time() - age_seconds
    os.utime(path, (stamp, stamp))
    return path


def test_only_complete_files_in_schuldeiser_folders_are_found(folders: BatchFolders) -> None:
    inbox = folders.inbox
    _file(inbox / "WBV-A" / "b.jsonl", age_seconds=900)
    _file(inbox / "WBV-A" / "a.csv", age_seconds=600)
    _file(inbox / "WBV-A" / "nieuw.csv", age_seconds=5)  # may still be written
    _file(inbox / "WBV-A" / "deel.csv.part")
    _file(inbox / "WBV-A" / ".verborgen.csv")
    _file(inbox / "WBV-A" / "notities.txt")
    _file(inbox / "los.csv")  # no schuldeiser folder
    _file(inbox / "rare map!" / "x.csv")
    found = find_deliveries(folders, min_age_seconds=60)
    assert [d.relative for d in found] == ["WBV-A/b.jsonl", "WBV-A/a.csv"]  # oldest first
    assert [d.schuldeiser for d in found] == ["WBV-A", "WBV-A"]


def test_a_redelivered_file_is_a_new_delivery(folders: BatchFolders) -> None:
    path = _file(folders.inbox / "WBV-A" / "a.csv", age_seconds=600)
    (first,) = find_deliveries(folders, min_age_seconds=60)
    path.write_text("signaalId\nS-2\n")
    os.utime(path, (time.time() - 300, time.time() - 300))
    (second,) = find_deliveries(folders, min_age_seconds=60)
    assert (first.size, first.mtime_ns) != (second.size, second.mtime_ns)  # register.py: new


def test_a_missing_inbox_is_an_error_not_an_empty_inbox(tmp_path: Path) -> None:
    with pytest.raises(BatchFileError, match="inbox does not exist"):
        find_deliveries(BatchFolders(tmp_path / "nergens", tmp_path), min_age_seconds=0)


def test_log_lines_name_no_file(folders: BatchFolders, caplog: pytest.LogCaptureFixture) -> None:
    _file(folders.inbox / "WBV-A" / "Jansen-Pietersen.txt")
    _file(folders.inbox / "de Vries.csv")
    _file(folders.inbox / "WBV-A" / "Bakker.csv")
    found = find_deliveries(folders, min_age_seconds=60)
    claim(folders, found[0].relative, "L0123456789abcdef")
    for name in ("Jansen", "Vries", "Bakker"):
        assert name not in caplog.text


@pytest.mark.parametrize(
    "relative", ["../etc/passwd", "WBV-A/../../x.csv", "x.csv", "/abs/x.csv", "WBV-A/sub/x.csv"]
)
def test_paths_outside_a_schuldeiser_folder_are_refused(
    folders: BatchFolders, relative: str
) -> None:
    with pytest.raises(BatchFileError):
        inbox_file(folders, relative)


def test_claim_and_finish_can_be_repeated(folders: BatchFolders) -> None:
    _file(folders.inbox / "WBV-A" / "a.csv")
    claimed = claim(folders, "WBV-A/a.csv", "manual__2026-03-12T10:00:00+00:00")
    assert claimed.is_file() and not (folders.inbox / "WBV-A" / "a.csv").exists()
    assert claim(folders, "WBV-A/a.csv", "manual__2026-03-12T10:00:00+00:00") == claimed
    (claimed.parent / "rapport.json").write_text("{}")
    done = finish(folders, claimed, "processed")
    assert done.is_file() and (done.parent / "rapport.json").is_file()
    assert finish(folders, claimed, "processed") == done
    assert claim(folders, "WBV-A/a.csv", "manual__2026-03-12T10:00:00+00:00") == done
    with pytest.raises(BatchFileError):
        claim(folders, "WBV-A/a.csv", "another-run")
