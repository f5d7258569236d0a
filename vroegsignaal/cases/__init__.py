# SPDX-License-Identifier: EUPL-1.2
"""The zaak (vroegsignaalzaak): one household's accepted signals in one matching period.

- `state`: a zaak as the intake matches signals into it, and its type (ADR 0003);
- `features`: what scoring sees of a zaak, and the household history window;
- `workflow`: its statuses, the allowed moves, and `transition`, the one way to move it;
- case work (issue 10, ADR 0016): `access` (who may do what: the rights table and the
  scoping every function starts with), `assignment` (claim, assign, release, bulk),
  `contact` (contactpogingen), `closing` (close, reopen), `werkvoorraad` (the paged,
  filtered queue), `werkbakjes` (saved filters), `detail` (the audited reads), `overview`
  (counts for managers), `errors`.

Only two paths write zaken: the intake (`vroegsignaal.intake.pipeline.run_intake`)
creates and extends them, `workflow.transition` moves them; assignment and contact
attempts take the zaak's version lock the same way. All announce or commit what they did
as one transaction (vroegsignaal/events.py).
"""
