"""Card-centre cases driven through processes/card_center_complaint.bpmn: first-contact resolution and control."""

from __future__ import annotations

from datetime import date

from engine.services.reports import ReportRequest
from tests.support.actors import ADMIN
from tests.support.scenarios_card_center import SCENARIOS


def test_first_contact_resolution_and_chases_from_the_card_centre_diagram(engine):
    SCENARIOS["resolved_by_seat_agent"](engine)  # the seat agent resolves: first contact
    SCENARIOS["customer_rejects_at_every_tier"](engine)  # climbs to the senior manager
    SCENARIOS["overdue_at_every_handling_task"](engine)  # six tasks, each chased once and supervised once
    report = engine.reports.report(ReportRequest(date(2024, 9, 1), date(2024, 12, 31), "card_center"), ADMIN)

    assert report.volume.total == 3
    fcr = report.quality.first_contact_resolution
    assert (fcr.numerator, fcr.denominator) == (1, 3)
    assert report.timeliness.internal.replied == 3
    assert report.satisfaction.revisit_coverage.numerator == 3
    # seat agent: two of the six late tasks, and the reply; the senior manager's task and the reply open after
    # the 7-working-day case ceiling, so are due at once (the senior task is chased as it opens and again late);
    # each other department one
    assert [(c.department, c.auto_chases, c.manual_chases, c.supervisions) for c in report.control] == [
        ("card_seat", 3, 0, 3), ("card_senior_manager", 2, 0, 1), ("card_care", 1, 0, 1),
        ("card_cs_manager", 1, 0, 1), ("compliance_legal", 1, 0, 1),
    ]
