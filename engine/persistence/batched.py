"""PostgreSQL round trips saved: rows to INSERT given as parameters of a SELECT that reads a data-modifying CTE,
so that a guarded UPDATE (or DELETE) and the INSERT that must follow it go to the server as one statement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import CTE, Select, Table, bindparam, select, union_all


def rows_after(cte: CTE, table: Table, columns: Sequence[str], count: int) -> Select[Any] | Any:
    """`count` rows of `columns` of `table` (parameters named by `_param`, typed as the columns), one per row the
    CTE returns: with a CTE returning one row (the guarded write happened) they are all inserted, with none
    (it did not) none is."""
    rows = [select(*(bindparam(_param(c, i), type_=table.c[c].type) for c in columns)).select_from(cte)
            for i in range(count)]
    return rows[0] if count == 1 else union_all(*rows)


def row_params(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> dict[str, Any]:
    """The parameters of `rows_after` for these rows."""
    return {_param(c, i): row[c] for i, row in enumerate(rows) for c in columns}


def _param(column: str, row: int) -> str:
    """The parameter of `column` in row `row`: not `<column>_<n>`, the name SQLAlchemy gives its own anonymous
    binds (a guard `status = 'claimed'` binds `status_1`, which the second row's status would clash with)."""
    return f"_row{row}_{column}"
