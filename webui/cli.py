"""The `complaintflow` command: database, deploy, demo data, serve, worker, and case work from a shell."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn

from engine.bootstrap import Engine, build
from engine.config import DEFAULT_TIMEZONE, Settings, new_data_key
from engine.domain.calendar import parse_moment
from engine.domain.clock import FixedClock, in_zone
from engine.domain.errors import DeployRejected, EngineError, ValidationFailed
from engine.domain.filters import TaskFilter
from engine.domain.model import Actor, Role
from engine.domain.organisation import OrganisationInvalid, OrganisationTree
from engine.domain.regulator_codes import RegulatorCodesInvalid
from engine.services.deploy import read_diagram_dir
from webui.cli_case_links import add_commands as add_case_link_commands
from webui.cli_case_links import same_customer_lines
from webui.cli_knowledge import add_parsers, alerts_command, knowledge_command
from webui.cli_oversight import add_commands as add_oversight_commands
from webui.cli_oversight import print_regulator_code_problems
from webui.cli_search import add_commands as add_search_commands
from webui.cli_text import InputError, engine_error_text, moment_text
from webui.cli_urgent import add_commands as add_urgent_commands
from webui.clock_cli import add_clock_parser
from webui.organisation_text import shell_gettext, shell_language

Handler = Callable[[Engine, argparse.Namespace], Any]


ZONE = DEFAULT_TIMEZONE  # the bank's time zone, set by main() from the settings


def _json_default(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, datetime):
        return in_zone(value, ZONE).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    return str(value)


def emit(args: argparse.Namespace, data: Any, text: Callable[[Any], str] | None = None) -> None:
    """Print `data` as JSON with --json, else as text."""
    if getattr(args, "json", False) or text is None:
        print(json.dumps(data, default=_json_default, ensure_ascii=False, indent=2))
    else:
        print(text(data))


def operator() -> Actor:
    """The person at the shell: an admin and process owner, audited under their OS user name."""
    return Actor(f"cli:{getpass.getuser()}", frozenset(), frozenset({Role.ADMIN, Role.PROCESS_OWNER}))


def user_actor(engine: Engine, username: str) -> Actor:
    """The actor of an existing active user (an InputError when there is none)."""
    actor = engine.users.actor(username)
    if actor is None:
        raise InputError("no_user", user=username)
    return actor


def read_text(source: str) -> str:
    """A file's text, or stdin for '-'; a missing or unreadable file is an InputError."""
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no_file", file=source) from None
    except UnicodeDecodeError:
        raise InputError("not_utf8", file=source) from None
    except OSError as err:
        raise InputError("unreadable", file=source, reason=err.strerror or err) from None


def parse_json_object(text: str, what: str) -> dict[str, Any]:
    """A JSON object from `text` (named `what` in the message when it is not one)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError("bad_json", what=what, line=err.lineno, column=err.colno, reason=err.msg) from None
    if not isinstance(data, dict):
        raise InputError("not_an_object", what=what)
    return data


def read_data(source: str) -> dict[str, Any]:
    """A JSON object from a file or '-' (stdin)."""
    return parse_json_object(read_text(source), "stdin" if source == "-" else source)


def moment(value: str, option: str) -> datetime:
    """A date or time the person typed (naive = China time); an InputError naming `option` when it is none."""
    try:
        return parse_moment(value)
    except ValueError:
        raise InputError("bad_moment", option=option, value=value) from None


# -- commands ------------------------------------------------------------------
def cmd_init_db(engine: Engine, args: argparse.Namespace) -> None:
    engine.init_db()
    emit(args, {"database": engine.ctx.settings.database_url, "status": "ready"},
         lambda d: f"database ready: {d['database']}")


def cmd_deploy(engine: Engine, args: argparse.Namespace) -> None:
    files = read_diagram_dir(Path(args.directory))
    engine.organisation.check(Path(args.directory))
    engine.init_db()  # a fresh database gets its schema first (a no-op when it is up to date)
    result = engine.deploy.deploy(files, operator())
    emit(args, result, lambda r: "\n".join(
        [f"deployed {d.process_key} version {d.version} ({', '.join(d.files)})" for d in r.deployed]
        + [f"unchanged {k}" for k in r.unchanged]))


def cmd_demo(engine: Engine, args: argparse.Namespace) -> None:
    from engine.services.demo import DEMO_PASSWORD, seed_demo

    counts = seed_demo(engine, operator())
    emit(args, counts | {"password": DEMO_PASSWORD},
         lambda c: f"demo: {c['users']} user(s), {c['cases']} complaint(s); password {c['password']}")


def cmd_quickstart(engine: Engine, args: argparse.Namespace) -> None:
    engine.init_db()
    cmd_deploy(engine, argparse.Namespace(directory=str(engine.ctx.settings.processes_dir), json=False))
    if not any(u.username == "admin" for u in engine.users.list(operator())):
        cmd_demo(engine, argparse.Namespace(json=False))
    tree = engine.organisation.tree
    print(f"organisation ({len(tree.units)} units; `complaintflow units`, /units in the web UI):")
    print(_tree_text(tree))
    cmd_serve(engine, args)


def cmd_serve(engine: Engine, args: argparse.Namespace) -> None:
    import os

    from engine.scheduler import start_background
    from webui import create_app

    app = create_app(engine=engine)
    if not args.no_worker and os.environ.get("WERKZEUG_RUN_MAIN") in (None, "true"):
        start_background(engine)
    print(f"complaintflow on http://{args.host}:{args.port}/  (timer worker in-process)", flush=True)
    app.run(host=args.host, port=args.port, debug=False, use_reloader=False, threaded=True)


def cmd_worker(engine: Engine, args: argparse.Namespace) -> None:
    from engine.scheduler import run_forever, sweep_once

    if args.once:
        emit(args, sweep_once(engine), lambda r: f"fired {r['fired_cases']} case(s), "
             f"{len(r['failed'])} failed, {r['emails_sent']} email(s)")
        return
    run_forever(engine)


def cmd_open_case(engine: Engine, args: argparse.Namespace) -> None:
    actor = user_actor(engine, args.user) if args.user else operator()
    case = engine.cases.open_case(args.process_key, read_data(args.data), actor, args.unit)
    same = engine.repeats.same_customer(case.id, actor)
    emit(args, case, lambda c: "\n".join([f"{c.number} opened (case {c.id})", *(
        [f"the same customer has {len(same)} other open or recent case(s); a repeat may be merged "
         f"(complaintflow merge {c.number} --into NUMBER):", *same_customer_lines(same)] if same else [])]))


def acting(engine: Engine, args: argparse.Namespace) -> Actor:
    """The --user given, else the operator."""
    return user_actor(engine, args.user) if getattr(args, "user", None) else operator()


def cmd_tasks(engine: Engine, args: argparse.Namespace) -> None:
    actor = user_actor(engine, args.user) if args.user else operator()
    if args.user and not args.department:
        tasks = engine.tasks.inbox(actor) + engine.tasks.queue(actor)
    else:
        depts = frozenset({args.department}) if args.department else None
        tasks = engine.tasks.search(operator() if not args.user else actor, _filter(depts))
    emit(args, tasks, lambda ts: "\n".join(
        f"{t.id}  {t.case_number}  {t.title}  [{t.department}]  {t.status.value}"
        f"{' ' + t.assignee if t.assignee else ''}" + (f"  due {moment_text(t.due_at, ZONE)}" if t.due_at else "")
        for t in ts) or "no tasks")


def _filter(depts: frozenset[str] | None) -> TaskFilter:
    return TaskFilter(departments=depts)


def cmd_claim(engine: Engine, args: argparse.Namespace) -> None:
    task = engine.tasks.claim(args.task, user_actor(engine, args.user))
    emit(args, task, lambda t: f"claimed {t.title} ({t.case_number}) for {t.assignee}")


def cmd_complete(engine: Engine, args: argparse.Namespace) -> None:
    task = engine.tasks.complete(args.task, read_data(args.data), user_actor(engine, args.user))
    emit(args, task, lambda t: f"completed {t.title} ({t.case_number})")


def cmd_case(engine: Engine, args: argparse.Namespace) -> None:
    detail = engine.cases.detail(args.number, operator())
    emit(args, detail, _case_text)


def _case_text(d: Any) -> str:
    c = d.case
    lines = [f"{c.number}  {c.process_key} v{c.definition_version}  {c.status.value}"
             f"{'  [supervised]' if c.supervised else ''}",
             f"received {moment_text(c.received_at, ZONE)} by {c.received_by}; internal due "
             f"{moment_text(c.internal_due_at, ZONE)}; regulatory due {moment_text(c.regulatory_due_at, ZONE)}",
             "tasks:"]
    lines += [f"  {t.id}  {t.title} [{t.department}] {t.status.value} {t.assignee or ''}" for t in d.tasks]
    lines.append("audit:")
    lines += [f"  {moment_text(e.at, ZONE, '%Y-%m-%d %H:%M:%S')}  {e.actor}  {e.action}" for e in d.timeline]
    return "\n".join(lines)


def cmd_chase(engine: Engine, args: argparse.Namespace) -> None:
    notice = engine.notices.chase(args.task, args.reason, user_actor(engine, args.user))
    emit(args, notice, lambda n: f"chased: notice {n.id} to {n.department}")


def cmd_calendar(engine: Engine, args: argparse.Namespace) -> None:
    start = moment(args.date, "date")
    result = engine.ctx.calendar.add_workdays(start, args.days)
    warning = engine.ctx.calendar.coverage_warning(start, result)
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    emit(args, {"date": result.date().isoformat()}, lambda d: d["date"])


def cmd_user(engine: Engine, args: argparse.Namespace) -> None:
    if args.user_command == "add":
        password = args.password or getpass.getpass("password (at least 12 characters): ")
        info = engine.users.add(args.username, password, args.member, _split(args.roles),
                                operator(), display_name=args.name or "", email=args.email)
        emit(args, info, lambda u: f"user {u.username} added")
    elif args.user_command == "list":
        emit(args, engine.users.list(operator()), lambda us: "\n".join(
            f"{u.username:<14} {'active' if u.active else 'disabled':<9} {','.join(u.roles):<24} "
            f"{' '.join(str(m) for m in u.memberships)}" for u in us))
    elif args.user_command == "members":
        info = engine.users.change_memberships(args.username, args.add, args.remove, operator())
        emit(args, info, lambda u: f"{u.username}: {' '.join(str(m) for m in u.memberships) or '-'}")
    elif args.user_command == "password":
        password = args.password or getpass.getpass("new password (at least 12 characters): ")
        engine.users.set_password(args.username, password, operator())
        emit(args, {"password_changed": args.username},
             lambda d: f"password of {d['password_changed']} changed; their sessions ended")
    else:
        engine.users.disable(args.username, operator())
        emit(args, {"disabled": args.username}, lambda d: f"user {d['disabled']} disabled")


def cmd_units(engine: Engine, args: argparse.Namespace) -> None:
    if getattr(args, "units_command", None) == "import":
        tree = engine.organisation.import_csv(Path(args.csv), Path(args.output) if args.output else None)
        emit(args, {"units": len(tree.units)}, lambda d: f"{d['units']} unit(s) written")
        return
    tree = engine.organisation.tree
    emit(args, tree.as_nested(), lambda _: _tree_text(tree))


def _tree_text(tree: OrganisationTree, code: str | None = None, depth: int = 0) -> str:
    unit = tree.get(code) or tree.root
    lines = [f"{'  ' * depth}{unit.code}  {unit.name}  [{unit.kind}]  {', '.join(unit.departments)}"]
    lines += [_tree_text(tree, child.code, depth + 1) for child in tree.children(unit.code)]
    return "\n".join(lines)


def cmd_apikey(engine: Engine, args: argparse.Namespace) -> None:
    if args.apikey_command == "add":
        created = engine.api_keys.create(args.name, _split(args.scopes), _split(args.departments),
                                         _split(args.roles), operator())
        emit(args, {"key": created.info, "token": created.token}, lambda d: (
            f"API key {d['key'].name} added; its token (shown only now, store it safely):\n{d['token']}"))
    elif args.apikey_command == "list":
        emit(args, engine.api_keys.list(operator()), lambda ks: "\n".join(
            f"{k.name:<20} cf_{k.prefix}_…  {'active' if k.active else 'revoked':<8} {','.join(k.roles):<20} "
            f"{','.join(k.departments) or '-':<30} {','.join(k.scopes)}" for k in ks) or "no API keys")
    else:
        engine.api_keys.revoke(args.name, operator())
        emit(args, {"revoked": args.name}, lambda d: f"API key {d['revoked']} revoked")


def json_object(value: str) -> dict[str, Any]:
    """A JSON object given inline, or read from a file or '-' (stdin)."""
    if value == "-" or not value.lstrip().startswith("{"):
        return read_data(value)
    return parse_json_object(value, "--data")


def cmd_message(engine: Engine, args: argparse.Namespace) -> None:
    actor = user_actor(engine, args.user) if args.user else operator()
    done = engine.messages.send(args.number, args.name, json_object(args.data) if args.data else {}, actor)
    emit(args, {"case": done.case.number, "status": done.case.status, "message": done.message,
                "waiting_before": done.waiting_before, "waiting_after": done.waiting_after},
         lambda d: f"{d['case']}: delivered {d['message']!r}; the case is {d['status']}"
                   + (f", waiting for {', '.join(d['waiting_after'])}" if d["waiting_after"] else ""))


def cmd_clock(engine: Engine, args: argparse.Namespace) -> None:
    from webui.clock_cli import cmd_clock as run_clock

    run_clock(engine, args, emit, user_actor)


def cmd_validate(engine: Engine, args: argparse.Namespace) -> None:
    problems = engine.deploy.validate(read_diagram_dir(Path(args.directory)))
    emit(args, {"problems": problems}, lambda d: "\n".join(str(p) for p in d["problems"]) or "no problems")
    if problems:
        raise SystemExit(1)


def cmd_migrate(engine: Engine, args: argparse.Namespace) -> None:
    from engine.domain.migration import parse_mapping
    from webui.migration_text import report_lines
    from webui.organisation_text import shell_gettext

    try:
        mapping = parse_mapping(args.map)
    except ValueError as err:
        raise InputError("bad_map", detail=err) from None
    service = engine.migration
    run = service.dry_run if args.dry_run else service.migrate
    report = run(args.process_key, args.to, mapping, operator())
    emit(args, {"process": report.process_key, "to_version": report.to_version, "dry_run": report.dry_run,
                "map": report.mapping,
                "cases": [{"number": c.number, "from_version": c.from_version, "can_move": c.can_move,
                           "moved": c.moved, "blockers": c.blockers} for c in report.cases]},
         lambda _: "\n".join(report_lines(report, shell_gettext())))


def cmd_audit(engine: Engine, args: argparse.Namespace) -> None:
    report = engine.audit.verify(operator())
    emit(args, report, lambda r: f"audit trail intact: {r.checked} events" + (
        f"; newest anchor {r.anchor} (keep it outside the database)" if r.anchor else "") if r.intact else
         f"audit trail BROKEN at event {r.broken_at} (after {r.checked} good events): {r.problem}")
    if not report.intact:
        raise SystemExit(1)


def cmd_keys(engine: Engine, args: argparse.Namespace) -> None:
    if args.keys_command == "new":
        emit(args, {"key": new_data_key()}, lambda d: d["key"])
        return
    count = engine.data_keys.rotate(operator())
    emit(args, {"rewritten_cases": count}, lambda d: f"{d['rewritten_cases']} case(s) now under the first data key")


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


# -- parser --------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = Parser(prog="complaintflow", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    def add(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--json", action="store_true", help="print JSON")
        p.set_defaults(handler=handler)
        return p

    add("init-db", cmd_init_db, "create or upgrade the database schema")
    add("deploy", cmd_deploy, "validate and deploy the diagrams of a directory").add_argument("directory")
    add("validate", cmd_validate, "check the diagrams of a directory without deploying (exit 1 on problems)"
        ).add_argument("directory")
    p = add("migrate", cmd_migrate, "move running cases of a process to a newer version")
    p.add_argument("process_key")
    p.add_argument("--to", type=int, required=True, metavar="VERSION", help="the version to move to")
    p.add_argument("--dry-run", action="store_true", help="only list which cases can move and why others cannot")
    p.add_argument("--map", action="append", default=[], metavar="OLD=NEW",
                   help="an element id of the old version and its counterpart in the new one (repeatable)")
    add("demo", cmd_demo, "seed demo users and complaints")
    for name, handler in (("serve", cmd_serve), ("quickstart", cmd_quickstart)):
        p = add(name, handler, "run the web UI with the timer worker" if name == "serve"
                else "init-db, deploy processes/, seed demo data once, then serve")
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=5000)
        p.add_argument("--no-worker", action="store_true", help="do not run the timer sweep in-process")
    p = add("worker", cmd_worker, "run the timer worker")
    p.add_argument("--once", action="store_true", help="run one sweep and exit")
    p.add_argument("--now", help="with --once: sweep as if it were this ISO time")
    p = add("open-case", cmd_open_case, "open a complaint case")
    p.add_argument("process_key")
    p.add_argument("--data", required=True, help="JSON file with the complaint, or - for stdin")
    p.add_argument("--user", help="the first responder (a user name)")
    p.add_argument("--unit", help="the receiving organisation unit (default: the first responder's unit)")
    p = add("tasks", cmd_tasks, "list open tasks")
    p.add_argument("--department")
    p.add_argument("--user")
    p = add("claim", cmd_claim, "claim a task")
    p.add_argument("task")
    p.add_argument("--user", required=True)
    p = add("complete", cmd_complete, "complete a task with form data")
    p.add_argument("task")
    p.add_argument("--user", required=True)
    p.add_argument("--data", required=True, help="JSON file with the form values, or - for stdin")
    add("case", cmd_case, "show a case: data, tasks, audit trail").add_argument("number")
    add_case_link_commands(add, acting, emit)
    add_search_commands(add, acting, emit)
    p = add("chase", cmd_chase, "chase an open task by hand")
    p.add_argument("task")
    p.add_argument("--user", required=True)
    p.add_argument("--reason", required=True)
    cal = sub.add_parser("calendar", help="the business calendar")
    cal_sub = cal.add_subparsers(dest="calendar_command", required=True)
    p = cal_sub.add_parser("add-workdays", help="add N Chinese working days to a date")
    p.add_argument("date")
    p.add_argument("days", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_calendar)
    users = sub.add_parser("user", help="manage users")
    u_sub = users.add_subparsers(dest="user_command", required=True)
    p = u_sub.add_parser("add")
    p.add_argument("username")
    p.add_argument("--password", help="prompted for when omitted")
    p.add_argument("--member", action="append", default=[], metavar="UNIT:DEPARTMENT",
                   help="a department of an organisation unit (repeatable), e.g. SH01:branch_manager")
    p.add_argument("--roles", default="staff")
    p.add_argument("--name")
    p.add_argument("--email")
    p = u_sub.add_parser("list")
    p = u_sub.add_parser("members", help="add or remove memberships of an existing user")
    p.add_argument("username")
    p.add_argument("--add", action="append", default=[], metavar="UNIT:DEPARTMENT",
                   help="a membership to add (repeatable), e.g. SH02:branch_manager")
    p.add_argument("--remove", action="append", default=[], metavar="UNIT:DEPARTMENT",
                   help="a membership to remove (repeatable)")
    p = u_sub.add_parser("password", help="set a new password (the user's open sessions end)")
    p.add_argument("username")
    p.add_argument("--password", help="prompted for when omitted")
    p = u_sub.add_parser("disable")
    p.add_argument("username")
    for p in u_sub.choices.values():
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=cmd_user)
    keys = sub.add_parser("apikey", help="API keys of calling systems")
    k_sub = keys.add_subparsers(dest="apikey_command", required=True)
    p = k_sub.add_parser("add", help="create a key; its token is printed once")
    p.add_argument("name")
    p.add_argument("--scopes", default="all", help="comma-separated scopes, or all")
    p.add_argument("--departments", default="", help="the departments the key acts for")
    p.add_argument("--roles", default="staff")
    k_sub.add_parser("list")
    k_sub.add_parser("revoke").add_argument("name")
    for p in k_sub.choices.values():
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=cmd_apikey)
    units = add("units", cmd_units, "print the organisation tree (processes/organisations.toml)")
    un_sub = units.add_subparsers(dest="units_command")
    p = un_sub.add_parser("import", help="replace the units of organisations.toml by a CSV list "
                          "(code,name,name_en,parent,kind[,departments])")
    p.add_argument("csv")
    p.add_argument("--output", help="the TOML file to write (default: processes/organisations.toml)")
    p.add_argument("--json", action="store_true")
    keys = sub.add_parser("keys", help="the keys protecting personal data at rest")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    for name, text in (("new", "print a new data key (for COMPLAINTFLOW_DATA_KEY)"),
                       ("rotate", "re-encrypt every case under the first data key, recompute matching keys")):
        p = keys_sub.add_parser(name, help=text)
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=cmd_keys)
    messages = sub.add_parser("message", help="messages to running cases")
    m_sub = messages.add_subparsers(dest="message_command", required=True)
    p = m_sub.add_parser("send", help="deliver a named message to the case's events waiting for it")
    p.add_argument("number", help="the complaint number (or case id)")
    p.add_argument("name", help="the message's name, as in the diagram (e.g. 'customer supplied documents')")
    p.add_argument("--data", help="a JSON object of variables the case receives (inline, a file, or - for stdin)")
    p.add_argument("--user", help="deliver as this user (default: the operator at the shell)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_message)
    add_clock_parser(sub, cmd_clock)
    audit = sub.add_parser("audit", help="the audit trail")
    a_sub = audit.add_subparsers(dest="audit_command", required=True)
    p = a_sub.add_parser("verify", help="check the hash chain; report the first broken link (exit 1)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_audit)
    add_parsers(sub, knowledge_command(emit, user_actor, read_data), alerts_command(emit, user_actor))
    add_oversight_commands(sub)
    add_urgent_commands(sub)
    return parser


class Parser(argparse.ArgumentParser):
    """argparse saying a wrong command line in one `error:` line (exit 1), like every other mistake."""

    def error(self, message: str) -> NoReturn:
        self.exit(1, f"error: {_unechoed(message)} (see {self.prog} --help)\n")


def _unechoed(message: str) -> str:
    """argparse's message without the values of arguments it did not know (a mistyped `--phone` may carry one):
    their options only."""
    prefix = "unrecognized arguments:"
    if not message.startswith(prefix):
        return message
    words = message[len(prefix):].split()
    return " ".join([prefix, *(w.split("=")[0] if w.startswith("-") else "***" for w in words)])


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script: every mistake is one `error:` line and exit 1, never a traceback."""
    global ZONE
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    gettext = shell_gettext()
    try:
        now = getattr(args, "now", None)
        clock = FixedClock(moment(now, "--now")) if now else None
        settings = Settings.from_env()
        ZONE = settings.timezone
        engine = build(settings, clock=clock)
    except InputError as err:
        return _error(err.text(gettext))
    except ValueError as err:  # a setting of the environment (COMPLAINTFLOW_*) that cannot be read
        return _error(InputError("bad_setting", detail=err).text(gettext))
    except OrganisationInvalid as err:
        return _print_organisation_problems(err)
    except RegulatorCodesInvalid as err:
        return print_regulator_code_problems(err)
    except EngineError as err:  # a file of processes/ that cannot be used (ConfigurationError)
        return _error(engine_error_text(err, gettext, shell_language()))
    try:
        return _run(engine, args, gettext)
    finally:
        engine.dispose()


def _run(engine: Engine, args: argparse.Namespace, gettext: Callable[..., str]) -> int:
    try:
        args.handler(engine, args)
    except InputError as err:
        return _error(err.text(gettext))
    except OSError as err:  # a directory or file named on the command line
        return _error(InputError("unreadable", file=err.filename or "", reason=err.strerror or err).text(gettext))
    except OrganisationInvalid as err:
        return _print_organisation_problems(err)
    except RegulatorCodesInvalid as err:
        return print_regulator_code_problems(err)
    except DeployRejected as err:
        from webui.organisation_text import deploy_problem_line

        for problem in err.problems:
            print(deploy_problem_line(problem, gettext), file=sys.stderr)
        print(f"deploy rejected: {len(err.problems)} problem(s); nothing was stored", file=sys.stderr)
        return 1
    except ValidationFailed as err:
        return _print_validation_failed(err)
    except EngineError as err:
        return _error(engine_error_text(err, gettext, shell_language()))
    return 0


def _error(text: str) -> int:
    print(f"error: {text}", file=sys.stderr)
    return 1


def _print_validation_failed(err: ValidationFailed) -> int:
    from webui.knowledge_text import coded_text
    from webui.messages import problem_texts

    gettext = shell_gettext()

    for field, messages in sorted(problem_texts(err, gettext, lambda c, p: coded_text(c, dict(p), gettext)).items()):
        print(f"{field}: {'; '.join(messages)}", file=sys.stderr)
    return 1


def _print_organisation_problems(err: OrganisationInvalid) -> int:
    from webui.organisation_text import problem_text

    gettext = shell_gettext()
    for problem in err.problems:
        print(problem_text(problem, gettext), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
