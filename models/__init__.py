# SPDX-License-Identifier: EUPL-1.2
"""The eviction-risk model: features, training, evaluation, registry, model card (ADR 0008).

The score only orders the outreach queue; it never decides who gets help. vroegsignaal
reaches this package only through `vroegsignaal.scoring.default_scorer`. Entry points:
`models.registry.ModelRegistry` (train, evaluate, gate, promote) and the training format
in `models.data` (models/README.md).
"""
