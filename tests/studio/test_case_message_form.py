"""The case page offers the messages a case waits for, and delivers one (people who may act on the case)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.services.deploy import read_diagram_dir
from tests.support.complaints import complaint
from tests.webui.support import ADMIN, PASSWORD, login

DIAGRAMS = Path(__file__).parent / "running" / "diagrams"
DOCUMENTS = "customer supplied documents"
WITHDRAWN = "customer withdrew"


@pytest.fixture
def probe_case(engine):
    engine.ctx.facts.add_directory(DIAGRAMS)
    engine.deploy.deploy(read_diagram_dir(DIAGRAMS), ADMIN)
    engine.users.add("cm1", PASSWORD, ["complaint_mgmt"], ["staff"], ADMIN)
    return engine.cases.open_case("docs_probe", complaint(), engine.users.actor("front1"))


def test_the_case_page_delivers_a_waited_for_message(client, engine, probe_case):
    login(client, "cm1")
    page = client.get(f"/cases/{probe_case.number}").get_data(as_text=True)
    assert 'id="case-messages"' in page and f'<option value="{WITHDRAWN}">' in page
    assert DOCUMENTS not in page  # not waited for yet

    response = client.post(f"/cases/{probe_case.number}/messages", data={"message": WITHDRAWN, "note": "电话撤诉"})

    assert response.status_code == 302
    assert engine.cases.summary(probe_case.id).status.value == "closed"
    assert engine.cases.process_data(probe_case.id)["message_note"] == "电话撤诉"
    page = client.get(f"/cases/{probe_case.number}").get_data(as_text=True)
    assert 'id="case-messages"' not in page


def test_a_message_the_case_does_not_wait_for_is_explained(client, engine, probe_case):
    login(client, "cm1")
    response = client.post(f"/cases/{probe_case.number}/messages", data={"message": DOCUMENTS})
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert f"没有在等待消息“{DOCUMENTS}”" in text and WITHDRAWN in text
    assert engine.cases.summary(probe_case.id).status.value == "open"


def test_auditors_see_no_message_form(client, engine, probe_case):
    engine.users.add("audit1", PASSWORD, [], ["auditor"], ADMIN)
    login(client, "audit1")
    page = client.get(f"/cases/{probe_case.number}").get_data(as_text=True)
    assert 'id="case-messages"' not in page
