"""Internal notes on a case: posted by whoever may act on a case they see, read by whoever sees the case; a
mentioned department's members are told through the notices. Never edited or deleted once posted."""

from __future__ import annotations

from engine.domain import authz
from engine.domain.errors import Forbidden, NotFound, ValidationFailed
from engine.domain.evidence import Comment
from engine.domain.model import Actor, NoticeKind
from engine.services.cases import CaseService, case_visible
from engine.services.context import EngineContext
from engine.services.denials import record_denied
from engine.services.oversight.record import record_notice

MAX_COMMENT_LENGTH = 4000
MAX_MENTIONS = 5


class CommentService:
    """Post and read comments."""

    def __init__(self, ctx: EngineContext, cases: CaseService):
        self.ctx = ctx
        self.cases = cases

    def for_case(self, ref: str | int, actor: Actor) -> list[Comment]:
        """A case's comments, oldest first, if the actor may see the case (else NotFound, audited)."""
        case_id = self.cases.resolve_id(ref)
        with self.ctx.db.read() as uow:
            if uow.read.case(case_id) is not None and case_visible(uow, actor, case_id):
                return uow.comments.for_case(case_id)
        record_denied(self.ctx, actor, "view_comments", case_id)
        raise NotFound(f"case {ref} not found")

    def post(self, ref: str | int, body: str, actor: Actor, mentions: tuple[str, ...] = ()) -> Comment:
        """Add a comment (and a notice to each mentioned department) in one transaction with its audit event."""
        body = (body or "").strip()
        mentions = tuple(dict.fromkeys(m.strip() for m in mentions if m and m.strip()))
        self._check(body, mentions)
        case_id = self.cases.resolve_id(ref)
        now = self.ctx.now()
        with self.ctx.db.write() as uow:
            case = uow.read.case(case_id)
            if case is None or not case_visible(uow, actor, case_id):
                uow.audit.denied(now, actor.username, "comment", case_id)
                uow.commit()
                raise NotFound(f"case {ref} not found")
            if not authz.may_change(actor):
                uow.audit.denied(now, actor.username, "comment", case_id)
                uow.commit()
                raise Forbidden("auditors read comments but do not post them", audited=True)
            comment = uow.comments.add(case_id, actor.username, body, mentions, now)
            for department in mentions:
                record_notice(self.ctx, uow, NoticeKind.MENTION, (case_id, case.number or "", case.unit), None,
                              department, f"comment:{comment.id}", sender=actor.username)
            uow.audit.add(now, actor.username, "comment", case_id, None,
                          {"comment": comment.id, "mentions": list(mentions), "length": len(body)})
            uow.commit()
        return comment

    def _check(self, body: str, mentions: tuple[str, ...]) -> None:
        coded: dict[str, list[tuple[str, dict[str, str]]]] = {}
        errors: dict[str, list[str]] = {}
        if not body:
            coded["body"], errors["body"] = [("comment_empty", {})], ["write the comment"]
        elif len(body) > MAX_COMMENT_LENGTH:
            coded["body"] = [("comment_too_long", {"limit": str(MAX_COMMENT_LENGTH)})]
            errors["body"] = [f"at most {MAX_COMMENT_LENGTH} characters"]
        unknown = [m for m in mentions if self.ctx.departments.get(m) is None]
        if unknown or len(mentions) > MAX_MENTIONS:
            coded["mentions"] = [("comment_unknown_department", {"departments": ", ".join(unknown)})] if unknown \
                else [("comment_too_many_mentions", {"limit": str(MAX_MENTIONS)})]
            errors["mentions"] = [f"unknown department(s): {', '.join(unknown)}" if unknown
                                  else f"at most {MAX_MENTIONS} departments"]
        if errors:
            raise ValidationFailed(errors, coded=coded)
