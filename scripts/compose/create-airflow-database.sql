-- SPDX-License-Identifier: EUPL-1.2
-- docker-compose.yml: Airflow's metadata database beside vroegsignaal's own, on the same
-- PostgreSQL server (run once, when the postgres-data volume is first initialised).
CREATE DATABASE airflow OWNER vroegsignaal;
