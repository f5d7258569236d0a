# SPDX-License-Identifier: EUPL-1.2
"""Worker processes from our own entry point (batch/parallel.py, ADR 0007): results,
a failure reported once and never restarted, SIGTERM and a vanished caller end the
children, and the caller's main module is never imported again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from batch.parallel import WorkerFailed, run_workers

REPO = Path(__file__).resolve().parents[2]
TARGETS = "tests.unit.parallel_targets"


def _started(folder: Path) -> list[int]:
    return sorted(int(p.name.split("-")[1]) for p in folder.glob("start-*"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purpose (reaped by whoever adopted it).
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"


def _wait_until(check, seconds: float = 20.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


def test_results_come_back_in_order_with_progress(tmp_path: Path) -> None:
    seen: list[int] = []
    out = run_workers(
        f"{TARGETS}:square",
        [{"x": x, "folder": str(tmp_path)} for x in (3, 1, 2)],
        on_progress=seen.append,
    )
    assert out == [9, 1, 4]
    assert sorted(seen) == [1, 2, 3]
    assert len(_started(tmp_path)) == 3


def test_a_failing_worker_is_reported_once_and_not_restarted(tmp_path: Path) -> None:
    start = time.monotonic()
    with pytest.raises(WorkerFailed) as failed:
        run_workers(
            f"{TARGETS}:fail_on",
            [{"x": x, "bad": 1, "folder": str(tmp_path), "total": 3} for x in range(3)],
        )
    assert str(failed.value) == (
        "worker 2 of 3 failed: VroegsignaalError: signaal 1 kon niet worden verwerkt"
    )
    assert time.monotonic() - start < 25, "the busy workers were stopped, not awaited"
    pids = _started(tmp_path)
    assert len(pids) == 3, "one process per call; nothing respawned"
    assert not any(_alive(p) for p in pids)


def test_only_a_domain_error_passes_its_message_on(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(WorkerFailed) as failed:
        run_workers(f"{TARGETS}:library_error", [{"folder": str(tmp_path), "value": "Jansen"}])
    assert str(failed.value) == "worker 1 of 1 failed: ValueError"
    out, err = capfd.readouterr()
    assert "worker failed: ValueError" in out and "library_error" in out  # the traceback
    assert "Jansen" not in out + err


def test_a_worker_that_dies_is_reported(tmp_path: Path) -> None:
    with pytest.raises(WorkerFailed, match=r"worker 1 of 1 ended \(exit code 3\) without a result"):
        run_workers(f"{TARGETS}:die", [{"folder": str(tmp_path)}])
    assert len(_started(tmp_path)) == 1


_CALLER = """
import pathlib, sys
pathlib.Path({marker!r}).open("a").write("main imported\\n")
if __name__ == "__main__":
    from batch.parallel import run_workers
    run_workers("tests.unit.parallel_targets:{target}", [{{"folder": {folder!r}}}] * 2)
    print("done")
"""


def _caller(tmp_path: Path, target: str) -> subprocess.Popen[str]:
    script = tmp_path / "caller.py"
    script.write_text(
        textwrap.dedent(
            _CALLER.format(marker=str(tmp_path / "marker"), target=target, folder=str(tmp_path))
        )
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, str(script)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_the_callers_main_module_is_not_imported_again(tmp_path: Path) -> None:
    proc = _caller(tmp_path, "touch")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0 and out.strip() == "done"
    assert err == "", "workers end cleanly, without complaints at shutdown"
    assert (tmp_path / "marker").read_text() == "main imported\n"
    assert len(_started(tmp_path)) == 2


@pytest.mark.parametrize(
    ("how", "exit_code"), [(signal.SIGTERM, 143), (signal.SIGKILL, -signal.SIGKILL)]
)
def test_stopping_the_caller_ends_its_workers(
    tmp_path: Path, how: signal.Signals, exit_code: int
) -> None:
    proc = _caller(tmp_path, "sleep")
    assert _wait_until(lambda: len(_started(tmp_path)) == 2, 60), "workers did not start"
    workers = _started(tmp_path)
    proc.send_signal(how)
    assert proc.wait(timeout=30) == exit_code
    assert _wait_until(lambda: not any(_alive(p) for p in workers)), "workers outlived the caller"
    assert len(_started(tmp_path)) == 2, "nothing was restarted"
