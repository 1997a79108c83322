"""Complaint numbers that carry the receiving unit's code (`[numbering] style = "unit"` in organisations.toml):
`SH01-2024-000001`, one sequence per unit and year of receipt, never given twice when outlets register at once
(SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from engine.domain.departments import DepartmentDirectory
from engine.domain.organisation_files import load_organisation
from tests.network.support import processes_copy, replace_in
from tests.support.actors import ADMIN
from tests.support.complaints import complaint
from tests.support.engines import PROCESSES

PASSWORD = "a-long-password-1"
THREADS, EACH = 4, 3


def test_the_convention_is_read_from_the_organisation_file(tmp_path):
    departments = DepartmentDirectory.from_toml(PROCESSES / "departments.toml").codes()
    assert load_organisation(PROCESSES / "organisations.toml", departments).numbering == "date"
    processes = processes_copy(tmp_path)
    replace_in(processes / "organisations.toml", 'style = "date"', 'style = "unit"')
    assert load_organisation(processes / "organisations.toml", departments).numbering == "unit"


def test_numbers_carry_the_receiving_unit_and_year_with_a_sequence_per_unit(engine):
    engine.ctx.organisation.numbering = "unit"
    for name, member in (("front_sh01", "SH01:branch_front"), ("front_bj01", "BJ01:branch_front")):
        engine.users.add(name, PASSWORD, [member], ["staff"], ADMIN)
    sh01, bj01 = engine.users.actor("front_sh01"), engine.users.actor("front_bj01")
    numbers = [engine.cases.open_case(None, complaint(), who).number for who in (sh01, bj01, sh01)]
    assert numbers == ["SH01-2024-000001", "BJ01-2024-000001", "SH01-2024-000002"]
    next_year = complaint(received_at="2025-01-02T09:00:00+08:00")
    assert engine.cases.open_case(None, next_year, sh01).number == "SH01-2025-000001"
    given = engine.cases.open_case(None, complaint(), sh01, unit="SH02")  # the receiving unit given explicitly
    assert given.number == "SH02-2024-000001"
    assert engine.cases.detail(given.number, ADMIN).case.id == given.id  # found by its number


def test_outlets_registering_at_once_never_share_a_number(engine):
    engine.ctx.organisation.numbering = "unit"
    engine.users.add("front_sh01", PASSWORD, ["SH01:branch_front"], ["staff"], ADMIN)
    front = engine.users.actor("front_sh01")
    start = threading.Barrier(THREADS)

    def register(_: int) -> list[str]:
        start.wait()
        return [engine.cases.open_case(None, complaint(), front).number for _ in range(EACH)]

    with ThreadPoolExecutor(THREADS) as pool:
        numbers = [n for batch in pool.map(register, range(THREADS)) for n in batch]
    assert sorted(numbers) == [f"SH01-2024-{i:06d}" for i in range(1, THREADS * EACH + 1)]
