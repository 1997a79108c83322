"""The contact permission: the assignee of a task that must contact the customer (the diagram's
`contactsCustomer`, e.g. notify, reply, revisit) may reveal the customer's phone for it; each reveal is logged."""

from __future__ import annotations

from dataclasses import dataclass

from engine.domain import authz
from engine.domain.errors import Forbidden, NotFound
from engine.domain.model import Actor, HumanTask
from engine.services.context import EngineContext
from engine.services.unit_of_work import UnitOfWork

CONTACT_FIELDS = ("complainant_name", "contact_phone")


@dataclass(frozen=True)
class CustomerContact:
    """Whom to call for a task: the complainant's name and phone, in clear."""

    task_id: str
    name: str
    phone: str


class ContactService:
    """Reveal a customer's phone to the assignee of a contact task."""

    def __init__(self, ctx: EngineContext):
        self.ctx = ctx

    def contacts_customer(self, task: HumanTask) -> bool:
        """Whether the task's step is declared to contact the customer."""
        with self.ctx.db.read() as uow:
            return self._declared(uow, task)

    def reveal(self, task_id: str, actor: Actor) -> CustomerContact:
        """The customer's name and phone for the task's assignee (audited as a personal data view); others get
        Forbidden (NotFound for a task they may not see), also audited."""
        now = self.ctx.now()
        with self.ctx.db.write() as uow:
            task = uow.read.task(task_id)
            if task is None:
                raise NotFound(f"task {task_id} not found")
            if not authz.may_see_task(actor, task):
                uow.audit.denied(now, actor.username, "reveal_contact", task.case_id, task_id)
                uow.commit()
                raise NotFound(f"task {task_id} not found")
            if not authz.may_contact_customer(actor, task, self._declared(uow, task)):
                uow.audit.denied(now, actor.username, "reveal_contact", task.case_id, task_id)
                uow.commit()
                raise Forbidden("only the assignee of a task that contacts the customer may see the phone",
                                audited=True)
            case = uow.read.case(task.case_id)
            if case is None:
                raise NotFound(f"task {task_id} not found")
            uow.audit.add(now, actor.username, "personal_data_viewed", task.case_id, task_id,
                          {"fields": list(CONTACT_FIELDS), "purpose": "contact_customer", "task": task.bpmn_id})
            uow.commit()
        complaint = case.complaint
        return CustomerContact(task_id, str(complaint.get("complainant_name") or ""),
                               str(complaint.get("contact_phone") or ""))

    def _declared(self, uow: UnitOfWork, task: HumanTask) -> bool:
        definition_id = uow.read.case_definition_id(task.case_id)
        stored = uow.definitions.get(definition_id) if definition_id is not None else None
        if stored is None:
            return False
        spec = self.ctx.definitions.get(stored).user_tasks.get(task.bpmn_id)
        return bool(spec and spec.contacts_customer)
