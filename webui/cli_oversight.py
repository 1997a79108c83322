"""`complaintflow rectification …` and `complaintflow regulator …`: rectification notices and the regulator's
statistics from a shell (as a named user, or the operator for exports)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from engine.bootstrap import Engine
from engine.domain.model import Membership
from engine.domain.rectification import DEFAULT_WORKDAYS, NewRectification, Rectification, RectificationStatus
from engine.domain.regulator_codes import RegulatorCodes, RegulatorCodesInvalid


def cmd_rectification(engine: Engine, args: argparse.Namespace) -> None:
    """Issue, list, show, submit and check rectification notices as `--user`."""
    from webui.cli import emit, user_actor

    actor = user_actor(engine, args.user)
    service = engine.rectifications
    command = args.rectification_command
    if command == "list":
        status = RectificationStatus(args.status) if args.status else None
        found = service.find(actor, status, args.overdue)
        emit(args, found, lambda items: "\n".join(_line(n) for n in items) or "(none)")
        return
    if command == "issue":
        issuer = Membership(*args.issuer.split(":", 1)) if args.issuer and ":" in args.issuer else None
        notice = service.issue(NewRectification(
            case_id=engine.cases.resolve_id(args.case), unit=args.unit, department=args.department,
            requirement=args.requirement, workdays=args.workdays, number=args.number or "",
            issuer_unit=issuer.unit if issuer else "", issuer_department=issuer.department if issuer else ""), actor)
    elif command == "submit":
        notice = service.submit(args.id, args.measures, args.evidence, actor)
    elif command == "check":
        notice = service.check(args.id, args.accept, args.note or "", actor)
    else:
        notice = service.get(args.id, actor)
    emit(args, notice, _line)


def _line(n: Rectification) -> str:
    return (f"{n.id}  {n.number}  {n.case_number}  {n.unit}:{n.department}  {n.status.value}  "
            f"due {n.due_at:%Y-%m-%d %H:%M}  chased {n.chases}{'  [督办 supervised]' if n.supervised_at else ''}")


def cmd_regulator(engine: Engine, args: argparse.Namespace) -> None:
    """Check a code list file, or export the regulator's table of a quarter (CSV or XLSX)."""
    from webui.cli import emit, operator

    if args.regulator_command == "check-codes":
        _check_codes(engine, Path(args.file))
        emit(args, {"file": args.file, "status": "ok"}, lambda d: f"{d['file']}: ok")
        return
    table = engine.regulator.quarter(args.year, args.quarter, args.unit, operator())
    body = _export(engine, table, args.format)
    Path(args.output).write_bytes(body)
    emit(args, {"output": args.output, "rows": len(table.rows)}, lambda d: f"{d['rows']} row(s) written to "
                                                                           f"{d['output']}")


def _check_codes(engine: Engine, path: Path) -> None:
    try:
        RegulatorCodes.from_toml(path, engine.ctx.codes.lists)
    except RegulatorCodesInvalid as err:
        raise SystemExit(print_regulator_code_problems(err)) from None
    except OSError as err:
        raise SystemExit(f"error: {path}: {err.strerror}") from None


def print_regulator_code_problems(err: RegulatorCodesInvalid) -> int:
    """Each problem of a code list on stderr (`file:line: field: message`, the shell's language); exit status 1."""
    from webui.organisation_text import shell_gettext
    from webui.oversight_text import regulator_problem_line

    gettext = shell_gettext()
    for problem in err.problems:
        print(regulator_problem_line(problem, gettext), file=sys.stderr)
    return 1


def _export(engine: Engine, table: Any, fmt: str) -> bytes:
    """The table rendered by the web UI's builders, in the shell's language."""
    from flask import session

    from webui import create_app
    from webui.organisation_text import shell_gettext
    from webui.reports.export import csv_text, xlsx_bytes
    from webui.reports.regulator import regulator_csv_table, regulator_tables, scope_lines

    app = create_app(engine=engine)
    with app.test_request_context():
        session["lang"] = "en" if shell_gettext()("监管统计") != "监管统计" else "zh"
        if fmt == "csv":
            return csv_text(regulator_csv_table(table)).encode("utf-8")
        return xlsx_bytes(regulator_tables(table), scope_lines(table))


def add_commands(sub: Any) -> None:
    """The `rectification` and `regulator` commands."""
    rect = sub.add_parser("rectification", help="rectification notices (整改通知单)")
    r_sub = rect.add_subparsers(dest="rectification_command", required=True)
    p = r_sub.add_parser("issue", help="issue a notice from a case")
    p.add_argument("case", help="the complaint number (or case id)")
    p.add_argument("--unit", required=True, help="the responsible unit")
    p.add_argument("--department", required=True, help="the responsible department")
    p.add_argument("--requirement", required=True, help="what is to be put right")
    p.add_argument("--workdays", type=int, default=DEFAULT_WORKDAYS, help="due after this many working days")
    p.add_argument("--number", help="the notice's own number (default: ZG-<id>)")
    p.add_argument("--issuer", metavar="UNIT:DEPARTMENT", help="the issuing queue (default: the user's only one)")
    p = r_sub.add_parser("list", help="the notices the user may see")
    p.add_argument("--status", choices=[s.value for s in RectificationStatus])
    p.add_argument("--overdue", action="store_true")
    r_sub.add_parser("show", help="one notice").add_argument("id", type=int)
    p = r_sub.add_parser("submit", help="record the measures and evidence")
    p.add_argument("id", type=int)
    p.add_argument("--measures", required=True)
    p.add_argument("--evidence", required=True)
    p = r_sub.add_parser("check", help="the issuer's check: --accept, or return with --note")
    p.add_argument("id", type=int)
    p.add_argument("--accept", action="store_true")
    p.add_argument("--note")
    for p in r_sub.choices.values():
        p.add_argument("--user", required=True)
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=cmd_rectification)
    reg = sub.add_parser("regulator", help="regulator statistics (JR/T 0169-2018)")
    g_sub = reg.add_subparsers(dest="regulator_command", required=True)
    p = g_sub.add_parser("export", help="the statistics table of a quarter, by code, rolled up by unit")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--quarter", type=int, required=True, choices=(1, 2, 3, 4))
    p.add_argument("--unit", help="one unit's subtree (default: the whole bank)")
    p.add_argument("--format", choices=("csv", "xlsx"), default="xlsx")
    p.add_argument("--output", required=True, help="the file to write")
    g_sub.add_parser("check-codes", help="check a code list file (problems by file, line and field)"
                     ).add_argument("file")
    for p in g_sub.choices.values():
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=cmd_regulator)
