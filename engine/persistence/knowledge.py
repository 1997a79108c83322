"""Typical cases of the knowledge base with their search, and risk alerts with their acknowledgements.

Searching: every word of a query must occur in a published case's `search_text` (substring match, as a
Chinese reader expects without word segmentation). PostgreSQL: ILIKE, served by the pg_trgm GIN index of
migration 0020. SQLite: the FTS5 table `typical_case_search` (trigram tokenizer) for words of three or more
characters, a substring test on the row for shorter ones (a trigram index cannot serve them).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Select, column, func, select, text, update
from sqlalchemy.orm import Session

from engine.domain.knowledge import Alert, AlertRecipient, TypicalCase, TypicalCaseStatus, TypicalCaseText
from engine.persistence.tables import AlertRecipientRow, AlertRow, TypicalCaseRow

T = TypicalCaseRow
LIKE_ESCAPE = "\\"
TRIGRAM = 3  # the shortest word the trigram index can find


class TypicalCaseRepository:
    """Typical cases: drafts and published ones, and the search over the published ones."""

    def __init__(self, session: Session):
        self.session = session

    @property
    def _sqlite(self) -> bool:
        return self.session.get_bind().dialect.name == "sqlite"

    def add(self, case: TypicalCase, search_text: str) -> int:
        """Store a new draft; returns its id."""
        row = T(case_id=case.case_id, case_number=case.case_number, unit=case.unit, category=case.category,
                cause=case.cause, **case.text.fields(), search_text=search_text, status=case.status.value,
                version=1, created_by=case.created_by, created_at=case.created_at, updated_by=case.updated_by,
                updated_at=case.updated_at)
        self.session.add(row)
        self.session.flush()
        return row.id

    def get(self, typical_id: int) -> TypicalCase | None:
        """One typical case, or None."""
        row = self.session.get(T, typical_id)
        return _typical(row) if row is not None else None

    def for_case(self, case_id: int) -> TypicalCase | None:
        """The typical case made from a complaint, or None."""
        row = self.session.scalars(select(T).where(T.case_id == case_id)).first()
        return _typical(row) if row is not None else None

    def update_text(self, typical_id: int, expected_version: int, new: TypicalCaseText, search_text: str,
                    by: str, at: datetime) -> bool:
        """Change a draft's texts if nobody else did first (and it is still a draft); False otherwise."""
        result = self.session.execute(
            update(T).where(T.id == typical_id, T.version == expected_version,
                            T.status == TypicalCaseStatus.DRAFT.value)
            .values(**new.fields(), search_text=search_text, updated_by=by, updated_at=at, version=T.version + 1))
        return bool(getattr(result, "rowcount", 0))

    def publish(self, typical_id: int, expected_version: int, by: str, at: datetime) -> bool:
        """Publish a draft if it is unchanged since read; False otherwise. SQLite: it joins the search table."""
        result = self.session.execute(
            update(T).where(T.id == typical_id, T.version == expected_version,
                            T.status == TypicalCaseStatus.DRAFT.value)
            .values(status=TypicalCaseStatus.PUBLISHED.value, published_by=by, published_at=at, updated_by=by,
                    updated_at=at, version=T.version + 1))
        if not getattr(result, "rowcount", 0):
            return False
        if self._sqlite:
            self.session.execute(
                text("INSERT INTO typical_case_search (rowid, search_text) "
                     "SELECT id, search_text FROM typical_case WHERE id = :id"), {"id": typical_id})
        return True

    def drafts(self, limit: int = 100) -> list[TypicalCase]:
        """Drafts, most recently changed first."""
        query = select(T).where(T.status == TypicalCaseStatus.DRAFT.value).order_by(T.updated_at.desc(), T.id.desc())
        return [_typical(row) for row in self.session.scalars(query.limit(limit))]

    def search(self, terms: Sequence[str], category: str | None = None, cause: str | None = None,
               limit: int = 50) -> list[TypicalCase]:
        """Published cases containing every term (of this category and cause, if given), newest first."""
        query = select(T).where(T.status == TypicalCaseStatus.PUBLISHED.value)
        if category:
            query = query.where(T.category == category)
        if cause:
            query = query.where(T.cause == cause)
        query = self._matching(query, [t for t in terms if t])
        query = query.order_by(T.published_at.desc(), T.id.desc()).limit(limit)
        return [_typical(row) for row in self.session.scalars(query)]

    def _matching(self, query: Select[Any], terms: Sequence[str]) -> Select[Any]:
        if not self._sqlite:
            for term in terms:
                query = query.where(T.search_text.ilike(f"%{_escaped(term)}%", escape=LIKE_ESCAPE))
            return query
        long = [t for t in terms if len(t) >= TRIGRAM]
        if long:
            phrase = " ".join('"' + t.replace('"', '""') + '"' for t in long)
            found = text("SELECT rowid FROM typical_case_search WHERE typical_case_search MATCH :phrase")
            query = query.where(T.id.in_(found.bindparams(phrase=phrase).columns(column("rowid", Integer))))
        for term in (t for t in terms if len(t) < TRIGRAM):
            query = query.where(func.instr(func.lower(T.search_text), term.lower()) > 0)
        return query


def _escaped(term: str) -> str:
    return term.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")


def _typical(row: TypicalCaseRow) -> TypicalCase:
    return TypicalCase(
        id=row.id, case_id=row.case_id, case_number=row.case_number, unit=row.unit, category=row.category,
        cause=row.cause, text=TypicalCaseText(row.title, row.facts, row.analysis, row.resolution, row.lessons),
        status=TypicalCaseStatus(row.status), created_by=row.created_by, created_at=row.created_at,
        updated_by=row.updated_by, updated_at=row.updated_at, version=row.version,
        published_by=row.published_by, published_at=row.published_at,
    )


class AlertRepository:
    """Risk alerts and the acknowledgements of their addressees."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, alert: Alert) -> int:
        """Store an alert with its addressees; returns its id."""
        row = AlertRow(typical_case_id=alert.typical_case_id, title=alert.title, message=alert.message,
                       issued_by=alert.issued_by, issued_at=alert.issued_at, whole_bank=alert.whole_bank)
        self.session.add(row)
        self.session.flush()
        self.session.add_all([AlertRecipientRow(alert_id=row.id, unit=r.unit, department=r.department)
                              for r in alert.recipients])
        self.session.flush()
        return row.id

    def get(self, alert_id: int) -> Alert | None:
        """One alert with every addressee, or None."""
        row = self.session.get(AlertRow, alert_id)
        return self._alerts([row])[0] if row is not None else None

    def recent(self, limit: int = 100) -> list[Alert]:
        """The newest alerts with their addressees."""
        rows = self.session.scalars(select(AlertRow).order_by(AlertRow.issued_at.desc(), AlertRow.id.desc())
                                    .limit(limit))
        return self._alerts(list(rows))

    def addressed_to(self, units: Sequence[str] | None, departments: Sequence[str], limit: int = 100) -> list[Alert]:
        """The newest alerts with an addressee in one of `units` (None: any unit) or of one of `departments`;
        the caller picks the addressees that really reach a person (AlertRecipient.reaches)."""
        r = AlertRecipientRow
        wanted = select(r.alert_id)
        if units is not None:
            wanted = wanted.where(r.unit.in_(list(units)))
        else:
            wanted = wanted.where(r.department.in_(list(departments)))
        rows = self.session.scalars(select(AlertRow).where(AlertRow.id.in_(wanted))
                                    .order_by(AlertRow.issued_at.desc(), AlertRow.id.desc()).limit(limit))
        return self._alerts(list(rows))

    def acknowledge(self, alert_id: int, recipients: Sequence[AlertRecipient], by: str, at: datetime) -> int:
        """Mark these addressees of an alert acknowledged unless they already were; how many were marked."""
        r = AlertRecipientRow
        marked = 0
        for recipient in recipients:
            department = (r.department.is_(None) if recipient.department is None
                          else r.department == recipient.department)
            result = self.session.execute(
                update(r).where(r.alert_id == alert_id, r.unit == recipient.unit, department,
                                r.acknowledged_at.is_(None))
                .values(acknowledged_by=by, acknowledged_at=at))
            marked += int(getattr(result, "rowcount", 0) or 0)
        return marked

    def _alerts(self, rows: list[AlertRow]) -> list[Alert]:
        if not rows:
            return []
        r = AlertRecipientRow
        addressees: dict[int, list[AlertRecipient]] = {row.id: [] for row in rows}
        for rec in self.session.scalars(select(r).where(r.alert_id.in_(list(addressees))).order_by(r.id)):
            addressees[rec.alert_id].append(
                AlertRecipient(rec.unit, rec.department, rec.acknowledged_by, rec.acknowledged_at))
        return [Alert(id=row.id, typical_case_id=row.typical_case_id, title=row.title, message=row.message,
                      issued_by=row.issued_by, issued_at=row.issued_at, whole_bank=row.whole_bank,
                      recipients=addressees[row.id]) for row in rows]
