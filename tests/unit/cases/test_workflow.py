# SPDX-License-Identifier: EUPL-1.2
"""The zaak workflow table (cases/workflow.py): every move, every role, read as a table."""

from __future__ import annotations

import itertools

import pytest

from vroegsignaal.cases.workflow import (
    ALLOWED_TRANSITIONS,
    CLOSED,
    INITIAL,
    OPEN,
    SYSTEM_ONLY,
    WORKER_SETTABLE,
    CaseStatus,
    Role,
    TransitionRefused,
    check_transition,
)
from vroegsignaal.contract.enums import Eindresultaat, Signaalstatus

S = CaseStatus
W, SYS = Role.WORKER, Role.SYSTEM
E = Eindresultaat.BUDGETADVIES

# (from, to, role, with eindresultaat): the moves the table allows, nothing more.
ALLOWED = {
    (S.NOG_NIET_OPGEPAKT, S.OPGEPAKT, W, False),
    (S.NOG_NIET_OPGEPAKT, S.AFGESLOTEN, W, True),
    (S.NOG_NIET_OPGEPAKT, S.AUTOMATISCH_AFGESLOTEN, SYS, True),
    (S.OPGEPAKT, S.AFGESLOTEN, W, True),
    (S.OPGEPAKT, S.AUTOMATISCH_AFGESLOTEN, SYS, True),
    (S.AFGESLOTEN, S.OPGEPAKT, W, False),  # reopen
    (S.AFGESLOTEN, S.NOG_NIET_OPGEPAKT, SYS, False),  # a new signal joined it
    (S.AUTOMATISCH_AFGESLOTEN, S.NOG_NIET_OPGEPAKT, SYS, False),  # idem
}


@pytest.mark.parametrize(
    ("old", "new", "role", "with_result"),
    list(itertools.product(S, S, Role, (False, True))),
)
def test_only_the_moves_in_the_table_pass(
    old: CaseStatus, new: CaseStatus, role: Role, with_result: bool
) -> None:
    move = (old, new, role, with_result)
    if move in ALLOWED:
        check_transition(old, new, role=role, eindresultaat=E if with_result else None)
    else:
        with pytest.raises(TransitionRefused) as exc:
            check_transition(old, new, role=role, eindresultaat=E if with_result else None)
        assert exc.value.code == "STATUSOVERGANG_NIET_TOEGESTAAN"


def test_the_sets_split_the_statuses() -> None:
    assert set(S) == WORKER_SETTABLE | SYSTEM_ONLY and not WORKER_SETTABLE & SYSTEM_ONLY
    assert set(S) == OPEN | CLOSED and not OPEN & CLOSED
    assert INITIAL is S.NOG_NIET_OPGEPAKT and INITIAL in SYSTEM_ONLY
    assert set(ALLOWED_TRANSITIONS) == set(S)
    assert all(s not in ALLOWED_TRANSITIONS[s] for s in S), "no move to the same status"


def test_ddas_words_where_ddas_has_them() -> None:
    ddas = {s.value for s in Signaalstatus}
    assert S.NOG_NIET_OPGEPAKT.value in ddas and S.OPGEPAKT.value in ddas
