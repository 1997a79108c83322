"""Risk alerts (风险提示): complaint management alerts units or departments (or the whole bank) from a
typical case; the addressees read it among their notices and acknowledge it; head office follows who has not."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from engine.domain import authz
from engine.domain.errors import Conflict, Forbidden, NotFound
from engine.domain.knowledge import (
    WHOLE_BANK,
    Alert,
    AlertRecipient,
    TypicalCaseStatus,
    alert_problems,
    parse_recipients,
)
from engine.domain.model import Actor
from engine.services.context import EngineContext
from engine.services.oversight.knowledge import invalid
from engine.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ReceivedAlert:
    """An alert as one person sees it among their notices: their addressees and whether all acknowledged."""

    alert: Alert
    mine: list[AlertRecipient]

    @property
    def acknowledged(self) -> bool:
        """Every addressee the person belongs to has acknowledged."""
        return all(r.acknowledged_at is not None for r in self.mine)


class AlertService:
    """Issue, receive, acknowledge and follow risk alerts."""

    def __init__(self, ctx: EngineContext):
        self.ctx = ctx

    def issue(self, typical_id: int, title: str, message: str, recipients: Sequence[str], actor: Actor) -> Alert:
        """Alert `recipients` (`UNIT`, `UNIT:DEPARTMENT` or `*` for every unit) of a published typical case."""
        title, message, now = (title or "").strip(), (message or "").strip(), self.ctx.now()
        with self.ctx.db.write() as uow:
            typical = uow.typical_cases.get(typical_id)
            if not authz.may_curate_knowledge(actor):
                uow.audit.denied(now, actor.username, "issue_alert", None, None, typical_case=typical_id)
                uow.commit()
                raise Forbidden("alerts are issued by complaint management", audited=True)
            if typical is None:
                raise NotFound(f"typical case {typical_id} not found")
            if typical.status != TypicalCaseStatus.PUBLISHED:
                raise Conflict("alerts are issued from published typical cases", code="alert_needs_published_case",
                               params={"id": typical_id})
            addressees, problems = parse_recipients(self.ctx.organisation, recipients)
            problems |= alert_problems(title, message)
            if problems:
                raise invalid(problems)
            alert = Alert(0, typical_id, title, message, actor.username, now,
                          WHOLE_BANK in [r.strip() for r in recipients], addressees)
            alert_id = uow.alerts.add(alert)
            uow.audit.add(now, actor.username, "alert_issued", typical.case_id, None, {
                "alert": alert_id, "typical_case": typical_id, "title": title,
                "recipients": [_written(r) for r in addressees]})
            uow.commit()
            stored = uow.alerts.get(alert_id)
        assert stored is not None
        return stored

    def received(self, actor: Actor, pending_only: bool = False) -> list[ReceivedAlert]:
        """Alerts to the actor's units or departments, newest first (only those still to acknowledge)."""
        units = sorted({m.unit for m in actor.memberships}) if actor.memberships else None
        if units is None and not actor.departments:
            return []
        with self.ctx.db.read() as uow:
            alerts = uow.alerts.addressed_to(units, sorted(actor.departments))
        found = [ReceivedAlert(a, a.mine(actor)) for a in alerts]
        return [r for r in found if r.mine and not (pending_only and r.acknowledged)]

    def acknowledge(self, alert_id: int, actor: Actor) -> ReceivedAlert:
        """Acknowledge an alert for every addressee of it the actor belongs to (not an auditor)."""
        now = self.ctx.now()
        with self.ctx.db.write() as uow:
            alert = uow.alerts.get(alert_id)
            mine = alert.mine(actor) if alert is not None else []
            if alert is None or not mine or not authz.may_change(actor):
                self._deny(uow, actor, "acknowledge_alert", alert_id, alert is not None)
                if alert is not None and mine:
                    raise Forbidden("auditors do not acknowledge alerts", audited=True)
                raise NotFound(f"alert {alert_id} not found")
            pending = [r for r in mine if r.acknowledged_at is None]
            if not pending or not uow.alerts.acknowledge(alert_id, pending, actor.username, now):
                raise Conflict("the alert is acknowledged already", code="alert_acknowledged",
                               params={"id": alert_id})
            uow.audit.add(now, actor.username, "alert_acknowledged", None, None,
                          {"alert": alert_id, "for": [_written(r) for r in pending]})
            uow.commit()
            stored = uow.alerts.get(alert_id)
        assert stored is not None
        return ReceivedAlert(stored, stored.mine(actor))

    def issued(self, actor: Actor, limit: int = 100) -> list[Alert]:
        """The newest alerts with the addressees the actor follows (complaint management: all; a supervisor:
        those in their subtrees); nobody else follows alerts."""
        units = authz.alert_units(actor)
        if units is not None and not units:
            return []
        with self.ctx.db.read() as uow:
            alerts = uow.alerts.recent(limit)
        shown = [_within(a, units) for a in alerts]
        return [a for a in shown if a.recipients]

    def status(self, alert_id: int, actor: Actor) -> Alert:
        """One alert with the acknowledgements the actor follows; who has not acknowledged is `pending()`."""
        units = authz.alert_units(actor)
        with self.ctx.db.write() as uow:
            alert = uow.alerts.get(alert_id)
            shown = _within(alert, units) if alert is not None else None
            if shown is None or not shown.recipients:
                self._deny(uow, actor, "view_alert_status", alert_id, alert is not None)
                raise NotFound(f"alert {alert_id} not found")
            return shown

    def _deny(self, uow: UnitOfWork, actor: Actor, action: str, alert_id: int, exists: bool) -> None:
        if exists:
            uow.audit.denied(self.ctx.now(), actor.username, action, None, None, alert=alert_id)
            uow.commit()


def _within(alert: Alert, units: frozenset[str] | None) -> Alert:
    """The alert with only the addressees in `units` (None: all of them)."""
    if units is None:
        return alert
    return replace(alert, recipients=[r for r in alert.recipients if r.unit in units])


def _written(recipient: AlertRecipient) -> str:
    return recipient.unit if recipient.department is None else f"{recipient.unit}:{recipient.department}"
