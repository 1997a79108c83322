"""The people and cases of the search tests: two outlets of two branches, their supervisors and head office."""

from __future__ import annotations

from dataclasses import dataclass

from engine.bootstrap import Engine
from tests.support.actors import ADMIN
from tests.support.complaints import complaint

PASSWORD = "a-long-password-1"
PEOPLE = {
    "front_sh02": (["SH02:branch_front"], ["staff"]),
    "front_bj01": (["BJ01:branch_front"], ["staff"]),
    "sup_sh": (["SH:service_mgmt"], ["staff", "supervisor"]),
    "sup_ho": (["HO:complaint_mgmt"], ["staff", "supervisor"]),
}
PHONE = "13812345678"
ID_NUMBER = "31010119900101123X"
NAME = "张三"


@dataclass(frozen=True)
class Bank:
    """The cases opened: Shanghai outlet SH02 and Beijing outlet BJ01, both by the same customer."""

    shanghai: str
    beijing: str
    other: str  # another customer at SH02


def add_people(engine: Engine) -> None:
    """The users of PEOPLE."""
    for name, (members, roles) in PEOPLE.items():
        engine.users.add(name, PASSWORD, members, roles, ADMIN)


def open_bank(engine: Engine) -> Bank:
    """Users plus three cases: one customer's complaints at SH02 and at BJ01, another customer's at SH02."""
    add_people(engine)
    customer = complaint(contact_phone=PHONE, id_number=ID_NUMBER, complainant_name=NAME)
    sh = engine.cases.open_case(None, customer, engine.users.actor("front_sh02"))
    bj = engine.cases.open_case(None, customer, engine.users.actor("front_bj01"))
    other = engine.cases.open_case(None, complaint(contact_phone="13900001111", id_number="110101198001010012",
                                                   complainant_name="李四", grade="important"),
                                   engine.users.actor("front_sh02"))
    return Bank(sh.number, bj.number, other.number)
