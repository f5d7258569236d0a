# SPDX-License-Identifier: EUPL-1.2
"""`vroegsignaal train | evaluate`: the eviction-risk model and its registry (models/).

Both work on any data set in the training format (models/README.md); without a file they
generate synthetic, labelled data with the seeded generator.
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    import pandas as pd

    from models.registry import GateDecision, ModelRegistry

console = Console()


def _model_dir(option: Path | None) -> Path:
    # Not through Settings: training needs no encryption keys. One default (config.py).
    from vroegsignaal.config import DEFAULT_MODEL_DIR

    return option or Path(os.environ.get("VROEGSIGNAAL_MODEL_DIR") or DEFAULT_MODEL_DIR)


class _Clock:
    """Progress lines with the elapsed time (the registry's own log lines are quieted)."""

    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        logging.getLogger("models").setLevel(logging.WARNING)

    def __call__(self, message: str) -> None:
        console.print(f"[dim]{time.perf_counter() - self.t0:7.1f} s[/dim]  {message}")


def _synthetic(seed: int, schaal: float, maanden: int, say: _Clock) -> pd.DataFrame:
    from models.synthetic import training_set

    return training_set(seed=seed, scale=schaal, months=maanden, progress=say).frame


def _data(
    path: Path | None,
    seed: int,
    schaal: float,
    maanden: int,
    say: _Clock,
    bewaar: Path | None,
    naam: str,
) -> Any:
    from models.data import read_training_frame, write_training_frame

    if path is not None:
        say(f"{naam} lezen uit {path}")
        return read_training_frame(path)
    frame = _synthetic(seed, schaal, maanden, say)
    if bewaar is not None:
        target = write_training_frame(frame, bewaar / f"{naam}-seed{seed}.csv.gz")
        say(f"{naam} bewaard in {target}")
    return frame


def _metrics_table(rows: dict[str, dict[str, float]]) -> Table:
    table = Table("meting", *rows.keys())
    names = list(next(iter(rows.values())).keys())
    for name in names:
        table.add_row(name, *(f"{r.get(name, float('nan')):.4f}" for r in rows.values()))
    return table


def _print_decision(decision: GateDecision) -> None:
    table = Table("toets", "waarde", "grens", "geslaagd")
    for c in decision.checks:
        value = "–" if c.waarde is None else f"{c.waarde:.4f}"
        table.add_row(c.naam, value, f"{c.grens:g}", "ja" if c.geslaagd else "[red]nee[/red]")
    console.print(table)
    verdict = "[green]promoveren[/green]" if decision.promoveren else "[red]niet promoveren[/red]"
    console.print(f"Promotiepoort voor {decision.kandidaat}: {verdict}")


def _gate(registry: ModelRegistry, report: dict, holdout: Any, say: _Clock) -> GateDecision:
    current = registry.promoted()
    current_report = None
    if current is not None and current.versie != report["versie"]:
        say(f"huidig model {current.versie} op dezelfde toetsdata meten")
        current_report = registry.evaluate(current, holdout)
    return registry.gate(report, current_report)


def train(
    data: Annotated[
        Path | None,
        typer.Argument(exists=True, dir_okay=False, help="Training data (CSV, training format)"),
    ] = None,
    toetsdata: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="Held-out data; default: generated"),
    ] = None,
    model_dir: Annotated[
        Path | None, typer.Option(help="Model registry; default $VROEGSIGNAAL_MODEL_DIR")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of generated data and of the model")] = 1,
    schaal: Annotated[float, typer.Option(help="Generated data: rate multiplier")] = 1.0,
    maanden: Annotated[int, typer.Option(help="Generated data: months")] = 12,
    promoveer: Annotated[
        bool, typer.Option(help="Promote when the gate passes (else only register)")
    ] = False,
    bewaar_data: Annotated[
        Path | None, typer.Option(help="Folder to keep generated data sets in")
    ] = None,
) -> None:
    """Train a model, register it, evaluate it on held-out data and apply the gate."""
    from models.pipeline import ModelConfig
    from models.registry import ModelRegistry

    say = _Clock()
    registry = ModelRegistry(_model_dir(model_dir))
    frame = _data(data, seed, schaal, maanden, say, bewaar_data, "trainingsdata")
    candidate = registry.train_candidate(frame, config=ModelConfig(random_state=seed), progress=say)
    say(f"geregistreerd als {candidate.versie} in {registry.root}")
    holdout = _data(toetsdata, seed + 1000, 1.0, maanden, say, bewaar_data, "toetsdata")
    report = registry.evaluate(candidate, holdout, progress=say)
    from models.evaluate import summary

    console.print(_metrics_table({candidate.versie: summary(report)}))
    decision = _gate(registry, report, holdout, say)
    _print_decision(decision)
    if promoveer and decision.promoveren:
        registry.promote(candidate, decision, door="vroegsignaal train")
        say(f"{candidate.versie} gepromoveerd: de intake scoort nu met dit model")
    elif promoveer:
        raise typer.Exit(code=1)


def evaluate(
    data: Annotated[
        Path | None,
        typer.Argument(exists=True, dir_okay=False, help="Held-out data (CSV, training format)"),
    ] = None,
    versie: Annotated[
        str | None, typer.Option(help="Model version; default: promoted, else the newest")
    ] = None,
    model_dir: Annotated[
        Path | None, typer.Option(help="Model registry; default $VROEGSIGNAAL_MODEL_DIR")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of generated held-out data")] = 1001,
    schaal: Annotated[float, typer.Option(help="Generated data: rate multiplier")] = 1.0,
    maanden: Annotated[int, typer.Option(help="Generated data: months")] = 12,
    publiceer: Annotated[
        Path | None,
        typer.Option(help="Write model-card.md and algoritmeregister.{md,json} to this folder"),
    ] = None,
    organisatie: Annotated[str | None, typer.Option(help="Algoritmeregister: organisatie")] = None,
    contact: Annotated[str | None, typer.Option(help="Algoritmeregister: contactgegevens")] = None,
    dpia_status: Annotated[
        str | None, typer.Option(help="niet gestart | in uitvoering | afgerond")
    ] = None,
) -> None:
    """Evaluate a registered model on held-out data: report, model card, register entry."""
    from models import algoritmeregister, model_card
    from models.evaluate import summary
    from models.registry import ModelRegistry

    say = _Clock()
    registry = ModelRegistry(_model_dir(model_dir))
    versions = registry.versions()
    if versie is None:
        chosen = registry.promoted() or (versions[-1] if versions else None)
        if chosen is None:
            console.print(f"[red]Geen model in {registry.root}; train eerst.[/red]")
            raise typer.Exit(code=1)
        versie = chosen.versie
    holdout = _data(data, seed, schaal, maanden, say, None, "toetsdata")
    report = registry.evaluate(versie, holdout, progress=say)
    console.print(_metrics_table({versie: summary(report)}))
    v = registry.version(versie)
    say(f"rapport en modelkaart bij {v.path}")
    if publiceer is not None:
        publiceer.mkdir(parents=True, exist_ok=True)
        (publiceer / "model-card.md").write_text(model_card.markdown(v.card, report), "utf-8")
        fields = {
            k: val
            for k, val in {
                "organisatie": organisatie,
                "contact": contact,
                "dpia_status": dpia_status,
            }.items()
            if val is not None
        }
        entry = algoritmeregister.entry(v.card, report, algoritmeregister.Publicatie(**fields))
        (publiceer / "algoritmeregister.json").write_text(
            json.dumps(entry, ensure_ascii=False, indent=2) + "\n", "utf-8"
        )
        (publiceer / "algoritmeregister.md").write_text(algoritmeregister.markdown(entry), "utf-8")
        say(f"model-card.md en algoritmeregister.{{md,json}} geschreven naar {publiceer}")
