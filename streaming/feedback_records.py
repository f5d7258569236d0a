# SPDX-License-Identifier: EUPL-1.2
"""The feedback topic's records: what the core decided to tell a creditor, as Kafka bytes.

What is told, and when a replay is told again, is the core's rule
(vroegsignaal/feedback.py). Here only its form: keyed by the creditor's code, so each
creditor's feedback shares a partition in order, and a small JSON value (docs/streaming.md).
"""

from __future__ import annotations

import datetime as dt

import orjson

from vroegsignaal.feedback import Terugkoppeling

BERICHTVERSIE = "1.0"


def feedback_key(fb: Terugkoppeling) -> bytes:
    """Kafka key: the creditor's code, so each creditor's feedback shares a partition."""
    return fb.schuldeiser.encode()


def feedback_value(fb: Terugkoppeling, verwerkt_op: dt.datetime | str) -> bytes:
    """The message; `verwerkt_op` may come preformatted (`timestamp`), once per batch."""
    value = {
        "berichtversie": BERICHTVERSIE,
        "schuldeiser": fb.schuldeiser,
        "signaalId": fb.signaal_id,
        "status": fb.status.value,
        "verwerktOp": verwerkt_op if isinstance(verwerkt_op, str) else timestamp(verwerkt_op),
    }
    if fb.conflict:  # this delivery was refused: the id was taken by other content
        value["conflict"] = True
    return orjson.dumps(value)


def timestamp(moment: dt.datetime) -> str:
    """ISO 8601 in UTC to the second, as the feedback's `verwerktOp`."""
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")
