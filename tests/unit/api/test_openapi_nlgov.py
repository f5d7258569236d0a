# SPDX-License-Identifier: EUPL-1.2
"""The OpenAPI document passes the official NL GOV API Design Rules Spectral ruleset."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from api.main import app

ROOT = Path(__file__).resolve().parents[3]
RULESET = ROOT / "docs" / "standards" / "nlgov-adr-spectral.yml"
SPECTRAL = "@stoplight/spectral-cli@6.16.3"


def test_openapi_passes_nlgov_spectral_rules(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(app.openapi()), encoding="utf-8")
    npx = shutil.which("npx")
    assert npx, "Node.js (npx) is required to lint the API description"
    run = subprocess.run(
        [npx, "--yes", SPECTRAL, "lint", "--fail-severity", "error", "-r", str(RULESET), str(spec)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_version_in_server_url_and_contact() -> None:
    spec = app.openapi()
    assert spec["servers"][0]["url"].endswith("/api/v1")
    assert spec["info"]["contact"]["email"]
    assert all(not p.endswith("/") or p == "/" for p in spec["paths"])
