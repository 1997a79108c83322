"""The text limits of the schema, read from the table definitions (engine/persistence/tables.py)."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.sql.elements import KeyedColumnElement

from engine.domain.limits import TextLimits
from engine.persistence.tables import Base, CaseFactRow, CaseRow, HumanTaskRow, ProcessDefinitionRow, TimerRow, UserRow


def _shortest(*columns: KeyedColumnElement[str]) -> int:
    """The smallest length of the String columns that hold one kind of name."""
    lengths = [c.type.length for c in columns if isinstance(c.type, String) and c.type.length]
    assert len(lengths) == len(columns), "every column given has a String length"
    return min(lengths)


def _c(table: type[Base], name: str) -> KeyedColumnElement[str]:
    return table.__table__.c[name]


TEXT_LIMITS = TextLimits(
    process_id=_shortest(_c(ProcessDefinitionRow, "process_key"), _c(CaseRow, "process_key"),
                         _c(HumanTaskRow, "process_key"), _c(CaseFactRow, "process_key")),
    process_name=_shortest(_c(ProcessDefinitionRow, "name")),
    element_id=_shortest(_c(HumanTaskRow, "bpmn_id"), _c(TimerRow, "bpmn_id")),
    task_name=_shortest(_c(HumanTaskRow, "title")),
    lane_name=_shortest(_c(HumanTaskRow, "lane")),
    username=_shortest(_c(UserRow, "username")),
)
