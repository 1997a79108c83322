"""Personal data: ID, phone and account/card numbers are masked in lists, pages, notices, API responses,
the audit trail, report exports, application logs and URLs; full values only on the case page for the
roles allowed to see them (engine.domain.authz.may_see_personal_data), each view recorded.

One journey per database (tests/support/matrix_journey.py) records every request, response and log
record; the tests below search all of it.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from urllib.parse import unquote

import pytest

from engine.domain import authz
from tests.support.matrix_journey import JOURNEY_COMPLAINT, PERSONAL, Journey, Seen, run_journey
from tests.support.matrix_world import USER_OF_ROLE, World, databases_on_one_worker, seeded_world

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
URL_ATTRIBUTE = re.compile(r'(?:href|src|action|formaction|data-url|data-diagram-url)="([^"]*)"')


@pytest.fixture(scope="module", params=databases_on_one_worker("personal_data"))
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The seeded data set, once per database for this module."""
    with seeded_world(str(request.param), tmp_path_factory.mktemp("pii")) as seeded:
        yield seeded


@pytest.fixture(scope="module")
def journey(world: World) -> Journey:
    """The recorded journey of one complaint."""
    return run_journey(world)


def readable(seen: Seen) -> str:
    """A response body as searchable text (an Excel workbook: every part of it unzipped)."""
    if seen.mimetype == XLSX:
        with zipfile.ZipFile(io.BytesIO(seen.body)) as book:
            return "\n".join(book.read(name).decode("utf-8", errors="replace") for name in book.namelist())
    return unquote(seen.text())  # JSON escapes nothing in digits; URL-encoded text is decoded


def full_values_in(text: str) -> list[str]:
    """Which full personal numbers occur in `text`."""
    return [value for value in PERSONAL.values() if value in text]


def test_the_journey_covers_every_place_personal_data_could_leak(journey: Journey) -> None:
    """Lists, desk, notices, case pages, API reads, exports and logs were all exercised (and not empty)."""
    urls = {s.url.split("?")[0] for s in journey.seen}
    for place in ("/queue/branch_front", "/inbox", "/archive", "/supervisor/", "/notices", "/reports/",
                  "/api/v1/notices", "/api/v1/tasks", f"/cases/{journey.case_number}",
                  f"/api/v1/cases/{journey.case_number}", "/reports/export/all.xlsx"):
        assert place in urls, place
    number_shown = [s.url for s in journey.seen if journey.case_number in readable(s)]
    assert {"/supervisor/", "/notices", "/api/v1/notices"} <= {u.split("?")[0] for u in number_shown}
    assert journey.logs, "the journey logged nothing: the capture is not working"


def test_no_full_number_in_any_page_list_notice_api_response_or_export(journey: Journey) -> None:
    """Everything but a permitted reveal shows masked numbers only."""
    leaks = [(s.who, s.method, s.url, full_values_in(readable(s))) for s in journey.seen
             if not s.may_show_personal_data and full_values_in(readable(s))]
    assert not leaks


def test_case_pages_and_api_reads_show_the_masked_numbers(journey: Journey) -> None:
    """Masked, not dropped: the case page and the API show e.g. 136****6666 to every role."""
    masked = journey.masked()
    case_reads = [s for s in journey.seen if s.method == "GET" and journey.case_number in s.url
                  and s.status == 200 and "diagram" not in s.url]
    assert len(case_reads) >= 12
    for seen in case_reads:
        text = readable(seen)
        assert all(value in text for value in masked.values()), (seen.who, seen.url)
    created = [json.loads(s.body) for s in journey.seen if s.method == "POST" and s.url == "/api/v1/cases"]
    assert len(created) == 2  # an admin's and a supervisor's key: masked even in the creation answer
    for case in created:
        assert {k: case["complaint"][k] for k in PERSONAL} == masked


def test_full_numbers_only_on_a_permitted_reveal_and_each_view_is_audited(world: World, journey: Journey) -> None:
    """Supervisors and admins see full numbers when they ask; each view is an audit event; nobody else."""
    reveals = [s for s in journey.seen if s.url.endswith("/reveal")]
    allowed = {s.who for s in reveals if s.may_show_personal_data}
    assert allowed == {role for role, name in USER_OF_ROLE.items()
                       if authz.may_see_personal_data(world.actor(name))}
    for seen in reveals:
        shown = full_values_in(readable(seen))
        assert shown == (list(PERSONAL.values()) if seen.may_show_personal_data else []), seen.who
    with world.engine.ctx.db.read() as uow:
        views = [e for e in uow.read.timeline(journey.case_id) if e.action == "personal_data_viewed"]
        refusals = [e.actor for e in uow.read.audit_actions("access_denied") if e.data.get("action") == "case.reveal"]
    assert sorted(e.actor for e in views) == sorted(USER_OF_ROLE[r] for r in allowed)  # one event per view
    refused = {USER_OF_ROLE[s.who] for s in reveals if not s.may_show_personal_data}
    assert refused == {"m_staff", "m_audit"}
    assert refused <= set(refusals), "a refused reveal must be audited"


def test_audit_trail_stores_no_full_numbers(world: World, journey: Journey) -> None:
    """Stored audit events (case_opened keeps the masked complaint) and the timeline hold masked values only."""
    with world.engine.ctx.db.read() as uow:
        events = uow.read.audit_actions(None, limit=5000)
        timeline = uow.read.timeline(journey.case_id)
    assert {"case_opened", "complete", "chase", "personal_data_viewed"} <= {e.action for e in timeline}
    stored = json.dumps([[e.actor, e.action, e.task_id, e.data] for e in events], ensure_ascii=False)
    assert not full_values_in(stored)
    opened = next(e for e in timeline if e.action == "case_opened")
    assert {k: opened.data["complaint"][k] for k in PERSONAL} == journey.masked()


def test_application_logs_carry_no_personal_data(journey: Journey) -> None:
    """No log record of the whole journey (any logger, DEBUG and up) holds a full number."""
    assert not [line for line in journey.logs if full_values_in(line)]


def _urls(seen: Seen) -> list[str]:
    found = [seen.url, seen.location]
    if seen.mimetype == "text/html":
        found += URL_ATTRIBUTE.findall(seen.text())
    return [unquote(u) for u in found if u]


def test_no_personal_data_in_any_url(journey: Journey) -> None:
    """Requested URLs, redirects and every link, form action and source in the pages carry no personal data."""
    personal = list(PERSONAL.values()) + list(journey.masked().values()) + [JOURNEY_COMPLAINT["complainant_name"]]
    urls = [u for s in journey.seen for u in _urls(s)]
    assert len(urls) > 200
    assert not [u for u in urls if any(p in u for p in personal)]
    redirects = [s.location for s in journey.seen if s.location]
    assert f"/cases/{journey.case_number}" in redirects  # after intake: the case by its number, nothing else


def test_lists_never_show_another_cases_numbers_either(world: World, journey: Journey) -> None:
    """The seeded cases' personal numbers (full) appear nowhere in the journey, not even on reveals."""
    others = [target.complaint[k] for target in world.targets.values() for k in PERSONAL]
    assert not [s.url for s in journey.seen if any(v in readable(s) for v in others)]
