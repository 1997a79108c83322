"""`complaintflow knowledge ...` and `complaintflow alerts ...`: the knowledge base and risk alerts from a shell,
acting as an existing user (--user), with the same checks as the web pages and the API."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from engine.bootstrap import Engine
from engine.domain.knowledge import Alert, TypicalCase, TypicalCaseText

Handler = Callable[[Engine, argparse.Namespace], Any]
Emit = Callable[[argparse.Namespace, Any, Callable[[Any], str] | None], None]


def _case_line(t: TypicalCase) -> str:
    when = f"{t.published_at:%Y-%m-%d}" if t.published_at else t.status.value
    return f"{t.id:>5}  {when}  {t.category or '-'}/{t.cause or '-'}  {t.text.title}"


def _alert_text(a: Alert) -> str:
    lines = [f"alert {a.id}: {a.title} (typical case {a.typical_case_id}, {a.issued_by}, {a.issued_at:%Y-%m-%d %H:%M})"]
    for r in a.recipients:
        who = r.unit + (f":{r.department}" if r.department else "")
        lines.append(f"  {who:<28} " + (f"acknowledged by {r.acknowledged_by} {r.acknowledged_at:%Y-%m-%d %H:%M}"
                                        if r.acknowledged_at else "NOT acknowledged"))
    return "\n".join(lines)


def knowledge_command(emit: Emit, user_actor: Callable[[Engine, str], Any],
                      read_data: Callable[[str], dict[str, Any]]) -> Handler:
    """The handler of `complaintflow knowledge SUBCOMMAND`."""

    def run(engine: Engine, args: argparse.Namespace) -> None:
        actor, kb = user_actor(engine, args.user), engine.knowledge
        if args.knowledge_command == "search":
            found = kb.search(" ".join(args.words), actor, args.category, args.cause)
            emit(args, found, lambda ts: "\n".join(_case_line(t) for t in ts) or "no typical cases")
        elif args.knowledge_command == "show":
            emit(args, kb.get(args.id, actor), lambda t: "\n\n".join(
                [_case_line(t), *(f"[{k}]\n{v}" for k, v in t.text.fields().items())]))
        elif args.knowledge_command == "draft":
            data = read_data(args.data) if args.data else kb.propose(args.case, actor).text.fields()
            emit(args, kb.create(args.case, TypicalCaseText.of(data), actor),
                 lambda t: f"typical case {t.id} drafted (version {t.version})")
        elif args.knowledge_command == "publish":
            version = args.version or kb.get(args.id, actor).version
            emit(args, kb.publish(args.id, version, actor), lambda t: f"typical case {t.id} published")

    return run


def alerts_command(emit: Emit, user_actor: Callable[[Engine, str], Any]) -> Handler:
    """The handler of `complaintflow alerts SUBCOMMAND`."""

    def run(engine: Engine, args: argparse.Namespace) -> None:
        actor, alerts = user_actor(engine, args.user), engine.alerts
        if args.alerts_command == "issue":
            to = [w for part in args.to for w in part.split(",") if w.strip()]
            emit(args, alerts.issue(args.typical_case, args.title, args.message, to, actor), _alert_text)
        elif args.alerts_command == "status":
            emit(args, alerts.status(args.id, actor), _alert_text)
        elif args.alerts_command == "list":
            emit(args, alerts.received(actor, pending_only=args.pending), lambda rs: "\n".join(
                f"{r.alert.id:>5}  {'ok ' if r.acknowledged else 'NEW'}  {r.alert.title}" for r in rs) or "no alerts")
        elif args.alerts_command == "ack":
            emit(args, alerts.acknowledge(args.id, actor), lambda r: f"alert {r.alert.id} acknowledged")

    return run


def add_parsers(sub: Any, knowledge: Handler, alerts: Handler) -> None:
    """The `knowledge` and `alerts` command groups."""
    kb = sub.add_parser("knowledge", help="the knowledge base of typical cases (业务知识库)")
    kb_sub = kb.add_subparsers(dest="knowledge_command", required=True)
    p = kb_sub.add_parser("search", help="published typical cases holding every word")
    p.add_argument("words", nargs="*")
    p.add_argument("--category")
    p.add_argument("--cause")
    kb_sub.add_parser("show", help="one typical case").add_argument("id", type=int)
    p = kb_sub.add_parser("draft", help="draft a typical case from a closed complaint (complaint management)")
    p.add_argument("case", help="the complaint number (or case id)")
    p.add_argument("--data", help="JSON file (or -) with title, facts, analysis, resolution, lessons; "
                                  "default: the texts proposed from the case")
    p = kb_sub.add_parser("publish", help="publish a draft")
    p.add_argument("id", type=int)
    p.add_argument("--version", type=int, help="the version seen (default: the current one)")
    al = sub.add_parser("alerts", help="risk alerts (风险提示)")
    al_sub = al.add_subparsers(dest="alerts_command", required=True)
    p = al_sub.add_parser("issue", help="alert units or departments from a published typical case")
    p.add_argument("typical_case", type=int)
    p.add_argument("--title", required=True)
    p.add_argument("--message", required=True)
    p.add_argument("--to", action="append", required=True, metavar="UNIT[:DEPARTMENT]|*",
                   help="addressees, comma-separated or repeated; * is the whole bank")
    al_sub.add_parser("status", help="who has and has not acknowledged").add_argument("id", type=int)
    p = al_sub.add_parser("list", help="alerts to the user's units and departments")
    p.add_argument("--pending", action="store_true", help="only those still to acknowledge")
    al_sub.add_parser("ack", help="acknowledge an alert").add_argument("id", type=int)
    for group, handler in ((kb_sub, knowledge), (al_sub, alerts)):
        for p in group.choices.values():
            p.add_argument("--user", required=True, help="act as this user")
            p.add_argument("--json", action="store_true")
            p.set_defaults(handler=handler)
