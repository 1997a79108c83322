"""The regulator's statistics table (JR/T 0169-2018) for a seeded quarter: every figure worked out by hand from
tests/oversight/regulator_dataset.py (R1-R6 inside 2024 Q4; R7 just before, R8 just after). Both databases.

Channel codes (processes/regulator_codes.toml): counter -> A0101, phone and hotline -> A010302, app_web -> A010303,
email -> A010399, all under A0103 (电子渠道) and A01 (前台业务渠道). On time: replied by the regulatory due time
(R2 was replied after it, R4 and R6 not yet); the rate is on time / replied.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.domain.errors import Forbidden, ValidationFailed
from engine.domain.model import Actor, Membership, Role
from engine.services.reports import Ratio
from tests.oversight.regulator_dataset import NOW, seed
from tests.support.actors import ADMIN, HEAD_OFFICE
from tests.support.engines import clock_of

SH_SUPERVISOR = Actor("sh_sup", frozenset({"service_mgmt"}), frozenset({Role.STAFF, Role.SUPERVISOR}),
                      frozenset({Membership("SH", "service_mgmt")}), oversees=frozenset({"SH", "SH01", "SH02"}))


@pytest.fixture
def seeded(engine):
    seed(engine)
    clock_of(engine).set(NOW)
    return engine


def _figures(table, dimension, unit):
    return {r.code: (r.cases, r.replied, r.on_time, r.on_time_rate, r.amount, r.compensation)
            for r in table.of(dimension) if r.unit == unit}


def _money(text):
    return Decimal(text)


def test_bank_wide_channel_figures_by_code(seeded):
    table = seeded.regulator.quarter(2024, 4, None, ADMIN)
    assert (table.start.isoformat(), table.end.isoformat(), table.standard) == ("2024-10-01", "2024-12-31",
                                                                                "JR/T 0169-2018")
    head_office = _figures(table, "channel", "HO")
    assert head_office["A01"] == (6, 4, 3, Ratio(3, 4), _money("3208.50"), _money("250.00"))
    assert head_office["A0101"] == (2, 1, 1, Ratio(1, 1), _money("120.00"), _money("0.00"))
    assert head_office["A0103"] == (4, 3, 2, Ratio(2, 3), _money("3088.50"), _money("250.00"))
    assert head_office["A010302"] == (2, 2, 1, Ratio(1, 2), _money("3000.00"), _money("50.00"))
    assert head_office["A010303"] == (1, 0, 0, Ratio(0, 0), _money("88.50"), _money("0.00"))
    assert head_office["A010399"] == (1, 1, 1, Ratio(1, 1), _money("0.00"), _money("200.00"))
    # the top unit lists every code of the list, zero or not; no unclassified channel
    assert head_office["A02"] == (0, 0, 0, Ratio(0, 0), _money("0.00"), _money("0.00"))
    assert len(head_office) == 13


def test_rolled_up_by_unit(seeded):
    table = seeded.regulator.quarter(2024, 4, None, ADMIN)
    assert [(r.unit, r.depth) for r in table.of("channel") if r.code == "A01"] == [
        ("HO", 0), ("SH", 1), ("SH01", 2), ("SH02", 2), ("BJ", 1), ("BJ01", 2)]
    assert _figures(table, "channel", "SH")["A01"] == (4, 3, 2, Ratio(2, 3), _money("3120.00"), _money("50.00"))
    assert _figures(table, "channel", "SH01") == {
        "A01": (3, 2, 1, Ratio(1, 2), _money("3120.00"), _money("50.00")),
        "A0101": (2, 1, 1, Ratio(1, 1), _money("120.00"), _money("0.00")),
        "A0103": (1, 1, 0, Ratio(0, 1), _money("3000.00"), _money("50.00")),
        "A010302": (1, 1, 0, Ratio(0, 1), _money("3000.00"), _money("50.00")),
    }
    assert _figures(table, "channel", "BJ")["A01"][:3] == (1, 0, 0)


def test_categories_and_causes_with_the_unclassified_row(seeded):
    table = seeded.regulator.quarter(2024, 4, None, ADMIN)
    categories = {code: f[:3] for code, f in _figures(table, "category", "HO").items() if f[0]}
    assert categories == {"B01": (2, 1, 1), "B02": (1, 1, 0), "B03": (1, 1, 1), "B04": (1, 0, 0), "B99": (1, 1, 1)}
    causes = {code: f for code, f in _figures(table, "cause", "HO").items() if f[0]}
    assert causes == {
        "C01": (2, 2, 1, Ratio(1, 2), _money("3120.00"), _money("50.00")),  # service_attitude + business_error
        "C02": (1, 0, 0, Ratio(0, 0), _money("88.50"), _money("0.00")),
        "C03": (1, 1, 1, Ratio(1, 1), _money("0.00"), _money("0.00")),  # fees
        "C99": (1, 1, 1, Ratio(1, 1), _money("0.00"), _money("200.00")),
        "": (1, 0, 0, Ratio(0, 0), _money("0.00"), _money("0.00")),  # R6: no cause yet
    }


def test_a_branch_supervisor_gets_their_subtree_only(seeded):
    table = seeded.regulator.quarter(2024, 4, None, SH_SUPERVISOR)
    assert {r.unit for r in table.rows} == {"SH", "SH01", "SH02"}
    assert _figures(table, "channel", "SH")["A01"][:3] == (4, 3, 2)
    assert len(_figures(table, "channel", "SH")) == 13  # the top unit of this table lists every code
    with pytest.raises(ValidationFailed) as outside:
        seeded.regulator.quarter(2024, 4, "BJ", SH_SUPERVISOR)
    assert "unit" in outside.value.errors
    narrowed = seeded.regulator.quarter(2024, 4, "SH02", ADMIN)
    assert {r.unit for r in narrowed.rows} == {"SH02"}
    assert _figures(narrowed, "channel", "SH02")["A010302"][:3] == (1, 1, 1)


def test_staff_and_bad_quarters_are_refused(seeded):
    with pytest.raises(Forbidden):
        seeded.regulator.quarter(2024, 4, None, HEAD_OFFICE)
    with pytest.raises(ValidationFailed) as bad:
        seeded.regulator.quarter(2024, 5, None, ADMIN)
    assert bad.value.coded == {"quarter": [("quarter_range", {})]}
