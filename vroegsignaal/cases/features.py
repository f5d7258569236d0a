# SPDX-License-Identifier: EUPL-1.2
"""What scoring may see of a zaak: its signals and the household's earlier ones.

`CaseFeatures` is the one input of every `Scorer` (vroegsignaal/scoring.py) and of the
model's training format (models/). The intake builds it from the batch and one history
query (vroegsignaal/intake/pipeline.py); the nightly rescoring builds the same thing from
the database (vroegsignaal/queue/rescoring.py). No identifiers, no address, no age.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from vroegsignaal.dates import add_months

# Calendar months of a household's earlier signals that scoring sees: the opeenvolgend
# period (ADR 0003), and the retention of signals that lead nowhere (6 months).
HISTORIE_MAANDEN = 6


@dataclass(frozen=True, slots=True)
class CaseSignal:
    """What scoring may see of one signal: no identifiers, no address, no age."""

    signaalpartner: str
    schuldeiser: str
    bedrag: int  # whole euros
    ontstaansdatum: dt.date
    signaaldatum: dt.date
    crisissignaal: bool
    warme_overdracht: bool


@dataclass(frozen=True, slots=True)
class CaseFeatures:
    """One zaak to score: its own signals and the household's earlier accepted signals.

    `historie` holds the signals of the household's earlier zaken whose matching period
    lies in the history window before this zaak's own (`in_history`). `peildatum` is the
    zaak's latest signaaldatum.
    """

    signalen: tuple[CaseSignal, ...]
    zaaktype: str
    peildatum: dt.date
    historie: tuple[CaseSignal, ...] = ()


def history_start(matchingsperiode: dt.date) -> dt.date:
    """The first matching period in the history window of a zaak of `matchingsperiode`."""
    return add_months(matchingsperiode, -HISTORIE_MAANDEN)


def in_history(periode: dt.date, of: dt.date) -> bool:
    """Whether a zaak of matching period `periode` is history for a zaak of period `of`:
    one of the `HISTORIE_MAANDEN` calendar months before it."""
    return history_start(of) <= periode < of
