"""The unit of work the services depend on: a protocol, so the fast tier can run them on an in-memory fake.

`engine.persistence.uow.UnitOfWork` implements it on SQLAlchemy (SQLite, PostgreSQL); tests/unit/services
holds `FakeUnitOfWork`. Each repository protocol lists what the services ask of it, in domain types only.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, Protocol

from engine.domain.customer_notices import CustomerNotice, DeliveryChannel, DeliveryStatus, NewCustomerNotice
from engine.domain.evidence import Attachment, Comment, NewAttachment
from engine.domain.filters import TaskFilter
from engine.domain.knowledge import Alert, AlertRecipient, TypicalCase, TypicalCaseText
from engine.domain.limits import TextLimits
from engine.domain.model import (
    ApiKey,
    AuditEvent,
    CaseFailure,
    CaseSummary,
    DefinitionInfo,
    HumanTask,
    Membership,
    Notice,
    NoticeAudience,
)
from engine.domain.paging import PageRequest
from engine.domain.records import (
    CaseFactRecord,
    CaseProjection,
    ChainReport,
    Claim,
    DueTimer,
    NewCase,
    ReportScope,
    StoredCase,
    StoredDefinition,
    StoredIdempotencyKey,
    StoredUser,
    TaskProjection,
    TimerProjection,
)
from engine.domain.rectification import NewRectification, Rectification, RectificationFilter
from engine.domain.regulatory_clock import ClockFacts, ClockRequest, RequestStatus
from engine.domain.repeats import CaseLinks, SameCustomerCase
from engine.domain.search import CaseCriteria, CaseScope
from engine.domain.supervision import SupervisionCandidate, SupervisionThresholds
from engine.domain.throttle import Counter
from engine.services.urgent.store import UrgentRecords


class Definitions(Protocol):
    """Deployed process definitions."""

    def latest(self, process_key: str) -> StoredDefinition | None:
        """The newest version of a process."""
        ...

    def get(self, definition_id: int) -> StoredDefinition | None:
        """A definition version by id."""
        ...

    def add(self, definition: StoredDefinition) -> int:
        """Store a new version; returns its id."""
        ...

    def lock_process_key(self, process_key: str) -> None:
        """Serialize concurrent deploys of one process (PostgreSQL advisory lock)."""
        ...


class Cases(Protocol):
    """Cases and their workflow state, with optimistic versioning."""

    def add(self, new: NewCase) -> int:
        """Insert a case (state filled in by the first save); returns its id."""
        ...

    def set_number(self, case_id: int, number: str) -> None:
        """Give a new case its complaint number."""
        ...

    def next_in_sequence(self, scope: str) -> int:
        """The scope's next number (1, 2, ...); safe under concurrent writers, given back on rollback."""
        ...

    def lock(self, case_id: int) -> None:
        """Lock the case row until commit (writers of one case take turns), without loading its state."""
        ...

    def load_for_update(self, case_id: int) -> StoredCase | None:
        """The case, locked against concurrent writers until commit."""
        ...

    def lock_by_task(self, task_id: str) -> None:
        """Lock the case of a task as `lock` does (nothing on SQLite), found by the task's id."""
        ...

    def load_for_update_by_task(self, task_id: str) -> StoredCase | None:
        """The case of a task, locked as load_for_update (None when there is no such task)."""
        ...

    def load_for_update_with_task(self, task_id: str) -> tuple[StoredCase | None, HumanTask | None]:
        """The case of a task, locked as load_for_update, and the task as it is once the lock is held."""
        ...

    def save(self, case_id: int, expected_version: int, proj: CaseProjection) -> int:
        """Write the new state and projections if nobody else did first; returns the new version."""
        ...

    def extensions(self, case_id: int) -> list[dict[str, Any]]:
        """The regulatory extensions recorded on a case, oldest first."""
        ...

    def record_failure(self, case_id: int, failure: CaseFailure, status: str | None = None) -> None:
        """Note that the case's workflow failed (shown to supervisors until a later run succeeds)."""
        ...

    def update_fields(self, case_id: int, **values: Any) -> None:
        """Set plain columns on a case (deadlines, flags)."""
        ...

    def reseal_all(self) -> int:
        """Every case's personal data encrypted under the newest key, matching keys recomputed; the count."""
        ...


class Tasks(Protocol):
    """The human_task projection."""

    def sync(
        self, case_id: int, case_number: str, process_key: str, grade: str | None,
        ready: Sequence[TaskProjection], now: datetime, completed: dict[str, str],
        open_ids: Collection[str] | None = None,
    ) -> list[str]:
        """Make the rows of a case match its ready tasks; finished rows keep their history. Returns the ids
        of the rows it created. `open_ids`: the case's open rows when the caller knows them (no read then).
        Raises ConcurrentUpdate when a row in `completed` is no longer claimed by its completer."""
        ...

    def set_assignee(self, task_id: str, assignee: str | None, expect: dict[str, Any]) -> bool:
        """Claim, unclaim or reassign if the row still looks like `expect`; False if it changed."""
        ...

    def claim_ready(self, task_id: str, assignee: str) -> HumanTask | None:
        """Claim the task for `assignee` if it is ready and unassigned: the task as written, or None (nothing
        changed)."""
        ...

    def note_chase(self, task_id: str, at: datetime) -> None:
        """Count a chase on the task row."""
        ...


class Timers(Protocol):
    """The timer table the worker sweeps."""

    def replace(self, case_id: int, timers: Sequence[TimerProjection],
                before: Collection[TimerProjection] | None = None) -> None:
        """Make the case's armed timer rows match what the workflow waits for. `before`: the timers its rows
        show when the caller knows them; then only the rows of timers that went or came are written."""
        ...

    def due_batch(self, now: datetime, limit: int, exclude: Sequence[int] = ()) -> list[DueTimer]:
        """The earliest due armed timer of each case among the first `limit` due ones, with its case's version;
        no lock taken (see `claim`)."""
        ...

    def claim(self, due: DueTimer, now: datetime) -> tuple[Claim, StoredCase | None]:
        """Lock the due timer's case unless another transaction holds it (`held`); `changed` when the case or
        the timer changed since `due` was read; else `claimed`, with the case as `load_for_update` reads it."""
        ...

    def record_failure(self, timer_id: int, error: str, retry_at: datetime | None) -> None:
        """Count a failed attempt; retry later, or keep it as failed when retry_at is None."""
        ...

    def give_up_case(self, case_id: int, error: str) -> None:
        """Keep every armed timer of the case as failed: its workflow cannot run on (a limit violation)."""
        ...


class AuditTrail(Protocol):
    """The append-only audit trail."""

    def add(
        self, at: datetime, actor: str, action: str, case_id: int | None = None,
        task_id: str | None = None, data: dict[str, Any] | None = None,
    ) -> None:
        """Append one event (it joins the hash chain when the unit of work commits)."""
        ...

    def denied(
        self, at: datetime, actor: str, action: str, case_id: int | None = None, task_id: str | None = None,
        **details: Any,
    ) -> None:
        """Record a refused attempt at `action` (an `access_denied` event), with any further details."""
        ...

    def verify(self) -> ChainReport:
        """Check the whole chain."""
        ...

    def anchor(self, now: datetime) -> int | None:
        """Tie the shards together in a new anchor if the last one is old enough; its id, else None."""
        ...


class Notices(Protocol):
    """Chase and supervision notices."""

    def add(self, notice: Notice, email: bool) -> int:
        """Store a notice (its email queued when `email`); returns its id."""
        ...

    def add_all(self, notices: Sequence[Notice], email: bool) -> None:
        """Store notices in one statement (their emails queued when `email`)."""
        ...

    def last_for_task(self, task_id: str, kind: str, sender: str | None = None) -> datetime | None:
        """When the latest notice of this kind (and sender, if given) was sent for a task."""
        ...

    def last_manual_chase(self, task_id: str) -> datetime | None:
        """When a person last chased this task."""
        ...

    def mark_read(self, notice_id: int, at: datetime) -> None:
        """Mark a notice read."""
        ...

    def pending_emails(self, limit: int = 50) -> list[int]:
        """Ids of notices whose email is still to be sent."""
        ...

    def set_email_status(self, notice_id: int, status: str, at: datetime | None) -> None:
        """Record the email outcome of a notice."""
        ...


class CustomerNotices(Protocol):
    """The customer-notice outbox (content and address sealed at rest by the implementation)."""

    def add(self, new: NewCustomerNotice, status: DeliveryStatus) -> int:
        """Queue a notice (due at once when pending); returns its id."""
        ...

    def for_case(self, case_id: int) -> list[CustomerNotice]:
        """A case's notices, oldest first."""
        ...

    def get(self, notice_id: int) -> CustomerNotice | None:
        """One notice, or None."""
        ...

    def claim_next(self, now: datetime, channels: Sequence[DeliveryChannel], lease_until: datetime,
                   ) -> CustomerNotice | None:
        """The next due notice of `channels`, claimed until `lease_until` (one attempt counted), or None."""
        ...

    def finish(self, notice_id: int, status: DeliveryStatus, *, next_attempt_at: datetime | None = None,
               sent_at: datetime | None = None, sent_by: str | None = None, error: str | None = None,
               expect: Sequence[DeliveryStatus] = (DeliveryStatus.SENDING,)) -> bool:
        """Record an outcome if the notice is still in one of the `expect`ed states; True if it was."""
        ...


class CaseLinkStore(Protocol):
    """A customer's cases by matching key; merged repeats and review cases linked to their first case."""

    def keys_of(self, case_id: int) -> tuple[str | None, str | None]:
        """A case's (phone key, ID-number key)."""
        ...

    def count_received(self, phone_key: str | None, id_key: str | None, since: datetime, until: datetime) -> int:
        """Cases (merged records included, review cases not) of the same phone or ID-number key received
        in [since, until]."""
        ...

    def same_customer(self, phone_key: str | None, id_key: str | None, received_since: datetime,
                      exclude: int | None = None, limit: int = 20) -> list[SameCustomerCase]:
        """Open and recent cases with the same phone or ID-number key, newest first (no merged records)."""
        ...

    def merge(self, case_id: int, into_id: int, internal_due: datetime | None, regulatory_due: datetime | None,
              now: datetime) -> None:
        """Make a case a merged record of `into_id` (its tasks cancelled, timers dropped, deadlines the first's)."""
        ...

    def links(self, case_id: int) -> CaseLinks:
        """The case's links: merged into / review of (the first case), repeats merged in, review cases."""
        ...

    def link_review(self, review_id: int, of_id: int) -> None:
        """Record a review case of a decided case (which the reports count as reopened)."""
        ...


class TypicalCases(Protocol):
    """Typical cases of the knowledge base (drafts and published) and the search over published ones."""

    def add(self, case: TypicalCase, search_text: str) -> int:
        """Store a new draft; returns its id."""
        ...

    def get(self, typical_id: int) -> TypicalCase | None:
        """One typical case, or None."""
        ...

    def for_case(self, case_id: int) -> TypicalCase | None:
        """The typical case made from a complaint, or None."""
        ...

    def update_text(self, typical_id: int, expected_version: int, new: TypicalCaseText, search_text: str,
                    by: str, at: datetime) -> bool:
        """Change a draft's texts if it is unchanged since read and still a draft; False otherwise."""
        ...

    def publish(self, typical_id: int, expected_version: int, by: str, at: datetime) -> bool:
        """Publish a draft if it is unchanged since read; False otherwise."""
        ...

    def drafts(self, limit: int = 100) -> list[TypicalCase]:
        """Drafts, most recently changed first."""
        ...

    def search(self, terms: Sequence[str], category: str | None = None, cause: str | None = None,
               limit: int = 50) -> list[TypicalCase]:
        """Published cases containing every term (of this category and cause, if given), newest first."""
        ...


class Alerts(Protocol):
    """Risk alerts and the acknowledgements of their addressees."""

    def add(self, alert: Alert) -> int:
        """Store an alert with its addressees; returns its id."""
        ...

    def get(self, alert_id: int) -> Alert | None:
        """One alert with every addressee, or None."""
        ...

    def recent(self, limit: int = 100) -> list[Alert]:
        """The newest alerts with their addressees."""
        ...

    def addressed_to(self, units: Sequence[str] | None, departments: Sequence[str], limit: int = 100) -> list[Alert]:
        """The newest alerts with an addressee in `units` (None: any unit) or of `departments`."""
        ...

    def acknowledge(self, alert_id: int, recipients: Sequence[AlertRecipient], by: str, at: datetime) -> int:
        """Mark these addressees acknowledged unless they already were; how many were marked."""
        ...


class Comments(Protocol):
    """Internal notes on cases: added and read, never changed."""

    def add(self, case_id: int, author: str, body: str, mentions: tuple[str, ...], at: datetime) -> Comment:
        """Store a comment; returns it with its id."""
        ...

    def for_case(self, case_id: int) -> list[Comment]:
        """A case's comments, oldest first."""
        ...


class Attachments(Protocol):
    """Attachment metadata (the bytes are in the blob store)."""

    def add(self, new: NewAttachment) -> Attachment:
        """Store an attachment's metadata; returns it with its id."""
        ...

    def get(self, attachment_id: int) -> Attachment | None:
        """One attachment, or None."""
        ...

    def for_case(self, case_id: int) -> list[Attachment]:
        """A case's attachments, oldest first."""
        ...


class Users(Protocol):
    """User accounts."""

    def get(self, username: str) -> StoredUser | None:
        """A user by name."""
        ...

    def add(self, user: StoredUser, now: datetime) -> None:
        """Create a user with their memberships."""
        ...

    def update(self, username: str, **values: Any) -> bool:
        """Change a user's columns; False if there is no such user."""
        ...

    def set_memberships(self, username: str, memberships: Sequence[Membership]) -> None:
        """Replace a user's memberships."""
        ...

    def all(self) -> list[StoredUser]:
        """Every user, by name."""
        ...

    def in_department(self, department: str, unit: str | None = None) -> list[StoredUser]:
        """Active users of a department (for reassignment), or of its queue at one unit (for notices)."""
        ...


class CaseFacts(Protocol):
    """The case_fact projection the reports read."""

    def kept(self, case_id: int) -> tuple[datetime | None, datetime | None, int] | None:
        """What a case's facts row keeps between saves: (replied_at, regulatory_due_at, regulatory_extensions)."""
        ...

    def set_regulatory(self, case_id: int, due: datetime | None, extensions: int) -> None:
        """Record a case's current regulatory deadline and how often it was extended."""
        ...

    def save(self, facts: CaseFactRecord) -> None:
        """Insert the facts row of a case, or write the columns that changed (nothing when none did)."""
        ...

    def created(self, case_id: int) -> None:
        """Note that the case was inserted in this unit of work: it has no facts row (none is read)."""
        ...


class Rectifications(Protocol):
    """Rectification notices (整改通知单)."""

    def add(self, new: NewRectification, case_number: str, issued_by: str, issued_at: datetime,
            due_at: datetime) -> int:
        """Store an issued notice; returns its id."""
        ...

    def get(self, notice_id: int, for_update: bool = False) -> Rectification | None:
        """One notice (locked until commit when `for_update`)."""
        ...

    def change(self, notice_id: int, expected_version: int, **values: Any) -> bool:
        """Set columns if the row is still at `expected_version`; False if someone changed it first."""
        ...

    def find(self, flt: RectificationFilter) -> list[Rectification]:
        """Notices matching the filter, soonest due first."""
        ...

    def to_chase(self, chase_from: datetime) -> list[Rectification]:
        """Open notices due at or before `chase_from`."""
        ...

    def figures_by_unit(self, issued_from: datetime, issued_before: datetime, now: datetime,
                        units: frozenset[str] | None) -> list[tuple[str, int, int, int, int]]:
        """Per responsible unit: (unit, issued, closed, closed on time, open past due)."""
        ...


class ApiKeys(Protocol):
    """API keys of calling systems."""

    def add(self, key: ApiKey, secret_hash: str) -> int:
        """Store a new key with the hash of its secret; returns its id."""
        ...

    def by_name(self, name: str) -> ApiKey | None:
        """A key by its name."""
        ...

    def by_prefix(self, prefix: str) -> tuple[ApiKey, str] | None:
        """A key by the public prefix of its token, with the stored hash of its secret."""
        ...

    def all(self) -> list[ApiKey]:
        """Every key, by name."""
        ...

    def revoke(self, name: str, at: datetime, by: str) -> bool:
        """Revoke a key that is still active; False if there is none of that name."""
        ...


class IdempotencyKeys(Protocol):
    """Idempotency-Keys of open-complaint requests (one per caller and key)."""

    def find(self, caller: str, key: str) -> StoredIdempotencyKey | None:
        """The record of an earlier request of this caller with this key."""
        ...

    def add(self, record: StoredIdempotencyKey, now: datetime) -> bool:
        """Record the key; False when a concurrent request of the same caller stored it first."""
        ...


class Reads(Protocol):
    """Queries the inbox, case page, supervisor desk and process owner pages use."""

    def tasks(self, flt: TaskFilter) -> list[HumanTask]:
        """Task rows matching the filter, soonest due first."""
        ...

    def count_tasks(self, flt: TaskFilter, cap: int | None = None) -> int:
        """How many task rows match the filter (at most `cap`: counting stops there)."""
        ...

    def count_tasks_together(self, filters: Sequence[TaskFilter], cap: int) -> list[int]:
        """count_tasks(flt, cap) of each filter, in one statement as far as they are single counts."""
        ...

    def task(self, task_id: str) -> HumanTask | None:
        """One task row."""
        ...

    def watched_tasks(self, case_id: int, task_ids: Sequence[str]) -> dict[str, tuple[HumanTask, datetime | None]]:
        """The case's task rows among `task_ids`, each with when the system last chased it (None: never)."""
        ...

    def case(self, case_id: int) -> CaseSummary | None:
        """One case's summary."""
        ...

    def failed_cases(self, limit: int = 100, units: frozenset[str] | None = None) -> list[CaseSummary]:
        """Cases whose last engine run failed, most recent first (the supervisor desk)."""
        ...

    def case_definition_id(self, case_id: int) -> int | None:
        """The definition version a case runs on."""
        ...

    def case_id_by_number(self, number: str) -> int | None:
        """The id of a case by its complaint number."""
        ...

    def open_cases_on(self, definition_ids: Sequence[int]) -> list[tuple[int, str, int]]:
        """(id, number, definition id) of the open cases running on these definition versions, oldest first."""
        ...

    def case_elements(self, case_id: int) -> tuple[list[str], list[str], dict[str, Any]]:
        """Completed and current diagram elements and the latest process data of a case."""
        ...

    def case_tasks(self, case_id: int) -> list[HumanTask]:
        """All task rows of a case, oldest first."""
        ...

    def timeline(self, case_id: int) -> list[AuditEvent]:
        """The audit trail of a case, oldest first."""
        ...

    def touched_by(self, username: str, case_id: int) -> bool:
        """True when the user worked on the case (opened it, claimed, gave back, reassigned or completed a task)."""
        ...

    def case_queues(self, case_id: int) -> set[Membership]:
        """The (unit, department) queues that held any task of the case."""
        ...

    def notices(
        self, *, case_id: int | None = None, audience: NoticeAudience | None = None,
        unread_only: bool = False, limit: int = 100, page: PageRequest | None = None,
    ) -> list[Notice]:
        """Notices for a case, or those an audience reads (see NoticeAudience): newest first, or the page's."""
        ...

    def count_notices(self, audience: NoticeAudience, unread_only: bool, cap: int) -> int:
        """How many notices an audience reads (counting at most `cap`)."""
        ...

    def notice(self, notice_id: int) -> Notice | None:
        """One notice."""
        ...

    def supervised_cases(self, units: frozenset[str] | None = None, limit: int = 200,
                         page: PageRequest | None = None) -> list[CaseSummary]:
        """Open cases on the supervision list (received in `units`, if given), one page."""
        ...

    def count_supervised(self, units: frozenset[str] | None, cap: int) -> int:
        """How many open cases are on the supervision list (counting at most `cap`)."""
        ...

    def latest_definition_ids(self) -> dict[str, int]:
        """The id of each process's newest version, by process key."""
        ...

    def definitions(self) -> list[DefinitionInfo]:
        """Every deployed version, newest first per process, with its running case count."""
        ...

    def supervision_candidates(self, now: datetime, limits: SupervisionThresholds) -> list[SupervisionCandidate]:
        """Open cases not yet supervised that some supervision rule might apply to (the rules decide)."""
        ...


class Searches(Protocol):
    """Finding cases by exact keys, days and codes within what the actor may see."""

    def find(self, criteria: CaseCriteria, scope: CaseScope, page: PageRequest,
             cap: int) -> tuple[list[CaseSummary], int]:
        """One page of the cases found, in the page's order, and how many were found (counting at most `cap`)."""
        ...


class ReportReads(Protocol):
    """SQL aggregates over the case_fact projection (plus human_task, notice and the case's deadlines)."""

    def counts_by(self, scope: ReportScope, *dimensions: str) -> list[tuple[Any, ...]]:
        """Cases in scope per combination of values of fact columns: rows (value, ..., count), unordered."""
        ...

    def totals(self, scope: ReportScope) -> dict[str, int]:
        """One pass over the cases in scope."""
        ...

    def clock_totals(self, scope: ReportScope) -> dict[str, int]:
        """The regulatory clock actions of the cases in scope: extensions, extensions to 60 days, pauses."""
        ...

    def reply_minutes_at_rank(self, scope: ReportScope, regulatory: bool, offset: int) -> int | None:
        """The reply time (minutes) at 0-based `offset` in ascending order: percentiles by nearest rank."""
        ...

    def customer_notice_timeliness(self, scope: ReportScope, within_seconds: int) -> list[tuple[str, int, int, int]]:
        """Customer notices of the cases in scope per kind: (kind, queued, delivered, delivered on time)."""
        ...

    def linked_counts(self, scope: ReportScope) -> dict[str, int]:
        """Merged repeats and review cases received in scope, by kind ("merged", "review")."""
        ...

    def repeat_cases(self, scope: ReportScope, window_days: int) -> int:
        """Cases in scope whose complainant (any organisation) had complained at most `window_days` days before."""
        ...

    def overdue_tasks_by_department(self, scope: ReportScope) -> list[tuple[str, int]]:
        """Open tasks past their due time, per department, for the cases in scope (as of scope.now)."""
        ...

    def notices_by_department(self, scope: ReportScope, system_sender: str) -> list[tuple[str, str, bool, int]]:
        """Chase and supervision notices sent within the range to cases of the organisation in scope."""
        ...

    def regulator_figures(self, scope: ReportScope) -> list[tuple[Any, ...]]:
        """Per (unit, channel, category, cause): cases, replied, replied on time (regulatory clock), amount and
        compensation in cents."""
        ...

    def cases_without_facts(self) -> list[int]:
        """Ids of cases that have no case_fact row yet (stored before the reports existed)."""
        ...


class Counters(Protocol):
    """Atomic increments: concurrent hits of one key are serialized on its row, none is lost."""

    def hit(self, key: str, window: timedelta, now: datetime, amount: int = 1) -> Counter:
        """Add `amount` to `key` in one statement (a new window of `window` when the last one has ended)."""
        ...

    def get(self, key: str, now: datetime) -> Counter | None:
        """The key's counter in its current window; None when it has none or the window has ended."""
        ...

    def clear(self, key: str) -> None:
        """Forget the key's counter (e.g. after a successful sign-in)."""
        ...

    def purge(self, now: datetime) -> int:
        """Delete counters whose window has ended; how many."""
        ...


class Sessions(Protocol):
    """Rows of signed-in sessions, by the hash of their id."""

    def add(self, id_hash: str, username: str, now: datetime) -> None:
        """Store a new session."""
        ...

    def get(self, id_hash: str) -> tuple[str, datetime] | None:
        """The session's user name and last activity, or None when it has ended."""
        ...

    def touch(self, id_hash: str, now: datetime) -> None:
        """Record activity now."""
        ...

    def delete(self, id_hash: str) -> None:
        """End one session."""
        ...

    def delete_user(self, username: str) -> int:
        """End every session of a user; how many."""
        ...

    def purge(self, idle_since: datetime) -> int:
        """End every session idle since before `idle_since`; how many."""
        ...


class ClockRecords(Protocol):
    """The regulatory clock's state on the case, the 60-day extension requests, and the facts it keeps."""

    def state(self, case_id: int) -> dict[str, Any] | None:
        """The clock's stored state (None for a case whose clock was never moved)."""
        ...

    def save_state(self, case_id: int, record: Mapping[str, Any], paused_at: datetime | None,
                   due: datetime) -> None:
        """Store the clock's state, whether it stands still, and the regulatory deadline it gives."""
        ...

    def paused_among(self, case_ids: Collection[int]) -> set[int]:
        """Those of the cases whose regulatory clock stands still."""
        ...

    def add_request(self, request: ClockRequest) -> int:
        """Store a new (pending) request; returns its id."""
        ...

    def request(self, request_id: int) -> ClockRequest | None:
        """One request by id."""
        ...

    def requests_of_case(self, case_id: int) -> list[ClockRequest]:
        """Every request of a case, oldest first."""
        ...

    def pending(self, approver_units: Collection[str] | None, limit: int = 200) -> list[ClockRequest]:
        """Pending requests decided at these units (None: every unit), oldest first."""
        ...

    def decide(self, request_id: int, status: RequestStatus, by: str, at: datetime, opinion: str) -> bool:
        """Record the decision on a still pending request; False when someone decided it first."""
        ...

    def set_facts(self, case_id: int, facts: ClockFacts) -> None:
        """Keep the report facts of the clock in step."""
        ...

    def set_task_dues(self, case_id: int, dues: Mapping[str, datetime | None]) -> None:
        """Move the due times of the case's open tasks."""
        ...


class UnitOfWork(Protocol):
    """One transaction over every repository; it rolls back on exit unless `commit()` was called."""

    @property
    def definitions(self) -> Definitions: ...

    @property
    def cases(self) -> Cases: ...

    @property
    def tasks(self) -> Tasks: ...

    @property
    def timers(self) -> Timers: ...

    @property
    def audit(self) -> AuditTrail: ...

    @property
    def notices(self) -> Notices: ...

    @property
    def customer_notices(self) -> CustomerNotices: ...

    @property
    def users(self) -> Users: ...

    @property
    def typical_cases(self) -> TypicalCases: ...

    @property
    def alerts(self) -> Alerts: ...

    @property
    def comments(self) -> Comments: ...

    @property
    def attachments(self) -> Attachments: ...

    @property
    def api_keys(self) -> ApiKeys: ...

    @property
    def idempotency(self) -> IdempotencyKeys: ...

    @property
    def counters(self) -> Counters: ...

    @property
    def sessions(self) -> Sessions: ...

    @property
    def case_facts(self) -> CaseFacts: ...

    @property
    def links(self) -> CaseLinkStore: ...

    @property
    def clock(self) -> ClockRecords: ...

    @property
    def rectifications(self) -> Rectifications: ...

    @property
    def urgent(self) -> UrgentRecords: ...

    @property
    def read(self) -> Reads: ...

    @property
    def reports(self) -> ReportReads: ...

    @property
    def search(self) -> Searches: ...

    def __enter__(self) -> UnitOfWork:
        """Begin the transaction."""
        ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Roll back whatever was not committed."""
        ...

    def commit(self) -> None:
        """Make every change of this unit durable together."""
        ...

    def expire(self) -> None:
        """Forget what was read so the next reads see what other transactions committed."""
        ...

    def rollback(self) -> None:
        """Throw away everything done in this unit."""
        ...


class Database(Protocol):
    """Where units of work come from, and the database's own chores."""

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        ...

    @property
    def text_limits(self) -> TextLimits:
        """How long each stored name may be (the columns' lengths)."""
        ...

    def write(self) -> UnitOfWork:
        """A unit of work that changes data."""
        ...

    def read(self) -> UnitOfWork:
        """A unit of work that only reads."""
        ...

    def upgrade(self, home_units: Mapping[str, str] | None = None, root_unit: str = "") -> None:
        """Create or upgrade the schema (the units: see engine.persistence.db.alembic_config)."""
        ...

    def checkpoint(self) -> None:
        """Leave no older row versions in SQLite's write-ahead log."""
        ...

    def ping(self, timeout_seconds: float) -> str:
        """The schema version, read under a deadline."""
        ...

    def dispose(self) -> None:
        """Close every connection."""
        ...
