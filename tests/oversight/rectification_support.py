"""People and a notice for the rectification tests: head-office complaint management issues to an outlet."""

from __future__ import annotations

from engine.domain.model import Actor, Membership, Role
from engine.domain.rectification import NewRectification


def member(username: str, unit: str, department: str, *roles: Role) -> Actor:
    """A person of one (unit, department) queue."""
    return Actor(username, frozenset({department}), frozenset({Role.STAFF, *roles}),
                 frozenset({Membership(unit, department)}))


ISSUER = member("ho_gao", "HO", "complaint_mgmt", Role.SUPERVISOR)
OUTLET_MANAGER = member("sh01_wu", "SH01", "branch_manager")
OTHER_OUTLET = member("bj01_he", "BJ01", "branch_manager")
OTHER_HEAD = member("bj01_zhou", "BJ01", "branch_head")
BRANCH_SERVICE = member("sh_qian", "SH", "service_mgmt")


def notice_for(case_id: int, workdays: int = 3, **fields: object) -> NewRectification:
    """A notice to the Pudong outlet's complaint manager."""
    values: dict[str, object] = {"case_id": case_id, "unit": "SH01", "department": "branch_manager",
                                 "requirement": "柜面服务规范整改：加强首问负责制培训", "workdays": workdays}
    return NewRectification(**(values | fields))  # type: ignore[arg-type]
