# SPDX-License-Identifier: EUPL-1.2
"""Made-up residents and addresses from small built-in lists (no real personal data).

Names are common surnames combined at random with random initials, dates of birth,
streets and postcodes, so no generated person or address corresponds to anyone.
Phone numbers are random 06 numbers; e-mail addresses use the reserved example.org.
"""

from __future__ import annotations

import numpy as np

ACHTERNAMEN: tuple[tuple[str, str], ...] = (
    ("", "Jansen"), ("de", "Vries"), ("van den", "Berg"), ("van", "Dijk"), ("", "Bakker"),
    ("", "Visser"), ("", "Smit"), ("", "Meijer"), ("de", "Boer"), ("", "Mulder"),
    ("de", "Groot"), ("", "Bos"), ("", "Vos"), ("", "Peters"), ("", "Hendriks"),
    ("van", "Leeuwen"), ("", "Dekker"), ("", "Brouwer"), ("de", "Wit"), ("", "Dijkstra"),
    ("", "Smits"), ("de", "Graaf"), ("van der", "Meer"), ("van der", "Linden"), ("", "Kok"),
    ("", "Jacobs"), ("de", "Haan"), ("", "Vermeulen"), ("van den", "Heuvel"),
    ("van der", "Veen"), ("", "Yilmaz"), ("", "Kaya"), ("", "Demir"), ("", "Pinas"),
    ("", "Nguyen"), ("", "Kowalski"), ("", "Rodrigues"), ("", "Haddou"), ("", "Boateng"),
    ("", "Martens"), ("", "Postma"), ("", "Hoekstra"), ("", "Koster"), ("", "Prins"),
)  # fmt: skip

STRAATNAMEN: tuple[str, ...] = (
    "Kerkstraat", "Dorpsstraat", "Schoolstraat", "Molenweg", "Stationsweg", "Julianastraat",
    "Wilhelminastraat", "Beatrixlaan", "Lindelaan", "Eikenlaan", "Kastanjelaan", "Nieuwstraat",
    "Marktplein", "Parkweg", "Sportlaan", "Irisstraat", "Tulpstraat", "Rozenstraat",
    "Merellaan", "Zwanenbloem", "Havenkade", "Spoorstraat", "Beukenhof", "Vlinderweg",
    "Populierenlaan", "Zonnebloemstraat", "Regenboog", "Watermolen", "Boterbloem", "Esdoornlaan",
)  # fmt: skip

TOEVOEGINGEN: tuple[str, ...] = ("A", "B", "C", "1", "2", "3", "H", "bis", "I", "II")

# Weighted initials: frequent Dutch first letters more often.
_LETTERS = np.array(list("ABCDEFGHIJKLMNOPRSTWYZ"))
_LETTER_W = np.array(
    [9, 2, 4, 3, 4, 2, 3, 5, 2, 10, 3, 4, 8, 3, 1, 5, 5, 6, 3, 3, 1, 1], dtype=float
)
_LETTER_W /= _LETTER_W.sum()

# Postcode letter pairs; SA, SD and SS are never issued.
_PAIRS = [a + b for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
POSTCODE_LETTERS: tuple[str, ...] = tuple(p for p in _PAIRS if p not in {"SA", "SD", "SS"})


def voorletters(rng: np.random.Generator, n: int) -> list[str]:
    count = rng.choice(np.array([1, 2, 3]), size=n, p=[0.55, 0.35, 0.10])
    letters = rng.choice(_LETTERS, size=(n, 3), p=_LETTER_W)
    return [
        "".join(f"{c}." for c in row[:k])
        for row, k in zip(letters.tolist(), count.tolist(), strict=True)
    ]


def telefoonnummers(rng: np.random.Generator, n: int) -> list[str]:
    return [f"06-{d:08d}" for d in rng.integers(10_000_000, 100_000_000, size=n).tolist()]


def emails(voorl: list[str], achternaam: list[str], nummers: np.ndarray) -> list[str]:
    return [
        f"{v[:1].lower()}.{a.lower().replace(' ', '')}{k}@example.org"
        for v, a, k in zip(voorl, achternaam, nummers.tolist(), strict=True)
    ]


def huisnummers(rng: np.random.Generator, n: int) -> np.ndarray:
    # Most house numbers are small; a few streets run into the hundreds.
    return np.minimum(1 + rng.lognormal(np.log(18.0), 0.95, size=n).astype(np.int64), 2999)
