"""Every main page fits 1366x768 without sideways scrolling and loads without script or CSP errors."""

from __future__ import annotations

import pytest

from tests.e2e.diagrams import latest
from tests.e2e.support import Person

pytestmark = pytest.mark.e2e


def assert_fits(person: Person, path: str) -> None:
    """The page loads (2xx) and nothing sticks out to the right."""
    response = person.goto(path)
    assert response.ok, f"{path}: {response.status}"
    for drawing in person.page.locator(".bpmn-diagram, #modeler").all():
        drawing.and_(person.page.locator("[data-ready=true]")).wait_for()
    overflow = person.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} is {overflow}px too wide at 1366x768"
    person.assert_clean()


def test_staff_and_supervisor_pages_fit_the_screen(person, live):
    supervisor = person("supervisor")
    case = live.engine.tasks.queue(live.engine.users.actor("teller"), "branch_front")[0]
    supervisor.live.clock.set(case.due_at)  # make the desk list the demo work
    supervisor.login()
    for path in ("/queue/branch_manager", "/inbox", "/archive", "/intake", "/notices",
                 f"/cases/{case.case_number}", f"/tasks/{case.id}", "/supervisor/", "/supervisor/supervision",
                 f"/supervisor/tasks/{case.id}/chases"):
        assert_fits(supervisor, path)


def test_process_owner_pages_fit_the_screen(person, live):
    owner = person("owner")
    info = latest(live.engine, "branch_complaint")
    edit = f"/owner/definitions/{info.id}/edit/branch_complaint.bpmn"
    for path in ("/owner/", f"/owner/definitions/{info.id}", edit):
        assert_fits(owner, path)
