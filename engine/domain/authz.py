"""Who may see and do what. Services call these; templates only mirror them."""

from __future__ import annotations

from collections.abc import Iterable

from engine.domain.departments import DepartmentDirectory
from engine.domain.model import Actor, HumanTask, Membership, NoticeAudience, Role, TaskStatus
from engine.domain.organisation import OrganisationTree, overseen_units
from engine.domain.search import ANY_UNIT, CaseScope
from engine.domain.supervision import SUPERVISING_DEPARTMENT

READ_ALL = frozenset({Role.ADMIN, Role.AUDITOR, Role.SUPERVISOR})
PII_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR})


def reads_everything(actor: Actor) -> bool:
    """Admins, auditors and supervisors read across departments."""
    return bool(actor.roles & READ_ALL)


def may_change(actor: Actor) -> bool:
    """Everyone but a pure auditor may act on work."""
    return bool(actor.roles - {Role.AUDITOR})


def reads_unit(actor: Actor, unit: str) -> bool:
    """Readers of everything read a unit's work, a supervisor with units only within their subtrees."""
    return reads_everything(actor) and (actor.oversees is None or unit in actor.oversees)


def may_see_case(actor: Actor, case_queues: set[Membership], touched: bool) -> bool:
    """Staff see cases that reached their queues or that they touched; supervisors those that reached
    their subtrees."""
    if touched or any(reads_unit(actor, q.unit) for q in case_queues):
        return True
    if reads_everything(actor) and actor.oversees is None:
        return True
    if actor.memberships:
        return bool(actor.memberships & case_queues)
    return bool(actor.departments & {q.department for q in case_queues})


def case_scope(actor: Actor, tree: OrganisationTree) -> CaseScope:
    """The cases an actor finds in a search: exactly those may_see_case lets them open. Subtrees covering the
    whole tree (head office) become "a task anywhere" (no list of every unit in the SQL)."""
    if reads_everything(actor) and actor.oversees is None:
        return CaseScope(everything=True)
    units = actor.oversees if reads_everything(actor) else None
    if units is not None and units >= tree.units.keys():
        units = ANY_UNIT
    if actor.memberships:
        return CaseScope(units=units, queues=frozenset(actor.memberships), worked_by=actor.username)
    return CaseScope(units=units, departments=frozenset(actor.departments), worked_by=actor.username)


def queues_of(actor: Actor, department: str | None = None) -> frozenset[Membership] | None:
    """The (unit, department) queues a person works (of one department, if given). None for an actor
    without units (an API key, the shell), who acts for its departments in every unit."""
    if not actor.memberships:
        return None
    return frozenset(m for m in actor.memberships if department is None or m.department == department)


def in_queue(actor: Actor, task: HumanTask) -> bool:
    """The task waits in one of the actor's queues: its unit and department, or its department for an
    actor without units."""
    if actor.memberships:
        return Membership(task.unit, task.department) in actor.memberships
    return task.department in actor.departments


def may_see_task(actor: Actor, task: HumanTask) -> bool:
    """A task is visible to its queue's members, its assignee and those who read everything."""
    return reads_unit(actor, task.unit) or in_queue(actor, task) or task.assignee == actor.username


def notice_audience(actor: Actor) -> NoticeAudience:
    """The notices an actor reads: to them by name, or to their departments where they see the work:
    staff in their own (unit, department) queues, a supervisor in their subtrees, readers of everything
    without units and actors without units (API keys, the shell) in every unit."""
    staff = bool(actor.memberships) and actor.oversees is None and not reads_everything(actor)
    return NoticeAudience(actor.username, frozenset(actor.departments),
                          queues=frozenset(actor.memberships) if staff else None, units=actor.oversees)


def supervised_units(actor: Actor, tree: OrganisationTree) -> frozenset[str] | None:
    """The units whose supervised cases the actor lists (None: every unit): a supervisor's subtrees;
    complaint management staff the subtrees of their complaint management units."""
    if actor.oversees is not None or reads_everything(actor) or not actor.memberships:
        return actor.oversees
    own = [m for m in actor.memberships if m.department == SUPERVISING_DEPARTMENT]
    return overseen_units(tree, own) or frozenset()


def may_work_task(actor: Actor, task: HumanTask) -> bool:
    """Claim/complete: a member of the task's queue (unit and department), not an auditor."""
    return may_change(actor) and in_queue(actor, task)


def may_reassign(actor: Actor, task: HumanTask) -> bool:
    """Supervisors reassign within their queues; admins anywhere."""
    if actor.has(Role.ADMIN):
        return True
    return actor.has(Role.SUPERVISOR) and in_queue(actor, task)


def may_chase(actor: Actor) -> bool:
    """Supervisors (and admins) chase by hand; so does the customer-service business group."""
    return actor.has(Role.SUPERVISOR) or actor.has(Role.ADMIN) or "cs_business_group" in actor.departments


def may_curate_knowledge(actor: Actor) -> bool:
    """Complaint management drafts and publishes typical cases and issues alerts (an auditor does not)."""
    return may_change(actor) and SUPERVISING_DEPARTMENT in actor.departments


def alert_units(actor: Actor) -> frozenset[str] | None:
    """The units whose acknowledgements of alerts an actor follows (None: every unit): complaint management
    and readers of everything without units the whole bank, a supervisor their subtrees; others none."""
    if may_curate_knowledge(actor):
        return None
    if reads_everything(actor):
        return actor.oversees
    return frozenset()


def may_deploy(actor: Actor) -> bool:
    """Deploying diagrams is code: process owners and admins only."""
    return actor.has(Role.PROCESS_OWNER) or actor.has(Role.ADMIN)


def may_manage_users(actor: Actor) -> bool:
    """Only admins manage accounts."""
    return actor.has(Role.ADMIN)


def may_see_personal_data(actor: Actor) -> bool:
    """Full ID/phone/account numbers on the case page (each view is logged)."""
    return bool(actor.roles & PII_ROLES)


def may_see_audit_trail(actor: Actor) -> bool:
    """The full audit trail of a case (refusals, reveals of personal data): auditors, supervisors, admins."""
    return reads_everything(actor)


def may_contact_customer(actor: Actor, task: HumanTask, contacts_customer: bool) -> bool:
    """The customer's phone for a task that must contact them (`contactsCustomer`): its assignee, while they
    hold it (each reveal is logged)."""
    return (contacts_customer and may_change(actor) and task.status == TaskStatus.CLAIMED
            and task.assignee == actor.username)


def may_see_reports(actor: Actor) -> bool:
    """Head-office reports: supervisors, auditors and admins."""
    return reads_everything(actor)


def report_units(actor: Actor) -> frozenset[str] | None:
    """The units whose cases a report reader counts: a supervisor's subtrees; auditors, admins and
    supervisors without units the whole bank (None)."""
    return actor.oversees


def membership_errors(directory: DepartmentDirectory, departments: Iterable[str],
                      roles: Iterable[str]) -> dict[str, list[str]]:
    """Per-field problems with the departments and roles given to a user or an API key."""
    errors: dict[str, list[str]] = {}
    unknown = [d for d in departments if directory.get(d) is None]
    if unknown:
        errors["departments"] = [f"unknown department(s): {', '.join(unknown)}"]
    roles = list(roles)
    known = {x.value for x in Role}
    if not roles or any(r not in known for r in roles):
        errors["roles"] = [f"roles must be among {', '.join(x.value for x in Role)}"]
    return errors
