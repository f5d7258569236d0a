# SPDX-License-Identifier: EUPL-1.2
"""docker-compose.yml only names entry points that exist in this project."""

from __future__ import annotations

import importlib
import shlex
import sys
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


def _check_airflow(args: list[str]) -> None:
    assert (REPO_ROOT / "dags").is_dir(), "dags/ is missing"


ENTRY_POINTS = {
    "vroegsignaal": _check_vroegsignaal,
    "uvicorn": _check_uvicorn,
    "airflow": _check_airflow,
}


def test_compose_file_defines_the_stack():
    assert {"postgres", "kafka", "migrate", "api", "consumer", "airflow"} <= set(SERVICES)


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
