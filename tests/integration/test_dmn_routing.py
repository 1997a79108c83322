"""Changing only a DMN file changes where a complaint is routed: no diagram or code change needed."""

from __future__ import annotations

import filecmp
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.bootstrap import Engine
from tests.support import scenarios_card_center as card
from tests.support.engines import PROCESSES, deployed_engine

ORIGINAL_SENIOR_THRESHOLD = "<text>&gt; 100000</text>"
LOWERED_SENIOR_THRESHOLD = "<text>&gt; 40000</text>"


def _copy_with_lower_senior_threshold(target: Path) -> Path:
    """processes/ copied to `target`, with only card_tier.dmn's senior-manager amount lowered to 40,000."""
    shutil.copytree(PROCESSES, target)
    table = target / "card_tier.dmn"
    text = table.read_text(encoding="utf-8")
    assert text.count(ORIGINAL_SENIOR_THRESHOLD) == 1, "the senior-manager amount rule moved; update this test"
    table.write_text(text.replace(ORIGINAL_SENIOR_THRESHOLD, LOWERED_SENIOR_THRESHOLD), encoding="utf-8")
    return target


@pytest.fixture
def changed_engine(empty_db_url: str, tmp_path: Path) -> Iterator[Engine]:
    """A second, fresh engine (its own database) with the edited copy of processes/ deployed."""
    processes = _copy_with_lower_senior_threshold(tmp_path / "processes_changed")
    instance = tmp_path / "changed_instance"
    instance.mkdir()
    with deployed_engine(empty_db_url, instance, processes_dir=processes) as eng:
        yield eng


def _queue_after_seat_hands_up(engine: Engine, amount: str) -> list[str]:
    walk = card.CardWalk(engine, amount=amount)
    walk.step("Task_Seat", card.SEAT_BEYOND)
    return walk.queued_in()


def test_only_the_decision_table_differs(tmp_path: Path) -> None:
    changed = _copy_with_lower_senior_threshold(tmp_path / "copy")
    names = sorted(p.name for p in PROCESSES.iterdir() if p.is_file())
    _, mismatch, errors = filecmp.cmpfiles(PROCESSES, changed, names, shallow=False)
    assert (mismatch, errors) == (["card_tier.dmn"], [])


def test_changing_only_the_dmn_file_changes_the_queue(engine: Engine, changed_engine: Engine) -> None:
    assert _queue_after_seat_hands_up(engine, "50000.00") == ["card_cs_manager"]
    assert _queue_after_seat_hands_up(changed_engine, "50000.00") == ["card_senior_manager"]


def test_complaints_outside_the_changed_rule_route_as_before(engine: Engine, changed_engine: Engine) -> None:
    for amount in ("5000.00", "500000.00"):
        assert _queue_after_seat_hands_up(engine, amount) == _queue_after_seat_hands_up(changed_engine, amount)
