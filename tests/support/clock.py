"""Actors and steps of the regulatory clock tests: people placed in the organisation tree."""

from __future__ import annotations

from engine.domain.model import Actor, Membership, Role


def member(username: str, unit: str, department: str, *, supervisor: bool = False) -> Actor:
    """A person of one department of one unit (a supervisor oversees that unit; enough for these tests)."""
    roles = {Role.STAFF, Role.SUPERVISOR} if supervisor else {Role.STAFF}
    return Actor(username, frozenset({department}), frozenset(roles),
                 frozenset({Membership(unit, department)}), frozenset({unit}) if supervisor else None)


# An outlet case (SH01, under the Shanghai branch SH, under head office HO): who is who.
OUTLET_FRONT = member("front_pd", "SH01", "branch_front")
OUTLET_HEAD = member("head_pd", "SH01", "branch_head", supervisor=True)  # the case's own unit: wrong level
BRANCH_SUPERVISOR = member("sup_sh", "SH", "service_mgmt", supervisor=True)  # the parent unit: approves
OTHER_BRANCH = member("sup_bj", "BJ", "service_mgmt", supervisor=True)  # another branch: wrong place
HEAD_OFFICE_SENIOR = member("senior_ho", "HO", "complaint_mgmt", supervisor=True)  # head office: approves
