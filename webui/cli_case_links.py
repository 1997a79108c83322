"""`complaintflow repeats|merge|review`: repeat complaints and review (核查) from a shell."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from engine.bootstrap import Engine
from engine.domain.model import Actor
from engine.domain.repeats import SameCustomerCase

AddCommand = Callable[..., argparse.ArgumentParser]


def same_customer_lines(cases: list[SameCustomerCase]) -> list[str]:
    """One line per case of the same customer: number, status, unit, receipt, regulatory due, what matched."""
    lines = []
    for c in cases:
        matched = "+".join(name for name, same in (("phone", c.same_phone), ("id_number", c.same_id_number)) if same)
        due = f"{c.regulatory_due_at:%Y-%m-%d}" if c.regulatory_due_at else "-"
        lines.append(f"  {c.number}  {c.status.value}  {c.unit}  received {c.received_at:%Y-%m-%d %H:%M}  "
                     f"regulatory due {due}  same {matched}")
    return lines


def add_commands(add: AddCommand, actor_of: Callable[[Engine, argparse.Namespace], Actor],
                 emit: Callable[..., None]) -> None:
    """Register the commands on the main parser (`add` as in webui.cli.build_parser)."""

    def repeats(engine: Engine, args: argparse.Namespace) -> None:
        found = engine.repeats.same_customer(args.number, actor_of(engine, args))
        emit(args, found, lambda cs: "\n".join([f"{len(cs)} other case(s) of the same customer:",
                                                *same_customer_lines(cs)]))

    def merge(engine: Engine, args: argparse.Namespace) -> None:
        merged = engine.repeats.merge(args.number, args.into, actor_of(engine, args))
        emit(args, merged, lambda c: f"{c.number} merged into {args.into}")

    def review(engine: Engine, args: argparse.Namespace) -> None:
        opened = engine.reviews.request(args.number, args.reason, actor_of(engine, args))
        emit(args, opened, lambda c: f"review case {c.number} opened at {c.unit}; due "
                                     f"{c.regulatory_due_at:%Y-%m-%d %H:%M}")

    p = add("repeats", repeats, "list the open and recent cases of a case's complainant (same phone or ID number)")
    p.add_argument("number")
    p.add_argument("--user", help="list as this user (what they may see); default: the operator")
    p = add("merge", merge, "merge a repeat complaint into an earlier open case of the same customer")
    p.add_argument("number", help="the repeat")
    p.add_argument("--into", required=True, metavar="NUMBER", help="the first case")
    p.add_argument("--user", help="act as this user; default: the operator")


    p = add("review", review, "the customer asks for review (核查) of a closed case: a review case at the "
                              "parent unit of the unit that decided")
    p.add_argument("number")
    p.add_argument("--reason", required=True, help="why the customer does not accept the decision")
    p.add_argument("--user", help="act as this user; default: the operator")
