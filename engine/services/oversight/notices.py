"""Chasing by hand (supervisors, the business group), and the notices departments and people read."""

from __future__ import annotations

from datetime import timedelta

from engine.domain import authz
from engine.domain.errors import Conflict, Forbidden, NotFound, Problem, invalid
from engine.domain.model import Actor, Notice, NoticeKind, TaskStatus
from engine.domain.paging import COUNT_CAP, Page, PageRequest, counted
from engine.services.context import EngineContext
from engine.services.oversight.record import record_notice


class NoticeService:
    """Chase by hand; list and mark notices."""

    def __init__(self, ctx: EngineContext):
        self.ctx = ctx

    def chase(self, task_id: str, reason: str, actor: Actor) -> Notice:
        """Send a chase notice for an open task; at most one per task per configured interval."""
        reason = (reason or "").strip()
        if not reason:
            raise invalid({"reason": Problem("chase_reason_required", "give a reason")})
        now = self.ctx.now()
        with self.ctx.db.write() as uow:
            task = uow.read.task(task_id)
            if task is None:
                raise NotFound(f"task {task_id} not found")
            if not (authz.may_chase(actor) and authz.may_see_task(actor, task)):
                uow.audit.denied(now, actor.username, "chase", task.case_id, task_id)
                uow.commit()
                if not authz.may_see_task(actor, task):  # another department's task looks like a missing one
                    raise NotFound(f"task {task_id} not found")
                raise Forbidden("only supervisors and the business group chase tasks", audited=True,
                                code="chase_only")
            uow.cases.lock(task.case_id)  # two chases at once: the second sees the first
            uow.expire()
            task = uow.read.task(task_id)
            if task is None or task.status not in (TaskStatus.READY, TaskStatus.CLAIMED):
                raise Conflict("the task is no longer open", code="chase_task_closed")
            interval = timedelta(minutes=self.ctx.settings.manual_chase_interval_minutes)
            last = uow.notices.last_manual_chase(task_id)
            if last is not None and now - last < interval:
                raise Conflict(f"already chased within {interval}", code="chased_recently",
                               params={"minutes": self.ctx.settings.manual_chase_interval_minutes})
            notice_id = record_notice(self.ctx, uow, NoticeKind.CHASE,
                                      (task.case_id, task.case_number, task.unit), task,
                                      task.department, reason, sender=actor.username)
            uow.tasks.note_chase(task_id, now)
            uow.audit.add(now, actor.username, "chase", task.case_id, task_id,
                          {"reason": reason, "department": task.department,
                           "addressee": task.assignee})
            uow.commit()
            notice = uow.read.notice(notice_id)
        assert notice is not None
        return notice

    def for_actor(self, actor: Actor, unread_only: bool = False) -> list[Notice]:
        """Notices to me, or to my departments in the units whose work I see, newest first."""
        with self.ctx.db.read() as uow:
            return uow.read.notices(audience=authz.notice_audience(actor), unread_only=unread_only)

    def page_for_actor(self, actor: Actor, page: PageRequest, unread_only: bool = False) -> Page[Notice]:
        """One page of the notices I read, with their (capped) count."""
        audience = authz.notice_audience(actor)
        with self.ctx.db.read() as uow:
            items = uow.read.notices(audience=audience, unread_only=unread_only, page=page)
            total, capped = counted(uow.read.count_notices(audience, unread_only, COUNT_CAP))
        return Page(items, max(total, page.offset + len(items)), page, capped)

    def unread_count(self, actor: Actor) -> int:
        """How many notices I have not read (counting stops at COUNT_CAP)."""
        with self.ctx.db.read() as uow:
            return uow.read.count_notices(authz.notice_audience(actor), True, COUNT_CAP)

    def mark_read(self, notice_id: int, actor: Actor) -> None:
        """Mark one of my notices read."""
        with self.ctx.db.write() as uow:
            notice = uow.read.notice(notice_id)
            if notice is None or not authz.notice_audience(actor).admits(notice):
                if notice is not None:
                    uow.audit.denied(self.ctx.now(), actor.username, "mark_notice_read", notice.case_id,
                                     notice.task_id)
                    uow.commit()
                raise NotFound(f"notice {notice_id} not found")
            uow.notices.mark_read(notice_id, self.ctx.now())
            uow.commit()
