"""The knowledge base (业务知识库) through the services, on SQLite and PostgreSQL: typical cases drafted from
closed complaints by complaint management, refused while they hold personal data, published, and found by
Chinese keywords by anyone in the bank; the similar resolved cases of a category and cause."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import text

from engine.bootstrap import Engine
from engine.domain.errors import ConcurrentUpdate, Conflict, Forbidden, NotFound, ValidationFailed
from engine.domain.knowledge import TypicalCaseStatus
from engine.domain.model import Actor
from tests.oversight.knowledge_support import (
    CLEAN,
    ID_NUMBER,
    NAME,
    PHONE,
    add_users,
    closed_complaint,
    published,
)
from tests.support.driver import audit_actions, open_case
from tests.support.scenarios_head_office import COMPLAINT, CS_AGENT


@pytest.fixture
def people(engine: Engine) -> dict[str, Actor]:
    return add_users(engine)


def test_a_published_typical_case_is_found_by_chinese_keywords_at_another_unit(engine, people) -> None:
    case_id = closed_complaint(engine)
    typical = published(engine, case_id, people["k_curator"])
    reader = people["k_front_bj01"]  # an outlet of the Beijing branch; the complaint was head office's

    for query in ("重复扣款", "跨行转账 退还", "扣款", "清算 致歉", "支付结算"):  # "支付结算": the category's label
        assert [t.id for t in engine.knowledge.search(query, reader)] == [typical.id], query
    for query in ("信用卡", "重复扣款 信用卡", NAME, PHONE, "%", "_", "重复%扣款", '"扣款"'):  # no wildcards
        assert engine.knowledge.search(query, reader) == [], query
    shown = engine.knowledge.get(typical.id, reader)
    assert shown.status == TypicalCaseStatus.PUBLISHED and shown.published_by == "k_curator"
    assert (shown.category, shown.cause, shown.unit) == ("payment", "business_error", "HO")
    stored = " ".join(shown.text.fields().values())
    assert NAME not in stored and PHONE not in stored and ID_NUMBER not in stored
    actions = [e.action for e in audit_actions(engine, case_id)]
    assert actions[-2:] == ["typical_case_drafted", "typical_case_published"]


def test_the_proposal_starts_from_the_complaint_and_what_the_case_recorded(engine, people) -> None:
    case_id = closed_complaint(engine)
    proposal = engine.knowledge.propose(case_id, people["k_curator"])
    assert proposal.text.title == ""  # no typical-case step: no kb_title (test_step_records.py has one)
    assert proposal.text.analysis == "清算批次重发" and proposal.text.resolution == "退还重复扣款860元并致歉"
    assert NAME in proposal.text.facts  # still to be removed: publishing it as it is is refused
    with pytest.raises(ValidationFailed) as refused:
        engine.knowledge.create(case_id, proposal.text, people["k_curator"])
    assert refused.value.coded["facts"] == [("personal_data", {"kinds": "name,phone"})]


@pytest.mark.parametrize(("field", "written", "kinds"), [
    ("facts", "客户手机138 1234 5678来电", "phone"),
    ("analysis", f"身份证号{ID_NUMBER[:-1]}X登记有误", "id_number"),
    ("resolution", "退款至卡号6222 0212 3456 7890", "account_number"),
    ("lessons", f"{NAME}的经历提示我们", "name"),
])
def test_personal_data_is_refused_and_nothing_is_stored(engine, people, field, written, kinds) -> None:
    case_id = closed_complaint(engine)
    with pytest.raises(ValidationFailed) as refused:
        engine.knowledge.create(case_id, replace(CLEAN, **{field: written}), people["k_curator"])
    assert refused.value.coded == {field: [("personal_data", {"kinds": kinds})]}
    assert engine.knowledge.drafts(people["k_curator"]) == []
    assert "typical_case_drafted" not in [e.action for e in audit_actions(engine, case_id)]


def test_only_complaint_management_drafts_and_only_it_sees_drafts(engine, people) -> None:
    case_id = closed_complaint(engine)
    with pytest.raises((Forbidden, NotFound)):
        engine.knowledge.create(case_id, CLEAN, people["k_front_sh01"])
    draft = engine.knowledge.create(case_id, CLEAN, people["k_curator"])
    assert engine.knowledge.search("重复扣款", people["k_curator"]) == []  # drafts are not searched
    with pytest.raises(NotFound):
        engine.knowledge.get(draft.id, people["k_front_sh01"])
    with pytest.raises(NotFound):
        engine.knowledge.publish(draft.id, draft.version, people["k_front_sh01"])
    with pytest.raises(NotFound):
        engine.knowledge.publish(draft.id, draft.version, people["k_auditor"])
    with engine.ctx.db.read() as uow:
        denied = uow.read.audit_actions("access_denied", limit=50)
    assert {e.data["action"] for e in denied} >= {"draft_typical_case", "view_typical_case",
                                                   "publish_typical_case"}
    assert engine.knowledge.get(draft.id, people["k_curator"]).status == TypicalCaseStatus.DRAFT


def test_an_open_complaint_or_a_second_typical_case_is_refused(engine, people) -> None:
    open_id = open_case(engine, CS_AGENT, **COMPLAINT).id
    curator = people["k_curator"]
    engine.cases.detail(open_id, curator)  # head office's complaint management sees its cases
    with pytest.raises(Conflict) as still_open:
        engine.knowledge.create(open_id, CLEAN, curator)
    assert still_open.value.code == "typical_case_not_closed"
    case_id = closed_complaint(engine)
    published(engine, case_id, curator)
    with pytest.raises(Conflict) as again:
        engine.knowledge.create(case_id, CLEAN, curator)
    assert again.value.code == "typical_case_exists"


def test_a_draft_changed_meanwhile_is_not_overwritten(engine, people) -> None:
    curator = people["k_curator"]
    draft = engine.knowledge.create(closed_complaint(engine), CLEAN, curator)
    changed = engine.knowledge.update(draft.id, replace(CLEAN, title="批次重发致重复扣款"), draft.version, curator)
    with pytest.raises(ConcurrentUpdate):
        engine.knowledge.update(draft.id, replace(CLEAN, title="旧版本的修改"), draft.version, curator)
    with pytest.raises(ConcurrentUpdate):
        engine.knowledge.publish(draft.id, draft.version, curator)
    done = engine.knowledge.publish(draft.id, changed.version, curator)
    assert done.text.title == "批次重发致重复扣款"
    with pytest.raises(Conflict) as published_already:
        engine.knowledge.update(draft.id, CLEAN, done.version, curator)
    assert published_already.value.code == "typical_case_published"


def test_similar_resolved_cases_share_the_category_and_the_cause(engine, people) -> None:
    typical = published(engine, closed_complaint(engine), people["k_curator"])
    reader = people["k_front_sh02"]
    assert [t.id for t in engine.knowledge.similar("payment", "business_error", reader)] == [typical.id]
    assert engine.knowledge.similar("payment", "fees", reader) == []
    assert engine.knowledge.similar("bank_card", "business_error", reader) == []
    assert engine.knowledge.similar("payment", None, reader) == []


def test_the_search_is_served_by_the_database_text_index(engine, people) -> None:
    typical = published(engine, closed_complaint(engine), people["k_curator"])
    with engine.ctx.db.read() as uow:
        conn = uow.session.connection()  # type: ignore[attr-defined]
        if conn.dialect.name == "sqlite":
            rows = conn.execute(text("SELECT rowid FROM typical_case_search WHERE typical_case_search MATCH "
                                     "'\"重复扣款\"'")).all()
            assert rows == [(typical.id,)]
            return
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(r[0] for r in conn.execute(text(
            "EXPLAIN SELECT id FROM typical_case WHERE search_text ILIKE '%重复扣款%'")))
        assert "ix_typical_case_search" in plan, plan
