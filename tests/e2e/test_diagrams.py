"""Every deployed process draws in the browser: on a case page (viewer) and in the modeler."""

from __future__ import annotations

import pytest

from tests.e2e.diagrams import latest
from tests.e2e.pages import COMPLAINT
from tests.support.actors import ADMIN

pytestmark = pytest.mark.e2e


def test_each_organisations_process_draws_its_current_step(person, live):
    teller = live.engine.users.actor("teller")
    numbers = [live.engine.cases.open_case(None, COMPLAINT | {"organisation": code}, teller).number
               for code in sorted(live.engine.ctx.codes.organisations)]
    auditor = person("auditor")
    for number in numbers:
        detail = live.engine.cases.detail(number, ADMIN)
        auditor.goto(f"/cases/{number}")
        auditor.page.wait_for_selector("#case-diagram[data-ready=true] svg")
        drawn = auditor.page.eval_on_selector_all(
            "#case-diagram .djs-element.cf-current", "els => els.map(e => e.getAttribute('data-element-id'))")
        assert set(drawn) == set(detail.current_elements) and drawn, number
    auditor.assert_clean()


def test_each_latest_diagram_opens_in_the_modeler_without_import_warnings(person, live):
    owner = person("owner")
    keys = sorted({d.process_key for d in live.engine.deploy.definitions(ADMIN)})
    for key in keys:
        info = latest(live.engine, key)
        for name in (f for f in info.files if f.endswith(".bpmn")):
            owner.goto(f"/owner/definitions/{info.id}/edit/{name}")
            owner.page.wait_for_selector("#modeler[data-ready=true]")
            assert owner.page.inner_text("#modeler-state") == "", f"{name}: import warnings"
            assert owner.page.locator("#modeler .djs-element").count() > 10
    owner.assert_clean()
