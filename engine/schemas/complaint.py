"""The complaint (工单) intake schema, built from the coded lists in processes/codes.toml."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from engine.domain.clock import CHINA_TZ
from engine.domain.codes import CodeLists
from engine.schemas.text import PlainTextSchema

PHONE = r"^(\+?86)?1\d{10}$|^0\d{2,3}-?\d{7,8}$"
RESIDENT_ID = r"^\d{17}[\dXx]$"
# Times the calendar and the databases can handle (year 1 or 9999 would overflow on conversion to UTC).
EARLIEST_RECEIPT = datetime(2000, 1, 1, tzinfo=CHINA_TZ)
LATEST_RECEIPT = datetime(2100, 1, 1, tzinfo=CHINA_TZ)


def _one_of(codes: CodeLists, name: str) -> validate.OneOf:
    choices = list(codes.labels(name))
    return validate.OneOf(choices, error=f"请选择有效的代码 / choose one of: {', '.join(choices)}")


def complaint_schema_class(codes: CodeLists) -> type[Schema]:
    """A schema class whose coded fields accept only the codes configured for this bank."""
    organisations = list(codes.organisations)

    class ComplaintSchema(PlainTextSchema):
        channel = fields.String(required=True, validate=_one_of(codes, "channels"))
        organisation = fields.String(required=True, validate=validate.OneOf(organisations))
        received_at = fields.AwareDateTime(
            load_default=None, default_timezone=CHINA_TZ,
            validate=validate.Range(EARLIEST_RECEIPT, LATEST_RECEIPT, max_inclusive=False,
                                    error="接收时间超出范围 / received_at must be between {min} and {max}"),
        )
        resolved_on_spot = fields.Boolean(load_default=False)
        complainant_name = fields.String(required=True, validate=validate.Length(1, 60))
        contact_phone = fields.String(
            required=True, validate=validate.Regexp(PHONE, error="电话号码格式不正确 / invalid phone number")
        )
        id_type = fields.String(load_default="resident_id", validate=_one_of(codes, "id_types"))
        id_number = fields.String(load_default="", validate=validate.Length(max=40))
        reply_channel = fields.String(load_default="phone", validate=_one_of(codes, "reply_channels"))
        is_agent = fields.Boolean(load_default=False)
        category = fields.String(required=True, validate=_one_of(codes, "categories"))
        product = fields.String(load_default="", validate=validate.Length(max=120))
        account_ref = fields.String(load_default="", validate=validate.Length(max=40))
        transaction_ref = fields.String(load_default="", validate=validate.Length(max=60))
        amount = fields.Decimal(
            load_default=None,
            allow_none=True,
            places=2,
            as_string=True,
            validate=validate.Range(min=0, error="金额不能为负 / amount must not be negative"),
        )
        cause = fields.String(required=True, validate=_one_of(codes, "causes"))
        grade = fields.String(load_default="general", validate=_one_of(codes, "grades"))
        is_complex = fields.Boolean(load_default=False)
        is_group = fields.Boolean(load_default=False)
        sensitive_source = fields.Boolean(load_default=False)
        repeat_count = fields.Integer(load_default=0, validate=validate.Range(min=0))
        related_number = fields.String(load_default="", validate=validate.Length(max=40))
        facts = fields.String(required=True, validate=validate.Length(1, 4000))
        demand = fields.String(required=True, validate=validate.Length(1, 2000))
        expected_resolution = fields.String(load_default="explanation", validate=_one_of(codes, "expected_resolutions"))

        @validates_schema
        def _id_number_matches_type(self, data: dict[str, Any], **_: Any) -> None:
            number = data.get("id_number")
            if data.get("id_type") == "resident_id" and number and not re.match(RESIDENT_ID, number):
                raise ValidationError("居民身份证号应为18位 / a resident ID number has 18 characters", "id_number")

    return ComplaintSchema


def workflow_variables(complaint: dict[str, Any]) -> dict[str, Any]:
    """The complaint as the diagrams see it: plain JSON values, amount as a number."""
    data = dict(complaint)
    amount = data.get("amount")
    data["amount"] = float(amount) if amount not in (None, "") else 0.0
    return data
