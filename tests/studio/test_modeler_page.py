"""The modeler page: the committed studio bundle, no inline script, the department picker's data."""

from __future__ import annotations

from tests.studio.support import STATIC, json_attribute, parse, static_assets
from tests.webui.support import login


def _modeler_page(client, engine) -> str:
    info = next(d for d in engine.deploy.definitions(engine.users.actor("owner1"))
                if d.process_key == "branch_complaint")
    login(client, "owner1")
    response = client.get(f"/owner/definitions/{info.id}/edit/branch_complaint.bpmn")
    assert response.status_code == 200
    return response.text


def test_the_modeler_loads_the_committed_studio_bundle_and_no_inline_script(client, engine):
    page = _modeler_page(client, engine)
    assets = static_assets(page)
    assert "vendor/studio/modeler.js" in assets and "vendor/studio/modeler-style.css" in assets
    assert [a for a in assets if not (STATIC / a).is_file()] == []
    assert parse(page).inline_scripts == []
    assert not any(a.startswith("http") for a in assets)


def test_the_department_picker_offers_every_configured_department_by_name(client, engine):
    page = _modeler_page(client, engine)
    departments = json_attribute(page, "modeler", "data-departments")
    assert [d["code"] for d in departments] == engine.ctx.departments.codes()
    branch_head = next(d for d in departments if d["code"] == "branch_head")
    assert branch_head["name"] == engine.ctx.department_name("branch_head") != "branch_head"
