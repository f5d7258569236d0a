# SPDX-License-Identifier: EUPL-1.2
"""The partition key of an intake message: the municipality of the resident's postcode.

One household lives at one address, so all its signals share a municipality and land in
one partition, in order: two consumers can never match the same household at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vroegsignaal.reference import load_reference

ONBEKEND = "onbekend"  # no readable postcode or not a Dutch PC4: all such messages share a key


def gemeente_key(data: Mapping[str, Any] | None) -> str:
    """CBS municipality code for the message's postcode, or "onbekend"."""
    if data is None:
        return ONBEKEND
    client = data.get("client")
    postcode = client.get("postcode") if isinstance(client, Mapping) else None
    if not isinstance(postcode, str):
        return ONBEKEND
    pc4 = postcode.strip()[:4]
    if len(pc4) != 4 or not pc4.isdigit():
        return ONBEKEND
    return load_reference().gemeente_voor_postcode(pc4) or ONBEKEND
