"""`complaintflow clock extend|pause|resume|restart|requests|decide`: the regulatory clock from a shell.

Each action acts as an existing user (`--user`), with that user's rights; a mistake (an unknown case, a
refused or invalid action) prints one `error:` line in the operator's language and exits with 1.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from engine.bootstrap import Engine
from engine.domain.calendar import iso, parse_moment
from engine.domain.errors import Conflict, EngineError, ValidationFailed
from engine.domain.regulatory_clock import PauseKind

Emit = Callable[[argparse.Namespace, Any, Callable[[Any], str] | None], None]
UserActor = Callable[[Engine, str], Any]


def cmd_clock(engine: Engine, args: argparse.Namespace, emit: Emit, user_actor: UserActor) -> None:
    """Run one clock subcommand; every refusal becomes a single `error:` line (exit 1)."""
    from webui.clock_text import clock_problems
    from webui.conflicts import conflict_text
    from webui.organisation_text import shell_gettext

    try:
        _run(engine, args, emit, user_actor(engine, args.user))
    except ValidationFailed as err:
        texts = clock_problems(err, shell_gettext())
        raise SystemExit("error: " + "; ".join(f"{k}: {', '.join(v)}" for k, v in sorted(texts.items()))) from err
    except Conflict as err:
        raise SystemExit(f"error: {conflict_text(err, shell_gettext())}") from err
    except EngineError as err:
        raise SystemExit(f"error: {err}") from err


def _run(engine: Engine, args: argparse.Namespace, emit: Emit, who: Any) -> None:
    clock, action = engine.clock, args.clock_command
    if action == "extend":
        request = clock.extend(args.number, args.to, args.reason, who)
        _show(engine, args, emit, f"asked to extend to {args.to} days: request {request.id}, waiting for "
                                  f"{request.approver_unit}" if request else f"extended to {args.to} days")
    elif action == "pause":
        clock.pause(args.number, args.kind, args.reason, args.evidence, who)
        _show(engine, args, emit, "paused")
    elif action == "resume":
        clock.resume(args.number, args.note, who)
        _show(engine, args, emit, "resumed")
    elif action == "restart":
        try:
            facts_at = parse_moment(args.facts_at)
        except ValueError as err:
            raise SystemExit(f"error: --facts-at: {err}") from err
        clock.restart(args.number, facts_at, args.reason, who)
        _show(engine, args, emit, "restarted")
    elif action == "requests":
        emit(args, clock.pending_requests(who), lambda rs: "\n".join(
            f"{r.id}  {r.case_number}  {r.to_days} days  by {r.requested_by}  {r.reason}" for r in rs)
            or "no requests waiting for you")
    else:
        decided = clock.decide(args.request, args.approve, args.opinion, who)
        emit(args, decided, lambda r: f"request {r.id} of {r.case_number}: {r.status.value}")


def _show(engine: Engine, args: argparse.Namespace, emit: Emit, done: str) -> None:
    case = engine.cases.summary(engine.cases.resolve_id(args.number))
    data = {"case": case.number, "done": done, "regulatory_due_at": case.regulatory_due_at,
            "internal_due_at": case.internal_due_at}
    emit(args, data, lambda d: f"{d['case']}: {d['done']}; regulatory due "
                               f"{iso(d['regulatory_due_at'])[:16].replace('T', ' ')}")


def add_clock_parser(sub: Any, handler: Callable[[Engine, argparse.Namespace], None]) -> None:
    """The `clock` command and its subcommands."""
    clock = sub.add_parser("clock", help="the regulatory clock of a case: extend, pause, resume, restart")
    c_sub = clock.add_subparsers(dest="clock_command", required=True)

    def add(name: str, help_text: str, number: bool = True) -> argparse.ArgumentParser:
        p = c_sub.add_parser(name, help=help_text)
        if number:
            p.add_argument("number", help="the complaint number (or case id)")
        p.add_argument("--user", required=True, help="act as this user (with their rights)")
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=handler)
        return p

    p = add("extend", "extend to 30 days, or ask for 60 days (decided at the parent unit)")
    p.add_argument("--to", type=int, required=True, choices=(30, 60), help="the new limit in days")
    p.add_argument("--reason", required=True, help="why (told to the customer in the extension notice)")
    p = add("pause", "pause for an external appraisal or a third party's verification")
    p.add_argument("--kind", required=True, choices=[k.value for k in PauseKind])
    p.add_argument("--reason", required=True)
    p.add_argument("--evidence", required=True, help="e.g. the appraisal order's number")
    add("resume", "start the paused clock again").add_argument("--note", default="")
    p = add("restart", "count 15 days again from the customer's new facts")
    p.add_argument("--facts-at", required=True, help="when the new facts were given (ISO date/time, China time)")
    p.add_argument("--reason", required=True)
    add("requests", "the 60-day extension requests waiting for your decision", number=False)
    p = add("decide", "approve or reject a 60-day extension request", number=False)
    p.add_argument("request", type=int, help="the request id")
    verdict = p.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--approve", action="store_true", dest="approve")
    verdict.add_argument("--reject", action="store_false", dest="approve")
    p.add_argument("--opinion", required=True)
