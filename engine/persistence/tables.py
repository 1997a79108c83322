"""The database schema (changed only through Alembic migrations)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
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
    __table_args__ = (
        Index("ix_complaint_case_phone_key", "phone_key", "received_at"),
        Index("ix_complaint_case_id_key", "id_key", "received_at"),
        # The case search (engine/persistence/search.py): by the name's keyed hash, and its deadline sort.
        Index("ix_complaint_case_name_key", "name_key", "received_at"),
        Index("ix_complaint_case_regulatory_due", "regulatory_due_at"),
        Index("ix_complaint_case_unit_status_received", "unit", "status", "received_at"),  # a unit's, by day
        # A staff member's search checks each case of their queues by key: status and day without the wide row.
        Index("ix_complaint_case_id_status_received", "id", "status", "received_at"),
    )

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
    unit: Mapped[str] = mapped_column(String(40), index=True)
    grade: Mapped[str | None] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(String(40))
    cause: Mapped[str | None] = mapped_column(String(40))
    received_at: Mapped[datetime] = mapped_column(index=True)
    received_by: Mapped[str] = mapped_column(String(80))
    internal_due_at: Mapped[datetime | None]
    regulatory_due_at: Mapped[datetime | None]
    regulatory_extensions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # The regulatory clock's state (engine.domain.regulatory_clock.RegulatoryClock); None until first moved.
    regulatory_clock: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Set while the clock is paused: the timer sweep leaves the case's timers alone until it resumes.
    clock_paused_at: Mapped[datetime | None]
    supervised: Mapped[bool] = mapped_column(Boolean, default=False)
    calendar_warning: Mapped[str | None] = mapped_column(String(400))
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Set while the case's last engine run failed (element, code, params, message, during); see CaseFailure.
    failed_at: Mapped[datetime | None] = mapped_column(index=True)
    failure: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Keyed hashes of the complainant's phone and ID number (engine.domain.matching.match_keys): repeat
    # complaints and the case search find a customer's cases by equality on these, never by personal data.
    phone_key: Mapped[str | None] = mapped_column(String(32))
    id_key: Mapped[str | None] = mapped_column(String(32))
    # A repeat complaint merged into an earlier one (status "merged": no handling of its own; its clocks are
    # the first case's), and a review case (核查) opened on a decided case.
    merged_into_id: Mapped[int | None] = mapped_column(Integer, index=True)
    review_of_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # Keyed hash of the complainant's name (engine.domain.matching.name_key): the search's exact match on a
    # name that is sealed at rest.
    name_key: Mapped[str | None] = mapped_column(String(32))


# The open statuses as SQL text: a partial index is used only by a query naming the same literal condition.
OPEN_TASKS = "status IN ('ready', 'claimed')"


class HumanTaskRow(Base):
    """Inbox projection: one row per user task that was or is waiting for a person."""

    __tablename__ = "human_task"
    __table_args__ = (
        # In the lists' order (due_at IS NULL, due_at, created_at): a page is read in index order, not sorted.
        # The id at the end: a supervisor's subtree list (many units) sorts index entries only (see queries.py).
        Index("ix_human_task_queue_order", "unit", "department", "status", text("(due_at IS NULL)"), "due_at",
              "created_at", "id"),
        Index("ix_human_task_unit_open", "unit", "status", "due_at", "created_at", "id"),  # due before: a range
        Index("ix_human_task_assignee_order", "assignee", "status", text("(due_at IS NULL)"), "due_at",
              "created_at"),
        Index("ix_human_task_done_by", "completed_by", "completed_at"),
        # A staff member's case search starts from the case ids of their queues (engine/persistence/search.py).
        Index("ix_human_task_queue_case", "unit", "department", "case_id"),
        # The whole bank's open tasks due before a time, in list order (head office's supervisor desk, desk.py).
        Index("ix_human_task_open_order", "due_at", "created_at", "id", "status", "case_id",
              postgresql_where=text(OPEN_TASKS), sqlite_where=text(OPEN_TASKS)),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("complaint_case.id"), index=True)
    case_number: Mapped[str] = mapped_column(String(40))
    process_key: Mapped[str] = mapped_column(String(120))
    bpmn_id: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(40))
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
    __table_args__ = (
        UniqueConstraint("shard", "seq", name="uq_audit_event_shard_seq"),
        Index("ix_audit_event_actor_action", "actor", "action", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60))
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    task_id: Mapped[str | None] = mapped_column(String(36))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The hash chains (engine/persistence/audit_chain.py): shard, place, previous event's hash, own hash.
    shard: Mapped[int] = mapped_column(Integer, default=1)
    seq: Mapped[int | None] = mapped_column(Integer)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class AuditChainRow(Base):
    """The head of one shard of the audit hash chain (id = shard), locked by a committing writer of audit events."""

    __tablename__ = "audit_chain"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


class AuditAnchorRow(Base):
    """Every shard's head at one moment, chained to the anchor before (engine/persistence/audit_chain.py)."""

    __tablename__ = "audit_anchor"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    heads: Mapped[dict[str, Any]] = mapped_column(JSON)  # {"shard": [last_seq, last_hash]}
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class NoticeRow(Base):
    """A chase or supervision notice, with its email delivery state."""

    __tablename__ = "notice"
    __table_args__ = (Index("ix_notice_department", "department", "unit", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    case_id: Mapped[int] = mapped_column(ForeignKey("complaint_case.id"), index=True)
    case_number: Mapped[str] = mapped_column(String(40))
    task_id: Mapped[str | None] = mapped_column(String(36))
    department: Mapped[str] = mapped_column(String(80))
    unit: Mapped[str] = mapped_column(String(40))  # the unit of the task (or case) the notice concerns
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
    roles: Mapped[list[Any]] = mapped_column(JSON, default=list)
    email: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class UserMembershipRow(Base):
    """A user's membership of one department of one organisation unit."""

    __tablename__ = "user_membership"
    __table_args__ = (Index("ix_user_membership_queue", "unit", "department"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    unit: Mapped[str] = mapped_column(String(40), primary_key=True)
    department: Mapped[str] = mapped_column(String(80), primary_key=True)


class CaseFactRow(Base):
    """Report facts of one case, projected from its complaint and workflow data (reports read only this).

    Keyed by (receipt day, case): on SQLite the table is stored in that order (WITHOUT ROWID), so a report
    over a date range reads consecutive rows instead of looking each one up through an index.
    """

    __tablename__ = "case_fact"
    __table_args__ = (
        Index("ix_case_fact_case", "case_id", unique=True),
        Index("ix_case_fact_customer", "customer_key", "received_at", "organisation"),
        {"sqlite_with_rowid": False},
    )

    received_day: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("complaint_case.id"), primary_key=True)
    process_key: Mapped[str] = mapped_column(String(120))
    organisation: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(40))
    category: Mapped[str | None] = mapped_column(String(40))
    cause: Mapped[str | None] = mapped_column(String(40))
    grade: Mapped[str | None] = mapped_column(String(20))
    product: Mapped[str | None] = mapped_column(String(120))
    received_at: Mapped[datetime]
    received_month: Mapped[str] = mapped_column(String(7))
    internal_due_at: Mapped[datetime | None]
    regulatory_due_at: Mapped[datetime | None]
    regulatory_extensions: Mapped[int] = mapped_column(Integer, default=0)
    # Kept by the clock actions (engine/services/clock.py), not by the facts extraction.
    long_extensions: Mapped[int] = mapped_column(Integer, default=0)  # extensions to 60 days
    clock_pauses: Mapped[int] = mapped_column(Integer, default=0)
    clock_paused_days: Mapped[int] = mapped_column(Integer, default=0)
    customer_key: Mapped[str | None] = mapped_column(String(64))
    amount_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    compensation_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    resolved_on_spot: Mapped[bool] = mapped_column(Boolean, default=False)
    replied_at: Mapped[datetime | None]
    reply_workday_minutes: Mapped[int | None] = mapped_column(Integer)
    reply_minutes: Mapped[int | None] = mapped_column(Integer)
    satisfaction: Mapped[str | None] = mapped_column(String(20))
    rework_returns: Mapped[int] = mapped_column(Integer, default=0)
    review_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    review_overturned: Mapped[bool] = mapped_column(Boolean, default=False)
    rectification_issued: Mapped[bool] = mapped_column(Boolean, default=False)
    rectification_closed: Mapped[bool] = mapped_column(Boolean, default=False)
    root_cause: Mapped[str | None] = mapped_column(String(200))
    closed_at: Mapped[datetime | None]
    unit: Mapped[str] = mapped_column(String(40), default="")  # the case's unit: reports stay in a subtree
    # Set apart from the facts every save writes (never in CaseFactRecord, so a save keeps them):
    # "merged" (a repeat merged into an earlier case) or "review" (a review case): not counted as complaints.
    linked_as: Mapped[str | None] = mapped_column(String(10))
    reopened: Mapped[bool] = mapped_column(Boolean, default=False)  # a review (核查) was asked of this case


class ApiKeyRow(Base):
    """An API key of a calling system: only a hash of the secret is kept."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    departments: Mapped[list[Any]] = mapped_column(JSON, default=list)
    roles: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(80))
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(80))


class IdempotencyKeyRow(Base):
    """An Idempotency-Key a caller sent with an open-complaint request, and the case it opened."""

    __tablename__ = "idempotency_key"
    __table_args__ = (UniqueConstraint("caller", "key", name="uq_idempotency_key_caller_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    caller: Mapped[str] = mapped_column(String(120))
    key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[int] = mapped_column(ForeignKey("complaint_case.id"), index=True)
    created_at: Mapped[datetime]



class ClockRequestRow(Base):
    """A request to extend a case's regulatory clock to 60 days, waiting for (or given) an approver's decision."""

    __tablename__ = "clock_request"
    __table_args__ = (Index("ix_clock_request_pending", "status", "approver_unit", "requested_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("complaint_case.id"), index=True)
    case_number: Mapped[str] = mapped_column(String(40))
    case_unit: Mapped[str] = mapped_column(String(40))
    approver_unit: Mapped[str] = mapped_column(String(40))  # the parent unit (or head office) that decides
    to_days: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(80))
    requested_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default="pending")
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None]
    opinion: Mapped[str | None] = mapped_column(Text)


class CaseNumberSequenceRow(Base):
    """The last complaint number given in one scope (a unit's year, `SH01-2026`): numbers with the unit code."""

    __tablename__ = "case_number_sequence"

    scope: Mapped[str] = mapped_column(String(60), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class RateCounterRow(Base):
    """Hits of one key (failed sign-ins of a user name, refusals of a source address) in a fixed window."""

    __tablename__ = "rate_counter"

    key: Mapped[str] = mapped_column(String(250), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class WebSessionRow(Base):
    """A signed-in web session: the cookie carries the id, the database only its hash. Signing out deletes it."""

    __tablename__ = "web_session"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime] = mapped_column(index=True)

# Indexes of the report queries on tables defined above (migration 0003).
Index("ix_notice_created_at", NoticeRow.created_at)
Index("ix_human_task_open_due", HumanTaskRow.status, HumanTaskRow.due_at)


class CustomerNoticeRow(Base):
    """A customer notice (客户告知) and its delivery: the outbox the dispatcher works through.

    `content` and `address` (phone, email or name) are personal data, sealed (engine/persistence/sealing.py).
    `next_attempt_at` is when the dispatcher may take it next: the retry time while pending, the end of the
    claiming dispatcher's lease while sending.
    """

    __tablename__ = "customer_notice"
    __table_args__ = (Index("ix_customer_notice_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("complaint_case.id"), index=True)
    case_number: Mapped[str] = mapped_column(String(40))
    unit: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    address: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    sent_by: Mapped[str | None] = mapped_column(String(80))
    last_error: Mapped[str | None] = mapped_column(String(400))


class TypicalCaseRow(Base):
    """A typical case of the knowledge base (no personal data), drafted from one closed complaint.

    `search_text` joins the category and cause labels and every text: PostgreSQL searches it with a trigram
    index (pg_trgm, migration 0020), SQLite through the FTS5 table `typical_case_search` (trigram tokenizer),
    which holds the published cases only (engine/persistence/knowledge.py keeps it in step).
    """

    __tablename__ = "typical_case"
    __table_args__ = (Index("ix_typical_case_similar", "status", "category", "cause", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("complaint_case.id"), unique=True)
    case_number: Mapped[str] = mapped_column(String(40))
    unit: Mapped[str] = mapped_column(String(40))
    category: Mapped[str | None] = mapped_column(String(40))
    cause: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    facts: Mapped[str] = mapped_column(Text)
    analysis: Mapped[str] = mapped_column(Text)
    resolution: Mapped[str] = mapped_column(Text)
    lessons: Mapped[str] = mapped_column(Text)
    search_text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime]
    published_by: Mapped[str | None] = mapped_column(String(80))
    published_at: Mapped[datetime | None]


class AlertRow(Base):
    """A risk alert (风险提示) issued from a typical case."""

    __tablename__ = "alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    typical_case_id: Mapped[int] = mapped_column(ForeignKey("typical_case.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    issued_by: Mapped[str] = mapped_column(String(80))
    issued_at: Mapped[datetime] = mapped_column(index=True)
    whole_bank: Mapped[bool] = mapped_column(Boolean, default=False)


class AlertRecipientRow(Base):
    """One addressee of an alert (a unit, or a department of it) and its acknowledgement."""

    __tablename__ = "alert_recipient"
    __table_args__ = (Index("ix_alert_recipient_unit", "unit", "department", "acknowledged_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id"), index=True)
    unit: Mapped[str] = mapped_column(String(40))
    department: Mapped[str | None] = mapped_column(String(80))
    acknowledged_by: Mapped[str | None] = mapped_column(String(80))
    acknowledged_at: Mapped[datetime | None]


class RectificationRow(Base):
    """A rectification notice (整改通知单): issued from a case to a responsible unit's department, checked by the
    issuer. `evidence_files` holds the ids of attached files (kept by the attachments store), none until it exists.
    """

    __tablename__ = "rectification"
    __table_args__ = (
        Index("ix_rectification_open_due", "status", "due_at"),
        Index("ix_rectification_unit", "unit", "department", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(60))
    case_id: Mapped[int] = mapped_column(ForeignKey("complaint_case.id"), index=True)
    case_number: Mapped[str] = mapped_column(String(40))
    unit: Mapped[str] = mapped_column(String(40))
    department: Mapped[str] = mapped_column(String(80))
    requirement: Mapped[str] = mapped_column(Text)
    workdays: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime]
    due_at: Mapped[datetime]
    issued_by: Mapped[str] = mapped_column(String(80))
    issuer_unit: Mapped[str] = mapped_column(String(40))
    issuer_department: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(12))
    measures: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    evidence_files: Mapped[list[Any]] = mapped_column(JSON, default=list)
    submitted_at: Mapped[datetime | None]
    submitted_by: Mapped[str | None] = mapped_column(String(80))
    checked_at: Mapped[datetime | None]
    checked_by: Mapped[str | None] = mapped_column(String(80))
    check_note: Mapped[str] = mapped_column(Text, default="")
    returns: Mapped[int] = mapped_column(Integer, default=0)
    chases: Mapped[int] = mapped_column(Integer, default=0)
    last_chased_at: Mapped[datetime | None]
    supervised_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)


class CaseCommentRow(Base):
    """An internal note on a case (append-only: no update or delete path exists). `body` is sealed at rest:
    staff write customers' details into notes."""

    __tablename__ = "case_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("complaint_case.id"), index=True)
    author: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    mentions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]


class AttachmentRow(Base):
    """An attachment's metadata; its bytes are in the blob store under `storage_key`."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("complaint_case.id"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    uploaded_by: Mapped[str] = mapped_column(String(80))
    uploaded_at: Mapped[datetime]
