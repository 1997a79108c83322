"""State size: serialized bytes per case at closure for each process, and of a task chased 1, 10 and 30 times.

    .venv/bin/python bench/state_size.py            # SQLite and PostgreSQL
    .venv/bin/python bench/state_size.py --smoke    # SQLite only (the sizes do not depend on the database)

Each process is driven along one typical path through the services (payloads copied from the scenario
modules in tests/support/), an hour between steps, and the stored `complaint_case.state` (our spec-less
SpiffWorkflow state, JSON text) is measured when the case closes. For the chases, a case of the timer
probe (tests/timers/diagrams/timer_probe.bpmn: one task with a daily chase cycle and a supervise timer)
is swept once a day from the first chase on, as the worker would, and measured after the 1st, 10th and
30th daily firing (notices are only sent on working days; the timer fires every day).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from bench.common import REPO_ROOT, database, emit, machine  # noqa: E402
from bench.support import BRANCH_PATH, COMPLAINT, PROCESSES, deploy, everywhere_worker, make_engine  # noqa: E402
from bench.support.bank import customer_id_number, customer_phone  # noqa: E402
from engine.bootstrap import Engine  # noqa: E402
from engine.domain.clock import CHINA_TZ, FixedClock  # noqa: E402
from engine.persistence.tables import AuditEventRow, CaseRow  # noqa: E402

PROBE_DIR = REPO_ROOT / "tests" / "timers" / "diagrams"
WORKER = everywhere_worker()
Step = tuple[str, str | None, dict[str, Any]]  # (task element, department when several are open, form)

# processes/head_office_complaint.bpmn: operations leads, e-banking and compliance/legal give opinions
# (payloads copied from tests/support/scenarios_head_office.py).
HEAD_OFFICE_COMPLAINT = {
    "organisation": "head_office", "channel": "hotline", "read_back": True, "received_at": "2024-11-04T09:00:00+08:00",
    "category": "payment", "cause": "business_error", "grade": "general", "amount": "860.00",
    "complainant_name": "张三", "contact_phone": "13812345678",
    "facts": "跨行转账被重复扣款，网点与客服均未处理。", "demand": "退还重复扣款并说明原因。",
}
HEAD_OFFICE_PATH: list[Step] = [
    ("Task_Accept", None, {"acceptance_opinion": "属实，受理", "sensitive_source": False}),
    ("Task_Assign", None, {"responsible_department": "operations",
                           "co_department_choices": ["ebanking", "compliance_legal"],
                           "assignment_note": "请按时限办理"}),
    ("Task_CoOpinion", "ebanking", {"co_opinion": "同意首责部门意见，系统日志已提供", "co_materials": "系统日志截图"}),
    ("Task_Investigate", None, {"investigation": "核对清算流水，确认重复扣款一笔", "responsibility": "bank",
                                "resolution": "退还重复扣款860元并致歉", "compensation_amount": 0.0,
                                "root_cause": "清算批次重发"}),
    ("Task_CoOpinion", "compliance_legal", {"co_opinion": "同意", "co_materials": "无"}),
    ("Task_ReviewProposal", None, {"proposal_approved": True, "review_opinion": "方案可行，同意"}),
    ("Task_Reply", None, {"reply_method": "phone", "reply_content": "已退还重复扣款并致歉", "customer_accepted": True}),
    ("Task_Revisit", None, {"satisfaction": "satisfied", "revisit_note": "客户满意", "typical_case": False}),
    ("Task_Archive", None, {"archive_confirmed": True, "archive_note": "材料齐全"}),
]
# processes/card_center_complaint.bpmn: a fee dispute the seat agent settles (tests/support/scenarios_card_center.py).
CARD_COMPLAINT = {**COMPLAINT, "organisation": "card_center", "channel": "card_hotline", "category": "bank_card",
                  "cause": "fees", "amount": "300.00", "facts": "信用卡年费被重复收取。",
                  "demand": "要求退还多收的年费。", "expected_resolution": "refund"}
CARD_PATH: list[Step] = [
    ("Task_Seat", None, {"resolution": "Task_Seat 处理意见：核实账单并向客户解释", "compensation_amount": 0,
                         "outcome": "seat_resolved"}),
    ("Task_Reply", None, {"reply_method": "phone", "reply_summary": "已电话告知处理结果", "customer_accepted": True}),
    ("Task_Revisit", None, {"satisfaction": "satisfied", "revisit_note": "客户对处理结果满意"}),
    ("Task_Archive", None, {"archive_confirmed": True, "archive_note": "材料齐全"}),
]
PROCESSES_TO_MEASURE: dict[str, tuple[dict[str, Any], list[Step]]] = {
    "branch_complaint": (COMPLAINT, [(b, None, f) for b, f in BRANCH_PATH]),
    "head_office_complaint": (HEAD_OFFICE_COMPLAINT, HEAD_OFFICE_PATH),
    "card_center_complaint": (CARD_COMPLAINT, CARD_PATH),
}
CHASE_COUNTS = (1, 10, 30)


def stored_state(engine: Engine, case_id: int) -> str:
    with engine.ctx.db.read() as uow:
        return str(uow.session.scalar(select(CaseRow.state).where(CaseRow.id == case_id)))


def _open_task(engine: Engine, case_id: int, bpmn_id: str, department: str | None) -> str:
    with engine.ctx.db.read() as uow:
        found = [t for t in uow.read.case_tasks(case_id) if t.status.value in ("ready", "claimed")
                 and t.bpmn_id == bpmn_id and department in (None, t.department)]
        waiting = [(t.bpmn_id, t.department) for t in uow.read.case_tasks(case_id)
                   if t.status.value in ("ready", "claimed")]
    if len(found) != 1:
        raise SystemExit(f"case {case_id}: expected one open {bpmn_id} ({department}), open: {waiting}")
    return found[0].id


_CUSTOMERS = itertools.count(1)


def another_customer() -> dict[str, str]:
    """A phone and ID number no earlier case of this run has."""
    n = next(_CUSTOMERS)
    return {"contact_phone": customer_phone(n), "id_number": customer_id_number(n)}


def closure_size(engine: Engine, process_key: str, complaint: dict[str, Any], path: list[Step]) -> dict[str, Any]:
    """Drive one case along `path`; its stored state's size after opening and at closure."""
    clock = engine.ctx.clock
    assert isinstance(clock, FixedClock)
    clock.set(datetime.fromisoformat(complaint["received_at"]))
    # Each case another customer: the card tiers route a customer's repeat complaints differently.
    case = engine.cases.open_case(process_key, {**complaint, **another_customer()}, WORKER)
    opened = len(stored_state(engine, case.id).encode())
    for bpmn_id, department, form in path:
        clock.advance(timedelta(hours=1))
        task_id = _open_task(engine, case.id, bpmn_id, department)
        engine.tasks.claim(task_id, WORKER)
        engine.tasks.complete(task_id, form, WORKER)
    if engine.cases.summary(case.id).status.value != "closed":
        raise SystemExit(f"{process_key}: case {case.id} did not close")
    return {"tasks_completed": len(path), "bytes_after_open": opened,
            "bytes_at_closure": len(stored_state(engine, case.id).encode())}


def chased_sizes(engine: Engine) -> dict[str, Any]:
    """Sweep a timer-probe case daily from its first chase; its state size after 1, 10 and 30 firings."""
    clock = engine.ctx.clock
    assert isinstance(clock, FixedClock)
    opened_at = datetime(2024, 9, 27, 10, 0, tzinfo=CHINA_TZ)
    clock.set(opened_at)
    case = engine.cases.open_case("timer_probe", COMPLAINT, WORKER)
    sizes: dict[str, Any] = {"before_any_chase": len(stored_state(engine, case.id).encode())}
    day, fired = datetime(2024, 9, 30, 10, 30, tzinfo=CHINA_TZ), 0
    while fired < max(CHASE_COUNTS):
        clock.set(day)
        result = engine.timers.sweep()
        if result.failed:
            raise SystemExit(f"sweep failed: {result.failed}")
        fired += result.fired_cases
        if result.fired_cases and fired in CHASE_COUNTS:
            sizes[f"after_{fired}"] = len(stored_state(engine, case.id).encode())
        day += timedelta(days=1)
    with engine.ctx.db.read() as uow:
        notices = uow.session.scalar(select(func.count()).select_from(AuditEventRow).where(
            AuditEventRow.case_id == case.id, AuditEventRow.action == "auto_chase"))
    sizes["growth_1_to_30_bytes"] = sizes["after_30"] - sizes["after_1"]
    sizes["chase_notices_sent"] = int(notices or 0)
    return sizes


def run(kind: str, workdir: Path) -> dict[str, Any]:
    with database(kind, workdir) as url:
        engine = make_engine(url, workdir)
        engine.init_db()
        deploy(engine, PROCESSES, PROBE_DIR)
        closure = {key: closure_size(engine, key, complaint, path)
                   for key, (complaint, path) in PROCESSES_TO_MEASURE.items()}
        chases = chased_sizes(engine)
        engine.dispose()
    return {"database": kind, "state_at_closure": closure, "task_chased": chases}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="SQLite only, to check the script works")
    args = parser.parse_args()
    kinds = ["sqlite"] if args.smoke else ["sqlite", "postgresql"]
    with tempfile.TemporaryDirectory() as tmp:
        runs = [run(kind, Path(tmp)) for kind in kinds]
    emit({"benchmark": "state_size", "smoke": args.smoke, "machine": machine(), "runs": runs,
          "targets": {"growth_1_to_30_chases_bytes": 2048}})


if __name__ == "__main__":
    main()
