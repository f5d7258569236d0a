# SPDX-License-Identifier: EUPL-1.2
"""Date arithmetic in SQL that PostgreSQL and SQLite both run (SQLAlchemy compiler hooks).

The rollups are single INSERT ... SELECT statements; these constructs are what differs
between the system of record and the demo's embedded database. On SQLite dates are ISO
strings (SQLAlchemy's storage format) and timestamps are read as UTC; on PostgreSQL a
timestamp's date is its date in Europe/Amsterdam.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement, literal_column


class month_start(FunctionElement[Any]):  # lower case: reads like the SQL it compiles to
    """The first day of the month of a date."""

    type = Date()
    inherit_cache = True


class year_start(FunctionElement[Any]):
    """1 January of the year of a date."""

    type = Date()
    inherit_cache = True


class date_of(FunctionElement[Any]):
    """The Dutch calendar date of a timestamp with time zone."""

    type = Date()
    inherit_cache = True


class days_between(FunctionElement[Any]):
    """Whole days from the second date to the first (`a - b`)."""

    type = Integer()
    inherit_cache = True


class plus_months(FunctionElement[Any]):
    """A date `n` calendar months later; `n` is a literal integer."""

    type = Date()
    inherit_cache = True

    def __init__(self, day: ColumnElement[Any], months: int) -> None:
        # The count is a clause, not an attribute: it must be part of the statement cache
        # key, or 3, 6 and 12 months would share one compiled statement.
        super().__init__(day, literal_column(str(int(months))))


@compiles(month_start, "postgresql")
def _month_start_pg(element: month_start, compiler: Any, **kw: Any) -> str:
    return f"CAST(date_trunc('month', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(month_start, "sqlite")
def _month_start_sqlite(element: month_start, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, 'start of month')"


@compiles(year_start, "postgresql")
def _year_start_pg(element: year_start, compiler: Any, **kw: Any) -> str:
    return f"CAST(date_trunc('year', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(year_start, "sqlite")
def _year_start_sqlite(element: year_start, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, 'start of year')"


@compiles(date_of, "postgresql")
def _date_of_pg(element: date_of, compiler: Any, **kw: Any) -> str:
    return (f"CAST(({compiler.process(element.clauses, **kw)}) "
            "AT TIME ZONE 'Europe/Amsterdam' AS DATE)")


@compiles(date_of, "sqlite")
def _date_of_sqlite(element: date_of, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(days_between, "postgresql")
def _days_pg(element: days_between, compiler: Any, **kw: Any) -> str:
    a, b = list(element.clauses)
    first, second = compiler.process(a, **kw), compiler.process(b, **kw)
    return f"(CAST({first} AS DATE) - CAST({second} AS DATE))"


@compiles(days_between, "sqlite")
def _days_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    a, b = list(element.clauses)
    return (f"CAST(julianday({compiler.process(a, **kw)}) - "
            f"julianday({compiler.process(b, **kw)}) AS INTEGER)")


@compiles(plus_months, "postgresql")
def _plus_months_pg(element: plus_months, compiler: Any, **kw: Any) -> str:
    day, months = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST({day} + {months} * INTERVAL '1 month' AS DATE)"


@compiles(plus_months, "sqlite")
def _plus_months_sqlite(element: plus_months, compiler: Any, **kw: Any) -> str:
    day, months = (compiler.process(c, **kw) for c in element.clauses)
    return f"date({day}, '+' || {months} || ' months')"
