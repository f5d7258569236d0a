# SPDX-License-Identifier: EUPL-1.2
"""Where delivered files live and how they move: inbox -> processing -> processed | quarantine.

    <inbox>/<schuldeiser>/<file>.csv|.jsonl             the schuldeiser delivers here
    <work>/processing/<schuldeiser>/<levering>/<file>     claimed by one intake run
    <work>/processed/<schuldeiser>/<levering>/            file, rapport.json, rapport.md
    <work>/quarantine/<schuldeiser>/<levering>/           idem, nothing was ingested

The folder name under the inbox is the schuldeiser code: the transfer service (SFTP or
similar) gives each schuldeiser write access to its own folder only, so the folder is
its authenticated identity. `<levering>` is the delivery's opaque id
(batch/register.py). Every move is a rename, and every step can be repeated:
a retried task finds the file where the previous attempt left it. Log lines and errors
name schuldeiser codes and delivery ids, never a file name: a schuldeiser may have made
one from a person's name.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from batch.files import SUFFIXES
from vroegsignaal.config import Settings, get_settings, require_folder
from vroegsignaal.dates import AMSTERDAM
from vroegsignaal.errors import VroegsignaalError

log = logging.getLogger(__name__)

_CODE = re.compile(r"^[\w.\-:]{1,64}$")
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
# Being written: hidden files and the usual temporary suffixes are left alone.
_IN_PROGRESS = (".part", ".tmp", ".filepart", ".partial", ".crdownload")


class BatchFileError(VroegsignaalError):
    code = "BATCHBESTAND_ONBRUIKBAAR"
    title = "Batchbestand kan niet worden verwerkt"


@dataclass(frozen=True, slots=True)
class BatchFolders:
    inbox: Path
    work: Path

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> BatchFolders:
        settings = settings or get_settings()
        return cls(Path(settings.batch_inbox), Path(settings.batch_work_dir))

    @classmethod
    def checked(cls, settings: Settings | None = None) -> BatchFolders:
        """The folders, after `require_folder`: raises ConfigurationError when the inbox or
        the work folder is missing or not writable."""
        settings = settings or get_settings()
        return cls(
            require_folder("batch_inbox", settings.batch_inbox),
            require_folder("batch_work_dir", settings.batch_work_dir),
        )

    @property
    def processing(self) -> Path:
        return self.work / "processing"

    @property
    def processed(self) -> Path:
        return self.work / "processed"

    @property
    def quarantine(self) -> Path:
        return self.work / "quarantine"


@dataclass(frozen=True, slots=True)
class Delivery:
    """A file in the inbox, ready to be picked up."""

    schuldeiser: str
    path: Path
    size: int
    mtime_ns: int

    @property
    def relative(self) -> str:
        return f"{self.schuldeiser}/{self.path.name}"

    @property
    def ontvangen_op(self) -> dt.date:
        """The day the file arrived, in Dutch time: the receipt date of its signals."""
        return dt.datetime.fromtimestamp(self.mtime_ns / 1e9, AMSTERDAM).date()


def safe_name(value: str) -> str:
    return _UNSAFE.sub("-", value)[:200]


def find_deliveries(
    folders: BatchFolders, *, min_age_seconds: int, now: float | None = None
) -> list[Delivery]:
    """Complete files in schuldeiser folders, oldest first; the rest is logged and left."""
    now = time.time() if now is None else now
    found: list[Delivery] = []
    if not folders.inbox.is_dir():
        raise BatchFileError("the batch inbox does not exist (VROEGSIGNAAL_BATCH_INBOX)")
    for entry in sorted(folders.inbox.iterdir()):
        if entry.is_file() and not entry.name.startswith("."):
            log.warning("a file directly in the inbox, not in a schuldeiser folder; left alone")
            continue
        if not entry.is_dir() or entry.name.startswith("."):
            continue
        if not _CODE.fullmatch(entry.name):
            log.warning("inbox folder %r is not a schuldeiser code; left alone", entry.name)
            continue
        for path in sorted(entry.iterdir()):
            if not path.is_file() or path.name.startswith("."):
                continue
            if path.name.lower().endswith(_IN_PROGRESS):
                continue
            if path.suffix.lower() not in SUFFIXES:
                log.warning("a file of %s is not CSV or JSONL; left alone", entry.name)
                continue
            stat = path.stat()
            if now - stat.st_mtime < min_age_seconds:
                continue  # may still be written
            found.append(Delivery(entry.name, path, stat.st_size, stat.st_mtime_ns))
    found.sort(key=lambda d: (d.mtime_ns, d.relative))
    return found


def inbox_file(folders: BatchFolders, relative: str) -> tuple[str, Path]:
    """(schuldeiser, path) of `schuldeiser/file` in the inbox; refuses anything outside it."""
    parts = Path(relative).parts
    if len(parts) != 2 or not _CODE.fullmatch(parts[0]) or parts[1] in (".", ".."):
        raise BatchFileError("expected <schuldeiser>/<file> in the inbox")
    return parts[0], folders.inbox / parts[0] / parts[1]


def run_dir(folders: BatchFolders, stage: str, schuldeiser: str, run: str) -> Path:
    return folders.work / stage / schuldeiser / safe_name(run)


def claim(folders: BatchFolders, relative: str, run: str) -> Path:
    """Move the delivery from the inbox to this run's processing folder; repeatable."""
    schuldeiser, source = inbox_file(folders, relative)
    target = run_dir(folders, "processing", schuldeiser, run) / source.name
    if source.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(source, target)  # a rename on one file system; keeps the mtime
        log.info("claimed a file of %s for %s", schuldeiser, run)
    elif not target.is_file():
        for stage in ("processed", "quarantine"):
            done = run_dir(folders, stage, schuldeiser, run) / source.name
            if done.is_file():
                return done
        raise BatchFileError(f"{run}: the file is not in the inbox and was not claimed")
    return target


def finish(folders: BatchFolders, claimed: Path, stage: str) -> Path:
    """Move a run's folder (file and report) from processing to `stage`; repeatable."""
    if stage not in ("processed", "quarantine"):
        raise ValueError(f"unknown stage {stage!r}")
    source_dir = claimed.parent
    schuldeiser, run = source_dir.parent.name, source_dir.name
    target_dir = run_dir(folders, stage, schuldeiser, run)
    if source_dir.is_dir() and source_dir.parent.parent == folders.processing:
        target_dir.parent.mkdir(parents=True, exist_ok=True)
        if target_dir.exists():
            shutil.rmtree(target_dir)  # a previous attempt's partial move
        shutil.move(source_dir, target_dir)
        os.utime(target_dir)  # the retention of delivered files counts from here
        log.info("moved run %s of %s to %s", run, schuldeiser, stage)
    elif not target_dir.is_dir():
        raise BatchFileError(f"run folder {run} of {schuldeiser} is gone")
    return target_dir / claimed.name
