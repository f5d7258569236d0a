# SPDX-License-Identifier: EUPL-1.2
"""Signal files as frames: the flat contract layout, values as delivered, lines as index."""

from __future__ import annotations

from itertools import chain

import pytest

from batch.frame import FRAME_COLUMNS, flatten, iter_frames, to_frame
from vroegsignaal.contract.raw import RawInput


def test_jsonl_records_flatten_to_the_csv_layout() -> None:
    record = RawInput(
        7,
        {
            "signaalId": "S-1",
            "bedrag": 12.0,
            "crisissignaal": True,
            "opmerking": "vrije tekst",
            "client": {"postcode": "3511 AB", "bsn": "123"},
        },
    )
    frame = to_frame([flatten(record), flatten(RawInput(9, None, "ONGELDIGE_JSON"))])
    assert list(frame.index) == [7, 9] and frame.index.name == "regel"
    assert list(frame.columns[: len(FRAME_COLUMNS)]) == list(FRAME_COLUMNS)
    assert set(frame.columns[len(FRAME_COLUMNS) :]) == {"opmerking", "client.bsn"}
    row = frame.loc[7]
    assert (row["bedrag"], row["crisissignaal"], row["postcode"]) == ("12", "true", "3511 AB")
    assert frame.loc[9, "leesfout"] == "ONGELDIGE_JSON"


def test_values_keep_their_delivered_form() -> None:
    frame = to_frame(
        [flatten(RawInput(2, {"bedrag": 12.5})), flatten(RawInput(3, {"bedrag": "-4"}))]
    )
    assert list(frame["bedrag"]) == ["12.5", "-4"]


@pytest.mark.parametrize("records", [0, 1, 9, 10, 11, 35])
@pytest.mark.parametrize("parts", [1, 2, 3])
def test_parts_cover_every_record_exactly_once(records: int, parts: int) -> None:
    data = [RawInput(i + 2, {"signaalId": f"S{i}"}) for i in range(records)]
    frames = list(chain.from_iterable(iter_frames(iter(data), 5, (k, parts)) for k in range(parts)))
    lines = sorted(line for f in frames for line in f.index)
    assert lines == [r.positie for r in data]
    assert sum(1 for f in frames if f.empty) == (1 if records == 0 else 0)
