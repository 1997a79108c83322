"""The branch process end to end: every path of tests/support/scenarios_branch.py, on SQLite and
PostgreSQL; after every step the projections equal the workflow restored from storage."""

from __future__ import annotations

import pytest

from tests.support.scenarios_branch import SCENARIOS


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_branch_path(engine, scenario):
    case_id = SCENARIOS[scenario](engine)
    assert engine.cases.summary(case_id).status.value == "closed"
