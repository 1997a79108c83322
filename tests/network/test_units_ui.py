"""Units in the web UI: the organisation tree page, the header's units, the unit in queues, inbox, case, task
and supervisor pages, and the receiving unit chosen at intake."""

from __future__ import annotations

import lxml.html
import pytest

from tests.network.support import PASSWORD, add_people
from tests.support.actors import ADMIN
from tests.support.complaints import complaint
from tests.support.driver import task_by_bpmn_id
from webui import create_app


def web_of(engine, username, lang="zh"):
    app = create_app(engine=engine)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    web = app.test_client()
    assert web.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    web.get(f"/units?lang={lang}")
    return web


def html(response):
    assert response.status_code == 200, response.status_code
    return lxml.html.fromstring(response.get_data(as_text=True))


def texts(page, xpath):
    return [" ".join(e.text_content().split()) for e in page.xpath(xpath)]


@pytest.mark.parametrize(("lang", "rows"), [
    ("zh", ["总行", "上海分行", "上海浦东网点", "上海徐汇网点", "北京分行", "北京海淀网点", "北京朝阳网点",
            "信用卡中心"]),
    ("en", ["Head office", "Shanghai branch", "Shanghai Pudong outlet", "Shanghai Xuhui outlet", "Beijing branch",
            "Beijing Haidian outlet", "Beijing Chaoyang outlet", "Credit card centre"]),
])
def test_the_tree_page_shows_every_unit_in_the_users_language_and_marks_mine(engine, lang, rows):
    add_people(engine)
    page = html(web_of(engine, "sup_sh", lang).get("/units"))
    assert texts(page, "//table[contains(@class,'units-tree')]//span[contains(@class,'unit-name')]") == rows
    assert page.xpath("//tr[contains(@class,'mine')]/@data-unit") == ["SH"]
    assert page.xpath("//tr[@data-unit='SH01']/@class") == ["depth-2"]
    kinds = texts(page, "//tr[@data-unit='SH01']/td[3]")
    assert kinds == (["网点"] if lang == "zh" else ["Outlet"])


def test_the_header_names_the_users_units(engine):
    add_people(engine)
    engine.users.add("two_units", PASSWORD, ["SH02:branch_manager", "SH01:branch_manager"], ["staff"], ADMIN)
    page = html(web_of(engine, "two_units").get("/units"))
    assert texts(page, "//header//span[@class='my-units']") == ["SH01 上海浦东网点、SH02 上海徐汇网点"]
    page = html(web_of(engine, "two_units", "en").get("/units"))
    assert texts(page, "//header//span[@class='my-units']") == [
        "SH01 Shanghai Pudong outlet, SH02 Shanghai Xuhui outlet"]


def test_queues_inbox_case_task_and_supervisor_pages_show_the_unit(engine):
    add_people(engine)
    front = engine.users.actor("front_sh02")
    case = engine.cases.open_case(None, complaint(), front)
    task = task_by_bpmn_id(engine, case.id, "Task_OnSpot")
    web = web_of(engine, "front_sh02")
    queue = html(web.get("/queue/branch_front"))
    assert texts(queue, "//table[@class='list']//td[@class='unit']") == ["SH02 上海徐汇网点"]
    assert texts(queue, "//h1/span[contains(@class,'queue-units')]") == ["SH02 上海徐汇网点"]
    engine.tasks.claim(task.id, front)
    assert texts(html(web.get("/inbox")), "//td[@class='unit']") == ["SH02 上海徐汇网点"]
    case_page = html(web.get(f"/cases/{case.number}"))
    assert texts(case_page, "//span[@class='case-unit']") == ["SH02 上海徐汇网点"]
    assert texts(case_page, "//dd[@class='case-unit-name']") == ["SH02 上海徐汇网点"]
    assert texts(html(web.get(f"/tasks/{task.id}")), "//dd[@class='task-unit']") == ["SH02 上海徐汇网点"]
    desk = html(web_of(engine, "sup_sh").get("/supervisor/"))
    assert texts(desk, "//td[@class='unit']") == ["SH02 上海徐汇网点"]


def intake_form(engine, username):
    return html(web_of(engine, username).get("/intake"))


def test_intake_records_the_receiving_unit_chosen_among_the_users_units(engine):
    add_people(engine)
    engine.users.add("two_desks", PASSWORD, ["SH01:branch_front", "BJ01:branch_front"], ["staff"], ADMIN)
    form = intake_form(engine, "two_desks")
    assert form.xpath("//select[@name='receiving_unit']/option/@value") == ["SH01", "BJ01"]
    assert form.xpath("//span[@id='c-receiving_unit']") == []
    web = web_of(engine, "two_desks")
    response = web.post("/intake", data=complaint() | {"receiving_unit": "BJ01"})
    assert response.status_code == 302
    number = response.headers["Location"].rsplit("/", 1)[-1]
    detail = engine.cases.detail(number, ADMIN)
    assert detail.case.unit == "BJ01" and {t.unit for t in detail.tasks} == {"BJ01"}
    refused = web.post("/intake", data=complaint() | {"receiving_unit": "SH02"})
    assert refused.status_code == 422
    assert "请选择您所属的机构" in refused.get_data(as_text=True)


def test_intake_of_a_person_with_one_unit_shows_it_and_uses_it(engine):
    add_people(engine)
    form = intake_form(engine, "front_bj01")
    assert texts(form, "//span[@id='c-receiving_unit']") == ["BJ01 北京海淀网点"]
    assert form.xpath("//select[@name='receiving_unit']") == []
    response = web_of(engine, "front_bj01").post("/intake", data=complaint())
    number = response.headers["Location"].rsplit("/", 1)[-1]
    assert engine.cases.detail(number, ADMIN).case.unit == "BJ01"
