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
_LETTERS = "ABCDEFGHIJKLMNOPRSTWYZ"
_LETTER_W = np.array(
    [9, 2, 4, 3, 4, 2, 3, 5, 2, 10, 3, 4, 8, 3, 1, 5, 5, 6, 3, 3, 1, 1], dtype=float
)
_LETTER_W /= _LETTER_W.sum()
_NL = len(_LETTERS)
# Every initials string, indexed by code = (count - 1) + 3 * (l1 + NL * (l2 + NL * l3)).
VOORLETTERS: tuple[str, ...] = tuple(
    "".join(f"{_LETTERS[(code // 3) // _NL**j % _NL]}." for j in range(code % 3 + 1))
    for code in range(3 * _NL**3)
)
_SLUGS: tuple[str, ...] = tuple((v + a).lower().replace(" ", "") for v, a in ACHTERNAMEN)

# Postcode letter pairs; SA, SD and SS are never issued.
_PAIRS = [a + b for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
POSTCODE_LETTERS: tuple[str, ...] = tuple(p for p in _PAIRS if p not in {"SA", "SD", "SS"})


def draw_voorletters(rng: np.random.Generator, n: int) -> np.ndarray:
    """Codes into VOORLETTERS: one to three initials."""
    count = rng.choice(3, size=n, p=[0.55, 0.35, 0.10])
    letters = rng.choice(_NL, size=(n, 3), p=_LETTER_W)
    return count + 3 * (letters[:, 0] + _NL * (letters[:, 1] + _NL * letters[:, 2]))


def telefoonnummers(tel: np.ndarray) -> list[str]:
    return [f"06-{d:08d}" for d in tel.tolist()]


def emails(voorletters: np.ndarray, surname: np.ndarray, number: np.ndarray) -> list[str]:
    first = [_LETTERS[(c // 3) % _NL].lower() for c in voorletters.tolist()]
    return [
        f"{f}.{_SLUGS[s]}{k}@example.org"
        for f, s, k in zip(first, surname.tolist(), number.tolist(), strict=True)
    ]


def postcodes(pc4: np.ndarray, letters: np.ndarray) -> list[str]:
    return [
        f"{p} {POSTCODE_LETTERS[x]}" for p, x in zip(pc4.tolist(), letters.tolist(), strict=True)
    ]


def huisnummers(rng: np.random.Generator, n: int) -> np.ndarray:
    # Most house numbers are small; a few streets run into the hundreds.
    return np.minimum(1 + rng.lognormal(np.log(18.0), 0.95, size=n).astype(np.int64), 2999)
