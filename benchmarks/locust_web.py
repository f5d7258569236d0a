# SPDX-License-Identifier: EUPL-1.2
"""Locust users for bench_web.py: each is one worker of one municipality in the web app.

Tasks by weight: the werkvoorraad page (the HTML page as the browser asks for it: the
first page in the default order "urgentie", the next page by the link's cursor, sometimes a
filter), the zaak page (an audited read), and "Toewijzen aan mij" as the page's form posts
it (form field `csrf_token`, answered by a redirect that locust does not follow). Each
user carries the cookie of a real session (bench_casework.py logs the workers in). The plan
comes from the JSON file in $BENCH_PLAN.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import random
import re

from locust import FastHttpUser, between, task

PLAN = json.loads(open(os.environ["BENCH_PLAN"], encoding="utf-8").read())  # noqa: SIM115
WAIT = tuple(float(x) for x in os.environ.get("BENCH_WAIT", "0.05,0.2").split(","))
# The page's "Volgende pagina" link (api/templates/werkvoorraad/werkvoorraad.html).
NEXT = re.compile(r'href="(/werkvoorraad\?[^"]*)">Volgende pagina<')
_next = itertools.count()


class WebWorker(FastHttpUser):
    wait_time = between(WAIT[0], WAIT[1])

    def on_start(self) -> None:
        me = PLAN["workers"][next(_next) % len(PLAN["workers"])]
        assert me["toegewezen"] and me["te_claimen"], "the plan gives every worker zaken"
        self.cookie = {"Cookie": me["cookie"]}
        self.csrf = me["csrf"]
        self.readable = me["toegewezen"] + me["te_claimen"]
        self.to_claim = list(me["te_claimen"])
        self.next_page: str | None = None
        self.rng = random.Random(me["id"])

    @task(5)
    def werkvoorraad(self) -> None:
        roll = self.rng.random()
        if self.next_page and roll < 0.4:
            path = self.next_page
        elif roll < 0.55:
            path = "/werkvoorraad?toegewezen=niemand"
        elif roll < 0.65:
            path = "/werkvoorraad?toegewezen=mij"
        else:
            path = "/werkvoorraad"
        with self.client.get(path, headers=self.cookie, name="werkvoorraad",
                             catch_response=True) as r:
            if r.status_code == 200:
                found = NEXT.search(r.text)
                self.next_page = html.unescape(found.group(1)) if found else None
                r.success()
            else:
                r.failure(f"status {r.status_code}")

    @task(3)
    def zaak(self) -> None:
        zaak_id = self.rng.choice(self.readable)
        with self.client.get(f"/zaken/{zaak_id}", headers=self.cookie, name="zaak",
                             catch_response=True) as r:
            if r.status_code == 200:
                r.success()
            else:
                r.failure(f"status {r.status_code}")

    @task(1)
    def claim(self) -> None:
        if not self.to_claim:
            return
        zaak_id = self.to_claim.pop()
        with self.client.post(
                f"/zaken/{zaak_id}/toewijzen-aan-mij", headers=self.cookie, name="claim",
                data={"csrf_token": self.csrf, "terug": f"/zaken/{zaak_id}"},
                allow_redirects=False, catch_response=True) as r:
            # 303 back to the zaak page, with "melding=toegewezen" when the claim succeeded.
            if r.status_code == 303 and "melding=toegewezen" in r.headers.get("location", ""):
                r.success()
            else:
                r.failure(f"status {r.status_code} {r.headers.get('location', '')}")
