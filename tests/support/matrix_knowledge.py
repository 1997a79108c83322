"""The knowledge-base objects of the access-matrix world: a published typical case, a draft and a risk alert."""

from __future__ import annotations

from engine.bootstrap import Engine
from engine.domain.knowledge import TypicalCase, TypicalCaseStatus, TypicalCaseText

TEXT = TypicalCaseText("矩阵典型案例", "矩阵案情", "矩阵原因", "矩阵处理", "矩阵启示")


def seed_knowledge(engine: Engine, published_case: int, draft_case: int, curator: str) -> dict[str, int]:
    """`typical` (published, made from `published_case`), `draft` (of `draft_case`) and `alert` (from the
    published one to outlet SH01 and its front desk). The typical cases are stored directly: the world's
    complaints are open, and the service makes typical cases from closed ones only."""
    now = engine.ctx.now()
    ids = {}
    with engine.ctx.db.write() as uow:
        for name, case_id in (("typical", published_case), ("draft", draft_case)):
            case = uow.read.case(case_id)
            assert case is not None
            draft = TypicalCase(0, case_id, case.number, case.unit, "deposits", "fees", TEXT,
                                TypicalCaseStatus.DRAFT, curator, now, curator, now)
            ids[name] = uow.typical_cases.add(draft, TEXT.search_text())
        assert uow.typical_cases.publish(ids["typical"], 1, curator, now)
        uow.commit()
    who = engine.users.actor(curator)
    assert who is not None
    ids["alert"] = engine.alerts.issue(ids["typical"], "矩阵风险提示", "矩阵提示内容", ["SH01", "SH01:branch_front"],
                                       who).id
    return ids


def missing_knowledge() -> dict[str, int]:
    """Ids of no typical case or alert."""
    return {"typical": 999999, "draft": 999999, "alert": 999999}
