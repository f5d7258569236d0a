# SPDX-License-Identifier: EUPL-1.2
"""Offer templates: the defaults render with long example names and fit; admin-edited
templates run in Jinja's sandbox (no Python internals, no unknown names, values escaped
in the letter); the letter names the zaak's residents only; the PDF loads no URL."""

from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader

from vroegsignaal.offers import letters
from vroegsignaal.offers.letters import Resident, Worker
from vroegsignaal.offers.sms import measure
from vroegsignaal.offers.templates import Kind, TemplateRefused, check, default_source, render
from vroegsignaal.themes import default_theme

THEME = default_theme("GM0344", "Utrecht")


def _example() -> dict[str, object]:
    return letters.example_variables(THEME)


@pytest.mark.parametrize("kind", list(Kind))
def test_default_templates_pass_their_own_check(kind: Kind) -> None:
    text = check(kind, default_source(kind), _example())
    assert "A.B. van der Voorbeeld-Proefpersoon" in text


def test_default_sms_fits_two_messages_with_the_longest_example_names() -> None:
    text = letters.sms_text(default_source(Kind.SMS), _example())
    length = measure(text)
    assert length.fits and length.parts == 2, length


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ inwoner.__class__ }}",
        "{% for x in ().__class__.__base__.__subclasses__() %}{{ x }}{% endfor %}",
        "{{ cycler.__init__.__globals__ }}",
    ],
)
def test_the_sandbox_refuses_python_internals(source: str) -> None:
    with pytest.raises(TemplateRefused):
        check(Kind.BRIEF, source, _example())


def test_unknown_names_and_syntax_errors_are_refused_with_a_reason() -> None:
    with pytest.raises(TemplateRefused, match="onbekende naam"):
        check(Kind.SMS, "Beste {{ inwoner.bsn }}", _example())
    with pytest.raises(TemplateRefused, match="regel 1"):
        check(Kind.BRIEF, "{% if %}", _example())


def test_sms_outside_gsm7_or_too_long_is_refused() -> None:
    with pytest.raises(TemplateRefused, match="GSM-7"):
        check(Kind.SMS, "Beste {{ inwoner.naam }} ç", _example())
    with pytest.raises(TemplateRefused, match="berichten"):
        check(Kind.SMS, "{{ inwoner.naam }} " + "x" * 320, _example())


def test_letter_escapes_values_but_the_sms_is_plain_text() -> None:
    resident = Resident("<b>Jan</b> & Co", ("Straat 1", "1234 AB  STAD"), "+31612345678")
    variables = letters.variables(resident, Worker("W"), THEME, zaak_id=1, day=dt.date(2026, 1, 1))
    assert "&lt;b&gt;Jan&lt;/b&gt; &amp; Co" in render(Kind.BRIEF, "{{ inwoner.naam }}", variables)
    assert render(Kind.SMS, "{{ inwoner.naam }}", variables) == "<b>Jan</b> & Co"


def test_resident_is_every_person_of_the_zaak_and_the_newest_address() -> None:
    signals = [
        {"voorletters": "JM", "achternaam": "Jansen", "straatnaam": "Oudestraat",
         "huisnummer": "1", "postcode": "3511AB", "woonplaats": "Utrecht"},
        {"voorletters": "P.", "voorvoegsel": "de", "achternaam": "Vries",
         "straatnaam": "Nieuwestraat", "huisnummer": "2", "huisnummertoevoeging": "A",
         "postcode": "3511AC", "woonplaats": "Utrecht", "telefoonnummer": "+31611111111"},
        {"voorletters": "JM", "achternaam": "Jansen", "huisnummer": "2", "postcode": "3511AC"},
    ]
    resident = letters.resident_from(signals)
    assert resident.naam == "J.M. Jansen en P. de Vries"
    assert resident.adresregels == ("Nieuwestraat 2 A", "3511 AC  UTRECHT")
    assert resident.telefoonnummer == "+31611111111"


def test_letter_pdf_has_the_text_and_loads_no_url() -> None:
    html = letters.letter_html(
        default_source(Kind.BRIEF) + '<img src="http://192.0.2.1/spoor.png" alt="">', _example())
    pdf = letters.letter_pdf(html)
    assert pdf.startswith(b"%PDF")
    import io

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Voorbeeld-Proefpersoon" in text and "Gemeente Utrecht" in text
