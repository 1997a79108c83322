"""Reports by unit over a seeded data set across the whole tree: each unit's own figures and its rolled-up total
(outlet -> branch -> bank) match the data set exactly, for the auditor and for each branch, on the report, the
unit filter, the CSV export and the API."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest

from tests.network.support import PASSWORD
from tests.support.actors import ADMIN, AUDITOR
from tests.support.complaints import complaint
from tests.support.scenarios_card_center import card_complaint
from webui import create_app

# Who registers, at which unit, which grades: 11 complaints over every outlet, the card centre and head office.
DATA_SET = {
    "d_sh01": ("SH01:branch_front", ["general", "urgent"]),
    "d_sh02": ("SH02:branch_front", ["general", "general", "important"]),
    "d_bj01": ("BJ01:branch_front", ["important"]),
    "d_bj02": ("BJ02:branch_front", ["general", "general"]),
    "d_cc": ("CC:card_seat", ["general", "important"]),
    "d_ho": ("HO:cs_business_group", ["urgent"]),
}
# code: (depth, own, total) for a reader of the bank.
BANK = [("HO", 0, 1, 11), ("SH", 1, 0, 5), ("SH01", 2, 2, 2), ("SH02", 2, 3, 3), ("BJ", 1, 0, 3),
        ("BJ01", 2, 1, 1), ("BJ02", 2, 2, 2), ("CC", 1, 2, 2)]
READERS = {"r_sh": ("SH:service_mgmt", ["staff", "supervisor"]), "r_bj": ("BJ:service_mgmt", ["staff", "supervisor"]),
           "r_ho": ("HO:complaint_mgmt", ["staff", "supervisor"])}


def _payload(unit: str, grade: str) -> dict:
    if unit == "CC":
        return card_complaint(grade=grade)
    if unit == "HO":
        return complaint(organisation="head_office", channel="hotline", grade=grade)
    return complaint(grade=grade)


@pytest.fixture
def seeded(engine):
    for name, (member, grades) in DATA_SET.items():
        engine.users.add(name, PASSWORD, [member], ["staff"], ADMIN)
        who = engine.users.actor(name)
        for grade in grades:
            case = engine.cases.open_case(None, _payload(member.split(":")[0], grade), who)
            assert case.unit == member.split(":")[0]
    for name, (member, roles) in READERS.items():
        engine.users.add(name, PASSWORD, [member], roles, ADMIN)
    return engine


def report(engine, who, unit=None):
    actor = who if not isinstance(who, str) else engine.users.actor(who)
    return engine.reports.report(replace(engine.reports.default_request(), unit=unit), actor)


def rows(rep):
    return [(u.code, u.depth, u.own, u.total) for u in rep.volume.by_unit]


GRADES = {"SH02": {"general": 2, "important": 1}, "SH": {"general": 3, "important": 1, "urgent": 1},
          "BJ": {"general": 2, "important": 1}, "CC": {"general": 1, "important": 1}}


def test_per_unit_and_rolled_up_figures_match_the_data_set(seeded):
    for reader in (AUDITOR, "r_ho"):  # the bank
        rep = report(seeded, reader)
        assert (rows(rep), rep.volume.total) == (BANK, 11)
    for reader, branch in (("r_sh", "SH"), ("r_bj", "BJ")):  # a branch: its subtree, from depth 0
        expected = [(code, depth - 1, own, total) for code, depth, own, total in BANK
                    if code == branch or (code.startswith(branch) and len(code) > len(branch))]
        rep = report(seeded, reader)
        assert (rows(rep), rep.volume.total) == (expected, expected[0][3]), reader
    for code, _depth, own, total in BANK:  # each unit's filter: its subtree's total, and how it splits
        rep = report(seeded, AUDITOR, code)
        assert (rep.volume.total, rows(rep)[0][2:]) == (total, (own, total)), code
        if code in GRADES:
            assert {r.code: r.count for r in rep.volume.by_grade if r.count} == GRADES[code], code


def test_the_units_export_and_the_api_give_the_same_figures(seeded, client, keys):
    app = create_app(engine=seeded)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    web = app.test_client()
    assert web.post("/login", data={"username": "r_ho", "password": PASSWORD}).status_code == 302
    exported = web.get("/reports/export/units.csv")
    table = list(csv.reader(io.StringIO(exported.get_data().decode("utf-8-sig"))))
    assert [[row[0].strip("\u3000").split(" ")[0], int(row[1]), int(row[2])] for row in table[1:]] == [
        [code, own, total] for code, _depth, own, total in BANK]
    assert table[3][0] == "\u3000\u3000SH01 上海浦东网点"
    key = keys.make("rollup-reader", (), ("auditor",), ("reports:read",))
    by_unit = client.get("/api/v1/reports", headers=key).get_json()["volume"]["by_unit"]
    assert [(u["code"], u["depth"], u["own"], u["total"]) for u in by_unit] == BANK
