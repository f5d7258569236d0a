# SPDX-License-Identifier: EUPL-1.2
"""The API as the case-work benchmark serves it: the real app, with the login replaced.

Until the login of issue 10 is merged, a benchmark request names its user in the header
`X-Bench-Gebruiker` (a user id); the principal is then loaded from the tables on every
request (`load_principal`: three small queries), as the real session lookup will. Only
for benchmarks on loopback: never served anywhere else.

    uvicorn benchmarks.casework_app:app
"""

from __future__ import annotations

from fastapi import Request

from api.deps import SessionDep, current_principal
from api.errors import ApiProblem
from api.main import create_app
from vroegsignaal.accounts.principal import Principal, load_principal

app = create_app()


def _principal(request: Request, session: SessionDep) -> Principal:
    raw = request.headers.get("X-Bench-Gebruiker", "")
    principal = load_principal(session, int(raw), request_id=request.state.request_id) \
        if raw.isdigit() else None
    if principal is None:
        raise ApiProblem(401, "NIET_GEAUTHENTICEERD", "Niet ingelogd")
    session.commit()  # end the read transaction: the handler starts its own
    return principal


app.dependency_overrides[current_principal] = _principal
