"""Managing memberships of existing users: the service (admins only, audited, checked against the tree), the
command line, the REST API and the administrators' page."""

from __future__ import annotations

import json
import re

import pytest

from engine.domain.errors import Forbidden, NotFound, ValidationFailed
from engine.domain.model import Membership
from tests.api.support import assert_problem
from tests.network.support import PASSWORD, add_people, processes_copy, run_cli
from tests.support.actors import ADMIN, AUDITOR
from webui import create_app


def memberships(engine, username):
    return engine.users.actor(username).memberships


def audited(engine, action):
    with engine.ctx.db.read() as uow:
        return uow.read.audit_actions(action)


def test_an_admin_adds_and_removes_memberships_in_one_audited_change(engine):
    add_people(engine)
    info = engine.users.change_memberships("front_sh01", ["SH02:branch_manager", "BJ02:branch_head"],
                                           ["SH01:branch_front"], ADMIN)
    assert [str(m) for m in info.memberships] == ["BJ02:branch_head", "SH02:branch_manager"]
    assert memberships(engine, "front_sh01") == {Membership("SH02", "branch_manager"),
                                                 Membership("BJ02", "branch_head")}
    [event] = audited(engine, "memberships_changed")
    assert (event.actor, event.data) == ("admin", {"user": "front_sh01", "removed": ["SH01:branch_front"],
                                                   "added": ["SH02:branch_manager", "BJ02:branch_head"]})


@pytest.mark.parametrize(("add", "remove", "code", "english"), [
    (["XX9:branch_manager"], [], "unknown_unit", "XX9:branch_manager: unknown unit"),
    (["HO:branch_front"], [], "unit_lacks_department", "HO:branch_front: unit HO has no department branch_front"),
    (["SH:branch_manager"], [], "unit_lacks_department", "SH:branch_manager: unit SH has no department branch_manager"),
    (["SH01:branch_front"], [], "already_member", "SH01:branch_front: already a member"),
    ([], ["SH02:branch_front"], "not_a_member", "SH02:branch_front: not a member"),
    ([], [], "nothing_to_change", "nothing to change"),
])
def test_a_wrong_change_names_what_is_wrong_and_changes_nothing(engine, add, remove, code, english):
    add_people(engine)
    with pytest.raises(ValidationFailed) as err:
        engine.users.change_memberships("front_sh01", add, remove, ADMIN)
    assert err.value.errors["memberships"] == [english]
    assert [c for c, _params in err.value.coded["memberships"]] == [code]
    assert memberships(engine, "front_sh01") == {Membership("SH01", "branch_front")}
    assert audited(engine, "memberships_changed") == []


def test_a_membership_of_a_unit_the_tree_no_longer_has_can_still_be_removed(engine):
    add_people(engine)
    with engine.ctx.db.write() as uow:  # SH09 was closed: a new unit list was imported without it
        uow.users.set_memberships("front_sh01", [Membership("SH09", "branch_front"),
                                                 Membership("SH01", "branch_front")])
        uow.commit()
    engine.users.change_memberships("front_sh01", [], ["SH09:branch_front", "branch_front"], ADMIN)
    assert memberships(engine, "front_sh01") == frozenset()


def test_only_admins_change_memberships_and_an_unknown_user_is_not_found(engine):
    add_people(engine)
    for who in (AUDITOR, engine.users.actor("sup_ho")):
        with pytest.raises(Forbidden):
            engine.users.change_memberships("front_sh01", ["SH02:branch_front"], [], who)
    with pytest.raises(NotFound):
        engine.users.change_memberships("nobody", ["SH02:branch_front"], [], ADMIN)
    assert memberships(engine, "front_sh01") == {Membership("SH01", "branch_front")}


def test_the_cli_changes_an_existing_users_memberships(tmp_path, monkeypatch, capsys):
    processes = processes_copy(tmp_path)
    assert run_cli(monkeypatch, tmp_path, processes, "init-db") == 0
    assert run_cli(monkeypatch, tmp_path, processes, "user", "add", "qian", "--password", PASSWORD,
                   "--member", "SH01:branch_front") == 0
    assert run_cli(monkeypatch, tmp_path, processes, "user", "members", "qian", "--add", "SH02:branch_manager",
                   "--add", "BJ01:branch_head", "--remove", "SH01:branch_front") == 0
    assert capsys.readouterr().out.strip().endswith("qian: BJ01:branch_head SH02:branch_manager")
    assert run_cli(monkeypatch, tmp_path, processes, "user", "list", "--json") == 0
    [user] = json.loads(capsys.readouterr().out)
    assert user["memberships"] == [{"unit": "BJ01", "department": "branch_head"},
                                   {"unit": "SH02", "department": "branch_manager"}]


@pytest.mark.parametrize(("lang", "message"), [
    ("zh_CN.UTF-8", "memberships: XX9:branch_head：机构 XX9 不存在; HO:branch_front：机构 HO 没有部门 branch_front"),
    ("en_US.UTF-8", "memberships: XX9:branch_head: unit XX9 does not exist; "
                    "HO:branch_front: unit HO has no department branch_front"),
])
def test_the_cli_names_an_unknown_unit_or_department_in_the_users_language(tmp_path, monkeypatch, capsys,
                                                                            lang, message):
    processes = processes_copy(tmp_path)
    assert run_cli(monkeypatch, tmp_path, processes, "init-db") == 0
    assert run_cli(monkeypatch, tmp_path, processes, "user", "add", "qian", "--password", PASSWORD,
                   "--member", "SH01:branch_front") == 0
    capsys.readouterr()
    assert run_cli(monkeypatch, tmp_path, processes, "user", "members", "qian", "--add", "XX9:branch_head",
                   "--add", "HO:branch_front", lang=lang) == 1
    assert message in capsys.readouterr().err
    assert run_cli(monkeypatch, tmp_path, processes, "user", "add", "sun", "--password", PASSWORD,
                   "--member", "XX9:branch_head", "--member", "HO:branch_front", lang=lang) == 1
    assert message in capsys.readouterr().err


def test_the_api_lists_users_and_changes_memberships_for_admin_keys_only(engine, client, keys):
    add_people(engine)
    admin = keys.make("directory", (), ("admin",), ("users",))
    listed = {u["username"]: u for u in client.get("/api/v1/users", headers=admin).get_json()}
    assert listed["sup_sh"]["memberships"] == [{"unit": "SH", "department": "service_mgmt"}]
    assert listed["sup_sh"]["roles"] == ["staff", "supervisor"]
    added = client.post("/api/v1/users/front_sh01/memberships", headers=admin,
                        json={"unit": "BJ02", "department": "branch_manager"})
    assert added.status_code == 200
    assert added.get_json()["memberships"] == [{"unit": "BJ02", "department": "branch_manager"},
                                               {"unit": "SH01", "department": "branch_front"}]
    body = assert_problem(client.post("/api/v1/users/front_sh01/memberships", headers=admin,
                                      json={"unit": "SH", "department": "branch_front"}), 422, field="memberships")
    assert body["errors"]["memberships"] == ["SH:branch_front: unit SH has no department branch_front"]
    assert_problem(client.post("/api/v1/users/nobody/memberships", headers=admin,
                               json={"unit": "SH01", "department": "branch_front"}), 404)
    removed = client.delete("/api/v1/users/front_sh01/memberships/SH01/branch_front", headers=admin)
    assert removed.get_json()["memberships"] == [{"unit": "BJ02", "department": "branch_manager"}]
    assert_problem(client.delete("/api/v1/users/front_sh01/memberships/SH01/branch_front", headers=admin), 422)
    supervisor = keys.make("not-admin", ("complaint_mgmt",), ("staff", "supervisor"), ("all",))
    assert_problem(client.get("/api/v1/users", headers=supervisor), 403)
    assert_problem(client.post("/api/v1/users/front_sh01/memberships", headers=supervisor,
                               json={"unit": "SH01", "department": "branch_head"}), 403)
    no_scope = keys.make("admin-no-scope", (), ("admin",), ("cases:read",))
    assert_problem(client.get("/api/v1/users", headers=no_scope), 403)
    assert memberships(engine, "front_sh01") == {Membership("BJ02", "branch_manager")}


def test_the_openapi_document_describes_users_and_units(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/api/v1/users/{username}/memberships"]) - {"parameters"} == {"post"}
    assert set(paths["/api/v1/users/{username}/memberships/{unit}/{department}"]) - {"parameters"} == {"delete"}
    assert "403" in paths["/api/v1/users"]["get"]["responses"]
    assert "get" in paths["/api/v1/units"]


def test_the_api_serves_the_tree(client, keys):
    tree = client.get("/api/v1/units", headers=keys.front()).get_json()
    assert (tree["code"], [c["code"] for c in tree["children"]]) == ("HO", ["SH", "BJ", "CC"])
    assert [c["code"] for c in tree["children"][0]["children"]] == ["SH01", "SH02"]


def signed_in(engine, username, csrf=False):
    app = create_app(engine=engine)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=csrf)
    web = app.test_client()
    page = web.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert web.post("/login", data={"username": username, "password": PASSWORD,
                                    "csrf_token": token}).status_code == 302
    return web


def csrf_token(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_the_admin_page_lists_memberships_and_adds_one_with_csrf(engine):
    add_people(engine)
    engine.users.add("root", PASSWORD, [], ["admin"], ADMIN)
    web = signed_in(engine, "root", csrf=True)
    page = web.get("/admin/users").get_data(as_text=True)
    assert 'data-membership="SH:service_mgmt"' in page and "SH 上海分行 · 分行服务管理部门" in page
    assert re.search(r'<option value="BJ02">\u3000\u3000BJ02 北京朝阳网点</option>', page)
    assert web.post("/admin/users/front_sh01/memberships",
                    data={"unit": "SH02", "department": "branch_manager"}).status_code == 400  # no token
    response = web.post("/admin/users/front_sh01/memberships", follow_redirects=True,
                        data={"unit": "SH02", "department": "branch_manager", "csrf_token": csrf_token(page)})
    assert response.status_code == 200
    assert "已为 front_sh01 增加成员关系 SH02:branch_manager。" in response.get_data(as_text=True)
    assert memberships(engine, "front_sh01") == {Membership("SH01", "branch_front"),
                                                 Membership("SH02", "branch_manager")}
    assert [e.data["added"] for e in audited(engine, "memberships_changed")] == [["SH02:branch_manager"]]


@pytest.mark.parametrize(("lang", "message"), [
    ("zh", "HO:branch_front：机构 HO 没有部门 branch_front"),
    ("en", "HO:branch_front: unit HO has no department branch_front"),
])
def test_the_admin_page_refuses_a_department_the_unit_lacks_in_the_users_language(engine, lang, message):
    add_people(engine)
    engine.users.add("root", PASSWORD, [], ["admin"], ADMIN)
    web = signed_in(engine, "root")
    web.get(f"/admin/users?lang={lang}")
    response = web.post("/admin/users/front_sh01/memberships", data={"unit": "HO", "department": "branch_front"})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    removed = web.post("/admin/users/front_sh01/memberships/remove", data={"membership": "SH01:branch_front"})
    assert removed.status_code == 302
    assert memberships(engine, "front_sh01") == frozenset()


def test_the_admin_page_is_for_admins_only_and_refusals_are_audited(engine):
    add_people(engine)
    web = signed_in(engine, "sup_ho")
    assert web.get("/admin/users").status_code == 403
    assert web.post("/admin/users/front_sh01/memberships",
                    data={"unit": "SH02", "department": "branch_front"}).status_code == 403
    assert memberships(engine, "front_sh01") == {Membership("SH01", "branch_front")}
    assert len(audited(engine, "access_denied")) == 2
