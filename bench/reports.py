"""Head-office report time: the full report for one year over 100,000 cases, on SQLite and PostgreSQL.

    .venv/bin/python bench/reports.py            # 100,000 cases received in 2024
    .venv/bin/python bench/reports.py --smoke    # a few hundred, to keep the script working (CI)

The cases are bulk-inserted straight into the projection tables the reports read (complaint_case,
case_fact, human_task, notice) with a fixed random seed: about 90 % answered, a pool of customers that
makes repeat complaints, extensions, rework, reviews, revisits, chases and supervisions. ANALYZE runs after
seeding (as a database in service has statistics). The report is then built through the real
ReportService for 2024-01-01..2024-12-31, all organisations: the first (cold) run and the best of three.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text  # noqa: E402

from bench.common import REPO_ROOT, database, emit, machine  # noqa: E402
from engine.bootstrap import Engine, build  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.domain.clock import CHINA_TZ, FixedClock  # noqa: E402
from engine.domain.model import Actor, Role  # noqa: E402
from engine.domain.records import CaseFactRecord  # noqa: E402
from engine.persistence.repositories import CaseFactRepository  # noqa: E402
from engine.persistence.tables import CaseRow, HumanTaskRow, NoticeRow, ProcessDefinitionRow  # noqa: E402
from engine.services.reports import ReportRequest  # noqa: E402

YEAR_START = datetime(2024, 1, 1, tzinfo=CHINA_TZ)
REPORT_AT = datetime(2025, 1, 10, 9, 0, tzinfo=CHINA_TZ)
ADMIN = Actor("bench", frozenset(), frozenset({Role.ADMIN}))
CHUNK = 5000

ORGANISATIONS = ["branch"] * 6 + ["head_office"] * 2 + ["card_center"] * 2
CHANNELS = ["counter", "opinion_book", "letter", "phone", "hotline", "card_hotline", "app_web", "email",
            "regulator", "media", "consumer_association"]
CATEGORIES = ["deposits", "loans", "bank_card", "payment", "wealth", "personal_info", "other"]
CAUSES = ["service_attitude", "business_error", "product_dispute", "system_failure", "marketing",
          "disclosure", "fees", "fund_safety", "info_security", "other"]
GRADES = ["general"] * 7 + ["important"] * 2 + ["urgent"]
PRODUCTS = [None, "定期存款", "活期存款", "信用卡", "借记卡", "房贷", "消费贷", "理财A", "理财B", "基金代销",
            "保险代销", "手机银行", "快捷支付", "跨境汇款", "大额存单", "贵金属", "外汇", "个人经营贷", "ETC", "社保卡"]
ROOT_CAUSES = [f"根本原因{i:02d}" for i in range(40)]
DEPARTMENTS = ["branch_manager", "branch_head", "complaint_mgmt", "retail_banking", "ebanking", "operations",
               "card_care", "card_cs_manager"]
SATISFACTION = ["satisfied"] * 6 + ["basically"] * 3 + ["dissatisfied"]


def fake_case(rng: random.Random, n: int) -> dict[str, Any]:
    """One case's columns: what the projections would hold after its workflow ran."""
    received = YEAR_START + timedelta(minutes=rng.randrange(366 * 24 * 60))
    replied = received + timedelta(minutes=rng.randrange(20, 12 * 24 * 60)) if rng.random() < 0.9 else None
    workday_minutes = None if replied is None else int((replied - received).total_seconds() / 60 * 5 / 7)
    return {
        "n": n, "organisation": rng.choice(ORGANISATIONS), "channel": rng.choice(CHANNELS),
        "category": rng.choice(CATEGORIES), "cause": rng.choice(CAUSES), "grade": rng.choice(GRADES),
        "product": rng.choice(PRODUCTS), "received": received, "replied": replied,
        "workday_minutes": workday_minutes,
        "minutes": None if replied is None else int((replied - received).total_seconds() // 60),
        "internal_due": received + timedelta(days=rng.choice([1, 3, 5])),
        "regulatory_due": received + timedelta(days=15), "extensions": rng.choices([0, 1, 2], [94, 5, 1])[0],
        "customer": f"c{rng.randrange(60_000)}", "amount": rng.choice([0, 0, rng.randrange(1, 5_000_000)]),
        "compensation": rng.choice([0] * 9 + [rng.randrange(100, 100_000)]),
        "on_spot": rng.random() < 0.3, "satisfaction": rng.choice(SATISFACTION) if replied and rng.random() < 0.7
        else None, "rework": rng.choices([0, 1, 2, 3], [85, 10, 4, 1])[0], "review": rng.random() < 0.05,
        "overturned": rng.random() < 0.01, "rect": rng.random() < 0.08, "rect_closed": rng.random() < 0.05,
        "root_cause": rng.choice(ROOT_CAUSES) if rng.random() < 0.6 else None,
    }


def seed(engine: Engine, cases: int) -> None:
    """Bulk-insert `cases` cases with their facts, open tasks and notices."""
    rng = random.Random(20241231)
    with engine.ctx.db.write() as uow:
        definition_id = uow.session.execute(insert(ProcessDefinitionRow).values(
            process_key="branch_complaint", name="bench", version=1, content_hash="0" * 64, files={},
            deployed_at=YEAR_START, deployed_by="bench",
        )).inserted_primary_key[0]
        for start in range(0, cases, CHUNK):
            batch = [fake_case(rng, n) for n in range(start, min(start + CHUNK, cases))]
            rows = uow.session.execute(insert(CaseRow).returning(CaseRow.id), [_case_row(c, definition_id)
                                                                                for c in batch]).scalars().all()
            ids = list(rows)
            CaseFactRepository(uow.session).bulk_insert([_facts(i, c) for i, c in zip(ids, batch, strict=True)])
            tasks = [_task(i, c, rng) for i, c in zip(ids, batch, strict=True) if c["replied"] is None]
            if tasks:
                uow.session.execute(insert(HumanTaskRow), tasks)
            notices = [_notice(i, c, rng) for i, c in zip(ids, batch, strict=True) if rng.random() < 0.2]
            if notices:
                uow.session.execute(insert(NoticeRow), notices)
        uow.commit()
    with engine.ctx.db.sql_engine.begin() as conn:
        conn.execute(text("ANALYZE"))


def _case_row(c: dict[str, Any], definition_id: int) -> dict[str, Any]:
    return {
        "number": f"TS-BENCH-{c['n']:07d}", "definition_id": definition_id, "process_key": "branch_complaint",
        "status": "open" if c["replied"] is None else "closed", "version": 1, "state": "{}", "complaint": {},
        "process_data": {}, "completed_elements": [], "current_elements": [], "channel": c["channel"],
        "organisation": c["organisation"], "grade": c["grade"], "category": c["category"], "cause": c["cause"],
        "received_at": c["received"], "received_by": "bench", "internal_due_at": c["internal_due"],
        "regulatory_due_at": c["regulatory_due"] + timedelta(days=15 * c["extensions"]),
        "regulatory_extensions": [{"to_days": d} for d in (30, 60)[: c["extensions"]]], "supervised": False,
        "closed_at": c["replied"], "created_at": c["received"], "updated_at": c["received"],
    }


def _facts(case_id: int, c: dict[str, Any]) -> CaseFactRecord:
    received: datetime = c["received"]
    return CaseFactRecord(
        case_id=case_id, process_key="branch_complaint", organisation=c["organisation"], channel=c["channel"],
        category=c["category"], cause=c["cause"], grade=c["grade"], product=c["product"], received_at=received,
        received_month=received.strftime("%Y-%m"), received_day=(received.date() - date(1970, 1, 1)).days,
        customer_key=c["customer"], internal_due_at=c["internal_due"],
        regulatory_due_at=c["regulatory_due"] + timedelta(days=15 * c["extensions"]),
        regulatory_extensions=c["extensions"], amount_cents=c["amount"],
        compensation_cents=c["compensation"],
        resolved_on_spot=c["on_spot"], replied_at=c["replied"], reply_workday_minutes=c["workday_minutes"],
        reply_minutes=c["minutes"], satisfaction=c["satisfaction"], rework_returns=c["rework"],
        review_requested=c["review"], review_overturned=c["review"] and c["overturned"],
        rectification_issued=c["rect"], rectification_closed=c["rect"] and c["rect_closed"],
        root_cause=c["root_cause"], closed_at=c["replied"],
    )


def _task(case_id: int, c: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    return {
        "id": f"bench-task-{c['n']}", "case_id": case_id, "case_number": f"TS-BENCH-{c['n']:07d}",
        "process_key": "branch_complaint", "bpmn_id": "Task_Investigate", "title": "调查", "lane": None,
        "department": rng.choice(DEPARTMENTS), "grade": c["grade"], "status": rng.choice(["ready", "claimed"]),
        "assignee": None, "created_at": c["received"], "due_at": c["internal_due"], "completed_at": None,
        "completed_by": None, "chase_count": 0, "last_chased_at": None,
    }


def _notice(case_id: int, c: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    kind = rng.choice(["chase", "chase", "chase", "supervision"])
    return {
        "kind": kind, "case_id": case_id, "case_number": f"TS-BENCH-{c['n']:07d}", "task_id": None,
        "department": rng.choice(DEPARTMENTS), "addressee": None, "sender": rng.choice(["system", "super1"]),
        "reason": "bench", "created_at": c["received"] + timedelta(days=1), "read_at": None,
        "email_status": "none", "email_sent_at": None,
    }


def run(kind: str, cases: int, workdir: Path) -> dict[str, Any]:
    """Seed one database and time the full-year report on it."""
    with database(kind, workdir) as url:
        settings = Settings(instance_dir=workdir, database_url=url, processes_dir=REPO_ROOT / "processes",
                            secret_key="bench")
        engine = build(settings, clock=FixedClock(REPORT_AT))
        try:
            engine.init_db()
            began = time.perf_counter()
            seed(engine, cases)
            seeded = time.perf_counter() - began
            request = ReportRequest(date(2024, 1, 1), date(2024, 12, 31))
            timings = []
            for _ in range(4):
                began = time.perf_counter()
                report = engine.reports.report(request, ADMIN)
                timings.append(time.perf_counter() - began)
            assert report.volume.total == cases, (report.volume.total, cases)
            return {
                "cases": cases, "seed_seconds": round(seeded, 2), "report_seconds_first": round(timings[0], 3),
                "report_seconds_best_of_3": round(min(timings[1:]), 3),
                "checks": {"replied": report.timeliness.internal.replied,
                           "repeat_cases": report.quality.repeat_cases.numerator,
                           "p90_workdays": report.timeliness.internal.p90_days},
            }
        finally:
            engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="a few hundred cases (CI)")
    parser.add_argument("--cases", type=int, default=None, help="number of cases (default 100000; smoke 300)")
    parser.add_argument("--databases", default="sqlite,postgresql", help="comma-separated: sqlite,postgresql")
    args = parser.parse_args()
    cases = args.cases or (300 if args.smoke else 100_000)
    with tempfile.TemporaryDirectory(prefix="cf-bench-reports-") as tmp:
        results = {kind: run(kind, cases, Path(tmp)) for kind in args.databases.split(",")}
    emit({"benchmark": "reports", "period": "2024-01-01..2024-12-31", "smoke": args.smoke,
          "target_seconds": 1.0, **results, "machine": machine() | {"load_average": os.getloadavg()}})


if __name__ == "__main__":
    main()
