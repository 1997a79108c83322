"""The knowledge base (业务知识库): typical cases drafted from closed complaints by complaint management,
checked for personal data, published, and searched by everyone in the bank."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.domain import authz
from engine.domain.errors import ConcurrentUpdate, Conflict, Forbidden, NotFound, ValidationFailed
from engine.domain.knowledge import (
    SIMILAR_CASES,
    TEXT_LIMITS,
    Problems,
    TypicalCase,
    TypicalCaseStatus,
    TypicalCaseText,
    search_terms,
    text_problems,
)
from engine.domain.masking import personal_values
from engine.domain.model import Actor, CaseStatus, CaseSummary
from engine.domain.step_records import proposed_texts, without_personal_data
from engine.services.cases import case_visible
from engine.services.context import EngineContext
from engine.services.unit_of_work import UnitOfWork

PROBLEM_TEXT = {"required": "required", "too_long": "longer than {max} characters",
                "personal_data": "contains personal data ({kinds})"}


@dataclass(frozen=True)
class Proposal:
    """A new typical case proposed from a closed complaint: the complaint (masked) and the proposed texts."""

    case: CaseSummary
    text: TypicalCaseText


def invalid(problems: Problems) -> ValidationFailed:
    """The problems as a ValidationFailed: English texts, and the codes the web layer words."""
    errors = {name: [PROBLEM_TEXT.get(code, code).format(**params) for code, params in found]
              for name, found in problems.items()}
    return ValidationFailed(errors, coded=problems)


class KnowledgeService:
    """Draft, check, publish and search typical cases."""

    def __init__(self, ctx: EngineContext):
        self.ctx = ctx

    def propose(self, ref: str | int, actor: Actor) -> Proposal:
        """The texts a new typical case of this closed complaint starts from (personal data still to remove)."""
        with self.ctx.db.write() as uow:
            case = self._source(uow, ref, actor, "propose_typical_case")
            data = uow.read.case_elements(case.id)[2]
        return Proposal(case, TypicalCaseText.of(proposed_texts(case.complaint, data)))

    def create(self, ref: str | int, text: TypicalCaseText, actor: Actor) -> TypicalCase:
        """A new draft from a closed complaint; refused while a text is missing, too long or personal."""
        now = self.ctx.now()
        with self.ctx.db.write() as uow:
            case = self._source(uow, ref, actor, "draft_typical_case")
            self._check(text, case)
            draft = TypicalCase(0, case.id, case.number, case.unit, _code(case, "category"), _code(case, "cause"),
                                text, TypicalCaseStatus.DRAFT, actor.username, now, actor.username, now)
            typical_id = uow.typical_cases.add(draft, self._search_text(draft, text))
            uow.audit.add(now, actor.username, "typical_case_drafted", case.id, None,
                          {"typical_case": typical_id, "title": text.title})
            uow.commit()
            stored = uow.typical_cases.get(typical_id)
        assert stored is not None
        return stored

    def draft_from_step(self, uow: UnitOfWork, case_id: int, data: Mapping[str, Any], actor: Actor) -> int | None:
        """In the caller's transaction: a DRAFT typical case of the case, its texts proposed from the case's
        complaint and `data` (a completed step's form over the case's data) with every personal value removed,
        for complaint management to check and publish. None when the case has a typical case already."""
        case = uow.read.case(case_id)
        assert case is not None
        if uow.typical_cases.for_case(case_id) is not None:
            return None
        known = personal_values(case.complaint)
        texts = {name: without_personal_data(value, known)[:TEXT_LIMITS[name]]
                 for name, value in proposed_texts(case.complaint, data).items()}
        text = TypicalCaseText.of(texts)
        now = self.ctx.now()
        draft = TypicalCase(0, case.id, case.number, case.unit, _code(case, "category"), _code(case, "cause"),
                            text, TypicalCaseStatus.DRAFT, actor.username, now, actor.username, now)
        typical_id = uow.typical_cases.add(draft, self._search_text(draft, text))
        uow.audit.add(now, actor.username, "typical_case_drafted", case.id, None,
                      {"typical_case": typical_id, "title": text.title, "from_step": True})
        return typical_id

    def update(self, typical_id: int, text: TypicalCaseText, version: int, actor: Actor) -> TypicalCase:
        """Change a draft's texts (checked as when drafted); 409 when someone changed it first."""
        now = self.ctx.now()
        with self.ctx.db.write() as uow:
            current = self._curated(uow, typical_id, actor, "update_typical_case")
            case = uow.read.case(current.case_id)
            assert case is not None
            self._check(text, case)
            if not uow.typical_cases.update_text(typical_id, version, text, self._search_text(current, text),
                                                 actor.username, now):
                raise self._changed(uow, typical_id)
            uow.audit.add(now, actor.username, "typical_case_updated", current.case_id, None,
                          {"typical_case": typical_id, "title": text.title})
            uow.commit()
        return self._get(typical_id)

    def publish(self, typical_id: int, version: int, actor: Actor) -> TypicalCase:
        """Publish a draft to the whole bank, after checking it once more for personal data."""
        now = self.ctx.now()
        with self.ctx.db.write() as uow:
            current = self._curated(uow, typical_id, actor, "publish_typical_case")
            case = uow.read.case(current.case_id)
            assert case is not None
            self._check(current.text, case)
            if not uow.typical_cases.publish(typical_id, version, actor.username, now):
                raise self._changed(uow, typical_id)
            uow.audit.add(now, actor.username, "typical_case_published", current.case_id, None,
                          {"typical_case": typical_id, "title": current.text.title})
            uow.commit()
        return self._get(typical_id)

    def get(self, typical_id: int, actor: Actor) -> TypicalCase:
        """A published typical case (everyone), or a draft (complaint management only)."""
        with self.ctx.db.write() as uow:
            found = uow.typical_cases.get(typical_id)
            if found is None or (found.status != TypicalCaseStatus.PUBLISHED and not authz.may_curate_knowledge(actor)):
                if found is not None:
                    uow.audit.denied(self.ctx.now(), actor.username, "view_typical_case", None, None,
                                     typical_case=typical_id)
                    uow.commit()
                raise NotFound(f"typical case {typical_id} not found")
            return found

    def for_case(self, ref: str | int, actor: Actor) -> TypicalCase | None:
        """The typical case made from a complaint the actor may curate (None when there is none yet)."""
        if not authz.may_curate_knowledge(actor):
            return None
        case_id = self.case_id_of(ref)
        with self.ctx.db.read() as uow:
            return uow.typical_cases.for_case(case_id)

    def case_id_of(self, ref: str | int) -> int:
        """A case id from an id or a complaint number (NotFound when there is no such complaint)."""
        if isinstance(ref, int) or str(ref).isdigit():
            return int(ref)
        with self.ctx.db.read() as uow:
            case_id = uow.read.case_id_by_number(str(ref))
        if case_id is None:
            raise NotFound(f"case {ref} not found")
        return case_id

    def drafts(self, actor: Actor) -> list[TypicalCase]:
        """Drafts waiting to be published (complaint management; nobody else sees drafts)."""
        if not authz.may_curate_knowledge(actor):
            return []
        with self.ctx.db.read() as uow:
            return uow.typical_cases.drafts()

    def search(self, query: str, actor: Actor, category: str | None = None, cause: str | None = None,
               limit: int = 50) -> list[TypicalCase]:
        """Published typical cases holding every word of `query` (and of the category and cause, if given),
        newest first. The knowledge base is bank-wide: every signed-in person searches all of it."""
        with self.ctx.db.read() as uow:
            return uow.typical_cases.search(search_terms(query), category or None, cause or None, limit)

    def similar(self, category: str | None, cause: str | None, actor: Actor) -> list[TypicalCase]:
        """Similar resolved cases for a complaint of this category and cause (none without both)."""
        if not category or not cause:
            return []
        return self.search("", actor, category, cause, limit=SIMILAR_CASES)

    def label(self, list_name: str, code: str | None) -> str:
        """A category's or cause's label (the code when unknown)."""
        return self.ctx.codes.labels(list_name).get(code or "", code or "")

    # -- helpers -----------------------------------------------------------------------------------------
    def _source(self, uow: UnitOfWork, ref: str | int, actor: Actor, action: str) -> CaseSummary:
        """The closed complaint a typical case is made from, if the actor curates and sees it."""
        case_id = self.case_id_of(ref)
        case = uow.read.case(case_id)
        if case is None or not case_visible(uow, actor, case_id):
            uow.audit.denied(self.ctx.now(), actor.username, action, case_id)
            uow.commit()
            raise NotFound(f"case {ref} not found")
        if not authz.may_curate_knowledge(actor):
            uow.audit.denied(self.ctx.now(), actor.username, action, case_id)
            uow.commit()
            raise Forbidden("typical cases are drafted by complaint management", audited=True)
        if case.status != CaseStatus.CLOSED:
            raise Conflict("only a closed complaint becomes a typical case", code="typical_case_not_closed",
                           params={"case": case.number})
        existing = uow.typical_cases.for_case(case_id)
        if existing is not None:
            raise Conflict(f"complaint {case.number} already has typical case {existing.id}",
                           code="typical_case_exists", params={"case": case.number, "id": existing.id})
        return case

    def _curated(self, uow: UnitOfWork, typical_id: int, actor: Actor, action: str) -> TypicalCase:
        """A typical case complaint management changes; others are refused (audited)."""
        found = uow.typical_cases.get(typical_id)
        if found is None or not authz.may_curate_knowledge(actor):
            if found is not None:
                uow.audit.denied(self.ctx.now(), actor.username, action, found.case_id, None, typical_case=typical_id)
                uow.commit()
                if found.status == TypicalCaseStatus.PUBLISHED:
                    raise Forbidden("typical cases are changed by complaint management", audited=True)
            raise NotFound(f"typical case {typical_id} not found")
        if found.status != TypicalCaseStatus.DRAFT:
            raise Conflict("the typical case is published already", code="typical_case_published",
                           params={"id": typical_id})
        return found

    def _check(self, text: TypicalCaseText, case: CaseSummary) -> None:
        problems = text_problems(text, personal_values(case.complaint))
        if problems:
            raise invalid(problems)

    def _changed(self, uow: UnitOfWork, typical_id: int) -> ConcurrentUpdate:
        now = uow.typical_cases.get(typical_id)
        who = now.updated_by if now else "?"
        return ConcurrentUpdate(f"the typical case was changed by {who} meanwhile; reload and try again")

    def _search_text(self, case: TypicalCase, text: TypicalCaseText) -> str:
        return text.search_text(self.label("categories", case.category), self.label("causes", case.cause))

    def _get(self, typical_id: int) -> TypicalCase:
        with self.ctx.db.read() as uow:
            found = uow.typical_cases.get(typical_id)
        assert found is not None
        return found


def _code(case: CaseSummary, name: str) -> str | None:
    value: Any = case.complaint.get(name)
    return str(value) if value else None
