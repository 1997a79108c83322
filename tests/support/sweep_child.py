"""A timer worker that is SIGKILLed in the middle of a sweep: `python -m tests.support.sweep_child ...`.

It builds an engine at `now`, lets `commits` cases' timer transactions commit, then hangs inside the
next commit after every change of that case was flushed (printing `COMMITTING`), so the kill lands in
the middle of a sweep with one transaction half done. A `commits` of -1 means never hang.
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime
from pathlib import Path

from engine.persistence.uow import UnitOfWork
from tests.support.engines import make_engine


def _say(line: str) -> None:
    print(line, flush=True)


def _hang_after(commits: int) -> None:
    real_commit = UnitOfWork.commit
    done = 0

    def counting_commit(self: UnitOfWork) -> None:
        nonlocal done
        if done == commits:
            self.session.flush()
            _say("COMMITTING")
            while True:
                time.sleep(60)
        real_commit(self)
        done += 1
        _say(f"COMMITTED {done}")

    UnitOfWork.commit = counting_commit  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db_url")
    parser.add_argument("instance_dir")
    parser.add_argument("now")
    parser.add_argument("commits", type=int)
    args = parser.parse_args(argv)
    engine = make_engine(args.db_url, Path(args.instance_dir), datetime.fromisoformat(args.now),
                         worker_name="doomed")
    if args.commits >= 0:
        _hang_after(args.commits)
    result = engine.timers.sweep()
    _say(f"SWEPT {result.fired_cases}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
