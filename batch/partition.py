# SPDX-License-Identifier: EUPL-1.2
"""Partitioning by address, so parallel workers never match the same household."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

from vroegsignaal.privacy import normalise


def address_partition(postcode: Any, huisnummer: Any, partitions: int) -> int:
    """Stable partition (0 .. `partitions` - 1) of a record by the client's postcode and
    huisnummer as written, in BAG form (privacy/normalise.py) without letter or addition:
    every spelling of one dwelling, and the dwellings that may be one ("mogelijk hetzelfde
    adres"), land in one worker. A record without both as text (or a line that could not be
    read: None, None) goes to 0. Pure: every worker computes the same for the same line.

    It takes the two fields, not the message, so a file reader can decide on a decoded JSON
    object or on a CSV row's cells before building anything for a line another worker takes
    (contract/io.py `read_records(keep=...)`); `normalise.house_number` instead of
    `normalise.address` because this runs for every line of the file in every worker
    (measured 2.1 -> 0.45 µs a line, the same partition for every line of the 1M bench files)."""
    if partitions <= 1 or not isinstance(postcode, str) or not isinstance(huisnummer, str):
        return 0
    key = f"{normalise.postcode(postcode)}|{normalise.house_number(huisnummer)}"
    return zlib.crc32(key.encode()) % partitions


def in_partition(index: int, partitions: int) -> Callable[[Any, Any], bool]:
    """`keep(postcode, huisnummer)` for `read_records`: whether a record is partition
    `index`'s of `partitions` (`address_partition`)."""

    def keep(postcode: Any, huisnummer: Any) -> bool:
        return address_partition(postcode, huisnummer, partitions) == index

    return keep
