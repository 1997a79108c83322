"""Reports count only the cases of the units their reader may see: a branch supervisor gets its branch's
figures (page, exports, API), may narrow them to a unit's subtree and cannot widen them to another branch;
head office and the auditor get the bank."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest
from sqlalchemy import select

from engine.domain.errors import ValidationFailed
from engine.persistence.tables import CaseFactRow
from tests.network.support import PASSWORD, add_people, migrate_down_and_up
from tests.support.actors import AUDITOR
from tests.support.complaints import complaint
from tests.support.driver import task_by_bpmn_id
from webui import create_app


@pytest.fixture
def cases(engine):
    """One case at SH01, two at SH02, one at BJ01; BJ01's task chased by its branch."""
    add_people(engine)
    opened = {}
    for key, who in (("SH01", "front_sh01"), ("SH02", "front_sh02"), ("SH02b", "front_sh02"),
                     ("BJ01", "front_bj01")):
        opened[key] = engine.cases.open_case(None, complaint(), engine.users.actor(who)).id
    task = task_by_bpmn_id(engine, opened["BJ01"], "Task_OnSpot")
    engine.notices.chase(task.id, "请尽快处理", engine.users.actor("sup_bj"))
    return opened


def report(engine, who, unit=None):
    actor = who if not isinstance(who, str) else engine.users.actor(who)
    return engine.reports.report(replace(engine.reports.default_request(), unit=unit), actor)


def chases(rep):
    return sum(row.manual_chases for row in rep.control)


def test_a_branch_supervisor_counts_its_branch_only(engine, cases):
    assert report(engine, "sup_sh").volume.total == 3
    assert chases(report(engine, "sup_sh")) == 0  # Beijing's chase is not Shanghai's business
    assert report(engine, "sup_bj").volume.total == 1 and chases(report(engine, "sup_bj")) == 1
    assert report(engine, "sup_ho").volume.total == report(engine, AUDITOR).volume.total == 4


def test_the_unit_filter_narrows_to_a_subtree_within_what_the_reader_sees(engine, cases):
    assert report(engine, "sup_sh", "SH02").volume.total == 2
    assert report(engine, "sup_sh", "SH").volume.total == 3
    assert report(engine, "sup_ho", "BJ").volume.total == 1
    assert report(engine, AUDITOR, "SH01").volume.total == 1
    with pytest.raises(ValidationFailed) as outside:
        report(engine, "sup_sh", "BJ")
    assert "unit" in outside.value.errors
    with pytest.raises(ValidationFailed) as unknown:
        report(engine, AUDITOR, "XX99")
    assert "unit" in unknown.value.errors


def by_unit(rep):
    return [(u.code, u.depth, u.own, u.total) for u in rep.volume.by_unit]


def test_figures_by_unit_roll_up_from_outlet_to_branch_to_bank(engine, cases):
    assert by_unit(report(engine, "sup_sh")) == [("SH", 0, 0, 3), ("SH01", 1, 1, 1), ("SH02", 1, 2, 2)]
    assert by_unit(report(engine, "sup_sh", "SH02")) == [("SH02", 0, 2, 2)]
    bank = by_unit(report(engine, AUDITOR))
    assert bank[0] == ("HO", 0, 0, 4)
    assert {code: (depth, own, total) for code, depth, own, total in bank[1:]} == {
        "SH": (1, 0, 3), "SH01": (2, 1, 1), "SH02": (2, 2, 2), "BJ": (1, 0, 1), "BJ01": (2, 1, 1),
        "BJ02": (2, 0, 0), "CC": (1, 0, 0)}
    assert sum(own for _code, _depth, own, _total in bank) == report(engine, AUDITOR).volume.total


def exported_total(web, url):
    """The complaints counted in a by-channel CSV export (code, label, count, share)."""
    response = web.get(url)
    assert response.status_code == 200, url
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    return sum(int(row[2]) for row in rows[1:])


def test_page_exports_and_api_keep_to_the_subtree(engine, cases, client, keys):
    app = create_app(engine=engine)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    web = app.test_client()
    assert web.post("/login", data={"username": "sup_sh", "password": PASSWORD}).status_code == 302
    page = web.get("/reports/")
    assert page.status_code == 200 and 'name="unit"' in page.get_data(as_text=True)
    assert exported_total(web, "/reports/export/channel.csv") == 3
    assert exported_total(web, "/reports/export/channel.csv?unit=SH01") == 1
    units = list(csv.reader(io.StringIO(web.get("/reports/export/units.csv").get_data().decode("utf-8-sig"))))
    assert [row[1:] for row in units[1:]] == [["0", "3"], ["1", "1"], ["2", "2"]]
    assert web.get("/reports/?unit=BJ").status_code == 422
    assert web.get("/reports/export/volume.csv?unit=BJ").status_code == 422
    key = keys.make("report-reader", (), ("auditor",), ("reports:read",))
    whole = client.get("/api/v1/reports", headers=key).get_json()
    narrowed = client.get("/api/v1/reports?unit=SH02", headers=key).get_json()
    assert (whole["volume"]["total"], narrowed["volume"]["total"]) == (4, 2)
    assert client.get("/api/v1/reports?unit=XX99", headers=key).status_code == 422


def test_migration_gives_existing_facts_their_cases_unit(engine, cases):
    sql = migrate_down_and_up(engine, "0012")
    with sql.connect() as conn:
        units = dict(conn.execute(select(CaseFactRow.case_id, CaseFactRow.unit)).all())
    assert {units[case_id] for key, case_id in cases.items() if key.startswith("SH02")} == {"SH02"}
    assert units[cases["BJ01"]] == "BJ01"
    assert report(engine, "sup_sh").volume.total == 3
