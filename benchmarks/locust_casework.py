# SPDX-License-Identifier: EUPL-1.2
"""Locust users for bench_casework.py: each is one worker of one municipality.

Tasks by weight: a werkvoorraad page (the first page or the next by cursor, sometimes a
filter), a zaak's detail (an audited read), a contact attempt on one of the worker's own
picked-up zaken, and a claim of a waiting zaak of the municipality. The plan (users and
zaak ids) comes from the JSON file in $BENCH_PLAN.
"""

from __future__ import annotations

import itertools
import json
import os
import random

from locust import FastHttpUser, between, task

PLAN = json.loads(open(os.environ["BENCH_PLAN"], encoding="utf-8").read())  # noqa: SIM115
# Seconds a worker waits between two actions: "min,max" ($BENCH_WAIT).
WAIT = tuple(float(x) for x in os.environ.get("BENCH_WAIT", "0.05,0.2").split(","))
_next = itertools.count()


class Worker(FastHttpUser):
    wait_time = between(WAIT[0], WAIT[1])

    def on_start(self) -> None:
        me = PLAN["workers"][next(_next) % len(PLAN["workers"])]
        assert me["toegewezen"] and me["te_claimen"], "the plan gives every worker zaken"
        # The worker's session (made by bench_casework.py) and its CSRF token for writes.
        self.headers = {"Cookie": me["cookie"], "X-CSRF-Token": me["csrf"]}
        self.mine = me["toegewezen"]
        self.to_claim = list(me["te_claimen"])
        self.readable = me["toegewezen"] + me["te_claimen"]
        self.cursor: str | None = None
        self.rng = random.Random(me["id"])

    @task(5)
    def werkvoorraad(self) -> None:
        params = "limit=50"
        roll = self.rng.random()
        if self.cursor and roll < 0.4:
            params += f"&cursor={self.cursor}"
        elif roll < 0.55:
            params += "&nietToegewezen=true"
        elif roll < 0.65:
            params += "&toegewezenAanMij=true"
        with self.client.get(f"/api/v1/werkvoorraad?{params}", headers=self.headers,
                             name="werkvoorraad", catch_response=True) as r:
            if r.status_code == 200:
                self.cursor = r.json().get("volgende")
                r.success()
            else:
                r.failure(f"status {r.status_code}")

    @task(3)
    def zaak(self) -> None:
        zaak_id = self.rng.choice(self.readable)
        self.client.get(f"/api/v1/zaken/{zaak_id}", headers=self.headers, name="zaak")

    @task(1)
    def contactpoging(self) -> None:
        zaak_id = self.rng.choice(self.mine)
        self.client.post(
            f"/api/v1/zaken/{zaak_id}/contactpogingen", headers=self.headers,
            json={"soort": "Telefoon", "tijdstip": "2026-11-30T10:15:00+01:00",
                  "bereikt": False, "notitie": "Geen gehoor"},
            name="contactpoging")

    @task(1)
    def claim(self) -> None:
        if not self.to_claim:
            return
        zaak_id = self.to_claim.pop()
        self.client.post(f"/api/v1/zaken/{zaak_id}/toewijzing-aan-mij", headers=self.headers,
                         json={}, name="claim")
