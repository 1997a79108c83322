"""What people do on the pages, step by step, as a user would (click, type, submit)."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.support import Person

FieldValues = dict[str, str | bool]

COMPLAINT: FieldValues = {
    "organisation": "branch", "channel": "counter", "complainant_name": "张三",
    "contact_phone": "13812345678", "id_number": "310101199001011234", "category": "deposits",
    "cause": "service_attitude", "grade": "general", "facts": "客户在柜台等候一小时无人办理。",
    "demand": "要求网点道歉。", "expected_resolution": "apology", "read_back": True,
}
NUMBER = re.compile(r"TS-\d{8}-\d{6}")


def fill(page: Any, values: FieldValues, prefix: str) -> None:
    """Fill form fields by name: selects, yes/no radios, checkboxes, text inputs and textareas."""
    for name, value in values.items():
        radios = page.locator(f"input[type=radio][name={name}]")
        if radios.count():
            page.check(f"input[type=radio][name={name}][value={'true' if value else 'false'}]")
            continue
        box = page.locator(f"input[type=checkbox][name={name}]")
        if box.count():
            box.set_checked(bool(value))
            continue
        field = page.locator(f"#{prefix}{name}")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(str(value))
        else:
            field.fill(str(value))


def register(person: Person, values: FieldValues) -> Any:
    """Open the intake form from the navigation, fill it in and submit; returns the response."""
    person.goto("/")
    with person.page.expect_navigation():
        person.page.click("nav.sidenav a[href='/intake']")
    fill(person.page, values, "c-")
    return person.submit("form.form .form-actions button[type=submit]")


def registered_number(person: Person) -> str:
    """The complaint number the success message names."""
    match = NUMBER.search(person.page.inner_text(".flash-ok"))
    assert match, person.page.inner_text("main")
    return match.group(0)


def row_of(person: Person, case_number: str) -> Any:
    """The task list row of a case."""
    row = person.page.locator("table.list tbody tr", has_text=case_number)
    assert row.count() == 1, person.page.inner_text("main")
    return row


def claim_from_queue(person: Person, department: str, case_number: str) -> Any:
    """Claim the case's task from the department queue; lands on the task page."""
    person.goto(f"/queue/{department}")
    with person.page.expect_navigation() as nav:
        row_of(person, case_number).locator("button", has_text="认领").click()
    return nav.value


def open_from_inbox(person: Person, case_number: str) -> None:
    """From 我的待办 in the navigation to the task of a case."""
    with person.page.expect_navigation():
        person.page.click("nav.sidenav a[href='/inbox']")
    with person.page.expect_navigation():
        row_of(person, case_number).locator("a.btn", has_text="办理").click()


def complete(person: Person, values: FieldValues) -> Any:
    """Fill the task form from the diagram and submit it; returns the response."""
    fill(person.page, values, "f-")
    return person.submit("form.form .form-actions button[type=submit]")


def work(person: Person, department: str, case_number: str, values: FieldValues) -> None:
    """Claim from the queue, then complete from my inbox; the case page follows."""
    claim_from_queue(person, department, case_number)
    open_from_inbox(person, case_number)
    response = complete(person, values)
    assert response.status == 200 and "/cases/" in person.page.url, person.page.inner_text("main")


def nav_count(person: Person, href: str) -> int:
    """The count shown next to a navigation link."""
    return int(person.page.inner_text(f"nav.sidenav a[href='{href}'] .count"))
