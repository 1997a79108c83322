"""/api/v1/reports: the reports page's figures as JSON, for supervisors, auditors and admins only."""

from __future__ import annotations

from tests.api.support import assert_problem, open_case


def test_a_supervisor_reads_the_report_of_a_range(client, keys):
    open_case(client, keys.front())
    open_case(client, keys.front(), grade="urgent")
    response = client.get("/api/v1/reports?start=2024-09-01&end=2024-09-30", headers=keys.supervisor())
    assert response.status_code == 200, response.json
    report = response.json
    assert report["request"]["start"] == "2024-09-01" and report["request"]["end"] == "2024-09-30"
    assert set(report) == {"request", "generated_at", "volume", "timeliness", "quality", "satisfaction",
                           "control", "root_causes", "money", "customer_notices", "rectifications", "clock_actions"}
    assert report["volume"]["total"] == 2  # both received 2024-09-27
    grades = {row["code"]: row["count"] for row in report["volume"]["by_grade"]}
    assert grades == {"general": 1, "urgent": 1}
    empty = client.get("/api/v1/reports?start=2023-01-01&end=2023-01-31", headers=keys.supervisor()).json
    assert empty["volume"]["total"] == 0


def test_staff_keys_and_keys_without_the_scope_are_refused(client, keys):
    assert_problem(client.get("/api/v1/reports", headers=keys.front()), 403)
    no_scope = keys.make("sup-no-reports", ("complaint_mgmt",), ("staff", "supervisor"), ("cases:read",))
    assert_problem(client.get("/api/v1/reports", headers=no_scope), 403)


def test_a_reversed_range_is_a_422_naming_the_field(client, keys):
    problem = assert_problem(client.get("/api/v1/reports?start=2024-10-01&end=2024-09-01",
                                        headers=keys.supervisor()), 422)
    assert problem["errors"]
