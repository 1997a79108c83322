"""The API's response schemas are read off the engine's records: a field added to a record is in the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from marshmallow import fields

from engine.domain.clock import CHINA_TZ
from engine.domain.model import HumanTask, TaskStatus
from webui.api.schemas import TaskSchema, record_schema


@dataclass
class Record:
    name: str
    status: TaskStatus
    due_at: datetime | None
    tags: list[str]
    note: str | None = None
    count: int = 0
    extra: dict[str, str] = field(default_factory=dict)


def test_each_record_field_becomes_a_schema_field_with_its_rules():
    schema = record_schema(Record, "RecordSchema", "A record.", exclude=("extra",))()
    assert list(schema.fields) == ["name", "status", "due_at", "tags", "note", "count"]
    name, status, due_at, tags = (schema.fields[n] for n in ("name", "status", "due_at", "tags"))
    assert isinstance(name, fields.String) and name.required and not name.allow_none
    assert isinstance(status, fields.Enum) and status.required
    assert isinstance(due_at, fields.AwareDateTime) and due_at.allow_none and not due_at.required
    assert isinstance(tags, fields.List) and isinstance(tags.inner, fields.String) and tags.required
    assert schema.fields["note"].allow_none and not schema.fields["count"].required
    moment = datetime(2024, 9, 27, 10, tzinfo=CHINA_TZ)
    assert schema.dump(Record("a", TaskStatus.READY, moment, ["x"])) == {
        "name": "a", "status": "ready", "due_at": moment.isoformat(), "tags": ["x"], "note": None, "count": 0}


def test_the_task_schema_has_every_field_of_the_task_record():
    assert list(TaskSchema().fields) == list(HumanTask.__dataclass_fields__)
