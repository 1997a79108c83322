"""Messages from outside a case ("customer supplied documents"): delivered to the events waiting for them."""

from __future__ import annotations

import json
import keyword
from dataclasses import dataclass
from typing import Any

from engine.domain import authz
from engine.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from engine.domain.model import Actor, CaseSummary
from engine.domain.records import StoredCase
from engine.services.cases import case_visible
from engine.services.context import EngineContext
from engine.services.projection import persist_workflow
from engine.services.unit_of_work import UnitOfWork

MAX_NAME = 200
MAX_FIELDS = 50
MAX_DATA_BYTES = 16_000
# Variables every case carries from its intake: a message may not overwrite them (nor the complaint's fields).
SYSTEM_VARIABLES = frozenset({"case_number", "received_by", "internal_due", "regulatory_due"})


@dataclass(frozen=True)
class DeliveredMessage:
    """What a delivered message did: the case afterwards and the events that were waiting for it."""

    case: CaseSummary
    message: str
    waiting_before: list[str]
    waiting_after: list[str]


def check_message(name: str, data: dict[str, Any], protected: frozenset[str]) -> str:
    """The message name, stripped; ValidationFailed naming the field when the name or the data is unusable."""
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if not name or len(name) > MAX_NAME:
        errors["message"] = [f"a message name of 1-{MAX_NAME} characters is required"]
    if not isinstance(data, dict):
        errors["data"] = ["the data must be a JSON object"]
    else:
        errors.update(_data_errors(data, protected))
    if errors:
        raise ValidationFailed(errors)
    return name


def _data_errors(data: dict[str, Any], protected: frozenset[str]) -> dict[str, list[str]]:
    if len(data) > MAX_FIELDS or len(json.dumps(data, ensure_ascii=False, default=str)) > MAX_DATA_BYTES:
        return {"data": [f"at most {MAX_FIELDS} fields and {MAX_DATA_BYTES} characters"]}
    errors: dict[str, list[str]] = {}
    for key in data:
        if not key.isidentifier() or keyword.iskeyword(key) or key.startswith("_"):
            errors[f"data.{key}"] = ["a variable name (letters, digits, _; not starting with _) is required"]
        elif key in protected:
            errors[f"data.{key}"] = ["the case's own data cannot be changed by a message"]
    return errors


class MessageService:
    """Deliver a named message to a case: one transaction with the state, its projections and the audit."""

    def __init__(self, ctx: EngineContext):
        self.ctx = ctx

    def waiting(self, case_id: int, current_elements: list[str]) -> list[str]:
        """The messages a case waits for, from its current elements (no access check: for a case the actor
        was shown already, e.g. by CaseService.detail)."""
        with self.ctx.db.read() as uow:
            definition_id = uow.read.case_definition_id(case_id)
            stored_def = uow.definitions.get(definition_id) if definition_id is not None else None
        if stored_def is None:
            return []
        messages = self.ctx.definitions.get(stored_def).messages
        return sorted({messages[e] for e in current_elements if e in messages})

    def send(self, ref: str | int, name: str, data: dict[str, Any], actor: Actor) -> DeliveredMessage:
        """Deliver message `name` with `data` (case variables) to the events waiting for it, and run the case on.
        `ref` is a case id or complaint number. Conflict `message_not_waiting` (naming what the case waits for)
        when none waits for it."""
        with self.ctx.db.write() as uow:
            case_id = int(ref) if isinstance(ref, int) or str(ref).isdigit() else uow.read.case_id_by_number(str(ref))
            case = self._visible_case(uow, case_id, ref, actor, "send_message")
            if not authz.may_change(actor):
                uow.audit.denied(self.ctx.now(), actor.username, "send_message", case_id)
                uow.commit()
                raise Forbidden("auditors cannot deliver messages to cases", audited=True)
            summary = uow.read.case(case.id)
            name = check_message(name, data, frozenset(summary.complaint if summary else ()) | SYSTEM_VARIABLES)
            if case.status != "open":
                raise Conflict(f"case {case.number} is {case.status}; it waits for no message",
                               code="case_not_open", params={"case": case.number, "status": case.status})
            defn, workflow = self._workflow(uow, case.definition_id, case.state)
            before = self.ctx.runtime.waiting_messages(workflow)
            if name not in before:
                raise Conflict(
                    f"case {case.number} is not waiting for the message {name!r}; it waits for: "
                    f"{', '.join(before) or 'no message'}",
                    code="message_not_waiting",
                    params={"case": case.number, "message": name, "waiting": ", ".join(before)})
            fired = self.ctx.runtime.deliver_message(defn, workflow, name, data)
            after = self.ctx.runtime.waiting_messages(workflow)
            persist_workflow(self.ctx, uow, case, defn, workflow, fired)
            uow.audit.add(self.ctx.now(), actor.username, "message_received", case.id, None,
                          {"message": name, "data": data})
            result = uow.read.case(case.id)
            uow.commit()
        assert result is not None
        return DeliveredMessage(result, name, before, after)

    def _visible_case(self, uow: UnitOfWork, case_id: int | None, ref: str | int, actor: Actor,
                      action: str) -> StoredCase:
        """The case row, locked, if the actor may see it (NotFound naming `ref` otherwise, the attempt audited:
        a case the actor may not see looks like a missing one)."""
        case = uow.cases.load_for_update(case_id) if case_id is not None else None
        if case is None or not case_visible(uow, actor, case.id):
            uow.audit.denied(self.ctx.now(), actor.username, action, case.id if case else None)
            uow.commit()
            raise NotFound(f"case {ref} not found", code="case_not_found", params={"case": ref})
        return case

    def _workflow(self, uow: UnitOfWork, definition_id: int, state: str) -> tuple[Any, Any]:
        stored_def = uow.definitions.get(definition_id)
        assert stored_def is not None
        defn = self.ctx.definitions.get(stored_def)
        return defn, self.ctx.runtime.restore(defn, state)
