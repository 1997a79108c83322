"""`complaintflow search`: find complaints from a shell with the filters of the search page and
`POST /api/v1/cases/search`, as a user (what they may open) or the operator.

Phone, ID number and name are options whose values are never printed back: results show masked names and phones
like the page, and a mistake names the option, not its value."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import Any

from engine.bootstrap import Engine
from engine.domain.masking import mask_complaint
from engine.domain.model import Actor, CaseStatus, CaseSummary
from engine.domain.paging import MAX_PAGE, PAGE_SIZES, Page, PageRequest
from engine.domain.search import CASE_SORTING, CaseQuery
from webui.cli_text import InputError, moment_text

AddCommand = Callable[..., argparse.ArgumentParser]


def _day(value: str | None, option: str) -> date | None:
    """A China day typed as YYYY-MM-DD (an InputError naming the option otherwise)."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError("bad_day", option=option, value=value) from None


def _number(value: int, option: str, most: int) -> int:
    if not 1 <= value <= most:
        raise InputError("out_of_range", option=option, most=most)
    return value


def query_of(args: argparse.Namespace) -> CaseQuery:
    """The search the options ask for (as the search page and the API build it)."""
    return CaseQuery(
        number=args.number or "", phone=args.phone or "", id_number=args.id_number or "", name=args.name or "",
        received_from=_day(args.received_from, "--from"), received_to=_day(args.received_to, "--to"),
        status=args.status or "", unit=args.unit or "", department=args.department or "",
        grade=args.grade or "", process_key=args.process or "")


def page_of(args: argparse.Namespace) -> PageRequest:
    """The page and order asked for (newest first by default)."""
    sort, descending = CASE_SORTING.pick(args.sort, args.order)
    return PageRequest(page=_number(args.page, "--page", MAX_PAGE),
                       size=_number(args.page_size, "--page-size", max(PAGE_SIZES)), sort=sort, descending=descending)


def _row(case: CaseSummary) -> dict[str, Any]:
    """What a result shows (the search page's columns; personal data masked)."""
    masked = mask_complaint(case.complaint)
    return {"number": case.number, "status": case.status.value, "unit": case.unit, "grade": case.grade,
            "process": case.process_key, "received_at": case.received_at, "internal_due_at": case.internal_due_at,
            "regulatory_due_at": case.regulatory_due_at, "complainant": masked.get("complainant_name") or "",
            "phone": masked.get("contact_phone") or ""}


def _text(found: dict[str, Any], zone: str) -> str:
    more = "+" if found["total_capped"] else ""
    lines = [f"{found['total']}{more} case(s); page {found['page']} ({found['page_size']} a page)"]
    lines += [f"  {r['number']}  {r['status']}  {r['unit']}  {r['grade'] or '-'}  received "
              f"{moment_text(r['received_at'], zone)}  regulatory due {moment_text(r['regulatory_due_at'], zone)}  "
              f"{r['complainant'] or '-'} {r['phone']}".rstrip() for r in found["items"]]
    return "\n".join(lines)


def search(engine: Engine, actor: Actor, args: argparse.Namespace) -> dict[str, Any]:
    """One page of the cases found, as the API answers it (items masked)."""
    request = page_of(args)
    found: Page[CaseSummary] = engine.search.cases(actor, query_of(args), request)
    return {"items": [_row(c) for c in found.items], "page": request.page, "page_size": request.size,
            "total": found.total, "total_capped": found.capped, "has_more": found.has_next}


def add_commands(add: AddCommand, actor_of: Callable[[Engine, argparse.Namespace], Actor],
                 emit: Callable[..., None]) -> None:
    """Register `search` on the main parser (`add` as in webui.cli.build_parser)."""

    def run(engine: Engine, args: argparse.Namespace) -> None:
        found = search(engine, actor_of(engine, args), args)
        emit(args, found, lambda f: _text(f, engine.ctx.settings.timezone))

    p = add("search", run, "find complaints (the search page's filters; personal values matched by keyed hash, "
                           "never printed)")
    p.add_argument("--number", help="the complaint number (exact)")
    p.add_argument("--phone", help="the complainant's phone (digits compared)")
    p.add_argument("--id-number", dest="id_number", help="the complainant's ID number")
    p.add_argument("--name", help="the complainant's full name (exact, spaces and width ignored)")
    p.add_argument("--from", dest="received_from", metavar="YYYY-MM-DD", help="first day of receipt (China), included")
    p.add_argument("--to", dest="received_to", metavar="YYYY-MM-DD", help="last day of receipt (China), included")
    p.add_argument("--status", choices=[s.value for s in CaseStatus])
    p.add_argument("--unit", help="the receiving unit's code")
    p.add_argument("--department", help="a department that had a task of the case")
    p.add_argument("--grade")
    p.add_argument("--process", help="the process key")
    p.add_argument("--page", type=int, default=1)
    p.add_argument("--page-size", dest="page_size", type=int, default=25, help=f"one of {PAGE_SIZES} or less")
    p.add_argument("--sort", choices=CASE_SORTING.keys, default=CASE_SORTING.default)
    p.add_argument("--order", choices=("asc", "desc"), help="default: newest first by receipt, else ascending")
    p.add_argument("--user", help="search as this user (what they may open); default: the operator (everything)")
