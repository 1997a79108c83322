"""Actors (who is acting) for the departments in processes/departments.toml."""

from __future__ import annotations

from engine.domain.model import Actor, Role

ADMIN = Actor("admin", frozenset(), frozenset({Role.ADMIN}))
AUDITOR = Actor("auditor", frozenset(), frozenset({Role.AUDITOR}))


def staff(username: str, *departments: str) -> Actor:
    """A staff member of the given departments."""
    return Actor(username, frozenset(departments), frozenset({Role.STAFF}))


def supervisor(username: str, *departments: str) -> Actor:
    """A supervisor of the given departments."""
    return Actor(username, frozenset(departments), frozenset({Role.STAFF, Role.SUPERVISOR}))


def process_owner(username: str = "owner") -> Actor:
    """Someone who may deploy diagrams."""
    return Actor(username, frozenset(), frozenset({Role.PROCESS_OWNER}))


# One default worker per department of the branch process.
FRONT = staff("front_li", "branch_front")
MANAGER = staff("manager_wang", "branch_manager")
HEAD = staff("head_zhao", "branch_head")
HEAD_OFFICE = staff("ho_chen", "complaint_mgmt")
OUTSIDER = staff("retail_sun", "retail_banking")

BY_DEPARTMENT = {
    "branch_front": FRONT,
    "branch_manager": MANAGER,
    "branch_head": HEAD,
    "complaint_mgmt": HEAD_OFFICE,
    "retail_banking": OUTSIDER,
}


def worker_for(department: str) -> Actor:
    """The default staff member of a department (made up on the fly for others)."""
    return BY_DEPARTMENT.get(department) or staff(f"staff_{department}", department)
