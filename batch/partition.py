# SPDX-License-Identifier: EUPL-1.2
"""Partitioning by address, so parallel workers never match the same household."""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Any


def address_partition(data: Mapping[str, Any] | None, partitions: int) -> int:
    """Stable partition of a raw message by its normalised address; unreadable ones go to 0."""
    if partitions <= 1 or data is None:
        return 0
    client = data.get("client")
    if not isinstance(client, Mapping):
        return 0
    key = "|".join(
        str(client.get(k) or "").replace(" ", "").replace("-", "").upper()
        for k in ("postcode", "huisnummer", "huisnummertoevoeging")
    )
    return zlib.crc32(key.encode()) % partitions
