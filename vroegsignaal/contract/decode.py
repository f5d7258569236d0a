# SPDX-License-Identifier: EUPL-1.2
"""Bytes to a message: the one decoding every door uses (REST body, Kafka value, JSONL
line, CSV line), so the same bytes get the same answer everywhere.

- UTF-8 only. A byte-order mark at the very start is ignored (RFC 8259 section 8.1
  permits that); a UTF-16 or UTF-32 text is not UTF-8. A lone surrogate escape
  (`"\\ud800"`) names no character and cannot be stored as UTF-8: the message is refused
  as not UTF-8, at every door (the standard library's json would accept it, orjson not).
- Size limits: `MAX_MESSAGE_BYTES` per message (a JSONL or CSV line, a Kafka value, one
  element of a REST body as compact JSON), `MAX_BODY_BYTES` per REST request.
- Error codes (`contract/codes.py`) never contain any content of what was read.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from vroegsignaal.contract.codes import (
    GEEN_LIJST,
    GEEN_OBJECT,
    GEEN_UTF8,
    ONGELDIGE_JSON,
    TE_GROOT_BERICHT,
)

BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # also the start of UTF-32 LE's BOM
MAX_MESSAGE_BYTES = 64 * 1024  # a valid message is under 2 KB; room for unknown fields
MAX_BATCH = 10_000  # signals per REST request
MAX_BODY_BYTES = 16 * 1024 * 1024  # 10,000 messages of 1.6 KB on average


def decode_json(raw: bytes, *, limit: int = MAX_MESSAGE_BYTES) -> tuple[Any, str | None]:
    """The JSON value in `raw` and None, or None and an error code (TE_GROOT_BERICHT,
    GEEN_UTF8, ONGELDIGE_JSON). A leading UTF-8 byte-order mark is skipped."""
    if len(raw) > limit:
        return None, TE_GROOT_BERICHT
    if raw.startswith(BOM):
        raw = raw[len(BOM) :]
    try:
        return orjson.loads(raw), None
    except orjson.JSONDecodeError:
        return None, _why_not(raw)


def decode_message(
    raw: bytes, *, limit: int = MAX_MESSAGE_BYTES
) -> tuple[dict[str, Any] | None, str | None]:
    """One message: a JSON object, or None and an error code (also GEEN_OBJECT)."""
    value, error = decode_json(raw, limit=limit)
    if error is not None:
        return None, error
    if type(value) is not dict:
        return None, GEEN_OBJECT
    return value, None


def decode_batch(
    raw: bytes, *, limit: int = MAX_BODY_BYTES
) -> tuple[list[tuple[dict[str, Any] | None, str | None]] | None, str | None]:
    """A JSON array of messages (a REST body): per element (message, None) or (None, code),
    as if each had come on its own (a Kafka record, a JSONL line), or None and the code of
    what makes the whole unreadable (also GEEN_LIJST when it is not an array).

    One element that is not UTF-8 (a lone surrogate escape) spoils only itself, as at the
    other doors; an element larger than `MAX_MESSAGE_BYTES` as compact JSON is refused
    TE_GROOT_BERICHT."""
    value, error = decode_json(raw, limit=limit)
    if error == GEEN_UTF8 and is_utf8(raw.removeprefix(BOM)):
        value, error = _with_lone_surrogates(raw)
    if error is not None:
        return None, error
    if type(value) is not list:
        return None, GEEN_LIJST
    return [_element(item) for item in value], None


def _element(item: Any) -> tuple[dict[str, Any] | None, str | None]:
    if type(item) is not dict:
        return None, GEEN_OBJECT
    try:
        size = len(orjson.dumps(item))
    except TypeError:  # orjson refuses a lone surrogate: not UTF-8
        return None, GEEN_UTF8
    return (None, TE_GROOT_BERICHT) if size > MAX_MESSAGE_BYTES else (item, None)


def _with_lone_surrogates(raw: bytes) -> tuple[Any, str | None]:
    """Read a body orjson refused for a lone surrogate with the standard library, so the
    element that holds it is refused alone (`_element`)."""
    try:
        return json.loads(raw.removeprefix(BOM), parse_constant=_no_constant), None
    except ValueError:
        return None, ONGELDIGE_JSON


def is_utf8(raw: bytes) -> bool:
    """Whether `raw` is valid UTF-8 (a lone surrogate is not)."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _why_not(raw: bytes) -> str:
    """Why orjson refused `raw`: not UTF-8 (bytes, or a lone surrogate escape), or not JSON.
    Only on the error path: a valid message pays nothing for it."""
    if raw.startswith(UTF16_BOMS) or not is_utf8(raw):
        return GEEN_UTF8
    try:
        json.loads(raw, parse_constant=_no_constant)
    except ValueError:
        return ONGELDIGE_JSON
    # The standard library reads what orjson does not: a lone surrogate or a number
    # beyond 64 bits. Only the first is about the text's encoding.
    return GEEN_UTF8 if _has_lone_surrogate(raw) else ONGELDIGE_JSON


def _no_constant(name: str) -> Any:
    raise ValueError(name)  # NaN, Infinity: not JSON


def _has_lone_surrogate(raw: bytes) -> bool:
    try:
        value = json.loads(raw)
    except ValueError:
        return False
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
