"""Reports of the clock actions (SQLite and PostgreSQL): extensions by kind and pauses with their length, kept in
the cases' report facts by the actions themselves and not lost when the case's workflow saves again."""

from __future__ import annotations

from datetime import date

from engine.bootstrap import Engine
from engine.services.reports import ReportRequest
from tests.support import complaints as forms
from tests.support.actors import ADMIN
from tests.support.clock import BRANCH_SUPERVISOR, OUTLET_FRONT
from tests.support.complaints import complaint
from tests.support.driver import claim_and_complete
from tests.support.engines import at, clock_of
from webui import create_app
from webui.reports.tables import table_by_key


def test_extensions_by_kind_and_pauses_with_their_days(engine: Engine) -> None:
    first = engine.cases.open_case(None, complaint(), OUTLET_FRONT, unit="SH01")
    second = engine.cases.open_case(None, complaint(complainant_name="李四"), OUTLET_FRONT, unit="SH01")
    engine.cases.open_case(None, complaint(complainant_name="王五"), OUTLET_FRONT, unit="SH01")  # untouched
    engine.clock.extend(first.id, 30, "案情复杂", OUTLET_FRONT)
    request = engine.clock.extend(first.id, 60, "特别复杂", OUTLET_FRONT)
    assert request is not None
    engine.clock.decide(request.id, True, "同意", BRANCH_SUPERVISOR)
    engine.clock.extend(second.id, 30, "案情复杂", OUTLET_FRONT)
    for start, end in ((at(2024, 9, 28), at(2024, 10, 1)), (at(2024, 10, 2), at(2024, 10, 4))):
        clock_of(engine).set(start)
        engine.clock.pause(second.id, "appraisal", "鉴定", "委托书", OUTLET_FRONT)
        clock_of(engine).set(end)
        engine.clock.resume(second.id, "", OUTLET_FRONT)
    claim_and_complete(engine, second.id, "Task_OnSpot", forms.NOT_ON_SPOT)  # a later save keeps the facts

    report = engine.reports.report(ReportRequest(date(2024, 9, 1), date(2024, 9, 30)), ADMIN)
    actions = report.clock_actions
    assert actions is not None
    assert (actions.extensions_to_30, actions.extensions_to_60) == (2, 1)
    assert (actions.paused_cases, actions.pauses, actions.paused_days) == (1, 2, 5)  # 3 + 2 calendar days
    with create_app(engine=engine).test_request_context("/reports/"):
        table = table_by_key(report, "clock_actions")
    assert table is not None and [row[1] for row in table.rows] == [2, 1, 1, 2, 5]
    assert table.rows[1][0] == "延长至 60 日（特别复杂，经审批）"
    assert report.to_dict()["clock_actions"]["paused_days"] == 5


def test_the_reports_api_carries_the_clock_actions(engine: Engine) -> None:
    from tests.api.support import KeyMaker

    case = engine.cases.open_case(None, complaint(), OUTLET_FRONT, unit="SH01")
    engine.clock.extend(case.id, 30, "案情复杂", OUTLET_FRONT)
    headers = KeyMaker(engine).make("clock-reports", (), ("auditor",), ("reports:read",))
    answer = create_app(engine=engine).test_client().get(
        "/api/v1/reports?start=2024-09-01&end=2024-09-30", headers=headers)
    assert answer.status_code == 200, answer.json
    assert answer.json["clock_actions"] == {"extensions_to_30": 1, "extensions_to_60": 0, "paused_cases": 0,
                                            "pauses": 0, "paused_days": 0}
