"""`complaintflow urgent …`: urgent and group complaints (紧急、群体性投诉) from a shell, as a named user: the list,
one case's urgent handling, the first contact, the task force (专项小组), the day's progress."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from engine.bootstrap import Engine
from engine.domain.model import Membership
from engine.domain.urgent import ContactMethod, NewTaskForce, UrgentCase
from webui.cli_text import InputError


def cmd_urgent(engine: Engine, args: argparse.Namespace) -> None:
    """List, show, contact, task-force and progress as `--user`."""
    from webui.cli import emit, user_actor

    actor = user_actor(engine, args.user)
    service = engine.urgent
    command = args.urgent_command
    if command == "list":
        emit(args, service.find(actor, open_only=not args.all), lambda items: "\n".join(map(_line, items)) or "(none)")
        return
    case_id = engine.cases.resolve_id(args.case)
    if command == "contact":
        urgent = service.record_first_contact(case_id, ContactMethod(args.method), args.note or "", actor,
                                              _moment(args.at) if args.at else None)
    elif command == "task-force":
        members = tuple(_queue(m) for m in args.member)
        urgent = service.form_task_force(case_id, NewTaskForce(members, _queue(args.lead), args.lead_person or ""),
                                         actor)
    elif command == "progress":
        urgent = service.record_progress(case_id, args.text, actor, _queue(args.queue) if args.queue else None)
    else:
        urgent = service.get(case_id, actor)
    emit(args, urgent, _details)


def _queue(text: str) -> Membership:
    """`UNIT:DEPARTMENT` (the service names an unknown unit or department)."""
    unit, _, department = text.strip().partition(":")
    return Membership(unit, department)


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InputError("bad_moment", option="--at", value=text) from None
    if moment.tzinfo is None:
        raise InputError("bad_moment", option="--at", value=text)
    return moment


def _line(u: UrgentCase) -> str:
    kind = "group" if u.group else "urgent"
    contact = f"contacted {u.first_contact.at:%Y-%m-%d %H:%M}" if u.first_contact else \
        f"first contact due {u.first_contact_due_at:%Y-%m-%d %H:%M}"
    force = f"lead {u.lead}" if u.lead else f"task force due {u.task_force_due_at:%Y-%m-%d %H:%M}"
    return f"{u.case_number}  {u.unit}  {kind}  {contact}  {force}  progress {len(u.progress)}"


def _details(u: UrgentCase) -> str:
    lines = [_line(u), f"managing queue {u.manager}"]
    if u.members:
        lines.append("task force " + ", ".join(str(m) for m in u.members) + (f"  lead person {u.lead_person}"
                                                                              if u.lead_person else ""))
    lines += [f"{p.recorded_at:%Y-%m-%d %H:%M}  {p.unit}:{p.department}  {p.recorded_by}  {p.text}" for p in u.progress]
    return "\n".join(lines)


def add_commands(sub: Any) -> None:
    """The `urgent` command."""
    urgent = sub.add_parser("urgent", help="urgent and group complaints (紧急、群体性投诉)")
    u_sub = urgent.add_subparsers(dest="urgent_command", required=True)
    u_sub.add_parser("list", help="the urgent cases the user follows").add_argument(
        "--all", action="store_true", help="closed cases too")
    u_sub.add_parser("show", help="a case's urgent handling").add_argument("case")
    p = u_sub.add_parser("contact", help="record the first contact with the customer")
    p.add_argument("case")
    p.add_argument("--method", required=True, choices=[m.value for m in ContactMethod])
    p.add_argument("--note")
    p.add_argument("--at", help="when (ISO 8601 with offset; default: now)")
    p = u_sub.add_parser("task-force", help="form or change the task force (专项小组)")
    p.add_argument("case")
    p.add_argument("--member", action="append", required=True, metavar="UNIT:DEPARTMENT",
                   help="a member department (repeat; the lead among them)")
    p.add_argument("--lead", required=True, metavar="UNIT:DEPARTMENT")
    p.add_argument("--lead-person", help="a user of the lead department")
    p = u_sub.add_parser("progress", help="report today's progress")
    p.add_argument("case")
    p.add_argument("--text", required=True)
    p.add_argument("--queue", metavar="UNIT:DEPARTMENT", help="for which of the user's departments in the task force")
    for p in u_sub.choices.values():
        p.add_argument("--user", required=True)
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=cmd_urgent)
