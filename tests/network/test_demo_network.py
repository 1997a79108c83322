"""The demo data shows the network: complaints at every outlet and the card centre, staff at several outlets,
and `quickstart` prints the tree before it serves."""

from __future__ import annotations

from collections import Counter

import webui.cli
from engine.domain.filters import TaskFilter
from engine.services.demo import seed_demo
from tests.network.support import processes_copy, run_cli
from tests.support.actors import ADMIN

DESKS = {"teller": ("SH01", 3), "teller_xh": ("SH02", 1), "teller_hd": ("BJ01", 1), "teller_cy": ("BJ02", 1),
         "seat": ("CC", 1)}


def test_demo_complaints_are_received_across_the_network_and_each_desk_sees_its_own(engine):
    assert seed_demo(engine, ADMIN)["cases"] == 7
    with engine.ctx.db.read() as uow:
        units = Counter(t.unit for t in uow.read.tasks(TaskFilter(statuses=("ready",))))
    assert units == {"SH01": 3, "SH02": 1, "BJ01": 1, "BJ02": 1, "CC": 1}
    for user, (unit, count) in DESKS.items():
        actor = engine.users.actor(user)
        [department] = actor.departments
        queue = engine.tasks.queue(actor, department)
        assert (len(queue), {t.unit for t in queue}) == (count, {unit}), user


def test_quickstart_shows_the_network_before_serving(tmp_path, monkeypatch, capsys):
    served = []
    monkeypatch.setattr(webui.cli, "cmd_serve", lambda engine, args: served.append(args.port))
    assert run_cli(monkeypatch, tmp_path, processes_copy(tmp_path), "quickstart", "--port", "5099") == 0
    out = capsys.readouterr().out
    assert "demo: 27 user(s), 7 complaint(s)" in out
    assert "organisation (8 units" in out
    assert "\n    BJ02  北京朝阳网点  [outlet]" in out and "\n  CC  信用卡中心  [card_centre]" in out
    assert served == [5099]
