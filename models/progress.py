# SPDX-License-Identifier: EUPL-1.2
"""Progress messages for people: a callback that takes one Dutch line at a time."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str], None]


def silent(_message: str) -> None:
    """The default progress callback: says nothing."""


def aantal(n: int) -> str:
    """A count the Dutch way: 175.635."""
    return f"{n:,}".replace(",", ".")
