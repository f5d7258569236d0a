# SPDX-License-Identifier: EUPL-1.2
"""Batch intake: the file door's own logic, called by dags/ (docs/batch-intake.md).

- `folders`: the inbox layout, picking up and moving delivered files;
- `register`: every delivered file as a delivery with an opaque id, in arrival order;
- `frame`: signal files as pandas frames in the flat contract layout, in chunks;
- `suites`: Great Expectations suites (JSON in expectations/) in an ephemeral context;
- `validation`: one suite over a whole file, chunk by chunk, as findings without values;
- `rule`: the batch-file rule that decides between ingesting and quarantine;
- `report`: the validation report (JSON and Markdown), ids and counts only;
- `delivery`: the steps the DAG runs, in order: register, claim, validate, ingest or
  quarantine, next delivery.

Signals themselves are only ever written by `vroegsignaal.intake` (ADR 0001).
"""
