# SPDX-License-Identifier: EUPL-1.2
"""The JSON Schema creditors build against, generated from the pydantic models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from vroegsignaal.contract.signaal import CONTRACT_VERSION, SignaalBericht

SCHEMA_PATH = Path(__file__).with_name("schema") / "signaal-v1.schema.json"


def contract_json_schema() -> dict[str, Any]:
    """The creditor-facing JSON Schema of `SignaalBericht` (draft 2020-12), as a dict."""
    schema = SignaalBericht.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "title": f"Vroegsignaal bericht v{CONTRACT_VERSION}",
        "description": (
            "One early-warning signal from a schuldeiser to a municipality (one message = one "
            "signal). Only the data set of the Landelijk Convenant Vroegsignalering may be "
            "sent; other fields are dropped before storage and counted."
        ),
    }


def render() -> str:
    """The schema as stable, indented JSON text (what is committed)."""
    return json.dumps(contract_json_schema(), indent=2, ensure_ascii=False) + "\n"


def write(path: Path = SCHEMA_PATH) -> Path:
    """Write the rendered schema to `path` (default: the committed file); returns it."""
    path.write_text(render(), encoding="utf-8")
    return path
