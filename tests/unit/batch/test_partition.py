# SPDX-License-Identifier: EUPL-1.2
"""The file workers' address partition (batch/partition.py) and the reader's early choice
(contract/io.py `keep`): every spelling of one dwelling lands in one worker, and the
partitions of a file together are exactly the whole file read by one process: each record
once, the lines that could not be read in partition 0, the same line counts everywhere."""

from __future__ import annotations

import tempfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings

from batch.partition import address_partition, in_partition
from tests.factories import signaal
from tests.property_files import csv_file, jsonl_file
from vroegsignaal.contract.io import FileRefused, RawInput, read_records, write_csv
from vroegsignaal.privacy import normalise

# One dwelling as creditors write it (docs/adressen.md, tests/unit/privacy/test_normalise.py):
# postcode with or without space, in lower case; letter and addition in either field.
SPELLINGS = [
    ("3511 AB", "12", None),
    ("3511AB", "12", "A"),
    ("3511 ab", "12A", None),
    ("3511ab", " 12 a", None),
    ("3511 AB", "12-2", None),
    ("3511 AB", "12", "A-2"),
    ("3511 AB", "12A", "2"),
    ("3511 AB", "12 hs", None),
    ("3511 AB", "12", "1e etage"),
    ("3511 AB", "12/2", None),
]


def _by_normaliser(data: Mapping[str, Any] | None, partitions: int) -> int:
    """The partition as defined on a whole message with the BAG normaliser (the rule before
    the reader decided early): what `address_partition` must agree with."""
    client = None if data is None else data.get("client")
    if partitions <= 1 or not isinstance(client, Mapping):
        return 0
    postcode, huisnummer = client.get("postcode"), client.get("huisnummer")
    if not isinstance(postcode, str) or not isinstance(huisnummer, str):
        return 0
    key = f"{normalise.postcode(postcode)}|{normalise.address(huisnummer, None).huisnummer}"
    return zlib.crc32(key.encode()) % partitions


@pytest.mark.parametrize("partitions", [2, 3, 7])
def test_every_spelling_of_a_dwelling_lands_in_one_partition(partitions: int) -> None:
    found = {address_partition(pc, nr, partitions) for pc, nr, _ in SPELLINGS}
    assert len(found) == 1
    # Another number in the same street is another dwelling: some of them land elsewhere.
    others = {address_partition("3511 AB", str(n), partitions) for n in range(1, 60)}
    assert len(others) == partitions


@pytest.mark.parametrize(
    ("postcode", "huisnummer"),
    [*((pc, nr) for pc, nr, _ in SPELLINGS), ("1011AB", "012"), ("1011AB", "123456"),
     ("1011AB", "A12"), ("1011AB", "12\n3"), ("1011AB", "\u0661\u0662"), ("1011AB", " "),
     ("1011AB", ""), ("", "7"), (None, "7"), ("1011AB", 7), ({"a": 1}, "7")],
)
def test_agrees_with_the_bag_normaliser(postcode: Any, huisnummer: Any) -> None:
    message = {"client": {"postcode": postcode, "huisnummer": huisnummer}}
    for partitions in (1, 2, 3, 5):
        assert address_partition(postcode, huisnummer, partitions) == _by_normaliser(
            message, partitions
        )


def test_a_record_without_an_address_or_a_line_not_read_goes_to_partition_0() -> None:
    assert address_partition(None, None, 4) == 0
    assert address_partition("3511 AB", None, 4) == 0
    assert address_partition(None, "12", 4) == 0
    assert in_partition(0, 3)(None, None) and not in_partition(1, 3)(None, None)


def _split(path: Path, partitions: int) -> None:
    """Read `path` whole and in `partitions` parts; the parts must add up to the whole."""
    whole_file = read_records(path)
    try:
        whole = list(whole_file)
    except FileRefused as refused:
        for index in range(partitions):
            part = read_records(path, keep=in_partition(index, partitions))
            with pytest.raises(FileRefused) as again:
                list(part)
            assert again.value.code == refused.code and part.counts == whole_file.counts
        return
    seen: list[RawInput] = []
    for index in range(partitions):
        part_file = read_records(path, keep=in_partition(index, partitions))
        part = list(part_file)
        assert part_file.counts == whole_file.counts  # partition 0 reports them
        assert all(_by_normaliser(r.data, partitions) == index for r in part)
        if index:
            assert all(r.fout is None for r in part), "a line not read is partition 0's"
        seen.extend(part)
    assert sorted(seen, key=lambda r: r.positie) == whole  # none lost, none doubled


def _split_bytes(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"levering{suffix}"
        path.write_bytes(data)
        _split(path, 2)
        _split(path, 3)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=csv_file())
def test_csv_partitions_add_up_to_the_file(data: bytes) -> None:
    _split_bytes(data, ".csv")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=jsonl_file())
def test_jsonl_partitions_add_up_to_the_file(data: bytes) -> None:
    _split_bytes(data, ".jsonl")


def _addresses() -> list[dict[str, Any]]:
    """Every spelling, many dwellings, and records whose address is missing or odd."""
    out = []
    for n, (postcode, huisnummer, toevoeging) in enumerate(SPELLINGS * 3):
        client = {"postcode": postcode, "huisnummer": huisnummer}
        if toevoeging is not None:
            client["huisnummertoevoeging"] = toevoeging
        out.append(signaal(signaalId=f"S-{n}", **{f"client__{k}": v for k, v in client.items()}))
    out += [signaal(signaalId=f"N-{n}", client__huisnummer=str(n)) for n in range(1, 40)]
    no_postcode = signaal(signaalId="G-1")
    del no_postcode["client"]["postcode"]
    return [*out, no_postcode, signaal(signaalId="G-2", client__huisnummer="")]


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_all_spellings_in_a_file_go_to_one_worker(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"levering{suffix}"
    records = _addresses()
    if suffix == ".csv":
        write_csv(path, records)
    else:
        odd = [{"client": 7}, {"client": {"postcode": "3511 AB", "huisnummer": 12}}, [1]]
        lines = [orjson.dumps(r) for r in [*records, *odd]] + [b"{kapot", b"", b" "]
        path.write_bytes(b"\n".join(lines) + b"\n")
    for partitions in (2, 3):
        _split(path, partitions)
        owners = {
            index
            for index in range(partitions)
            for r in read_records(path, keep=in_partition(index, partitions))
            if r.data is not None and str(r.data.get("signaalId", "")).startswith("S-")
        }
        assert len(owners) == 1
