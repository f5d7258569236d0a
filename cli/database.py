# SPDX-License-Identifier: EUPL-1.2
"""`vroegsignaal db ...`: migrations and seeding of reference data."""

from __future__ import annotations

import typer

from vroegsignaal.config import get_settings

app = typer.Typer(help="Database migrations (Alembic) and reference data.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(revision: str = typer.Argument("head")) -> None:
    """Migrate to REVISION (default: head) and seed municipalities and default settings."""
    from vroegsignaal.storage.db import session_scope
    from vroegsignaal.storage.migrate import upgrade as do_upgrade
    from vroegsignaal.storage.seed import seed_reference

    url = get_settings().database_url
    do_upgrade(url, revision)
    with session_scope(url) as session:
        gemeenten, instellingen = seed_reference(session)
    typer.echo(f"database at {revision}; seeded {gemeenten} gemeenten, {instellingen} instellingen")


@app.command("downgrade")
def downgrade(revision: str = typer.Argument(..., help="Target revision, e.g. base")) -> None:
    """Migrate down to REVISION."""
    from vroegsignaal.storage.migrate import downgrade as do_downgrade

    do_downgrade(get_settings().database_url, revision)
    typer.echo(f"database at {revision}")


@app.command("current")
def current() -> None:
    """Print the current revision."""
    from vroegsignaal.storage.migrate import current as do_current

    typer.echo(do_current(get_settings().database_url) or "base")
