# SPDX-License-Identifier: EUPL-1.2
"""The codes with which the contract refuses a message, a line or a file, and what each
means in Dutch for the creditor (REST answers, the batch report, the command line).

Codes never contain anything of the input. Three levels:

- **field** codes, lower case: `{"veld": "bedrag", "fout": "bedrag_formaat"}` in refusal
  details; pydantic's own error types for the generic cases (`missing`, `string_type`);
- **message** codes, upper case: the message could not be read as one (`RawInput.fout`);
- **file** codes, upper case: a CSV file is refused whole (`FileRefused`), nothing of it
  read, nothing of it echoed.
"""

from __future__ import annotations

# -- message (line, record, Kafka value, REST element) -------------------------------------
ONGELDIGE_JSON = "ONGELDIGE_JSON"
GEEN_OBJECT = "GEEN_OBJECT"
GEEN_UTF8 = "GEEN_UTF8"
TE_GROOT_BERICHT = "TE_GROOT_BERICHT"
ONGELDIGE_CSV_RIJ = "ONGELDIGE_CSV_RIJ"  # another number of fields than the header
AANHALINGSTEKENS = "AANHALINGSTEKENS"  # a quote not closed, or text after a closing quote
LEEG_BERICHT = "LEEG_BERICHT"  # a Kafka record without a value (tombstone)
GEEN_LIJST = "GEEN_LIJST"  # a REST body that is not a JSON array of messages

# -- whole file -----------------------------------------------------------------------------
LEEG_BESTAND = "LEEG_BESTAND"
KOPREGEL_ONTBREEKT = "KOPREGEL_ONTBREEKT"
PUNTKOMMA_ALS_SCHEIDINGSTEKEN = "PUNTKOMMA_ALS_SCHEIDINGSTEKEN"
TAB_ALS_SCHEIDINGSTEKEN = "TAB_ALS_SCHEIDINGSTEKEN"
DUBBELE_KOLOM = "DUBBELE_KOLOM"
BESTAND_GEEN_UTF8 = "BESTAND_GEEN_UTF8"

UITLEG: dict[str, str] = {
    # fields
    "missing": "Verplicht veld ontbreekt.",
    "bedrag_formaat": "Bedrag in hele euro's, alleen cijfers: 1000. Geen punt, komma, "
    "valutateken, spatie of decimalen; in JSON een getal zonder aanhalingstekens en zonder "
    "punt (niet \"1000\", niet 1000.0).",
    "datum_formaat": "Datum als JJJJ-MM-DD, bijvoorbeeld 2026-11-25: zonder tijd, in deze "
    "volgorde, een bestaande dag.",
    "ja_nee_formaat": "Ja/nee-veld: true of false (in JSON zonder aanhalingstekens).",
    "datumvolgorde": "De ontstaansdatum ligt na de signaaldatum.",
    "in_de_toekomst": "De signaaldatum ligt na de dag van ontvangst.",
    "greater_than_equal": "Waarde is te klein.",
    "less_than_equal": "Waarde is te groot.",
    "string_type": "Tekst verwacht (in JSON tussen aanhalingstekens).",
    "string_pattern_mismatch": "Waarde heeft niet de vorm die het contract voorschrijft "
    "(zie het JSON Schema).",
    "string_too_long": "Tekst is langer dan het contract toestaat.",
    "string_too_short": "Tekst is leeg.",
    "literal_error": "Waarde komt niet voor in het contract.",
    "enum": "Waarde komt niet voor in de DDAS-lijst.",
    "model_type": "Object verwacht (in JSON tussen accolades).",
    "andere_inhoud": "Dit signaalId is eerder ontvangen met een andere inhoud; het eerder "
    "ontvangen signaal blijft ongewijzigd. Gebruik voor een nieuw signaal een nieuw signaalId.",
    # messages
    ONGELDIGE_JSON: "Geen geldige JSON.",
    GEEN_OBJECT: "Geen JSON-object: één bericht is één object {...}.",
    GEEN_UTF8: "Geen UTF-8: de tekst bevat bytes of tekens (een losse \\ud800) die niet in "
    "UTF-8 bestaan. Sla het bestand op als UTF-8.",
    TE_GROOT_BERICHT: "Bericht of regel is groter dan 64 KiB; een geldig signaal is veel "
    "kleiner. Verwijder velden die niet in het contract staan.",
    ONGELDIGE_CSV_RIJ: "De regel heeft een ander aantal velden dan de kopregel.",
    AANHALINGSTEKENS: "Aanhalingsteken niet afgesloten, of tekst na een afsluitend "
    "aanhalingsteken. Een veld dat een komma bevat staat tussen aanhalingstekens; een "
    "aanhalingsteken in zo'n veld wordt verdubbeld (\"\").",
    LEEG_BERICHT: "Leeg bericht.",
    GEEN_LIJST: "Verwacht een JSON-array van berichten: [{...}, {...}].",
    # files
    LEEG_BESTAND: "Het bestand is leeg.",
    KOPREGEL_ONTBREEKT: "De eerste regel is geen kopregel met de verplichte kolommen; het "
    "bestand is niet gelezen. Begin het bestand met de veldnamen uit het contract.",
    PUNTKOMMA_ALS_SCHEIDINGSTEKEN: "Puntkomma als scheidingsteken? Het contract schrijft een "
    "komma voor; het bestand is niet gelezen. Kies bij het opslaan CSV met komma's.",
    TAB_ALS_SCHEIDINGSTEKEN: "Tab als scheidingsteken? Het contract schrijft een komma voor; "
    "het bestand is niet gelezen.",
    DUBBELE_KOLOM: "Een kolom komt twee keer voor in de kopregel; het bestand is niet gelezen.",
    BESTAND_GEEN_UTF8: "Geen UTF-8 (UTF-16 of een andere tekenset?); het bestand is niet "
    "gelezen. Sla het op als CSV UTF-8.",
}


def uitleg(code: str) -> str:
    """The Dutch explanation of a code; a code without one is named as it is."""
    return UITLEG.get(code, code)
