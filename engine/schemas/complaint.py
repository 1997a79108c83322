"""The complaint (工单) intake schema, built from the coded lists in processes/codes.toml."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from engine.domain.clock import CHINA_TZ
from engine.domain.codes import CodeLists
from engine.domain.masking import EMAIL, PHONE, RESIDENT_ID
from engine.schemas.labels import N_
from engine.schemas.limits import within_max_amount
from engine.schemas.messages import (
    CHOOSE_CODE,
    ID_NUMBER_LENGTH,
    INCIDENT_AFTER_RECEIPT,
    INCIDENT_RANGE,
    INVALID_EMAIL,
    INVALID_PHONE,
    NEGATIVE_AMOUNT,
    READ_BACK_REQUIRED,
    RECEIVED_RANGE,
    REPEAT_COUNT_COMPUTED,
)
from engine.schemas.text import PlainTextSchema

# Times the calendar and the databases can handle (year 1 or 9999 would overflow on conversion to UTC).
EARLIEST_RECEIPT = datetime(2000, 1, 1, tzinfo=CHINA_TZ)
LATEST_RECEIPT = datetime(2100, 1, 1, tzinfo=CHINA_TZ)


# The sections of the intake form (客户投诉处理单), in the order the fields below first name them.
RECEIPT = N_("受理信息")
COMPLAINANT = N_("投诉人信息")
BUSINESS = N_("投诉业务")
CLASSIFICATION = N_("分类定级")
CONTENT = N_("投诉内容")


def _shown(label: str, group: str, widget: str = "", **more: Any) -> dict[str, Any]:
    """Field metadata for the intake form: label (a translation msgid), section, and an input kind
    where the field's type does not say it (webui.intake_fields reads these)."""
    return {"label": label, "group": group, "widget": widget, **more}


def _coded(codes: CodeLists, name: str, label: str, group: str, **kwargs: Any) -> fields.String:
    """A field that takes one code of the coded list `name` (shown as a select of that list)."""
    choices = list(codes.labels(name))
    rule = validate.OneOf(choices, error=CHOOSE_CODE + ", ".join(choices))
    return fields.String(validate=rule, metadata=_shown(label, group, "select", codes=name), **kwargs)


def complaint_schema_class(codes: CodeLists) -> type[Schema]:
    """A schema class whose coded fields accept only the codes configured for this bank.

    Each field also says how the intake form shows it (label, section, input kind): adding a field
    here adds it to the web form; its label and section need an entry in the translation catalogue.
    """
    organisations = list(codes.organisations)

    class ComplaintSchema(PlainTextSchema):
        organisation = fields.String(required=True, validate=validate.OneOf(organisations),
                                     metadata=_shown(N_("受理机构"), RECEIPT, "select", codes="organisations"))
        channel = _coded(codes, "channels", N_("投诉渠道"), RECEIPT, required=True)
        received_at = fields.AwareDateTime(
            load_default=None, default_timezone=CHINA_TZ,
            validate=validate.Range(EARLIEST_RECEIPT, LATEST_RECEIPT, max_inclusive=False,
                                    error=RECEIVED_RANGE + "{min} and {max}"),
            metadata=_shown(N_("受理时间"), RECEIPT),
        )
        resolved_on_spot = fields.Boolean(load_default=False, metadata=_shown(N_("已现场解决"), RECEIPT))
        complainant_name = fields.String(required=True, validate=validate.Length(1, 60),
                                         metadata=_shown(N_("投诉人姓名"), COMPLAINANT))
        contact_phone = fields.String(
            required=True, validate=validate.Regexp(PHONE, error=INVALID_PHONE),
            metadata=_shown(N_("联系电话"), COMPLAINANT, "tel", maxlength=20),
        )
        id_type = _coded(codes, "id_types", N_("证件类型"), COMPLAINANT, load_default="resident_id")
        id_number = fields.String(load_default="", validate=validate.Length(max=40),
                                  metadata=_shown(N_("证件号码"), COMPLAINANT))
        reply_channel = _coded(codes, "reply_channels", N_("回复方式"), COMPLAINANT, load_default="phone")
        contact_email = fields.String(
            load_default="", validate=validate.And(validate.Length(max=120), validate.Regexp(
                EMAIL, error=INVALID_EMAIL)),
            metadata=_shown(N_("电子邮箱"), COMPLAINANT, "email", maxlength=120))
        contact_address = fields.String(load_default="", validate=validate.Length(max=200),
                                        metadata=_shown(N_("通信地址"), COMPLAINANT))
        is_agent = fields.Boolean(load_default=False, metadata=_shown(N_("代理人投诉"), COMPLAINANT))
        category = _coded(codes, "categories", N_("业务类别"), BUSINESS, required=True)
        product = fields.String(load_default="", validate=validate.Length(max=120),
                                metadata=_shown(N_("产品名称"), BUSINESS))
        account_ref = fields.String(load_default="", validate=validate.Length(max=40),
                                    metadata=_shown(N_("账号/卡号"), BUSINESS))
        transaction_ref = fields.String(load_default="", validate=validate.Length(max=60),
                                        metadata=_shown(N_("交易流水号"), BUSINESS))
        amount = fields.Decimal(
            load_default=None,
            allow_none=True,
            places=2,
            as_string=True,
            validate=[validate.Range(min=0, error=NEGATIVE_AMOUNT),
                      within_max_amount()],
            metadata=_shown(N_("争议金额（元）"), BUSINESS),
        )
        cause = _coded(codes, "causes", N_("投诉原因"), CLASSIFICATION, required=True)
        grade = _coded(codes, "grades", N_("投诉等级"), CLASSIFICATION, load_default="general")
        # Computed at intake from the customer's earlier complaints (engine.services.repeats), never typed:
        # shown on the case (older cases keep the count typed then), absent from the form, refused as input.
        repeat_count = fields.Integer(dump_only=True, metadata=_shown(N_("重复投诉次数"), CLASSIFICATION,
                                                                      computed=True))
        related_number = fields.String(load_default="", validate=validate.Length(max=40),
                                       metadata=_shown(N_("关联工单号"), CLASSIFICATION))
        is_complex = fields.Boolean(load_default=False, metadata=_shown(N_("复杂投诉"), CLASSIFICATION))
        is_group = fields.Boolean(load_default=False, metadata=_shown(N_("群体性投诉"), CLASSIFICATION))
        sensitive_source = fields.Boolean(load_default=False,
                                          metadata=_shown(N_("敏感来源（监管/媒体/消协）"), CLASSIFICATION))
        incident_at = fields.AwareDateTime(
            load_default=None, allow_none=True, default_timezone=CHINA_TZ,
            validate=validate.Range(EARLIEST_RECEIPT, LATEST_RECEIPT, max_inclusive=False,
                                    error=INCIDENT_RANGE + "{min} and {max}"),
            metadata=_shown(N_("事发时间"), CONTENT),
        )
        incident_place = fields.String(load_default="", validate=validate.Length(max=200),
                                       metadata=_shown(N_("事发地点"), CONTENT))
        facts = fields.String(required=True, validate=validate.Length(1, 4000),
                              metadata=_shown(N_("投诉事实"), CONTENT, "textarea", wide=True))
        demand = fields.String(required=True, validate=validate.Length(1, 2000),
                               metadata=_shown(N_("客户诉求"), CONTENT, "textarea", wide=True))
        expected_resolution = _coded(codes, "expected_resolutions", N_("期望处理方式"), CONTENT,
                                     load_default="explanation")
        read_back = fields.Boolean(load_default=False,
                                   metadata=_shown(N_("已向客户复述投诉内容，客户确认无误"), CONTENT,
                                                   required_for=tuple(sorted(codes.read_back_channels))))

        @validates_schema
        def _read_back_where_spoken(self, data: dict[str, Any], **_: Any) -> None:
            channel = data.get("channel")
            if channel in codes.read_back_channels and not data.get("read_back"):
                raise ValidationError(f"{READ_BACK_REQUIRED}{channel}", "read_back")

        @pre_load
        def _no_typed_repeat_count(self, data: Any, **_: Any) -> Any:
            if isinstance(data, dict) and "repeat_count" in data:
                raise ValidationError(REPEAT_COUNT_COMPUTED, "repeat_count")
            return data

        @validates_schema
        def _incident_before_receipt(self, data: dict[str, Any], **_: Any) -> None:
            incident, received = data.get("incident_at"), data.get("received_at")
            if incident is not None and received is not None and incident > received:
                raise ValidationError(INCIDENT_AFTER_RECEIPT, "incident_at")

        @validates_schema
        def _id_number_matches_type(self, data: dict[str, Any], **_: Any) -> None:
            number = data.get("id_number")
            if data.get("id_type") == "resident_id" and number and not re.match(RESIDENT_ID, number):
                raise ValidationError(ID_NUMBER_LENGTH, "id_number")

    return ComplaintSchema


def workflow_variables(complaint: dict[str, Any]) -> dict[str, Any]:
    """The complaint as the diagrams see it: plain JSON values, amount as a number."""
    data = dict(complaint)
    amount = data.get("amount")
    data["amount"] = float(amount) if amount not in (None, "") else 0.0
    return data
