"""/api/v1/reports: the head-office report as JSON (supervisors, auditors, admins; scope reports:read)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.schemas.complaint import EARLIEST_RECEIPT, LATEST_RECEIPT
from engine.services.reports import MAX_RANGE_DAYS, plain
from webui.api.auth import api_actor, requires
from webui.api.spec import problems
from webui.context import engine

bp = Blueprint("api_reports", __name__, url_prefix="/api/v1/reports", description="Head-office reports")


RANGE_RULE = (f"The range spans at most {MAX_RANGE_DAYS} days, start and end included (end - start < "
              f"{MAX_RANGE_DAYS} days), with dates from {EARLIEST_RECEIPT.date()} to "
              f"{LATEST_RECEIPT.date() - timedelta(days=1)}; otherwise 422 naming the field.")


class ReportQuerySchema(Schema):
    """The report's range (China dates, inclusive) and organisation scope; defaults: the last 12 months."""

    start = fields.Date(load_default=None, metadata={"description": "first day (China time). " + RANGE_RULE})
    end = fields.Date(load_default=None, metadata={"description": "last day, included. " + RANGE_RULE})
    organisation = fields.String(load_default=None)
    unit = fields.String(load_default=None, metadata={
        "description": "an organisation unit's code: only the cases of its subtree (within the units the caller "
                       "may see; 422 naming `unit` when unknown or outside them)"})


class ReportSchema(Schema):
    """Every section of the reports page; the numbers of each table and chart."""

    request = fields.Dict()
    generated_at = fields.String()
    volume = fields.Dict()
    timeliness = fields.Dict()
    quality = fields.Dict()
    satisfaction = fields.Dict()
    control = fields.List(fields.Dict())
    root_causes = fields.Dict()
    money = fields.Dict()
    clock_actions = fields.Dict(allow_none=True, metadata={
        "description": "regulatory clock actions: extensions to 30 and to 60 days, paused cases, pauses, paused days"})
    rectifications = fields.List(fields.Dict(), metadata={
        "description": "rectification notices issued in the range, per responsible unit rolled up the tree: "
                       "issued, closed, closed on time, open past due"})
    customer_notices = fields.List(fields.Dict(), metadata={
        "description": "per notice kind: queued, delivered, and delivered on time (ratio over queued)"})


@bp.get("")
@requires("reports:read")
@bp.arguments(ReportQuerySchema, location="query")
@bp.response(200, ReportSchema)
@problems(bp, 403, 422)
def get_report(query: dict[str, Any]) -> dict[str, Any]:
    """The report over a date range and an organisation scope, as the reports page shows it."""
    reports = engine().reports
    raw = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in query.items() if v is not None}
    return reports.report(reports.parse_request(raw), api_actor()).to_dict()


class RegulatorQuerySchema(Schema):
    """A quarter (China dates) and optionally one unit's subtree."""

    year = fields.Integer(required=True, validate=validate.Range(2000, 2099))
    quarter = fields.Integer(required=True, validate=validate.Range(1, 4))
    unit = fields.String(load_default=None, metadata={
        "description": "an organisation unit's code: its subtree only (422 naming `unit` outside the caller's units)"})


class RegulatorRowSchema(Schema):
    """One line: a unit (depth in the tree) and a regulator code of a dimension, with its figures."""

    unit = fields.String()
    depth = fields.Integer()
    dimension = fields.String(metadata={"description": "channel, category or cause"})
    code = fields.String(metadata={"description": "the JR/T 0169-2018 code; empty: not yet classified"})
    level = fields.Integer()
    name = fields.String()
    cases = fields.Integer()
    replied = fields.Integer()
    on_time = fields.Integer(metadata={"description": "replied within the regulatory limit"})
    on_time_rate = fields.Dict(metadata={"description": "on_time / replied (numerator, denominator, rate)"})
    amount = fields.String(metadata={"description": "amount in dispute, yuan"})
    compensation = fields.String(metadata={"description": "compensation paid, yuan"})


class RegulatorTableSchema(Schema):
    """The regulator's statistics table of a quarter."""

    standard = fields.String()
    year = fields.Integer()
    quarter = fields.Integer()
    start = fields.String()
    end = fields.String()
    unit = fields.String(allow_none=True)
    generated_at = fields.String()
    rows = fields.List(fields.Nested(RegulatorRowSchema))


@bp.get("/regulator")
@requires("reports:read")
@bp.arguments(RegulatorQuerySchema, location="query")
@bp.response(200, RegulatorTableSchema)
@problems(bp, 403, 422)
def get_regulator_table(query: dict[str, Any]) -> dict[str, Any]:
    """The regulator's statistics (JR/T 0169-2018) of a quarter by code, rolled up by unit, as exported."""
    table = engine().regulator.quarter(query["year"], query["quarter"], query["unit"], api_actor())
    return plain(table)
