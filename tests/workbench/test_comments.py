"""Comments on a case: internal notes seen by whoever sees the case, posted in one transaction with their
audit event, a notice to a mentioned department's members, sealed at rest, no way to edit or delete."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from engine.domain.errors import Forbidden, NotFound, ValidationFailed
from engine.persistence.evidence import CommentRepository
from tests.support.driver import audit_actions
from tests.support.engines import sql_engine_of
from tests.workbench.evidence_support import open_shanghai_case, who


def test_a_comment_is_read_by_those_who_see_the_case_and_audited(people):
    case_id = open_shanghai_case(people)
    posted = people.comments.post(case_id, "  客户来电补充：要求书面答复  ", who(people, "front_sh"))
    assert posted.body == "客户来电补充：要求书面答复"
    for reader in ("front_sh", "sup_sh", "audit1"):
        assert [c.body for c in people.comments.for_case(case_id, who(people, reader))] == [posted.body]
    events = audit_actions(people, case_id, "comment")
    assert [(e.actor, e.data["comment"]) for e in events] == [("front_sh", posted.id)]
    assert "客户来电" not in str(events[0].data)  # the text stays in the (sealed) comment, not the audit trail


def test_another_unit_neither_reads_nor_posts_and_is_audited(people):
    case_id = open_shanghai_case(people)
    people.comments.post(case_id, "内部备注", who(people, "front_sh"))
    outsider = who(people, "front_bj")
    with pytest.raises(NotFound):
        people.comments.for_case(case_id, outsider)
    with pytest.raises(NotFound):
        people.comments.post(case_id, "越权备注", outsider)
    denied = [e.data["action"] for e in audit_actions(people, case_id, "access_denied")]
    assert denied == ["view_comments", "comment"]
    assert len(people.comments.for_case(case_id, who(people, "front_sh"))) == 1


def test_auditors_read_but_do_not_post(people):
    case_id = open_shanghai_case(people)
    with pytest.raises(Forbidden):
        people.comments.post(case_id, "审计意见", who(people, "audit1"))
    assert people.comments.for_case(case_id, who(people, "audit1")) == []


def test_mentioning_a_department_notifies_its_members_in_the_case_unit(people):
    case_id = open_shanghai_case(people)
    comment = people.comments.post(case_id, "请客户经理跟进", who(people, "front_sh"), ("branch_manager",))
    assert comment.mentions == ("branch_manager",)
    notices = people.notices.for_actor(who(people, "mgr_sh"))
    assert [(n.kind.value, n.case_id, n.department, n.unit) for n in notices] == [
        ("mention", case_id, "branch_manager", "SH02")]
    assert people.notices.for_actor(who(people, "mgr_bj")) == []  # the same department of another outlet


@pytest.mark.parametrize(("body", "mentions", "field", "code"), [
    ("   ", (), "body", "comment_empty"),
    ("长" * 4001, (), "body", "comment_too_long"),
    ("备注", ("no_such_department",), "mentions", "comment_unknown_department"),
])
def test_bad_comments_are_refused_with_a_code_and_change_nothing(people, body, mentions, field, code):
    case_id = open_shanghai_case(people)
    with pytest.raises(ValidationFailed) as refused:
        people.comments.post(case_id, body, who(people, "front_sh"), mentions)
    assert [c for c, _ in refused.value.coded[field]] == [code]
    assert people.comments.for_case(case_id, who(people, "front_sh")) == []
    assert audit_actions(people, case_id, "comment") == []


def test_comment_bodies_are_encrypted_at_rest(people):
    case_id = open_shanghai_case(people)
    people.comments.post(case_id, "客户手机 13900001111", who(people, "front_sh"))
    with sql_engine_of(people).connect() as conn:
        stored = conn.execute(text("SELECT body FROM case_comment")).scalar_one()
    assert "13900001111" not in stored and stored.startswith("cf1:")


def test_comments_offer_no_way_to_change_them(people):
    for holder in (people.comments, CommentRepository):
        assert not [name for name in dir(holder) if name.startswith(("edit", "update", "delete", "remove"))]


def test_a_mention_email_names_the_case_not_the_note():
    from datetime import UTC, datetime

    from engine.domain.model import Notice, NoticeKind
    from engine.services.mail import compose

    notice = Notice(NoticeKind.MENTION, 7, "TS-20240927-000007", None, "branch_manager", None, "front_sh",
                    "comment:3", datetime(2024, 9, 27, tzinfo=UTC), id=11)
    msg = compose(notice, "cf@bank.example", ["mgr@bank.example"], "投诉管理人")
    assert msg["Subject"] == "【备注提及】投诉工单 TS-20240927-000007"
    assert "comment:3" not in msg.get_content() and "提及贵部门" in msg.get_content()
