"""The process owner's migration page: dry run from a version's page, then the batch; reasons in words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.services.deploy import read_diagram_dir
from tests.studio.running.versions import FILE, review_renamed
from tests.studio.support import parse
from tests.support.complaints import complaint
from tests.webui.support import ADMIN, login

DIAGRAMS = Path(__file__).parent / "running" / "diagrams"


@pytest.fixture
def two_versions(engine):
    """A version-1 docs_probe case, and version 2 where Task_Review is called Task_Assess."""
    engine.ctx.facts.add_directory(DIAGRAMS)
    engine.deploy.deploy(read_diagram_dir(DIAGRAMS), ADMIN)
    case = engine.cases.open_case("docs_probe", complaint(), engine.users.actor("front1"))
    [info] = engine.deploy.deploy({FILE: review_renamed().encode()}, ADMIN).deployed
    return case, info


def _rows(page: str) -> dict[str, dict[str, str]]:
    return {attrs["data-case"]: attrs for tag, attrs in parse(page).tags if tag == "tr" and "data-case" in attrs}


def test_an_owner_dry_runs_then_moves_running_cases(client, engine, two_versions):
    case, info = two_versions
    login(client, "owner1")
    page = client.get(f"/owner/definitions/{info.id}").get_data(as_text=True)
    assert 'id="migration"' in page

    dry = client.post(f"/owner/definitions/{info.id}/migrate", data={"map": "", "run": "dry"})

    text = dry.get_data(as_text=True)
    assert dry.status_code == 200
    assert _rows(text)[case.number]["data-can-move"] == "false"
    assert "案件正停在 Task_Review，新版本没有该元素" in text
    assert 'id="migration-move"' not in text

    dry = client.post(f"/owner/definitions/{info.id}/migrate", data={"map": "Task_Review=Task_Assess\n", "run": "dry"})
    assert _rows(dry.get_data(as_text=True))[case.number]["data-can-move"] == "true"
    assert re.search(r'name="map" value="Task_Review=Task_Assess', dry.get_data(as_text=True))
    assert engine.cases.summary(case.id).definition_version == 1

    moved = client.post(f"/owner/definitions/{info.id}/migrate", data={"map": "Task_Review=Task_Assess", "run": "move"})

    assert _rows(moved.get_data(as_text=True))[case.number]["data-moved"] == "true"
    assert engine.cases.summary(case.id).definition_version == info.version
    assert 'id="migration"' not in client.get(f"/owner/definitions/{info.id}").get_data(as_text=True)


def test_staff_cannot_migrate(client, engine, two_versions):
    case, info = two_versions
    login(client, "front1")
    assert client.post(f"/owner/definitions/{info.id}/migrate", data={"run": "move"}).status_code == 403
    assert engine.cases.summary(case.id).definition_version == 1


def test_a_malformed_map_is_explained_and_changes_nothing(client, engine, two_versions):
    case, info = two_versions
    login(client, "owner1")
    response = client.post(f"/owner/definitions/{info.id}/migrate", data={"map": "Task_Review", "run": "move"})
    assert response.status_code == 422 and "OLD=NEW" in response.get_data(as_text=True)
    assert engine.cases.summary(case.id).definition_version == 1
