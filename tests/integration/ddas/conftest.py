# SPDX-License-Identifier: EUPL-1.2
"""A PostgreSQL database with synthetic signals (the demo's generator, through the real
intake), contactpogingen and closings; the PKI of the municipality and of CBS; the pull
API configured against the real Keycloak, whose realm has the CBS service account."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.kpi_world import KpiWorld
from tests.oidc import REALM_FILE, KeycloakRealm
from tests.pki import Issued, make_ca, make_leaf, write_pair
from vroegsignaal.config import get_settings
from vroegsignaal.storage.db import session_factory

GEMEENTE = "GM0344"
CBS_CLIENT = "cbs-ddas"


@dataclass
class DdasWorld:
    url: str
    municipality_ca: Issued
    cbs_signer_files: tuple[Path, Path]
    keycloak: KeycloakRealm
    cbs_secret: str

    def token(self) -> str:
        """A client-credentials access token of CBS from Keycloak."""
        response = httpx.post(f"{self.keycloak.issuer}/protocol/openid-connect/token", data={
            "grant_type": "client_credentials", "client_id": CBS_CLIENT,
            "client_secret": self.cbs_secret}, timeout=30)
        response.raise_for_status()
        return str(response.json()["access_token"])


def _cbs_client_in_realm(keycloak: KeycloakRealm) -> str:
    """The CBS client as the realm file defines it; imported through the admin API when
    Keycloak was started from an older realm file (its realm is made at start only)."""
    import json

    data = json.loads(REALM_FILE.read_text(encoding="utf-8"))
    (client,) = (c for c in data["clients"] if c["clientId"] == CBS_CLIENT)
    admin = httpx.post(f"{keycloak.base_url}/realms/master/protocol/openid-connect/token", data={
        "grant_type": "password", "client_id": "admin-cli",
        "username": keycloak.admin_username, "password": keycloak.admin_password}, timeout=30)
    admin.raise_for_status()
    headers = {"Authorization": f"Bearer {admin.json()['access_token']}"}
    clients = f"{keycloak.base_url}/admin/realms/vroegsignaal/clients"
    found = httpx.get(clients, params={"clientId": CBS_CLIENT}, headers=headers, timeout=30)
    found.raise_for_status()
    if not found.json():
        httpx.post(clients, json=client, headers=headers, timeout=30).raise_for_status()
    return str(client["secret"])


def fill(session: Session) -> None:
    """Three months of the demo's synthetic signals for Utrecht through `run_intake`, then
    case work on them: every zaak gets an attempt, two in three are closed."""
    from synthetic.run import SyntheticRun
    from vroegsignaal.contract.enums import Eindresultaat
    from vroegsignaal.intake.pipeline import run_intake
    from vroegsignaal.storage.tables import Zaak

    run = SyntheticRun(gemeenten=[GEMEENTE], start=dt.date(2026, 1, 1), months=3, seed=3,
                       scale=0.05)
    batch: list[dict] = []
    for message in run:
        batch.append(message)
        if len(batch) == 500:
            run_intake(batch, session=session, source="test")
            batch = []
    if batch:
        run_intake(batch, session=session, source="test")
    world = KpiWorld(session)
    results = [Eindresultaat.BUDGETADVIES, Eindresultaat.GEEN_CONTACT,
               Eindresultaat.VERVOLGHULP_FINANCIEEL]
    zaken = session.execute(select(Zaak.id, Zaak.datum_opgepakt).order_by(Zaak.id)).all()
    for i, (zaak_id, received) in enumerate(zaken):
        world.attempt(zaak_id, received + dt.timedelta(days=2), bereikt=i % 3 != 1,
                      soort=("Telefoon", "Brief", "Huisbezoek")[i % 3])
        if i % 3:
            session.execute(update(Zaak).where(Zaak.id == zaak_id).values(
                status="Afgesloten", eindresultaat=results[i % 3].value,
                gesloten_op=dt.datetime.combine(received + dt.timedelta(days=9), dt.time(12),
                                                dt.UTC)))
    world.commit()


@pytest.fixture(scope="module")
def ddas_world(new_postgres_database: Callable[[], str], keycloak: KeycloakRealm,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[DdasWorld]:
    from vroegsignaal.storage.seed import prepare_database

    folder = tmp_path_factory.mktemp("ddas-pki")
    municipality_ca, cbs_ca = make_ca("Test PKIoverheid (gemeente)"), make_ca("Test CBS CA")
    key, chain = write_pair(folder, "gemeente", make_leaf(municipality_ca, "GM0344 signing"),
                            municipality_ca)
    cbs_files = write_pair(folder, "cbs", make_leaf(cbs_ca, "CBS signing"), cbs_ca)
    anchors = folder / "anchors.pem"
    anchors.write_bytes(cbs_ca.cert_pem())
    url = new_postgres_database()
    prepare_database(url)
    env = {
        "VROEGSIGNAAL_DATABASE_URL": url,
        "VROEGSIGNAAL_DDAS_SIGNING_KEY_FILE": str(key),
        "VROEGSIGNAAL_DDAS_SIGNING_CERT_FILE": str(chain),
        "VROEGSIGNAAL_DDAS_TRUST_ANCHORS_FILE": str(anchors),
        "VROEGSIGNAAL_DDAS_OAUTH_ISSUER": keycloak.issuer,
        "VROEGSIGNAAL_DDAS_GEMEENTEN": f'["{GEMEENTE}"]',
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    get_settings.cache_clear()
    try:  # the environment is restored even when the set-up fails
        with session_factory(url)() as session:
            fill(session)
        secret = _cbs_client_in_realm(keycloak)
        yield DdasWorld(url, municipality_ca, cbs_files, keycloak, secret)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        get_settings.cache_clear()
