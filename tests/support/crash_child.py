"""A process that works on a case and waits to be SIGKILLed: `python -m tests.support.crash_child ...`.

It completes the case's open task `first` (already claimed by its department's worker), prints
`COMPLETED <bpmn_id>`, then:

- mode `between`: prints `WAITING` and blocks, so the kill lands between two completions;
- mode `in_commit`: claims and completes the next open task but hangs inside the unit of work's
  commit, after every change was flushed to the database, printing `COMMITTING` first.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from engine.persistence.uow import UnitOfWork
from tests.support import complaints as forms
from tests.support.actors import worker_for
from tests.support.driver import open_tasks, task_by_bpmn_id
from tests.support.engines import make_engine

FORMS = {
    "Task_Investigate": forms.INVESTIGATED_BANK_FAULT,
    "Task_Approve": forms.APPROVED,
    "Task_Notify": forms.NOTIFIED,
}


def _say(line: str) -> None:
    print(line, flush=True)


def _hang_in_commit() -> None:
    def hanging_commit(self: UnitOfWork) -> None:
        self.session.flush()
        _say("COMMITTING")
        while True:
            time.sleep(60)

    UnitOfWork.commit = hanging_commit  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db_url")
    parser.add_argument("instance_dir")
    parser.add_argument("case_id", type=int)
    parser.add_argument("first")
    parser.add_argument("now")
    parser.add_argument("mode", choices=("between", "in_commit"))
    args = parser.parse_args(argv)

    engine = make_engine(args.db_url, Path(args.instance_dir), datetime.fromisoformat(args.now))
    task = task_by_bpmn_id(engine, args.case_id, args.first)
    engine.tasks.complete(task.id, FORMS[args.first], worker_for(task.department))
    _say(f"COMPLETED {args.first}")

    if args.mode == "between":
        _say("WAITING")
        sys.stdin.read()
        return 0
    [following] = open_tasks(engine, args.case_id)
    actor = worker_for(following.department)
    engine.tasks.claim(following.id, actor)
    _hang_in_commit()
    data: dict[str, Any] = FORMS[following.bpmn_id]
    engine.tasks.complete(following.id, data, actor)
    _say("NOT REACHED")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
