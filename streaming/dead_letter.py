# SPDX-License-Identifier: EUPL-1.2
"""Dead-letter records: codes and coordinates in clear headers, the original message sealed.

A message that cannot be parsed or fails the contract may still hold a resident's name,
address or more. Its key, value and headers are sealed together with AES-256-GCM under
the configured encryption key ring (VROEGSIGNAAL_ENCRYPTION_KEY, ADR 0002), with the
source coordinates (topic, partition, offset) as associated data, so a sealed payload
cannot be passed off as another message. The clear headers hold only codes and ids:
reason code, error codes (field name and error type, never a value), source coordinates,
batch id and, when they look like ids, schuldeiser and signaalId. See ADR 0006.

The sealed envelope is compressed before it is encrypted (format v2): a refused message
is often a creditor's compressed batch whose value is megabytes of JSON, and ciphertext
does not compress. When even that does not fit the dead-letter topic, the dead letter
keeps only the SHA-256 digest and size of the original (`origineel=weggelaten`); the
original stays readable at its source coordinates for the intake topic's retention.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import struct
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from vroegsignaal.config import Settings
from vroegsignaal.errors import DecryptionError
from vroegsignaal.intake.reason_codes import ReasonCode
from vroegsignaal.privacy.crypto import parse_keyring

# Dead-letter reasons: a contract failure (the intake ReasonCode), or a message the
# pipeline itself could not process (a bug or bad data the contract let through). The
# latter is not an intake outcome: the signal was not taken in at all.
ONGELDIG_BERICHT = ReasonCode.ONGELDIG_BERICHT.value
VERWERKINGSFOUT = "VERWERKINGSFOUT"
SEAL_FORMAT_V1 = "AES-256-GCM/v1"  # JSON envelope, key/value/headers in base64
SEAL_FORMAT = "AES-256-GCM/v2"  # zlib(meta length, meta JSON, raw value), then sealed
# What the value of a dead letter holds (header `origineel`).
VERZEGELD = "verzegeld"  # the original key, value and headers, sealed
WEGGELATEN = "weggelaten"  # too large for the topic: digest and size in the headers only
ONLEESBAAR = "onleesbaar"  # the record itself could not be decoded: coordinates only
_NONCE = 12
_META_LEN = struct.Struct(">I")
_CODE_CHARS = re.compile(r"[^A-Za-z0-9_.:\-]")
_MAX_FOUT = 1024

Header = tuple[str, bytes]


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where the original message sat."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int | None = None

    def associated_data(self) -> bytes:
        return f"{self.topic}/{self.partition}/{self.offset}".encode()


@dataclass(frozen=True, slots=True)
class OriginalMessage:
    """A dead letter's original Kafka message, as unsealed by an operator."""

    key: bytes | None
    value: bytes | None
    headers: list[Header]


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode()


def _unb64(text: str | None) -> bytes | None:
    return None if text is None else base64.b64decode(text)


class DeadLetterSeal:
    """Seals original messages for the dead-letter topic; opens them for an operator."""

    def __init__(self, keyring: list[tuple[str, bytes]]) -> None:
        self.key_id, first = keyring[0]
        self._seal = AESGCM(first).encrypt
        self._by_id = {kid: AESGCM(key) for kid, key in keyring}

    @classmethod
    def from_settings(cls, settings: Settings) -> DeadLetterSeal:
        return cls(parse_keyring(settings.encryption_key))

    def seal(
        self,
        source: SourceRef,
        *,
        key: bytes | None,
        value: bytes | None,
        headers: Iterable[Header] = (),
    ) -> bytes:
        """nonce + AES-GCM(zlib(meta length, meta, value)); the source as associated data."""
        meta = orjson.dumps(
            {
                "sleutel": _b64(key),
                "heeft_waarde": value is not None,
                "headers": [[name, _b64(data)] for name, data in headers],
            }
        )
        plain = zlib.compress(_META_LEN.pack(len(meta)) + meta + (value or b""), 6)
        nonce = os.urandom(_NONCE)
        return nonce + self._seal(nonce, plain, source.associated_data())

    def open(self, sealed: bytes, headers: Sequence[Header]) -> OriginalMessage:
        """Unseal a dead letter with its own headers (source coordinates and key id).

        Raises DecryptionError when the headers lack coordinates or key id, when the
        payload does not authenticate, or when the dead letter holds no sealed original
        (`origineel` is `weggelaten` or `onleesbaar`).
        """
        h = header_dict(headers)
        if h.get("origineel", VERZEGELD) != VERZEGELD or sealed is None:
            raise DecryptionError(f"dead letter holds no sealed original: {h.get('origineel')}")
        try:
            source = SourceRef(h["bron-topic"], int(h["bron-partitie"]), int(h["bron-offset"]))
            aead = self._by_id[h["sleutel-id"]]
        except (KeyError, ValueError) as exc:
            raise DecryptionError("dead letter without usable source or key id") from exc
        try:
            plain = aead.decrypt(sealed[:_NONCE], sealed[_NONCE:], source.associated_data())
        except InvalidTag as exc:
            raise DecryptionError("dead letter does not authenticate") from exc
        if h.get("versleuteling") == SEAL_FORMAT_V1:
            data: dict[str, Any] = orjson.loads(plain)
            value = _unb64(data["waarde"])
        else:
            envelope = zlib.decompress(plain)
            (n,) = _META_LEN.unpack_from(envelope)
            data = orjson.loads(envelope[_META_LEN.size : _META_LEN.size + n])
            rest = envelope[_META_LEN.size + n :]
            value = rest if data["heeft_waarde"] else None
        return OriginalMessage(
            _unb64(data["sleutel"]),
            value,
            [(name, _unb64(v) or b"") for name, v in data["headers"]],
        )


def digest_headers(value: bytes | None) -> list[Header]:
    """Headers that stand in for an original too large to keep (`origineel=weggelaten`,
    set by `dead_letter_headers`): the SHA-256 of its value and the value's size in bytes.

    A plain digest is enough here: only originals of megabytes are left out, whose
    content cannot be guessed from a digest; it lets an operator check that the record
    read back from the source coordinates is the one refused.
    """
    data = value or b""
    return [
        ("origineel-sha256", hashlib.sha256(data).hexdigest().encode()),
        ("origineel-bytes", str(len(data)).encode()),
    ]


def error_codes(details: Iterable[Mapping[str, Any]]) -> str:
    """'veld:fout;...' from pipeline or reader details: field paths and error types only."""
    parts = []
    for d in details:
        fout = _CODE_CHARS.sub("", str(d.get("fout", "")))[:64]
        veld = _CODE_CHARS.sub("", str(d.get("veld", "")))[:64]
        parts.append(f"{veld}:{fout}" if veld else fout)
    return ";".join(parts)[:_MAX_FOUT]


def dead_letter_headers(
    source: SourceRef,
    *,
    reden: str,
    fout: str,
    batch_id: str,
    positie: int,
    key_id: str,
    schuldeiser: str | None = None,
    signaal_id: str | None = None,
    origineel: str = VERZEGELD,
) -> list[Header]:
    """Clear headers of a dead letter: codes, ids and coordinates, never message content.

    `schuldeiser` and `signaal_id` must already be checked to look like ids (the pipeline's
    outcomes only carry them when they do). `origineel` says what the value holds
    (VERZEGELD, WEGGELATEN or ONLEESBAAR); key id and seal format only come with a seal.
    """
    headers: list[Header] = [
        ("reden", reden.encode()),
        ("fout", fout.encode()),
        ("bron-topic", source.topic.encode()),
        ("bron-partitie", str(source.partition).encode()),
        ("bron-offset", str(source.offset).encode()),
        ("batch-id", batch_id.encode()),
        ("positie", str(positie).encode()),
    ]
    if origineel == VERZEGELD:
        headers += [("sleutel-id", key_id.encode()), ("versleuteling", SEAL_FORMAT.encode())]
    else:
        headers.append(("origineel", origineel.encode()))
    if source.timestamp_ms is not None:
        headers.append(("bron-tijdstip", str(source.timestamp_ms).encode()))
    if schuldeiser:
        headers.append(("schuldeiser", schuldeiser.encode()))
    if signaal_id:
        headers.append(("signaal-id", signaal_id.encode()))
    return headers


def header_dict(headers: Iterable[tuple[str, bytes | None]]) -> dict[str, str]:
    return {name: (value or b"").decode("utf-8", "replace") for name, value in headers}
