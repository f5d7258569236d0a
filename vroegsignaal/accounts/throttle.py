# SPDX-License-Identifier: EUPL-1.2
"""Back-off and lockout after failed logins, per account name and per source address.

Counts are kept per account *name*, whether or not an account has that name, so a locked
name and a wrong password answer alike for real and invented names: the lockout tells
nobody which accounts exist. Per source address a higher limit stops one machine trying
many names. Names and addresses are stored only as keyed HMACs (`aanmeld_teller.sleutel`).

A name or address is blocked when its failures reach the limit within the window; the
block lasts `login_lockout_minutes` and doubles with each further failure after it ends
(capped at a day), and the count starts again only after a quiet window. A successful
login clears its name's count; a source's count runs on (an attacker with one valid
account must not reset it). OWASP Authentication Cheat Sheet, "Account lockout".
"""

from __future__ import annotations

import base64
import datetime as dt
import hmac
import math

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vroegsignaal.config import Settings
from vroegsignaal.dates import utc
from vroegsignaal.errors import TooManyAttempts
from vroegsignaal.storage.tables import AanmeldTeller

ACCOUNT = "account"
SOURCE = "bron"
MAX_BLOCK = dt.timedelta(days=1)


def counter_key(settings: Settings, kind: str, value: str) -> str:
    """The stored key of a name or address: HMAC-SHA256 under the configured HMAC key."""
    key = base64.b64decode(settings.hmac_key)
    return hmac.digest(key, f"aanmelden|{kind}|{value}".encode(), "sha256").hex()


def normalise_name(name: str) -> str:
    """The user name as the throttle counts it: trimmed and case-folded."""
    return name.strip().casefold()


class LoginThrottle:
    """The lockout rules of one deployment (settings `login_*`)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.window = dt.timedelta(minutes=settings.login_failure_window_minutes)
        self.base_block = dt.timedelta(minutes=settings.login_lockout_minutes)

    def _keys(self, name: str, source: str | None) -> list[tuple[str, str, int]]:
        keys = [
            (
                counter_key(self.settings, ACCOUNT, normalise_name(name)),
                ACCOUNT,
                self.settings.login_max_failures,
            )
        ]
        if source:
            keys.append(
                (
                    counter_key(self.settings, SOURCE, source),
                    SOURCE,
                    self.settings.login_source_max_failures,
                )
            )
        return keys

    def check(self, session: Session, name: str, source: str | None, *, now: dt.datetime) -> None:
        """Raise TooManyAttempts while the name or the source is blocked."""
        wait = 0.0
        for key, _, _ in self._keys(name, source):
            row = session.get(AanmeldTeller, key)
            if row is not None and row.geblokkeerd_tot is not None:
                wait = max(wait, (utc(row.geblokkeerd_tot) - now).total_seconds())
        if wait > 0:
            raise TooManyAttempts(math.ceil(wait))

    def failed(self, session: Session, name: str, source: str | None, *, now: dt.datetime) -> bool:
        """Count one failure for the name and the source; True when the name is now blocked.

        Rows are locked (SELECT ... FOR UPDATE on PostgreSQL), so parallel failures all count.
        """
        name_blocked = False
        for key, kind, limit in self._keys(name, source):
            row = self._locked_row(session, key, kind, now)
            last = utc(row.laatst_mislukt_op)
            quiet_since = max(last, utc(row.geblokkeerd_tot) if row.geblokkeerd_tot else last)
            if now - quiet_since > self.window:
                row.mislukt = 0
            row.mislukt += 1
            row.laatst_mislukt_op = now
            if row.mislukt >= limit:
                block = min(self.base_block * 2 ** (row.mislukt - limit), MAX_BLOCK)
                row.geblokkeerd_tot = now + block
                name_blocked = name_blocked or kind == ACCOUNT
        session.flush()
        return name_blocked

    def succeeded(self, session: Session, name: str) -> None:
        """Clear the name's count (the source's count stays)."""
        self.unlock(session, name)

    def unlock(self, session: Session, name: str) -> None:
        """Lift the block and count of an account name (an admin's `users unlock`)."""
        key = counter_key(self.settings, ACCOUNT, normalise_name(name))
        session.execute(delete(AanmeldTeller).where(AanmeldTeller.sleutel == key))

    @staticmethod
    def _locked_row(session: Session, key: str, kind: str, now: dt.datetime) -> AanmeldTeller:
        query = select(AanmeldTeller).where(AanmeldTeller.sleutel == key).with_for_update()
        row = session.execute(query).scalar_one_or_none()
        if row is not None:
            return row
        try:
            with session.begin_nested():
                session.add(
                    AanmeldTeller(sleutel=key, soort=kind, mislukt=0, laatst_mislukt_op=now)
                )
        except IntegrityError:  # a parallel failure made it first
            pass
        return session.execute(query.execution_options(populate_existing=True)).scalar_one()
