"""The SQL statements the engine sends inside a block (the statement-count pins of tests/integration)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event


@contextmanager
def statements(engine: Any) -> Iterator[list[str]]:
    """Every SQL statement the engine sends inside the block, whitespace collapsed."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(re.sub(r"\s+", " ", statement).strip())

    sql = engine.ctx.db.sql_engine
    event.listen(sql, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(sql, "before_cursor_execute", record)
