"""Search in the browser: the header's box finds a complaint by its number and by the customer's phone, and
nothing outside the user's visibility; the phone never appears in an address."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from engine.domain.search import CaseQuery
from tests.support.actors import ADMIN

pytestmark = pytest.mark.e2e

PUDONG_PHONE = "13812345678"  # the demo's first complaint at 上海浦东 SH01 (engine/services/demo.py)
XUHUI_PHONE = "13611112222"  # the demo's complaint at 上海徐汇 SH02


def _number(live, phone: str) -> str:
    found = live.engine.search.cases(ADMIN, CaseQuery(phone=phone)).items
    assert len(found) == 1
    return found[0].number


def _search(who, text: str) -> str:
    """Type into the header's search box and submit; the results' text."""
    who.page.fill("header form[role=search] input[name=q]", text)
    who.submit("header form[role=search] button[type=submit]")
    assert urlsplit(who.page.url).path == "/search"
    return who.page.inner_text("main")


@pytest.mark.parametrize("e2e_db_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
                         indirect=True)
def test_search_by_number_and_phone_finds_the_case_and_nothing_outside_the_users_visibility(person, live):
    pudong, xuhui = _number(live, PUDONG_PHONE), _number(live, XUHUI_PHONE)
    teller, teller_xh, head_office = person("teller"), person("teller_xh"), person("hocm")

    teller.goto("/inbox")
    results = _search(teller, PUDONG_PHONE)
    assert pudong in results and xuhui not in results
    assert PUDONG_PHONE not in teller.page.url and "phone_key=" in teller.page.url
    assert PUDONG_PHONE not in teller.page.content() and "138****5678" in results
    assert teller.page.locator(f"table.search-results a:text-is('{pudong}')").count() == 1
    teller.page.click(f"table.search-results a:text-is('{pudong}')")
    assert pudong in teller.page.inner_text("main")  # the case page opens

    results = _search(teller, pudong)
    assert teller.page.locator(f"table.search-results a:text-is('{pudong}')").count() == 1

    for text in (xuhui, XUHUI_PHONE):  # another outlet's complaint: not found, not even counted
        results = _search(teller, text)
        assert xuhui not in results.replace(text, "") and teller.page.locator("table.search-results").count() == 0
        assert teller.page.locator(".pager-count").get_attribute("data-total") == "0"

    results = _search(teller_xh, pudong)
    assert teller_xh.page.locator("table.search-results").count() == 0
    results = _search(teller_xh, XUHUI_PHONE)
    assert teller_xh.page.locator(f"table.search-results a:text-is('{xuhui}')").count() == 1

    results = _search(head_office, XUHUI_PHONE)  # head office sees the bank
    assert head_office.page.locator(f"table.search-results a:text-is('{xuhui}')").count() == 1
    for who in (teller, teller_xh, head_office):
        who.assert_clean()
