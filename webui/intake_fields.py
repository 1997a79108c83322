"""The intake form: every field of the complaint schema, grouped like a 客户投诉处理单."""

from __future__ import annotations

from dataclasses import dataclass

from webui.labels import N_


@dataclass(frozen=True)
class IntakeField:
    """One input of the intake form."""

    name: str
    label: str
    widget: str  # select, text, textarea, tel, datetime, number, integer, checkbox
    codes: str = ""  # the coded list of a select (processes/codes.toml)
    required: bool = False
    wide: bool = False
    maxlength: int = 0
    default: str = ""


@dataclass(frozen=True)
class IntakeGroup:
    """A section of the form."""

    title: str
    fields: tuple[IntakeField, ...]


F = IntakeField

GROUPS: tuple[IntakeGroup, ...] = (
    IntakeGroup(N_("受理信息"), (
        F("organisation", N_("受理机构"), "select", "organisations", required=True),
        F("channel", N_("投诉渠道"), "select", "channels", required=True),
        F("received_at", N_("受理时间"), "datetime"),
        F("resolved_on_spot", N_("已现场解决"), "checkbox"),
    )),
    IntakeGroup(N_("投诉人信息"), (
        F("complainant_name", N_("投诉人姓名"), "text", required=True, maxlength=60),
        F("contact_phone", N_("联系电话"), "tel", required=True, maxlength=20),
        F("id_type", N_("证件类型"), "select", "id_types", default="resident_id"),
        F("id_number", N_("证件号码"), "text", maxlength=40),
        F("reply_channel", N_("回复方式"), "select", "reply_channels", default="phone"),
        F("is_agent", N_("代理人投诉"), "checkbox"),
    )),
    IntakeGroup(N_("投诉业务"), (
        F("category", N_("业务类别"), "select", "categories", required=True),
        F("product", N_("产品名称"), "text", maxlength=120),
        F("account_ref", N_("账号/卡号"), "text", maxlength=40),
        F("transaction_ref", N_("交易流水号"), "text", maxlength=60),
        F("amount", N_("争议金额（元）"), "number"),
    )),
    IntakeGroup(N_("分类定级"), (
        F("cause", N_("投诉原因"), "select", "causes", required=True),
        F("grade", N_("投诉等级"), "select", "grades", default="general"),
        F("repeat_count", N_("重复投诉次数"), "integer"),
        F("related_number", N_("关联工单号"), "text", maxlength=40),
        F("is_complex", N_("复杂投诉"), "checkbox"),
        F("is_group", N_("群体性投诉"), "checkbox"),
        F("sensitive_source", N_("敏感来源（监管/媒体/消协）"), "checkbox"),
    )),
    IntakeGroup(N_("投诉内容"), (
        F("facts", N_("投诉事实"), "textarea", required=True, wide=True, maxlength=4000),
        F("demand", N_("客户诉求"), "textarea", required=True, wide=True, maxlength=2000),
        F("expected_resolution", N_("期望处理方式"), "select", "expected_resolutions",
          default="explanation"),
    )),
)

INTAKE_FIELDS: tuple[IntakeField, ...] = tuple(f for g in GROUPS for f in g.fields)
