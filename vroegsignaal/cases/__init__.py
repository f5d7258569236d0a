# SPDX-License-Identifier: EUPL-1.2
"""The zaak (vroegsignaalzaak): one household's accepted signals in one matching period.

- `state`: a zaak as the intake matches signals into it, and its type (ADR 0003);
- `features`: what scoring sees of a zaak, and the household history window;
- `workflow`: its statuses, the allowed moves, and `transition`, the one way to move it.

Only two paths write zaken: the intake (`vroegsignaal.intake.pipeline.run_intake`)
creates and extends them, `workflow.transition` moves them. Both announce what they did
after commit (vroegsignaal/events.py).
"""
