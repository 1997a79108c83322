"""The database schema (changed only through Alembic migrations)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from engine.persistence.types import UTCDateTime


class Base(DeclarativeBase):
    """Declarative base of every table."""

    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class ProcessDefinitionRow(Base):
    """A deployed version of one process, with the files it needs."""

    __tablename__ = "process_definition"
    __table_args__ = (UniqueConstraint("process_key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(120), index=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    files: Mapped[dict[str, Any]] = mapped_column(JSON)
    deployed_at: Mapped[datetime]
    deployed_by: Mapped[str] = mapped_column(String(80))


class CaseRow(Base):
    """A complaint case: its workflow state plus the fields lists and reports read."""

    __tablename__ = "complaint_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(40), unique=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[str] = mapped_column(Text)
    complaint: Mapped[dict[str, Any]] = mapped_column(JSON)
    process_data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    completed_elements: Mapped[list[Any]] = mapped_column(JSON, default=list)
    current_elements: Mapped[list[Any]] = mapped_column(JSON, default=list)
    channel: Mapped[str] = mapped_column(String(40))
    organisation: Mapped[str] = mapped_column(String(40), index=True)
    grade: Mapped[str | None] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(String(40))
    cause: Mapped[str | None] = mapped_column(String(40))
    received_at: Mapped[datetime] = mapped_column(index=True)
    received_by: Mapped[str] = mapped_column(String(80))
    internal_due_at: Mapped[datetime | None]
    regulatory_due_at: Mapped[datetime | None]
    regulatory_extensions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    supervised: Mapped[bool] = mapped_column(Boolean, default=False)
    calendar_warning: Mapped[str | None] = mapped_column(String(400))
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class HumanTaskRow(Base):
    """Inbox projection: one row per user task that was or is waiting for a person."""

    __tablename__ = "human_task"
    __table_args__ = (
        Index("ix_human_task_queue", "department", "status", "due_at"),
        Index("ix_human_task_assignee", "assignee", "status", "due_at"),
        Index("ix_human_task_done_by", "completed_by", "completed_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("complaint_case.id"), index=True)
    case_number: Mapped[str] = mapped_column(String(40))
    process_key: Mapped[str] = mapped_column(String(120))
    bpmn_id: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(80))
    lane: Mapped[str | None] = mapped_column(String(120))
    grade: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    assignee: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[str | None] = mapped_column(String(80))
    chase_count: Mapped[int] = mapped_column(Integer, default=0)
    last_chased_at: Mapped[datetime | None]


class TimerRow(Base):
    """One armed timer of a case; the worker sweeps rows whose fire_at has passed."""

    __tablename__ = "timer"
    __table_args__ = (Index("ix_timer_due", "status", "fire_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("complaint_case.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    bpmn_id: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    attached_task_id: Mapped[str | None] = mapped_column(String(36))
    fire_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default="armed")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    locked_by: Mapped[str | None] = mapped_column(String(80))
    locked_until: Mapped[datetime | None]


class AuditEventRow(Base):
    """Append-only audit trail: who did what, when, to which case and task, with which data."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60))
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    task_id: Mapped[str | None] = mapped_column(String(36))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class NoticeRow(Base):
    """A chase or supervision notice, with its email delivery state."""

    __tablename__ = "notice"
    __table_args__ = (Index("ix_notice_department", "department", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    case_id: Mapped[int] = mapped_column(ForeignKey("complaint_case.id"), index=True)
    case_number: Mapped[str] = mapped_column(String(40))
    task_id: Mapped[str | None] = mapped_column(String(36))
    department: Mapped[str] = mapped_column(String(80))
    addressee: Mapped[str | None] = mapped_column(String(80), index=True)
    sender: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]
    email_status: Mapped[str] = mapped_column(String(20), default="none")
    email_sent_at: Mapped[datetime | None]


class UserRow(Base):
    """A person who signs in."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    departments: Mapped[list[Any]] = mapped_column(JSON, default=list)
    roles: Mapped[list[Any]] = mapped_column(JSON, default=list)
    email: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
