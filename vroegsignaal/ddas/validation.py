# SPDX-License-Identifier: EUPL-1.2
"""Validation against the DDAS v1.2 JSON Schema (draft 2020-12, formats checked).

A delivery is streamed, so it is validated in parts: the envelope (with empty lists) and
then every vroegsignaal and every vroegsignaalzaak against its item schema, resolved in
the full schema (its `$defs`). The schema puts no constraint across items (no
`uniqueItems` on these lists), so the parts pass exactly when the whole does.

Problems name where and which rule (`path`, `keyword`), never the offending value: a
value can be a postcode or a date of birth, and reports and logs hold no personal data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.protocols import Validator
from referencing import Registry, Resource

SCHEMA_FILE = "ddas-vroegsignalering-v1.2.schema.json"
LEVERING = "#/properties/leveringen/items"
ITEM_POINTERS = {
    "envelope": "#",
    "vroegsignaal": f"{LEVERING}/properties/vroegsignalen/items",
    "vroegsignaalzaak": f"{LEVERING}/properties/vroegsignaalzaken/items",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One schema violation: which part (`kind`, its position `index`, -1 for the
    envelope), where in it (`path`, JSON pointer) and which rule (`keyword`)."""

    kind: str
    index: int
    path: str
    keyword: str


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The DDAS v1.2 exchange model schema (vroegsignaal/ddas/schema/SOURCE.md)."""
    text = resources.files(__package__).joinpath("schema", SCHEMA_FILE).read_text("utf-8")
    return dict(json.loads(text))


@lru_cache(maxsize=4)
def validator(kind: str) -> Validator:
    """A format-checking draft 2020-12 validator for one part ("envelope",
    "vroegsignaal", "vroegsignaalzaak")."""
    root = schema()
    registry: Registry[Any] = Registry().with_resource(root["$id"], Resource.from_contents(root))
    pointer = ITEM_POINTERS[kind]
    part = root if pointer == "#" else {"$ref": root["$id"] + pointer}
    return Draft202012Validator(part, registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def check(kind: str, instance: Any, index: int = -1) -> list[Problem]:
    """The problems of one part (empty when valid)."""
    return [
        Problem(kind, index, "/" + "/".join(str(p) for p in e.absolute_path), str(e.validator))
        for e in validator(kind).iter_errors(instance)
    ]
