# SPDX-License-Identifier: EUPL-1.2
"""Retention: deleting personal data past its retention date, with a deletion log.

- `policy`: the terms (bewaartermijnen.yaml), checked against the DDAS vocabularies;
- `purge`: the database purge and the deletion log (`verwijder_log`);
- `files`: delivered batch files past their term.
"""
