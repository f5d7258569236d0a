# SPDX-License-Identifier: EUPL-1.2
"""Partitioning by address, so parallel workers never match the same household."""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Any

from vroegsignaal.privacy import normalise


def address_partition(data: Mapping[str, Any] | None, partitions: int) -> int:
    """Stable partition of a raw message by postcode and house number (BAG form,
    privacy/normalise.py), without letter or addition: every spelling of one dwelling, and
    the dwellings that may be one ("mogelijk hetzelfde adres"), land in one worker.
    Unreadable ones go to 0."""
    if partitions <= 1 or data is None:
        return 0
    client = data.get("client")
    if not isinstance(client, Mapping):
        return 0
    postcode, huisnummer = client.get("postcode"), client.get("huisnummer")
    if not isinstance(postcode, str) or not isinstance(huisnummer, str):
        return 0
    number = normalise.address(huisnummer, None).huisnummer
    key = f"{normalise.postcode(postcode)}|{number}"
    return zlib.crc32(key.encode()) % partitions
