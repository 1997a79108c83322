"""Demo users and complaints for a first look (`complaintflow demo`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.domain.errors import Conflict
from engine.domain.model import Actor

DEMO_PASSWORD = "demo-password-2024"


@dataclass(frozen=True)
class DemoUser:
    """A seeded account."""

    username: str
    display_name: str
    members: tuple[str, ...]  # UNIT:DEPARTMENT
    roles: tuple[str, ...]


DEMO_USERS = (
    DemoUser("admin", "系统管理员", (), ("admin",)),
    DemoUser("owner", "流程管理员", (), ("process_owner",)),
    DemoUser("auditor", "审计员", (), ("auditor",)),
    DemoUser("teller", "上海浦东网点柜员 李明", ("SH01:branch_front",), ("staff",)),
    DemoUser("manager", "上海浦东网点投诉管理人 王芳", ("SH01:branch_manager",), ("staff",)),
    DemoUser("branchhead", "上海浦东网点负责人 赵强", ("SH01:branch_head",), ("staff",)),
    DemoUser("teller_xh", "上海徐汇网点柜员 沈悦", ("SH02:branch_front",), ("staff",)),
    DemoUser("manager_xh", "上海徐汇网点投诉管理人 钱芸", ("SH02:branch_manager",), ("staff",)),
    DemoUser("teller_hd", "北京海淀网点柜员 林涛", ("BJ01:branch_front",), ("staff",)),
    DemoUser("manager_hd", "北京海淀网点投诉管理人 杨帆", ("BJ01:branch_manager",), ("staff",)),
    DemoUser("head_hd", "北京海淀网点负责人 许杰", ("BJ01:branch_head",), ("staff",)),
    DemoUser("teller_cy", "北京朝阳网点柜员 宋佳", ("BJ02:branch_front",), ("staff",)),
    DemoUser("manager_cy", "北京朝阳网点投诉管理人 唐宁", ("BJ02:branch_manager",), ("staff",)),
    DemoUser("sh_service", "上海分行服务管理部 蒋琳", ("SH:service_mgmt",), ("staff", "supervisor")),
    DemoUser("bj_service", "北京分行服务管理部 韩冬", ("BJ:service_mgmt",), ("staff", "supervisor")),
    DemoUser("hocm", "投诉管理部 陈静", ("HO:complaint_mgmt",), ("staff", "supervisor")),
    DemoUser("csgroup", "业务管理组 刘洋", ("HO:cs_business_group",), ("staff",)),
    DemoUser("office", "办公室 周敏", ("HO:office",), ("staff",)),
    DemoUser("culture", "企业文化部 唐宁", ("HO:corporate_culture",), ("staff",)),
    DemoUser("retail", "零售银行部 孙磊", ("HO:retail_banking",), ("staff",)),
    DemoUser("ebank", "电子银行部 吴婷", ("HO:ebanking",), ("staff",)),
    DemoUser("operations", "运营管理部 彭程", ("HO:operations",), ("staff",)),
    DemoUser("seat", "座席员 郑浩", ("CC:card_seat",), ("staff",)),
    DemoUser("care", "客户关怀组 冯雪", ("CC:card_care",), ("staff",)),
    DemoUser("csmanager", "客服经理 何伟", ("CC:card_cs_manager",), ("staff",)),
    DemoUser("senior", "高级经理 高峰", ("CC:card_senior_manager",), ("staff",)),
    DemoUser("supervisor", "督办专员 马丽", ("HO:complaint_mgmt", "SH01:branch_manager", "SH01:branch_head"),
             ("staff", "supervisor")),
)

_PUDONG: tuple[dict[str, Any], ...] = (
    {"channel": "counter", "read_back": True, "organisation": "branch", "complainant_name": "张伟",
     "contact_phone": "13812345678", "id_type": "resident_id", "id_number": "310101199001011234",
     "category": "deposits", "cause": "service_attitude", "grade": "general",
     "facts": "客户在柜台办理存款时等待时间过长，柜员态度冷淡。", "demand": "要求网点道歉并改进服务。",
     "expected_resolution": "apology"},
    {"channel": "phone", "read_back": True, "organisation": "branch", "complainant_name": "李娜",
     "contact_phone": "13998765432", "category": "bank_card", "cause": "fees", "grade": "important",
     "amount": "320.00", "account_ref": "6222020200112233445",
     "facts": "客户称借记卡被重复收取年费。", "demand": "退还多收的年费。", "expected_resolution": "refund"},
    {"channel": "hotline", "read_back": True, "organisation": "branch", "complainant_name": "王强",
     "contact_phone": "13700001111", "category": "wealth", "cause": "marketing", "grade": "urgent",
     "amount": "80000.00", "is_complex": True,
     "facts": "客户称理财经理误导购买高风险产品，造成本金亏损。", "demand": "赔偿损失。",
     "expected_resolution": "compensation"},
)

# (who registers it, the complaint): three at 上海浦东 SH01, one at each other outlet, one at the card centre,
# so each outlet's staff see only their own outlet's work.
DEMO_COMPLAINTS: tuple[tuple[str, dict[str, Any]], ...] = tuple(("teller", c) for c in _PUDONG) + (
    ("teller_xh", {"channel": "counter", "read_back": True, "organisation": "branch", "complainant_name": "周婷",
                   "contact_phone": "13611112222", "category": "payment", "cause": "business_error",
                   "grade": "general", "amount": "200.00",
                   "facts": "客户称转账被重复扣款一次。", "demand": "退还重复扣款。", "expected_resolution": "refund"}),
    ("teller_hd", {"channel": "opinion_book", "organisation": "branch", "complainant_name": "赵磊",
                   "contact_phone": "13522223333", "category": "deposits", "cause": "service_attitude",
                   "grade": "general", "facts": "客户在意见簿留言称大堂经理推诿。", "demand": "要求网点改进服务。",
                   "expected_resolution": "apology"}),
    ("teller_cy", {"channel": "counter", "read_back": True, "organisation": "branch", "complainant_name": "孙丽",
                   "contact_phone": "13833334444", "category": "loans", "cause": "disclosure",
                   "grade": "important", "facts": "客户称贷款提前还款违约金未事先告知。",
                   "demand": "要求解释并减免违约金。", "expected_resolution": "fee_waiver"}),
    ("seat", {"channel": "card_hotline", "read_back": True, "organisation": "card_center", "complainant_name": "钱进",
              "contact_phone": "13944445555", "category": "bank_card", "cause": "fees", "grade": "general",
              "amount": "500.00", "facts": "信用卡年费被重复收取。", "demand": "要求退还多收的年费。",
              "expected_resolution": "refund"}),
)


def seed_demo(engine: Any, admin: Actor) -> dict[str, int]:
    """Create the demo users (idempotent) and open the demo complaints for deployed processes, each at the
    unit of the person who registers it."""
    users = 0
    for demo in DEMO_USERS:
        try:
            engine.users.add(demo.username, DEMO_PASSWORD, list(demo.members), list(demo.roles),
                             admin, display_name=demo.display_name)
            users += 1
        except Conflict:
            continue
    cases = 0
    deployed = {d.process_key for d in engine.deploy.definitions(admin)}
    for username, complaint in DEMO_COMPLAINTS:
        process = engine.cases.process_for(complaint["organisation"])
        registrar = engine.users.actor(username)
        if process in deployed and registrar is not None:
            engine.cases.open_case(process, complaint, registrar)
            cases += 1
    return {"users": users, "cases": cases}
