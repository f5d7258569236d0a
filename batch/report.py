# SPDX-License-Identifier: EUPL-1.2
"""The validation report of one delivered file: JSON for machines, Markdown for people.

It names lines and checks, never values: no cell of the file appears in it, also not for
columns that are not identifying, because a shifted column can put a name where a code
was expected. Unknown columns are named by their header, which is the schuldeiser's own.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from batch.rule import Besluit, Grond, Verdict
from batch.validation import FileValidation, Finding
from vroegsignaal.contract.codes import uitleg

REPORT_VERSION = 2
MAX_LINES_JSON = 1000
MAX_LINES_TEXT = 50
SEVERITY_DUTCH = {"fatal": "fataal", "error": "fout", "warning": "waarschuwing"}
_GROND_DUTCH = {
    Grond.BESTAND_GEWEIGERD: "Het bestand is geweigerd zonder het te lezen (zie 'bestand "
    "geweigerd'); er is niets ingelezen.",
    Grond.FATALE_CONTROLE: "Een fatale controle is niet gehaald; het hele bestand staat in "
    "quarantaine en er is niets ingelezen.",
    Grond.TE_VEEL_ONGELDIGE_REGELS: "Meer ongeldige regels dan de drempel toestaat; het hele "
    "bestand staat in quarantaine en er is niets ingelezen.",
    Grond.BINNEN_DREMPEL: "De geldige regels zijn ingelezen; de ongeldige regels zijn "
    "geweigerd (ONGELDIG_BERICHT) en hieronder genoemd.",
    Grond.ALLES_GELDIG: "Alle regels zijn geldig en ingelezen.",
}


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "code": f.code,
        "controle": f.expectation,
        "kolommen": list(f.columns),
        "ernst": f.severity,
        "waarom": f.why,
        "identificerend": f.identificerend,
        "aantal_gecontroleerd": f.checked if f.row_level else None,
        "aantal_regels": f.failed if f.row_level else None,
        "regels": f.lines[:MAX_LINES_JSON],
        "meer_regels": max(0, len(f.lines) - MAX_LINES_JSON),
        "details": f.details,
    }


def _contract(validation: FileValidation) -> list[dict[str, Any]]:
    """The contract's refusals per field and code: the same codes intake refuses with."""
    out = []
    for code, tally in sorted(validation.contract.items()):
        veld, _, fout = code.rpartition(":")
        out.append({
            "veld": veld or None,
            "fout": fout,
            "uitleg": uitleg(fout),
            "aantal_regels": tally.count,
            "regels": tally.lines[:MAX_LINES_JSON],
            "meer_regels": max(0, tally.count - min(len(tally.lines), MAX_LINES_JSON)),
        })
    return out


def build_report(
    validation: FileValidation,
    verdict: Verdict,
    *,
    bestand: str,
    schuldeiser: str,
    run: str,
    gecontroleerd_op: dt.datetime | None = None,
) -> dict[str, Any]:
    failed = validation.failed
    return {
        "rapport": "validatierapport batchbestand vroegsignalen",
        "versie": REPORT_VERSION,
        "bestand": bestand,
        "schuldeiser": schuldeiser,
        "run": run,
        "gecontroleerd_op": (gecontroleerd_op or dt.datetime.now(dt.UTC)).isoformat(
            timespec="seconds"
        ),
        "suite": validation.suite,
        "regels": verdict.rows,
        "ongeldige_regels": verdict.invalid_rows,
        "aandeel_ongeldig": round(verdict.invalid_fraction, 6),
        "drempel": verdict.max_invalid_fraction,
        "besluit": verdict.besluit.value,
        "grond": verdict.grond.value,
        "toelichting": _GROND_DUTCH[verdict.grond],
        "fatale_controles": list(verdict.fatal_codes),
        "controles_totaal": len(validation.findings),
        "controles_niet_gehaald": len(failed),
        "bevindingen": [_finding(f) for f in sorted(failed, key=_order)],
        "contractfouten": _contract(validation),
        "regels_in_bestand": validation.regels,
        "bestand_geweigerd": (
            {"code": validation.file_refused, "uitleg": uitleg(validation.file_refused)}
            if validation.file_refused else None
        ),
    }


def _order(f: Finding) -> tuple[int, str]:
    return (["fatal", "error", "warning"].index(f.severity), f.code)


def _lines_text(lines: list[int], total: int) -> str:
    shown = ", ".join(str(n) for n in lines[:MAX_LINES_TEXT])
    rest = total - min(len(lines), MAX_LINES_TEXT)
    return shown + (f" en nog {rest} regel(s)" if rest > 0 else "")


def render_markdown(report: dict[str, Any]) -> str:
    besluit = "ingelezen" if report["besluit"] == Besluit.INNEMEN else "in quarantaine"
    out = [
        f"# Validatierapport {report['bestand']}",
        "",
        f"- Schuldeiser: {report['schuldeiser']}",
        f"- Run: {report['run']}",
        f"- Gecontroleerd op: {report['gecontroleerd_op']} (suite `{report['suite']}`)",
        f"- Regels: {report['regels']}, ongeldig: {report['ongeldige_regels']} "
        f"({report['aandeel_ongeldig']:.2%}; drempel {report['drempel']:.2%})",
        f"- **Besluit: {besluit}** ({report['grond']}). {report['toelichting']}",
        "",
        "Dit rapport noemt regelnummers en controles, nooit de inhoud van het bestand.",
        "",
    ]
    regels = report.get("regels_in_bestand") or {}
    if regels:
        out += [
            f"Regels in het bestand: {regels['regels']} (kopregel {regels['kopregels']}, "
            f"records {regels['records']}, lege regels genegeerd {regels['genegeerd_leeg']}, "
            f"vervolgregels {regels['vervolgregels']}).",
            "",
        ]
    if report.get("bestand_geweigerd"):
        b = report["bestand_geweigerd"]
        out += [f"## Bestand geweigerd: {b['code']}", "", b["uitleg"], ""]
    if not report["bevindingen"]:
        out.append("Alle controles zijn gehaald.")
    for b in report["bevindingen"]:
        kolommen = ", ".join(b["kolommen"]) or "hele bestand"
        out += [
            f"## {b['code']} ({SEVERITY_DUTCH[b['ernst']]})",
            "",
            f"- Controle: `{b['controle']}` op {kolommen}",
            f"- Waarom: {b['waarom']}",
        ]
        if b["aantal_regels"] is not None:
            total = b["aantal_regels"]
            out.append(f"- Regels ({total}): {_lines_text(b['regels'], total)}")
        for key, value in b["details"].items():
            shown = ", ".join(map(str, value)) if isinstance(value, list) else value
            out.append(f"- {key.replace('_', ' ')}: {shown}")
        out.append("")
    if report.get("contractfouten"):
        out += ["## Contractfouten per veld", ""]
        for c in report["contractfouten"]:
            lines = _lines_text(c["regels"], c["aantal_regels"])
            out.append(f"- `{c['veld'] or '(bericht)'}`: {c['fout']} ({c['aantal_regels']}): "
                       f"regels {lines}. {c['uitleg']}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def write_report(report: dict[str, Any], directory: Path) -> Path:
    """rapport.json and rapport.md in `directory`; returns the JSON path."""
    path = directory / "rapport.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
    (directory / "rapport.md").write_text(render_markdown(report), encoding="utf-8")
    return path
