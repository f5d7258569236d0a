# SPDX-License-Identifier: EUPL-1.2
"""publiccode.yml follows the standard (core, version 0.4) and names our licence."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
LICENCE_ID = "EUPL-1.2"

# Mandatory keys of the core schema (publiccode.yml 0.4).
REQUIRED_TOP_LEVEL = (
    "publiccodeYmlVersion",
    "name",
    "url",
    "platforms",
    "categories",
    "developmentStatus",
    "softwareType",
    "description",
    "legal",
    "maintenance",
    "localisation",
)
DEVELOPMENT_STATUSES = {"concept", "development", "beta", "stable", "obsolete"}
SOFTWARE_TYPES = {
    "standalone/mobile",
    "standalone/iot",
    "standalone/desktop",
    "standalone/web",
    "standalone/backend",
    "standalone/other",
    "addon",
    "library",
    "configurationFiles",
}
MAINTENANCE_TYPES = {"internal", "contract", "community", "none"}
# The standard's controlled vocabulary, limited to the tags that could fit this product.
KNOWN_CATEGORIES = {
    "business-process-management",
    "communications",
    "contact-management",
    "crm",
    "customer-service-and-support",
    "data-analytics",
    "data-collection",
    "data-visualization",
    "digital-citizenship",
    "financial-reporting",
    "help-desk",
    "predictive-analysis",
    "task-management",
    "workflow-management",
}
LANGUAGES = ("nl", "en")


@pytest.fixture(scope="module")
def publiccode() -> dict[str, Any]:
    text = (REPO / "publiccode.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def test_has_the_mandatory_top_level_keys(publiccode: dict[str, Any]) -> None:
    missing = [key for key in REQUIRED_TOP_LEVEL if key not in publiccode]
    assert missing == []


def test_core_values(publiccode: dict[str, Any]) -> None:
    assert publiccode["publiccodeYmlVersion"] == "0.4"
    assert publiccode["name"] == "vroegsignaal"
    assert publiccode["url"] == "https://github.com/vroegsignaal/vroegsignaal"
    assert publiccode["developmentStatus"] in DEVELOPMENT_STATUSES
    assert publiccode["softwareType"] in SOFTWARE_TYPES
    assert "web" in publiccode["platforms"]
    assert publiccode["categories"]
    assert set(publiccode["categories"]) <= KNOWN_CATEGORIES
    assert "it" not in publiccode, "the Italian country section does not apply"


def test_version_and_release_date_match_the_package(publiccode: dict[str, Any]) -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert publiccode["softwareVersion"] == pyproject["project"]["version"]
    release = publiccode["releaseDate"]
    assert isinstance(release, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", release)
    dt.date.fromisoformat(release)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_description_per_language(publiccode: dict[str, Any], lang: str) -> None:
    description = publiccode["description"][lang]
    assert 0 < len(description["shortDescription"]) <= 150
    assert 150 <= len(description["longDescription"]) <= 10_000
    features = description["features"]
    assert isinstance(features, list) and features
    assert all(isinstance(feature, str) and feature for feature in features)


def test_licence_is_eupl_everywhere(publiccode: dict[str, Any]) -> None:
    assert publiccode["legal"]["license"] == LICENCE_ID
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["license"] == LICENCE_ID


def test_licence_file_is_the_eupl_with_its_appendix() -> None:
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2")
    assert "15.Applicable Law" in text
    assert "‘Compatible Licences’ according to Article 5 EUPL are:" in text
    assert "European Union Public Licence (EUPL) v. 1.1, v. 1.2" in text


def test_maintenance(publiccode: dict[str, Any]) -> None:
    maintenance = publiccode["maintenance"]
    assert maintenance["type"] in MAINTENANCE_TYPES
    if maintenance["type"] in ("internal", "community"):
        contacts = maintenance["contacts"]
        assert contacts and all(contact.get("name") for contact in contacts)


def test_localisation(publiccode: dict[str, Any]) -> None:
    localisation = publiccode["localisation"]
    assert localisation["localisationReady"] is True
    assert list(localisation["availableLanguages"]) == list(LANGUAGES)


def test_system_dependencies(publiccode: dict[str, Any]) -> None:
    names = {dependency["name"] for dependency in publiccode["dependsOn"]["open"]}
    assert names == {"PostgreSQL", "Apache Kafka", "Apache Airflow"}
