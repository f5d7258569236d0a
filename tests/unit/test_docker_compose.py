# SPDX-License-Identifier: EUPL-1.2
"""docker-compose.yml only names entry points that exist, and runs Airflow as the batch
door needs it: from the lock file, on PostgreSQL, with its folders and logs on volumes.

Docker cannot run in the test environment; these tests read the file, the Dockerfile and
the project (Airflow's own command table, vroegsignaal's settings) instead.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import shlex
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"


def _compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


SERVICES: dict = _compose()["services"]


def _argv(command: str | list[str]) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else [str(a) for a in command]


def _subcommands(command) -> dict | None:
    """The sub-commands of a command group, None for a leaf command.

    Duck-typed: recent Typer versions ship their own copy of Click, so a group
    is not necessarily a `click.Group`.
    """
    commands = getattr(command, "commands", None)
    return commands if isinstance(commands, dict) else None


def _check_vroegsignaal(args: list[str]) -> None:
    import typer

    from cli import app

    command = typer.main.get_command(app)
    path = ["vroegsignaal"]
    for arg in args:
        commands = _subcommands(command)
        if arg.startswith("-") or commands is None:
            break  # options, or arguments of a leaf command
        assert arg in commands, (
            f"`{' '.join(path)}` has no sub-command {arg!r}; registered: {sorted(commands)}"
        )
        command = commands[arg]
        path.append(arg)
    assert len(path) > 1, "`vroegsignaal` needs a sub-command"
    assert _subcommands(command) is None, f"`{' '.join(path)}` is a group, not a command"


def _check_uvicorn(args: list[str]) -> None:
    targets = [a for a in args if not a.startswith("-") and ":" in a]
    assert targets, f"no module:attribute in uvicorn {args}"
    module_name, _, attribute = targets[0].partition(":")
    module_file = REPO_ROOT.joinpath(*module_name.split("."))
    assert module_file.with_suffix(".py").is_file() or (module_file / "__init__.py").is_file(), (
        f"module {module_name} not found in the project"
    )
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    module = importlib.import_module(module_name)
    assert hasattr(module, attribute), f"{module_name} defines no {attribute!r}"


_AIRFLOW_COMMANDS = """
import json
from airflow.cli.cli_config import GroupCommand, core_commands
def walk(commands):
    return {c.name: walk(c.subcommands) if isinstance(c, GroupCommand) else None
            for c in commands}
print(json.dumps(walk(core_commands)))
"""


@lru_cache(maxsize=1)
def _airflow_commands() -> dict:
    """Airflow's command table, read in a fresh interpreter with a throwaway AIRFLOW_HOME."""
    import tempfile

    with tempfile.TemporaryDirectory() as home:
        out = subprocess.run(
            [sys.executable, "-c", _AIRFLOW_COMMANDS],
            env={**os.environ, "AIRFLOW_HOME": home},
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _check_airflow(args: list[str]) -> None:
    commands: dict | None = _airflow_commands()
    path = ["airflow"]
    for arg in args:
        if arg.startswith("-") or commands is None:
            break
        assert arg in commands, f"`{' '.join(path)}` has no sub-command {arg!r}"
        commands = commands[arg]
        path.append(arg)
    assert commands is None, f"`{' '.join(path)}` is a group, not a command"
    assert (REPO_ROOT / "dags").is_dir(), "dags/ is missing"


ENTRY_POINTS = {
    "vroegsignaal": _check_vroegsignaal,
    "uvicorn": _check_uvicorn,
    "airflow": _check_airflow,
}


AIRFLOW_SERVICES = (
    "airflow-init",
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
)


def test_compose_file_defines_the_stack():
    assert {"postgres", "kafka", "migrate", "api", "consumer", *AIRFLOW_SERVICES} <= set(SERVICES)


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_service_has_image_or_build(name):
    service = SERVICES[name]
    assert service.get("image") or service.get("build"), f"{name}: neither image nor build"
    build = service.get("build")
    if build:
        if isinstance(build, str):
            build = {"context": build}
        context = build.get("context", ".")
        dockerfile = build.get("dockerfile", "Dockerfile")
        assert (REPO_ROOT / context / dockerfile).is_file(), f"{name}: no {dockerfile} in {context}"


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_depends_on_names_defined_services(name):
    depends_on = SERVICES[name].get("depends_on") or []
    names = list(depends_on)  # list form, or the keys of the mapping form
    unknown = set(names) - set(SERVICES)
    assert not unknown, f"{name} depends on undefined services {sorted(unknown)}"


@pytest.mark.parametrize(
    "name", sorted(n for n, s in SERVICES.items() if s.get("command") or s.get("entrypoint"))
)
def test_command_entry_point_exists(name):
    service = SERVICES[name]
    argv = _argv(service.get("entrypoint") or []) + _argv(service.get("command") or [])
    program = Path(argv[0]).name
    assert program in ENTRY_POINTS, (
        f"{name}: unknown entry point {program!r}; teach this test how to check it"
    )
    ENTRY_POINTS[program](argv[1:])


# -- Airflow as the batch door needs it -----------------------------------------------

_DEFAULT = re.compile(r"\$\{(\w+):-([^}]*)\}")


def _env(name: str) -> dict[str, str]:
    """A service's environment with `${VAR:-default}` resolved to the default."""
    env = SERVICES[name].get("environment") or {}
    return {k: _DEFAULT.sub(lambda m: m.group(2), str(v)) for k, v in env.items()}


def _mounts(name: str) -> dict[str, str]:
    """Container path -> named volume of a service (bind mounts are left out)."""
    out = {}
    for spec in SERVICES[name].get("volumes") or []:
        source, target = spec.split(":")[:2]
        if source in (_compose().get("volumes") or {}):
            out[target] = source
    return out


def _volume_of(name: str, path: str) -> str | None:
    for target, volume in _mounts(name).items():
        if path == target or path.startswith(target.rstrip("/") + "/"):
            return volume
    return None


@pytest.mark.parametrize("name", AIRFLOW_SERVICES)
def test_airflow_runs_the_project_image_installed_from_the_lock_file(name):
    service = SERVICES[name]
    assert service.get("build") and not service.get("image"), f"{name}: the project's image"
    assert "_PIP_ADDITIONAL_REQUIREMENTS" not in _env(name), "no packages installed at start"
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    assert re.search(r"uv pip install .*-r requirements\.lock", dockerfile)
    pins = (REPO_ROOT / "requirements.lock").read_text()
    assert re.search(r"^apache-airflow==", pins, re.M), "Airflow is in the lock file"


@pytest.mark.parametrize("name", AIRFLOW_SERVICES)
def test_airflow_keeps_its_metadata_in_postgresql(name):
    env = _env(name)
    for key in ("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC"):
        assert env[key].startswith("postgresql+psycopg://") and env[key].endswith(
            "@postgres:5432/airflow"
        )
    init = [v for v in SERVICES["postgres"]["volumes"] if "docker-entrypoint-initdb.d" in v]
    script = REPO_ROOT / init[0].split(":")[0]
    assert "CREATE DATABASE airflow" in script.read_text()
    assert env["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"].startswith(
        "http://airflow-apiserver:8080/"
    )


def test_airflow_logs_are_on_a_volume_the_api_server_reads():
    logs = _env("airflow-scheduler")["AIRFLOW__LOGGING__BASE_LOG_FOLDER"]
    volumes = {
        _volume_of(n, logs)
        for n in ("airflow-scheduler", "airflow-apiserver", "airflow-dag-processor")
    }
    assert len(volumes) == 1 and None not in volumes, volumes


def test_batch_folders_are_absolute_on_shared_volumes_and_pass_the_settings(monkeypatch):
    from vroegsignaal.config import Settings

    env = _env("airflow-scheduler")  # the LocalExecutor runs the tasks in the scheduler
    for key in (
        "VROEGSIGNAAL_BATCH_INBOX",
        "VROEGSIGNAAL_BATCH_WORK_DIR",
        "VROEGSIGNAAL_MODEL_DIR",
    ):
        assert Path(env[key]).is_absolute(), key
        assert _volume_of("airflow-scheduler", env[key]), f"{key} is not on a volume"
    models = _volume_of("airflow-scheduler", env["VROEGSIGNAAL_MODEL_DIR"])
    for reader in ("api", "consumer"):  # they score with the promoted model
        assert _volume_of(reader, _env(reader)["VROEGSIGNAAL_MODEL_DIR"]) == models
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    for path in (
        env["VROEGSIGNAAL_BATCH_INBOX"],
        env["VROEGSIGNAAL_MODEL_DIR"],
        "/opt/airflow/logs",
    ):
        assert path in dockerfile, f"{path}: created in the image, so a new volume gets its owner"
    for key, value in env.items():
        if key.startswith("VROEGSIGNAAL_"):
            monkeypatch.setenv(key, value)
    settings = Settings()
    assert settings.batch_inbox == env["VROEGSIGNAAL_BATCH_INBOX"]


def test_only_the_purge_waits_to_be_unpaused():
    """New DAGs start paused; the DAG files unpause all but retention_purge (its first run
    must come after a dry run; tests/dags/test_dag_integrity.py checks the DAG side)."""
    assert _env("airflow-scheduler")["AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION"] == "true"
    for dag in (REPO_ROOT / "dags").glob("[!_]*.py"):
        flag = re.search(r"is_paused_upon_creation=(True|False)", dag.read_text())
        assert flag, f"{dag.name} says whether it starts paused"
        assert (flag.group(1) == "True") == (dag.stem == "retention_purge"), dag.name


def test_scheduler_starts_after_the_api_server_answers():
    for name in ("airflow-scheduler", "airflow-dag-processor"):
        needs = SERVICES[name]["depends_on"]["airflow-apiserver"]
        assert needs["condition"] == "service_healthy"
    assert SERVICES["airflow-apiserver"]["healthcheck"]["test"]
