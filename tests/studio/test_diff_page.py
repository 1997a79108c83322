"""Comparing two versions of a process: the page carries both diagrams, and only for the same process."""

from __future__ import annotations

from tests.studio.support import attribute_of, static_assets
from tests.webui.support import ADMIN, PROCESSES, login

DIAGRAM = "branch_complaint.bpmn"


def _deploy_renamed(engine) -> None:
    files = {name: (PROCESSES / name).read_bytes() for name in (DIAGRAM, "branch_triage.dmn", "head_office_rework.dmn")}
    files[DIAGRAM] = files[DIAGRAM].replace('name="客户回访"'.encode(), 'name="电话回访客户"'.encode(), 1)
    engine.deploy.deploy(files, ADMIN)


def _versions(engine, key: str = "branch_complaint"):
    return sorted((d for d in engine.deploy.definitions(ADMIN) if d.process_key == key), key=lambda d: d.version)


def test_the_new_version_links_to_a_comparison_with_the_previous_one_carrying_both_diagrams(client, engine):
    _deploy_renamed(engine)
    old, new = _versions(engine)[-2:]
    login(client, "owner1")
    assert f"/owner/definitions/{new.id}/diff/{DIAGRAM}" in client.get(f"/owner/definitions/{new.id}").text
    assert "/diff/" not in client.get(f"/owner/definitions/{old.id}").text
    page = client.get(f"/owner/definitions/{new.id}/diff/{DIAGRAM}")
    assert page.status_code == 200
    assert "vendor/studio/differ.js" in static_assets(page.text)
    assert "客户回访" in page.text and "电话回访客户" in page.text
    assert attribute_of(page.text, "diff", "data-old") == "diff-old-xml"


def test_versions_of_different_processes_or_a_first_version_cannot_be_compared(client, engine):
    first = _versions(engine)[0]
    other = _versions(engine, "card_center_complaint")[0]
    login(client, "owner1")
    assert client.get(f"/owner/definitions/{first.id}/diff/{DIAGRAM}").status_code == 404
    assert client.get(f"/owner/definitions/{first.id}/diff/{DIAGRAM}?against={other.id}").status_code == 404
