# SPDX-License-Identifier: EUPL-1.2
"""The Kafka door: intake consumer, creditor producer, topic set-up (docs/streaming.md).

Transport only: records become `run_intake` calls, outcomes become offset commits,
dead letters and feedback. The rules live in `vroegsignaal/` (ADR 0001, ADR 0006).
"""
