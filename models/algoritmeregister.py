# SPDX-License-Identifier: EUPL-1.2
"""An Algoritmeregister entry, generated from a version's model card and evaluation.

The fields follow the Algoritmeregister publicatiestandaard (algemene informatie,
verantwoord gebruik, werking); JSON keys are the register's field names, texts are Dutch
at B1 level. Fields only the municipality can fill in (organisation, contact, status,
DPIA status) are parameters; an empty one says "in te vullen door de gemeente".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from models.features import BEDRAG_FEATURES, FEATURE_DOCS, GROEPEN, RAW_FEATURES

IN_TE_VULLEN = "in te vullen door de gemeente"
DPIA_STATUSSEN = ("niet gestart", "in uitvoering", "afgerond", IN_TE_VULLEN)
BRONCODE = "https://github.com/vroegsignaal/vroegsignaal"


@dataclass(frozen=True)
class Publicatie:
    """What the publishing municipality supplies."""

    organisatie: str = IN_TE_VULLEN
    contact: str = IN_TE_VULLEN
    status: str = "In ontwikkeling"  # 'In ontwikkeling', 'In gebruik' or 'Buiten gebruik'
    begindatum: str | None = None  # yyyy-mm
    dpia_status: str = IN_TE_VULLEN
    dpia_toelichting: str = ""
    iama_status: str = IN_TE_VULLEN

    def __post_init__(self) -> None:
        if self.status not in ("In ontwikkeling", "In gebruik", "Buiten gebruik"):
            raise ValueError(f"onbekende status: {self.status}")
        if self.dpia_status not in DPIA_STATUSSEN:
            raise ValueError(f"DPIA-status is een van: {', '.join(DPIA_STATUSSEN)}")


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%".replace(".", ",")


def _int(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _num(value: float, digits: int = 3) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def entry(
    card: Mapping[str, Any],
    report: Mapping[str, Any],
    publicatie: Publicatie | None = None,
) -> dict[str, Any]:
    """The register entry as a dict (the JSON form)."""
    pub = publicatie or Publicatie()
    cap = report["capaciteit"]
    top20 = cap.get("0.2", next(iter(cap.values())))
    fair = report["eerlijkheid"]
    age = fair.get("leeftijdsband", {})
    gaps = age.get("tpr_verschil", {})
    gap_text = ", ".join(
        f"{_num(v, 3)} (bovenste {_pct(float(k))})" for k, v in gaps.items() if v is not None
    )
    ideal = report.get("ideaal") or {}
    prestatie = (
        f"Gemeten op {_int(report['data']['zaken'])} zaken die niet voor het trainen zijn gebruikt"
        f" (model {card['versie']}): AUC {_num(report['auc'])}"
        + (f" ({_pct(ideal['auc_verhouding'])} van het haalbare)" if ideal else "")
        + f"; kalibratiefout (ECE) {_num(report['ece'], 4)}; in de bovenste 20% van de"
        f" werkvoorraad {_num(top20['model']['lift'], 1)} keer zoveel huishoudens met een"
        f" ontruimingsvonnis als gemiddeld, tegen {_num(top20['grootste_bedrag']['lift'], 1)}"
        " keer bij sorteren op het hoogste bedrag. Verschil in terecht herkende huishoudens"
        f" tussen leeftijdsgroepen: {gap_text or 'niet gemeten'}."
    )
    gegevens = [
        "openstaande achterstand per soort schuldeiser ("
        + ", ".join(GROEPEN)
        + "), uitgedrukt in maanden van een gemiddelde maandlast van die soort"
    ] + [FEATURE_DOCS[f][1] for f in RAW_FEATURES if f not in BEDRAG_FEATURES]
    return {
        "standaard": "Algoritmeregister publicatiestandaard",
        "gegenereerd_op": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "model_versie": card["versie"],
        "model_sha256": card["sha256"],
        # Algemene informatie
        "name": "Volgorde van de werkvoorraad vroegsignalering schulden",
        "description_short": (
            "Dit algoritme zet meldingen van betalingsachterstanden (vroegsignalen) in een"
            " volgorde. Huishoudens met het grootste risico hun woning te verliezen komen"
            " bovenaan, zodat schuldhulpverleners hen eerst benaderen. Iedereen met een"
            " geldige melding krijgt een aanbod voor hulp."
        ),
        "organization": pub.organisatie,
        "category": ["Sociale zekerheid", "Wonen"],
        "status": pub.status,
        "begin_date": pub.begindatum,
        "contact_email": pub.contact,
        "publication_category": "Hoog-risico AI-systemen",
        "source_code": BRONCODE,
        # Verantwoord gebruik
        "goal_and_impact": (
            "Doel: huishoudens met een dreigende huisuitzetting sneller bereiken. Een team"
            " kan niet iedereen op de eerste dag benaderen; de werkvoorraad begint daarom bij"
            " de meldingen met de grootste kans op een ontruimingsvonnis of huisuitzetting"
            " binnen twaalf maanden. Impact: de volgorde waarin inwoners een aanbod krijgen."
            " Het algoritme beslist niet óf iemand hulp krijgt: elke melding die aan de regels"
            " voldoet krijgt een aanbod, met de wettelijke termijnen (14 dagen; 3 werkdagen"
            " bij een crisissignaal)."
        ),
        "considerations": (
            "Zonder volgorde worden meldingen op binnenkomst of op bedrag behandeld. Op"
            " hetzelfde aantal gesprekken bereikt de risicovolgorde meer huishoudens die hun"
            " woning dreigen te verliezen. Het model is een uitlegbare logistische regressie:"
            " per melding is exact te zien welke gegevens de volgorde bepalen. Gegevens die"
            " tot discriminatie kunnen leiden (naam, nationaliteit, postcode of wijk,"
            " leeftijd) worden niet gebruikt."
        ),
        "human_intervention": (
            "Een schuldhulpverlener beslist over elke melding; de score en de redenen zijn"
            " alleen een advies over de volgorde. Een nieuw model wordt alleen in gebruik"
            " genomen als het de toets op voorspelkracht, kalibratie en eerlijkheid haalt,"
            " en kan op elk moment worden ingetrokken; dan geldt weer een eenvoudige,"
            " openbare puntenregel."
        ),
        "risk_management": (
            "Risico: ongelijke behandeling van groepen. Maatregelen: geen beschermde of"
            " afgeleide kenmerken als invoer (door een test bewaakt); eerlijkheid wordt bij"
            " elke nieuwe versie gemeten per leeftijdsgroep en per soort schuldeiser en een"
            " verschil boven 0,05 houdt promotie tegen. Risico: het model beïnvloedt zijn eigen"
            " uitkomsten (wie eerder geholpen wordt, wordt minder vaak uitgezet); maatregel:"
            " periodiek opnieuw trainen en toetsen op actuele uitkomsten. Risico: fouten in"
            " het model; maatregel: elke werkvoorraadregel vermeldt de modelversie en de"
            " redenen, en het modelbestand wordt met een hash gecontroleerd."
        ),
        "legal_basis": (
            "Wet gemeentelijke schuldhulpverlening, zoals gewijzigd voor de uitwisseling van"
            " persoonsgegevens (Stb. 2020, 239); Besluit gemeentelijke schuldhulpverlening"
            " (Stb. 2020, 240); AVG artikel 6 lid 1 sub e (publieke taak)."
        ),
        "impacttoetsen": [
            {
                "naam": "Data Protection Impact Assessment (DPIA)",
                "status": pub.dpia_status,
                "toelichting": pub.dpia_toelichting
                or "Een DPIA is verplicht voor deze verwerking (AVG artikel 35).",
            },
            {
                "naam": "Impact Assessment Mensenrechten en Algoritmes (IAMA)",
                "status": pub.iama_status,
            },
        ],
        "dpia_status": pub.dpia_status,
        # Werking
        "source_data": (
            "Alleen gegevens uit vroegsignalen van schuldeisers (Huur, Energie, Water, Zorg en"
            " de experimentele bronnen) en eerdere vroegsignalen van hetzelfde adres in het"
            " afgelopen halfjaar: " + "; ".join(gegevens) + "."
        ),
        "methods_and_models": (
            "Logistische regressie op per kenmerk getransformeerde gegevens (een additief"
            " model), met kalibratie zodat de score een kans is. De drie grootste bijdragen"
            " worden als redenen in gewone taal getoond. Getraind met scikit-learn"
            f" {card['software'].get('scikit-learn', '')}; modelkaart met alle meetresultaten"
            " per versie."
        ),
        "performance_standard": prestatie,
    }


_SECTIES = (
    (
        "Algemene informatie",
        (
            ("Naam", "name"),
            ("Korte omschrijving", "description_short"),
            ("Organisatie", "organization"),
            ("Thema", "category"),
            ("Status", "status"),
            ("Begindatum", "begin_date"),
            ("Contactgegevens", "contact_email"),
            ("Publicatiecategorie", "publication_category"),
            ("Broncode", "source_code"),
        ),
    ),
    (
        "Verantwoord gebruik",
        (
            ("Doel en impact", "goal_and_impact"),
            ("Afwegingen", "considerations"),
            ("Menselijke tussenkomst", "human_intervention"),
            ("Risicobeheer", "risk_management"),
            ("Wettelijke basis", "legal_basis"),
            ("Impacttoetsen", "impacttoetsen"),
            ("DPIA-status", "dpia_status"),
        ),
    ),
    (
        "Werking",
        (
            ("Gegevens", "source_data"),
            ("Technische werking", "methods_and_models"),
            ("Prestaties", "performance_standard"),
        ),
    ),
)


def _value(value: Any) -> str:
    if value is None:
        return IN_TE_VULLEN
    if isinstance(value, list):
        if value and isinstance(value[0], Mapping):
            return "\n".join(
                f"- {v['naam']}: {v['status']}"
                + (f". {v['toelichting']}" if v.get("toelichting") else "")
                for v in value
            )
        return ", ".join(str(v) for v in value)
    return str(value)


def markdown(data: Mapping[str, Any]) -> str:
    lines = [
        f"# Algoritmeregister: {data['name']}",
        "",
        "<!-- Gegenereerd door `vroegsignaal evaluate --publiceer`; niet met de hand bewerken. -->",
        "",
        f"Modelversie `{data['model_versie']}` (sha256 `{data['model_sha256'][:16]}…`),"
        f" gegenereerd op {data['gegenereerd_op']}.",
        "",
    ]
    for title, fields in _SECTIES:
        lines += [f"## {title}", ""]
        for label, key in fields:
            lines += [f"### {label}", "", _value(data.get(key)), ""]
    return "\n".join(lines)
