"""People of two outlets (Shanghai SH02, Beijing BJ01) for the comment, attachment, print and contact tests."""

from __future__ import annotations

from engine.bootstrap import Engine
from engine.domain.model import Actor
from tests.support.actors import ADMIN
from tests.support.complaints import complaint
from tests.support.evidence_files import pdf_bytes, png_bytes, wav_bytes  # noqa: F401  (the tests' files)

PASSWORD = "a-long-password-1"
PEOPLE = {
    "front_sh": (["SH02:branch_front"], ["staff"]),
    "mgr_sh": (["SH02:branch_manager"], ["staff"]),
    "mgr2_sh": (["SH02:branch_manager"], ["staff"]),
    "front_bj": (["BJ01:branch_front"], ["staff"]),
    "mgr_bj": (["BJ01:branch_manager"], ["staff"]),
    "sup_sh": (["SH:service_mgmt"], ["staff", "supervisor"]),
    "audit1": ([], ["auditor"]),
}


def add_people(engine: Engine) -> None:
    """Create the users of PEOPLE."""
    for name, (members, roles) in PEOPLE.items():
        engine.users.add(name, PASSWORD, members, roles, ADMIN)


def who(engine: Engine, name: str) -> Actor:
    """The actor of a user of PEOPLE."""
    actor = engine.users.actor(name)
    assert actor is not None
    return actor


def open_shanghai_case(engine: Engine, **fields: object) -> int:
    """A complaint received at outlet SH02 (its first task waits for SH02's front desk)."""
    return engine.cases.open_case(None, complaint(**fields), who(engine, "front_sh")).id
