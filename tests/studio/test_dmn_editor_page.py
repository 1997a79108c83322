"""The decision table editor: the same validate → deploy path as diagrams, its own style policy."""

from __future__ import annotations

from tests.studio.support import static_assets
from tests.webui.support import PROCESSES, login

TABLE = "branch_triage.dmn"


def _url(engine, name: str) -> str:
    info = next(d for d in engine.deploy.definitions(engine.users.actor("owner1"))
                if d.process_key == "branch_complaint")
    return f"/owner/definitions/{info.id}/edit/{name}"


def test_a_decision_table_opens_in_the_dmn_editor_with_inline_styles_allowed_and_scripts_not(client, engine):
    login(client, "owner1")
    response = client.get(_url(engine, TABLE))
    assert response.status_code == 200
    assert "vendor/studio/dmn-editor.js" in static_assets(response.text)
    policy = response.headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy and "script-src 'self';" in policy
    diagram = client.get(_url(engine, "branch_complaint.bpmn"))
    assert "unsafe-inline" not in diagram.headers["Content-Security-Policy"]


def test_an_edited_rule_is_validated_with_its_process_and_a_broken_cell_is_refused(client, engine):
    login(client, "owner1")
    table = (PROCESSES / TABLE).read_text(encoding="utf-8")
    edited = table.replace('<outputEntry id="Rule_branch_out"><text>"branch"</text>',
                           '<outputEntry id="Rule_branch_out"><text>"head_office"</text>')
    assert edited != table
    ok = client.post(_url(engine, TABLE), data={"xml": edited})
    assert ok.status_code == 200 and 'id="modeler-deploy"' in ok.text
    broken = table.replace('<text>&gt; 200000</text>', '<text>&gt; 200000 and __import__("os")</text>')
    assert broken != table
    refused = client.post(_url(engine, TABLE), data={"xml": broken})
    assert refused.status_code == 422 and 'id="modeler-deploy"' not in refused.text


def test_only_diagrams_and_decision_tables_have_an_editor(client, engine):
    login(client, "owner1")
    assert client.get(_url(engine, "departments.toml")).status_code == 404
