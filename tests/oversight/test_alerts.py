"""Risk alerts (风险提示) through the services, on SQLite and PostgreSQL: issued from a published typical case
to units or departments (or the whole bank), read and acknowledged by the addressees, followed by head office."""

from __future__ import annotations

import pytest

from engine.bootstrap import Engine
from engine.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from engine.domain.model import Actor
from tests.oversight.knowledge_support import CLEAN, add_users, closed_complaint, published

MESSAGE = "近期多家网点出现清算批次重发导致的重复扣款，请各单位当日核查客户反映并及时退款。"


@pytest.fixture
def people(engine: Engine) -> dict[str, Actor]:
    return add_users(engine)


@pytest.fixture
def typical_id(engine: Engine, people: dict[str, Actor]) -> int:
    return published(engine, closed_complaint(engine), people["k_curator"]).id


def test_an_alert_to_two_units_tracks_who_acknowledged(engine, people, typical_id) -> None:
    curator = people["k_curator"]
    alert = engine.alerts.issue(typical_id, "重复扣款风险提示", MESSAGE, ["SH01", "BJ01"], curator)
    assert [(r.unit, r.department) for r in alert.recipients] == [("SH01", None), ("BJ01", None)]

    front, head = people["k_front_sh01"], people["k_head_sh01"]
    assert [(r.alert.id, r.acknowledged) for r in engine.alerts.received(front)] == [(alert.id, False)]
    assert engine.alerts.received(people["k_front_sh02"]) == []  # another outlet of the same branch
    done = engine.alerts.acknowledge(alert.id, front)
    assert done.acknowledged and done.mine[0].acknowledged_by == "k_front_sh01"
    assert engine.alerts.received(head, pending_only=True) == []  # SH01 has acknowledged, for the whole unit
    with pytest.raises(Conflict) as again:
        engine.alerts.acknowledge(alert.id, head)
    assert again.value.code == "alert_acknowledged"

    status = engine.alerts.status(alert.id, curator)
    assert [(r.unit, r.acknowledged_by) for r in status.recipients] == [("SH01", "k_front_sh01"), ("BJ01", None)]
    assert [r.unit for r in status.pending()] == ["BJ01"]
    # the Shanghai branch's supervisor follows its own subtree only
    assert [r.unit for r in engine.alerts.status(alert.id, people["k_sh_sup"]).recipients] == ["SH01"]
    with pytest.raises(NotFound):
        engine.alerts.status(alert.id, front)
    with engine.ctx.db.read() as uow:
        actions = [e.action for e in uow.read.audit_actions(None, limit=10)]
    assert {"alert_issued", "alert_acknowledged"} <= set(actions)


def test_an_addressee_elsewhere_cannot_acknowledge(engine, people, typical_id) -> None:
    alert = engine.alerts.issue(typical_id, "重复扣款风险提示", MESSAGE, ["BJ01:branch_front"], people["k_curator"])
    with pytest.raises(NotFound):
        engine.alerts.acknowledge(alert.id, people["k_front_sh01"])
    with engine.ctx.db.read() as uow:
        denied = uow.read.audit_actions("access_denied", limit=5)
    assert denied[0].data == {"action": "acknowledge_alert", "alert": alert.id}
    assert engine.alerts.status(alert.id, people["k_curator"]).pending()[0].unit == "BJ01"
    engine.alerts.acknowledge(alert.id, people["k_front_bj01"])
    assert engine.alerts.status(alert.id, people["k_curator"]).pending() == []


def test_a_whole_bank_alert_reaches_every_unit(engine, people, typical_id) -> None:
    alert = engine.alerts.issue(typical_id, "全行风险提示", MESSAGE, ["*"], people["k_curator"])
    assert alert.whole_bank and {r.unit for r in alert.recipients} == set(engine.ctx.organisation.units)
    assert all(engine.alerts.received(people[name]) for name in ("k_front_sh02", "k_front_bj01", "k_curator"))


def test_bad_addressees_or_texts_are_refused_and_nothing_is_issued(engine, people, typical_id) -> None:
    curator = people["k_curator"]
    with pytest.raises(ValidationFailed) as refused:
        engine.alerts.issue(typical_id, "提示", f"请联系13812345678。{MESSAGE}", ["XX9", "SH01:card_seat"], curator)
    assert refused.value.coded == {
        "recipients": [("unknown_unit", {"written": "XX9", "unit": "XX9"}),
                       ("unit_lacks_department", {"written": "SH01:card_seat", "unit": "SH01", "kind": "outlet",
                                                  "department": "card_seat"})],
        "message": [("personal_data", {"kinds": "phone"})]}
    with pytest.raises(ValidationFailed) as nobody:
        engine.alerts.issue(typical_id, "提示", MESSAGE, [], curator)
    assert nobody.value.coded == {"recipients": [("no_recipients", {})]}
    assert engine.alerts.issued(curator) == []


def test_only_complaint_management_issues_and_only_from_published_cases(engine, people) -> None:
    curator = people["k_curator"]
    draft = engine.knowledge.create(closed_complaint(engine), CLEAN, curator)
    with pytest.raises(Conflict) as unpublished:
        engine.alerts.issue(draft.id, "提示", MESSAGE, ["SH01"], curator)
    assert unpublished.value.code == "alert_needs_published_case"
    with pytest.raises(Forbidden):
        engine.alerts.issue(draft.id, "提示", MESSAGE, ["SH01"], people["k_sh_sup"])
    assert engine.alerts.issued(people["k_front_sh01"]) == []
