# SPDX-License-Identifier: EUPL-1.2
"""Great Expectations suites: plain JSON in expectations/, run in an ephemeral context.

A suite file is a GX 1.x ExpectationSuite as JSON (`name`, `expectations`, `meta`).
House rules on top (STYLE.md rule 12, checked here before GX sees the file):

- every expectation has `meta.code` (stable, unique in the suite, what reports name),
  `meta.severity` (fatal, error or warning) and a non-empty `meta.why`;
- `meta.identificerend: true` marks checks on identifying columns; no result ever
  carries unexpected values (`exclude_unexpected_values`), so reports hold counts
  and line numbers only;
- `meta.include` (suite level) lists shared files under expectations/shared/ whose
  expectations are added to the suite.

GX is imported inside the functions: DAG files and the CLI stay light to import.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vroegsignaal.config import Settings, get_settings
from vroegsignaal.errors import VroegsignaalError

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

SEVERITIES = ("fatal", "error", "warning")
_REPO_EXPECTATIONS = Path(__file__).resolve().parents[1] / "expectations"


class SuiteError(VroegsignaalError):
    code = "ONGELDIGE_SUITE"
    title = "Expectation suite voldoet niet aan de huisregels"


def expectations_dir(settings: Settings | None = None) -> Path:
    settings = settings or get_settings()
    return Path(settings.expectations_dir) if settings.expectations_dir else _REPO_EXPECTATIONS


def load_suite_dict(name: str, directory: Path | None = None) -> dict[str, Any]:
    """The suite `name` (file expectations/<name>.json) with its includes, checked."""
    directory = directory or expectations_dir()
    path = directory / f"{name}.json"
    try:
        suite = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SuiteError(f"{path.name}: {exc}") from exc
    if not isinstance(suite, dict) or not isinstance(suite.get("expectations"), list):
        raise SuiteError(f"{path.name}: a suite is an object with a list 'expectations'")
    meta = suite.setdefault("meta", {})
    for shared in meta.get("include", []):
        part = json.loads((directory / shared).read_text(encoding="utf-8"))
        suite["expectations"].extend(part["expectations"])
    check_suite(suite, source=path.name)
    return suite


def check_suite(suite: dict[str, Any], *, source: str) -> None:
    """The house rules; raises SuiteError naming the first problem."""
    if suite.get("name") != Path(source).stem:
        raise SuiteError(f"{source}: 'name' must equal the file name without .json")
    codes: set[str] = set()
    for i, exp in enumerate(suite["expectations"]):
        where = f"{source} expectation {i}"
        if not isinstance(exp, dict) or not str(exp.get("type", "")).startswith("expect_"):
            raise SuiteError(f"{where}: needs a 'type' naming a GX expectation")
        meta = exp.get("meta") or {}
        code = meta.get("code")
        if not isinstance(code, str) or not code or code in codes:
            raise SuiteError(f"{where}: meta.code must be a unique, non-empty string")
        codes.add(code)
        if meta.get("severity") not in SEVERITIES:
            raise SuiteError(f"{where} ({code}): meta.severity must be one of {SEVERITIES}")
        if not isinstance(meta.get("why"), str) or not meta["why"].strip():
            raise SuiteError(f"{where} ({code}): meta.why must explain the check")
        if not isinstance(meta.get("identificerend", False), bool):
            raise SuiteError(f"{where} ({code}): meta.identificerend must be true or false")


# Rows that fail are named by line; values are never returned, also not for GX's own logs.
RESULT_FORMAT: dict[str, Any] = {
    "result_format": "COMPLETE",
    "unexpected_index_column_names": ["regel"],
    "exclude_unexpected_values": True,
    "return_unexpected_index_query": False,
    "partial_unexpected_count": 0,
}


def _quiet_gx() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # no network, ever
    for name in ("great_expectations", "great_expectations._docs_decorators"):
        logging.getLogger(name).setLevel(logging.WARNING)


@lru_cache(maxsize=1)
def _context() -> Any:
    _quiet_gx()
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


@dataclass
class SuiteRunner:
    """One suite bound to a pandas batch definition in the ephemeral context."""

    name: str
    suite: Any
    batch_definition: Any
    expectations: list[dict[str, Any]]

    @classmethod
    def load(cls, name: str, directory: Path | None = None) -> SuiteRunner:
        raw = load_suite_dict(name, directory)
        context = _context()
        import great_expectations as gx

        suite = gx.ExpectationSuite(
            name=raw["name"], expectations=raw["expectations"], meta=raw.get("meta")
        )
        if len(suite.expectations) != len(raw["expectations"]):
            raise SuiteError(f"{name}: GX refused an expectation (see the log)")
        suite = context.suites.add_or_update(suite)
        source = context.data_sources.add_or_update_pandas(f"vroegsignaal_{name}")
        asset = next((a for a in source.assets if a.name == name), None)
        if asset is None:
            asset = source.add_dataframe_asset(name)
        batch_definition = next(
            (b for b in asset.batch_definitions if b.name == "frame"), None
        ) or asset.add_batch_definition_whole_dataframe("frame")
        return cls(name, suite, batch_definition, raw["expectations"])

    def validate(self, frame: pd.DataFrame, parameters: dict[str, Any] | None = None) -> Any:
        """Validate one frame; an ExpectationSuiteValidationResult."""
        batch = self.batch_definition.get_batch(batch_parameters={"dataframe": frame})
        return batch.validate(
            self.suite, result_format=RESULT_FORMAT, expectation_parameters=parameters or {}
        )
