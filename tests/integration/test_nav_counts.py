"""Navigation counts: per department for people in several departments, and capped so that a huge
queue costs no more to count than the cap (the page then says "999+")."""

from __future__ import annotations

from engine.services import tasks as task_service
from tests.support.actors import FRONT, staff
from tests.support.driver import open_case
from webui.formatting import count_label

TWO_DESKS = staff("front_and_manager", "branch_front", "branch_manager")


def test_counts_per_department_and_the_cap(engine, monkeypatch):
    for _ in range(3):
        open_case(engine)
    counts = engine.tasks.counts(TWO_DESKS)
    assert counts["queue"] == 3
    assert counts["queue:branch_front"] == 3 and counts["queue:branch_manager"] == 0
    assert "queue:branch_front" not in engine.tasks.counts(FRONT)  # one department: the total is its queue

    monkeypatch.setattr(task_service, "NAV_COUNT_CAP", 2)
    capped = engine.tasks.counts(FRONT)
    assert capped["queue"] == 2


def test_a_capped_count_reads_999_plus():
    assert count_label(0) == "0"
    assert count_label(998) == "998"
    assert count_label(999) == "999"
    assert count_label(1000) == "999+"
    assert count_label(5000) == "999+"
