# SPDX-License-Identifier: EUPL-1.2
"""DDAS v1.2 enumerations; the values are the exact strings of the exchange model."""

from enum import StrEnum


class Signaalpartner(StrEnum):
    """DDAS EnumSignaalpartner: the kind of creditor that sent the signal."""

    BELASTINGDIENST = "Belastingdienst"
    CAK_EIGEN_BIJDRAGE = "CAK Eigen bijdrage"
    CAK_ZORGVERZEKERINGEN = "CAK Zorgverzekeringen"
    DIENST_TOESLAGEN = "Dienst Toeslagen"
    DUO = "DUO"
    ENERGIE = "Energie"
    HUUR = "Huur"
    HYPOTHEEK = "Hypotheek"
    OVERIGE = "Overige"
    WATER = "Water"
    ZORG = "Zorg"


class Signaalstatus(StrEnum):
    """DDAS EnumSignaalstatus: the status of one signal, also what a creditor hears back."""

    AL_BEKEND = "Inwoner al bekend bij schuldhulpverlening"
    OVERLEDEN = "Inwoner is overleden"
    NIET_OPGEPAKT_ANDERE_REDEN = "Niet opgepakt: andere reden"
    NIET_OPGEPAKT_HERHAALD = "Niet opgepakt: herhaalde melding"
    NIET_OPGEPAKT_ONTERECHT = "Niet opgepakt: onterecht signaal"
    NOG_NIET_OPGEPAKT = "Nog niet opgepakt"
    OPGEPAKT = "Opgepakt"
    GEEN_INWONER = "Persoon is geen inwoner (meer) in de gemeente"


class Eindresultaat(StrEnum):
    """DDAS EnumEindresultaat: how a vroegsignaalzaak ended."""

    BUDGETADVIES = "(Budget)advies en/of quick fix"
    GEEN_CONTACT = "Definitief geen contact kunnen krijgen"
    GEEN_REACTIE = "Geen reactie na eerder contact"
    AL_BEKEND = "Inwoner al bekend bij schuldhulpverlening"
    ANDER_TRAJECT = "Inwoner heeft al een ander lopend traject"
    ZELF_BETAALD = "Inwoner heeft zelf al betaald/betalingsregeling getroffen"
    OVERLEDEN = "Inwoner is overleden"
    REGELT_ZELF = "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering"
    NIET_OPGEPAKT_ANDERE_REDEN = "Niet opgepakt: andere reden"
    NIET_OPGEPAKT_HERHAALD = "Niet opgepakt: herhaalde melding"
    NIET_OPGEPAKT_ONTERECHT = "Niet opgepakt: onterecht signaal"
    GEEN_INWONER = "Persoon is geen inwoner (meer) in de gemeente"
    VERVOLGHULP = "Vervolghulp en/of verwijzing"
    VERVOLGHULP_FINANCIEEL = "Vervolghulp en/of verwijzing financieel"
    VERVOLGHULP_NIET_FINANCIEEL = "Vervolghulp en/of verwijzing niet financieel"
    VERWIJZING_ZONDER_INWONER = "Verwijzing zonder tussenkomst inwoner"


class Contactsoort(StrEnum):
    """DDAS EnumContactsoort: the way a contact attempt was made."""

    ADMINISTRATIEF = "Administratief"
    AFSPRAAK_OP_LOCATIE = "Afspraak op locatie"
    BRIEF = "Brief"
    HUISBEZOEK = "Huisbezoek"
    KAARTJE = "Kaartje"
    MAIL = "Mail"
    ONBEKEND = "Onbekend"
    OVERIGE = "Overige"
    SMS_WHATSAPP = "SMS/Whatsapp"
    TELEFOON = "Telefoon"


class Dagdeel(StrEnum):
    """DDAS EnumDagdeel: Ochtend < 12:00, Middag 12-18, Avond >= 18."""

    OCHTEND = "Ochtend"
    MIDDAG = "Middag"
    AVOND = "Avond"


class Zaaktype(StrEnum):
    """How a case relates to other signals on the address (DOMAIN.md, step 4)."""

    ENKELVOUDIG = "enkelvoudig"
    MEERVOUDIG = "meervoudig"
    OPEENVOLGEND = "opeenvolgend"
