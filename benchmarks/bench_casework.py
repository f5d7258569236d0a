# SPDX-License-Identifier: EUPL-1.2
"""Benchmark: the worker API under load, with 1,000,000 zaken in PostgreSQL (issue 10).

Fills a fresh database with `--zaken` zaken (one signal and one werkvoorraad item each)
across ten municipalities, a team of five workers per municipality (50 workers), a
quarter of the zaken open; serves the real API with uvicorn on loopback (each worker
logged in by a real session of vroegsignaal/accounts: cookie and CSRF token, looked up on
every request), and runs locust headless with one user per worker
(benchmarks/locust_casework.py) for `--seconds`.
Targets: werkvoorraad page p95 < 100 ms, zaak detail p95 < 150 ms, writes (contact
attempt, claim) p95 < 150 ms. Records the machine's load while it ran, because the
machine is shared. A warm-up run (`--warmup` seconds, not measured) comes first; then
each profile of `--profiles` (a closed loop, and 1-3 s of think time).

    .venv/bin/python benchmarks/bench_casework.py [--zaken 1000000] [--users 50] [--seconds 60]
        [--keep-database NAME | --reuse-database NAME]

`--keep-database NAME` fills a database of that name and leaves it; `--reuse-database NAME`
measures on it again without the fill (about a minute on a quiet machine, four under
load), after bringing it to the current schema. A reused database carries the claims and
contact attempts of the runs before; each run claims zaken still waiting.
Writes benchmarks/results/casework.json.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.postgres import (  # noqa: E402
    create_database,
    database_exists,
    database_url,
    drop_database,
    server_url,
)

RESULTS = ROOT / "benchmarks" / "results"
GEMEENTEN = ["GM0344", "GM0363", "GM0518", "GM0599", "GM0153", "GM0014", "GM0200", "GM0772",
             "GM0855", "GM0193"]
TARGETS_MS = {"werkvoorraad": 100, "zaak": 150, "contactpoging": 150, "claim": 150}
WORKERS_PER_TEAM = 5
# The work trays of every team (name: saved WerkvoorraadFilter).
TRAYS = {"Crisis": {"crisis": True}, "Te laat": {"teLaat": True},
         "Wijk 3000-3299": {"pc4Van": "3000", "pc4Tot": "3299"}}


def fill(url: str, n: int) -> float:
    """Teams, workers and `n` zaken by set-based SQL; returns the seconds it took."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    started = time.perf_counter()
    workers: list[dict[str, object]] = []
    with engine.begin() as conn:
        for gi, g in enumerate(GEMEENTEN):
            team = conn.execute(text("INSERT INTO team (naam, aangemaakt_op) VALUES (:n, now()) "
                                     "RETURNING id"), {"n": f"team {g}"}).scalar_one()
            conn.execute(text("INSERT INTO team_gemeente VALUES (:t, :g)"), {"t": team, "g": g})
            for w in range(WORKERS_PER_TEAM):
                uid = conn.execute(text(
                    "INSERT INTO gebruiker (gebruikersnaam, weergavenaam, gemeentecode, actief, "
                    "aangemaakt_op) VALUES (:u, :u, :g, true, now()) "
                    "RETURNING id"), {"u": f"w{gi}-{w}", "g": g}).scalar_one()
                conn.execute(text("INSERT INTO gebruiker_rol VALUES (:u, 'schuldhulpverlener')"),
                             {"u": uid})
                conn.execute(text("INSERT INTO team_lid VALUES (:t, :u)"), {"t": team, "u": uid})
                workers.append({"id": uid, "gemeente": gi, "slot": w})
        ids = [w["id"] for w in workers]
        params = {"n": n, "g": GEMEENTEN, "ng": len(GEMEENTEN), "w": ids,
                  "wpt": WORKERS_PER_TEAM}
        conn.execute(text("""
            INSERT INTO intake_batch (batch_id, bron, ontvangen_op, aantallen,
                                      verwijderde_velden, bewaren_tot)
            VALUES ('bench', 'bench', now() - interval '30 days', '{}', '{}', '2028-01-01')"""))
        # Zaak g is of municipality g % 10; of each municipality's zaken 20% wait, 5% are
        # picked up (assigned to one of its workers), 75% are closed.
        conn.execute(text("""
            INSERT INTO zaak (id, gemeentecode, huishouden_sleutel, matchingsperiode, zaaktype,
                              status, eindresultaat, versie, datum_opgepakt, aantal_signalen,
                              bewaren_tot, aangemaakt_op, toegewezen_aan,
                              laatste_activiteit_op)
            SELECT g, (CAST(:g AS text[]))[1 + g % :ng], md5(g::text),
                   (date '2025-01-01' + ((g / 7) % 18) * interval '1 month')::date,
                   'enkelvoudig',
                   CASE WHEN (g / 10) % 100 < 20 THEN 'Nog niet opgepakt'
                        WHEN (g / 10) % 100 < 25 THEN 'Opgepakt' ELSE 'Afgesloten' END,
                   CASE WHEN (g / 10) % 100 >= 25
                        THEN 'Definitief geen contact kunnen krijgen' END,
                   CASE WHEN (g / 10) % 100 BETWEEN 20 AND 24 THEN 2 ELSE 0 END,
                   date '2026-10-01', 1, date '2027-06-01', now() - interval '30 days',
                   CASE WHEN (g / 10) % 100 BETWEEN 20 AND 24
                        THEN (CAST(:w AS bigint[]))[1 + (g % :ng) * :wpt + (g / 1000) % :wpt]
                   END,
                   date '2026-10-01'
            FROM generate_series(1, :n) g"""), params)
        conn.execute(text("SELECT setval(pg_get_serial_sequence('zaak', 'id'), :n)"), params)
        conn.execute(text("""
            INSERT INTO werkvoorraad_item (id, zaak_id, gemeentecode, prioriteit,
                prioriteit_redenen, scoremodel, uiterste_datum, crisis, status, bewaren_tot,
                bijgewerkt_op, pc4)
            SELECT z.id, z.id, z.gemeentecode, round((random() * 1000)::numeric) / 1000,
                   '["achterstand huur"]'::jsonb, 'regel',
                   date '2026-11-20' + (z.id % 30)::int, z.id % 50 = 0, z.status,
                   z.bewaren_tot, now(), (3000 + z.id % 900)::text
            FROM zaak z"""))  # pc4: the household's, as its signal below has it
        conn.execute(text("SELECT setval(pg_get_serial_sequence('werkvoorraad_item', 'id'), :n)"),
                     params)
        conn.execute(text("""
            INSERT INTO signaal (schuldeiser, signaal_id, signaalpartner, gemeentecode, pc4,
                huishouden_sleutel, referentie_sleutel, bedrag, ontstaansdatum, signaaldatum,
                ontvangen_op, crisissignaal, warme_overdracht, status, reden, zaak_id,
                sleutel_id, identificatie, batch_id, bron, bewaren_tot)
            SELECT 'BENCH', 'B-' || z.id, (ARRAY['Huur','Energie','Water','Zorg'])[1 + z.id % 4],
                   z.gemeentecode, (3000 + z.id % 900)::text, z.huishouden_sleutel,
                   md5('r' || z.id), 500 + z.id % 900, date '2026-08-01', date '2026-09-15',
                   date '2026-09-16', z.id % 50 = 0, false,
                   CASE WHEN z.status = 'Nog niet opgepakt' THEN 'Nog niet opgepakt'
                        ELSE 'Opgepakt' END,
                   'OPGEPAKT', z.id, 'k1', '\\x00'::bytea, 'bench', 'bench', z.bewaren_tot
            FROM zaak z"""))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return round(time.perf_counter() - started, 1)


def make_plan(url: str) -> dict[str, object]:
    """The plan the locust users follow, read from a filled database (fresh or reused):
    per worker its picked-up zaken, the waiting zaken it may claim, and a new session."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        # Each team's work trays, as a team would save them: the web page counts each.
        for naam, saved in TRAYS.items():
            conn.execute(text("""
                INSERT INTO werkbakje (team_id, naam, filter, aangemaakt_door, aangemaakt_op)
                SELECT t.id, :naam, CAST(:filter AS jsonb), 0, now() FROM team t
                ON CONFLICT (team_id, naam) DO NOTHING"""),
                {"naam": naam, "filter": json.dumps(saved)})
    with engine.connect() as conn:
        workers: list[dict[str, object]] = []
        for gi in range(len(GEMEENTEN)):
            for slot in range(WORKERS_PER_TEAM):
                uid = conn.execute(text("SELECT id FROM gebruiker WHERE gebruikersnaam = :u"),
                                   {"u": f"w{gi}-{slot}"}).scalar_one()
                workers.append({"id": uid, "gemeente": gi, "slot": slot})
        for w in workers:
            mine = conn.execute(text(
                "SELECT id FROM zaak WHERE toegewezen_aan = :u ORDER BY id LIMIT 300"),
                {"u": w["id"]}).scalars().all()
            # Disjoint waiting zaken per worker: claims race only when the plan says so.
            waiting = conn.execute(text(
                "SELECT id FROM zaak WHERE gemeentecode = :g AND status = 'Nog niet opgepakt' "
                "AND (id / 10) % :wpt = :slot ORDER BY id DESC LIMIT 300"),
                {"g": GEMEENTEN[w["gemeente"]], "wpt": WORKERS_PER_TEAM,
                 "slot": w["slot"]}).scalars().all()
            w["toegewezen"], w["te_claimen"] = list(mine), list(waiting)
        counts = dict(conn.execute(text("SELECT status, count(*) FROM zaak GROUP BY status"))
                      .all())
        zaken = conn.execute(text("SELECT count(*) FROM zaak")).scalar_one()
    engine.dispose()
    _log_in(url, workers)
    return {"workers": workers, "status_counts": counts, "zaken": zaken}


def _log_in(url: str, workers: list[dict[str, object]]) -> None:
    """A complete session per worker (as a password and TOTP login leaves it; the login
    itself is not what is measured): its cookie and CSRF token go into the plan."""
    from vroegsignaal.accounts import sessions
    from vroegsignaal.accounts.sessions import COOKIE_NAME, Method, Step
    from vroegsignaal.config import Settings
    from vroegsignaal.dates import utc_now
    from vroegsignaal.storage.db import session_scope

    settings = Settings(database_url=url, env="development")  # its session lifetimes
    with session_scope(url) as s:
        for w in workers:
            issued = sessions.start(s, int(str(w["id"])), method=Method.PASSWORD,
                                    step=Step.COMPLETE, settings=settings, now=utc_now())
            w["cookie"], w["csrf"] = f"{COOKIE_NAME}={issued.token}", issued.csrf_token
        s.commit()


class LoadSampler(threading.Thread):
    """Samples the 1-minute load average and whole-machine CPU use every few seconds."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[dict[str, float]] = []
        self.stop = threading.Event()

    @staticmethod
    def _cpu() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        idle = fields[3] + fields[4]
        return sum(fields) - idle, sum(fields)

    def run(self) -> None:
        busy0, total0 = self._cpu()
        while not self.stop.wait(5):
            busy, total = self._cpu()
            share = 100 * (busy - busy0) / max(1, total - total0)
            self.samples.append({"load1": os.getloadavg()[0], "cpu_busy_pct": round(share, 1)})
            busy0, total0 = busy, total


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(port: int, timeout: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("the API did not come up")


@contextlib.contextmanager
def database(args: argparse.Namespace) -> Iterator[tuple[str, float | None]]:
    """The filled database of this run: (URL, fill seconds or None when reused).

    `--reuse-database NAME`: an earlier `--keep-database NAME` run's database, brought to
    the current schema (new migrations, such as an index, apply) and not filled again.
    `--keep-database NAME`: a new database of that name, filled and left in place.
    Neither: a throwaway database, dropped at the end.
    """
    from vroegsignaal.storage.seed import prepare_database

    server = server_url()
    if args.reuse_database:
        if not database_exists(server, args.reuse_database):
            raise SystemExit(f"no database {args.reuse_database}: fill one with --keep-database")
        url = database_url(server, args.reuse_database)
        prepare_database(url)
        yield url, None
        return
    name, url = create_database(server, "vs_bench_casework", name=args.keep_database)
    try:
        prepare_database(url)
        yield url, fill(url, args.zaken)
    finally:
        if not args.keep_database:
            drop_database(server, name)


@contextlib.contextmanager
def serve(url: str, api_workers: int) -> Iterator[tuple[int, dict[str, str]]]:
    """The real app (api.main) under uvicorn on a free loopback port: (port, its env)."""
    env = {**os.environ, "VROEGSIGNAAL_DATABASE_URL": url, "VROEGSIGNAAL_ENV": "development"}
    port = _free_port()
    api = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory", "--host",
         "127.0.0.1", "--port", str(port), "--workers", str(api_workers),
         "--log-level", "warning", "--no-access-log"],
        cwd=ROOT, env=env, start_new_session=True)
    try:
        _wait_ready(port)
        yield port, env
    finally:
        os.killpg(api.pid, signal.SIGTERM)
        api.wait(30)


def run(args: argparse.Namespace, locustfile: Path,
        core: Callable[[str, dict[str, object]], dict[str, float]] | None = None,
        ) -> dict[str, object]:
    """Fill (or reuse), plan, time the core calls alone, serve, and run each load profile
    of `args.profiles` with `locustfile`."""
    with database(args) as (url, fill_seconds):
        plan = make_plan(url)
        plan["fill_seconds"] = fill_seconds
        core_ms = core(url, plan) if core else {}
        profiles = [p.split(":") for p in args.profiles.split(";")]
        if args.warmup:
            profiles.insert(0, ["warmup", profiles[0][1]])
        with serve(url, args.api_workers) as (port, env), \
                tempfile.TemporaryDirectory() as tmp:
            runs = {}
            for k, (label, wait) in enumerate(profiles):
                # Each run claims its own share of the waiting zaken: a zaak claimed in an
                # earlier run would be a cheaper no-op or a conflict, not a claim.
                plan_file = Path(tmp) / f"plan-{label}.json"
                plan_file.write_text(json.dumps({"workers": [
                    {**w, "te_claimen": w["te_claimen"][k::len(profiles)]}  # type: ignore[index]
                    for w in plan["workers"]]}))  # type: ignore[attr-defined]
                # The warm-up is not measured: the first requests of each server process open
                # its pool's connections and fill SQLAlchemy's and Jinja's caches (about a
                # second for the first 50 at once), which would be most of a short run's p95.
                runs[label] = _locust(args, locustfile, port, env, plan_file, Path(tmp) / label,
                                      wait, seconds=args.warmup if label == "warmup" else None)
            runs.pop("warmup", None)
    return {"plan": plan, "runs": runs, "core": core_ms}


def core_times(url: str, plan: dict[str, object], n: int = 30) -> dict[str, float]:
    """Median milliseconds of the core calls alone, in this process, before the load: what
    a request costs without HTTP and without queueing behind others."""
    import statistics

    from vroegsignaal.accounts.principal import load_principal
    from vroegsignaal.cases.detail import zaak_detail
    from vroegsignaal.cases.werkvoorraad import WerkvoorraadFilter, page
    from vroegsignaal.storage.db import session_factory

    workers = plan["workers"]
    assert isinstance(workers, list)
    out: dict[str, list[float]] = {"werkvoorraad": [], "werkvoorraad_pagina_3": [], "zaak": []}
    with session_factory(url)() as session:
        for i in range(n):
            w = workers[i % len(workers)]
            me = load_principal(session, w["id"])
            assert me is not None
            t = time.perf_counter()
            first = page(session, me, WerkvoorraadFilter(), limit=50)
            out["werkvoorraad"].append(time.perf_counter() - t)
            second = page(session, me, WerkvoorraadFilter(), limit=50, cursor=first.cursor)
            t = time.perf_counter()
            page(session, me, WerkvoorraadFilter(), limit=50, cursor=second.cursor)
            out["werkvoorraad_pagina_3"].append(time.perf_counter() - t)
            session.commit()
            readable = w["toegewezen"] + w["te_claimen"]
            if readable:
                t = time.perf_counter()
                zaak_detail(session, me, readable[i % len(readable)])
                out["zaak"].append(time.perf_counter() - t)
    return {k: round(1000 * statistics.median(v), 1) for k, v in out.items() if v}


def _locust(args: argparse.Namespace, locustfile: Path, port: int, env: dict[str, str],
            plan_file: Path, prefix: Path, wait: str, seconds: int | None = None,
            ) -> dict[str, object]:
    """One locust run of `args.users` workers (started 10 a second) waiting `wait` ("min,max"
    seconds) between actions, for `seconds` (default `args.seconds`); its statistics and
    the machine's load meanwhile."""
    seconds = seconds or args.seconds
    sampler = LoadSampler()
    load_before = os.getloadavg()[0]
    sampler.start()
    subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(locustfile),
         "--headless", "-u", str(args.users), "-r", "10", "-t", f"{seconds}s",
         "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary",
         "--loglevel", "WARNING"],
        cwd=ROOT, env={**env, "BENCH_PLAN": str(plan_file), "BENCH_WAIT": wait}, check=False,
        timeout=seconds + 120)
    sampler.stop.set()
    sampler.join()
    stats = _read_stats(Path(f"{prefix}_stats.csv"))
    return {
        "wait_seconds": wait,
        "results": stats,
        "met": {k: stats.get(k, {}).get("p95_ms", float("inf")) < v
                for k, v in TARGETS_MS.items()},
        "machine": {
            "load1_before": round(load_before, 2),
            "load1_during": [round(s["load1"], 2) for s in sampler.samples],
            "cpu_busy_pct_during": [s["cpu_busy_pct"] for s in sampler.samples],
        },
    }


def _read_stats(path: Path) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            key = "alle" if row["Name"] == "Aggregated" else row["Name"]
            out[key] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 1),
                "p50_ms": float(row["50%"]), "p95_ms": float(row["95%"]),
                "p99_ms": float(row["99%"]),
            }
    return out


def arguments(description: str) -> argparse.ArgumentParser:
    """The options bench_casework.py and bench_web.py share."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--zaken", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--api-workers", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=15,
                        help="seconds of load before the measured runs, not measured")
    parser.add_argument(
        "--profiles", default="doorlopend:0.05,0.2;met-denktijd:1,3",
        help="label:min,max seconds between a worker's actions; ';' between profiles")
    reuse = parser.add_mutually_exclusive_group()
    reuse.add_argument("--keep-database", metavar="NAME",
                       help="fill a new database of this name and leave it in place")
    reuse.add_argument("--reuse-database", metavar="NAME",
                       help="measure on a database an earlier --keep-database run filled "
                            "(migrated to the current schema, not filled again)")
    return parser


def report(name: str, args: argparse.Namespace, result: dict[str, object],
           targets: dict[str, int], note: str) -> dict[str, object]:
    """The JSON a run writes to benchmarks/results/`name`.json."""
    plan = result["plan"]
    assert isinstance(plan, dict)
    out = {
        "benchmark": name,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "zaken": plan["zaken"],
        "users": args.users,
        "seconds": args.seconds,
        "api_workers": args.api_workers,
        "warmup_seconds": args.warmup,
        "database": args.reuse_database or args.keep_database or "(throwaway)",
        "status_counts": plan["status_counts"],
        "fill_seconds": plan["fill_seconds"],  # None: a reused database
        "targets_p95_ms": targets,
        "core_median_ms": result["core"],
        "runs": result["runs"],
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "note": note,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(out, indent=2) + "\n")
    return out


def main() -> None:
    args = arguments(__doc__.splitlines()[0]).parse_args()
    result = run(args, ROOT / "benchmarks" / "locust_casework.py", core_times)
    out = report("casework", args, result, TARGETS_MS, (
        "API: uvicorn on loopback, each worker with a real session of "
        "vroegsignaal/accounts (cookie and CSRF token, looked up on every request); locust "
        "on the same machine; PostgreSQL the test cluster of scripts/services/postgres.sh. "
        "'doorlopend': every worker acts again 0.05-0.2 s after an answer (a closed loop, "
        "far above real use); 'met-denktijd': 1-3 s. The machine (2 cores) is shared with "
        "other work: see runs.*.machine."))
    print(json.dumps(out["runs"], indent=2))


if __name__ == "__main__":
    main()
