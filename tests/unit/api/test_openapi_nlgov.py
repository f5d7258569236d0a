# SPDX-License-Identifier: EUPL-1.2
"""The OpenAPI document passes the official NL GOV API Design Rules Spectral ruleset.

Spectral is the npm-installed one (package-lock.json, `make web-assets`), the ruleset the
copy in docs/standards/ of Logius' linter/spectral.yml. Errors fail the test; warnings are
reported as pytest warnings, so they show in the run's summary.
"""

from __future__ import annotations

import copy
import json
import subprocess
import warnings
from pathlib import Path
from typing import Any

from api.main import create_app

ROOT = Path(__file__).resolve().parents[3]
RULESET = ROOT / "docs" / "standards" / "nlgov-adr-spectral.yml"
SPECTRAL = ROOT / "node_modules" / ".bin" / "spectral"
SEVERITIES = {0: "error", 1: "warning", 2: "info", 3: "hint"}


def spectral_lint(spec: dict[str, Any], folder: Path) -> tuple[int, list[dict[str, Any]]]:
    """Lint `spec` with the NL GOV ruleset; return Spectral's exit code and its results."""
    assert SPECTRAL.is_file(), f"{SPECTRAL} missing: run `make web-assets` (npm ci)"
    path = folder / "openapi.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    command = [str(SPECTRAL), "lint", "-r", str(RULESET), "--fail-severity=error", "-f", "json"]
    run = subprocess.run(
        [*command, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=folder,
        check=False,
    )
    start = run.stdout.find("[")
    assert start >= 0, f"no JSON from spectral (exit {run.returncode}):\n{run.stdout}\n{run.stderr}"
    results, _ = json.JSONDecoder().raw_decode(run.stdout[start:])
    return run.returncode, results


def _describe(result: dict[str, Any]) -> str:
    where = ".".join(str(part) for part in result.get("path", []))
    return f"{SEVERITIES[result['severity']]} {result['code']} at {where}: {result['message']}"


def test_served_openapi_document_has_no_nlgov_errors(tmp_path: Path) -> None:
    returncode, results = spectral_lint(create_app().openapi(), tmp_path)

    errors = [_describe(r) for r in results if r["severity"] == 0]
    for other in (r for r in results if r["severity"] > 0):
        warnings.warn(f"NL GOV API Design Rules: {_describe(other)}", stacklevel=1)
    assert errors == []
    assert returncode == 0


def test_the_ruleset_is_active_and_finds_a_broken_document(tmp_path: Path) -> None:
    spec = copy.deepcopy(create_app().openapi())
    del spec["info"]["contact"]  # /core/doc-openapi-contact
    spec["servers"] = [{"url": "http://vroegsignaal.example/api"}]  # /core/uri-version, https

    returncode, results = spectral_lint(spec, tmp_path)

    codes = {r["code"] for r in results if r["severity"] == 0}
    assert returncode != 0
    assert {"info-contact", "nlgov:include-major-version-in-uri"} <= codes, codes


def test_version_in_server_url_and_contact() -> None:
    spec = create_app().openapi()
    assert spec["servers"][0]["url"].endswith("/api/v1")
    assert spec["info"]["contact"]["email"]
    assert all(not p.endswith("/") or p == "/" for p in spec["paths"])
