"""The search page and the header's box through the web app (both databases): personal values are posted and
the results' link carries only keyed hashes; a person finds only what they may open; bad input is named."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.workbench.search_support import ID_NUMBER, PASSWORD, PHONE, open_bank
from webui import create_app


@pytest.fixture
def bank(engine):
    return open_bank(engine)


@pytest.fixture
def web(engine, bank):
    app = create_app(engine=engine)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)

    def signed_in(username):
        client = app.test_client()
        assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
        return client

    return signed_in


def search(client, **form):
    posted = client.post("/search", data=form)
    assert posted.status_code == 303, posted.get_data(as_text=True)
    link = posted.headers["Location"]
    page = client.get(link)
    assert page.status_code == 200
    return link, page.get_data(as_text=True)


def test_the_header_box_finds_by_phone_without_the_phone_in_any_link(web, bank):
    link, html = search(web("front_sh02"), q=PHONE)
    assert PHONE not in link and set(parse_qs(urlsplit(link).query)) == {"phone_key"}
    assert bank.shanghai in html and bank.beijing not in html and bank.other not in html
    assert PHONE not in html and "138****5678" in html
    assert 'data-total="1"' in html


def test_the_header_box_tells_numbers_ids_and_names_apart(web, bank):
    sup = web("sup_ho")
    link, html = search(sup, q=bank.beijing)
    assert parse_qs(urlsplit(link).query) == {"number": [bank.beijing]}
    assert bank.beijing in html and bank.shanghai not in html
    link, html = search(sup, q=ID_NUMBER)
    assert set(parse_qs(urlsplit(link).query)) == {"id_number_key"} and bank.shanghai in html and bank.beijing in html
    link, html = search(sup, q="李四")
    assert set(parse_qs(urlsplit(link).query)) == {"name_key"} and bank.other in html and bank.shanghai not in html


def test_another_outlet_finds_nothing_of_this_one(web, bank):
    _, html = search(web("front_bj01"), q=bank.shanghai)
    assert 'data-total="0"' in html and "search-results" not in html and f">{bank.shanghai}<" not in html


def test_paging_and_sorting_links_keep_the_filters(web, bank):
    page = web("sup_ho").get("/search?unit=SH02&sort=number&order=asc&size=10")
    html = page.get_data(as_text=True)
    assert html.index(min(bank.shanghai, bank.other)) < html.index(max(bank.shanghai, bank.other))
    assert "unit=SH02" in html.split('aria-sort="ascending"')[0].rsplit("<a", 1)[1]  # the sorted column's link
    assert 'data-total="2"' in html


@pytest.mark.parametrize(("form", "message"), [
    ({"from": "2024-13-01"}, "请输入有效的日期（年-月-日）"),
    ({"from": "2024-10-02", "to": "2024-10-01"}, "结束日期早于开始日期"),
    ({"unit": "NOWHERE"}, "未知单位 NOWHERE"),
    ({"phone": "abc"}, "电话号码应包含数字"),
])
def test_bad_input_is_named_in_the_users_language_and_finds_nothing(web, bank, form, message):
    answer = web("sup_ho").post("/search", data=form)
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert message in html and "search-results" not in html


def test_a_forged_key_in_a_link_is_refused(web, bank):
    answer = web("sup_ho").get("/search?phone_key=not-a-key")
    assert answer.status_code == 422 and "检索条件无效" in answer.get_data(as_text=True)
