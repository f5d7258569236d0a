# SPDX-License-Identifier: EUPL-1.2
"""A person's own settings in the web app. Today one: keyboard shortcuts on or off (WCAG
2.1 success criterion 2.1.4, "Character Key Shortcuts": single-key shortcuts must be
switchable off). Each person changes only their own; no audit row (it reads and changes
no one's data)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from vroegsignaal.errors import NotFound
from vroegsignaal.storage.tables import Gebruiker


def set_shortcuts(session: Session, gebruiker_id: int, enabled: bool) -> None:
    """Switch the user's keyboard shortcuts on or off (committed). Raises NotFound."""
    user = session.get(Gebruiker, gebruiker_id)
    if user is None:
        raise NotFound(f"gebruiker {gebruiker_id}")
    user.sneltoetsen = enabled
    session.commit()
