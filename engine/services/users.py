"""User accounts and sign-in."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import timedelta

from engine.domain import authz
from engine.domain.errors import Conflict, Forbidden, NotFound, Problem, TooManyAttempts, ValidationFailed, invalid
from engine.domain.model import Actor, Membership, Role, UserInfo
from engine.domain.organisation import MembershipProblem, OrganisationTree, overseen_units, parse_memberships
from engine.domain.records import StoredUser
from engine.domain.throttle import counter_key
from engine.schemas.text import has_control_characters
from engine.services.context import EngineContext
from engine.services.throttle import audit_once_per_window

MIN_PASSWORD = 12
SIGN_IN = "signin"  # counter kind: attempts per user name
# PBKDF2 rounds of a new password hash. The test suite alone lowers HASH_ITERATIONS (tests/conftest.py: a
# password hashed with the production cost takes a quarter of a second on the CI machine, and the suite hashes
# thousands); a stored hash names its own rounds, so checking one never depends on this setting.
PRODUCTION_HASH_ITERATIONS = 240_000
HASH_ITERATIONS = PRODUCTION_HASH_ITERATIONS


def hash_password(password: str) -> str:
    """PBKDF2-SHA256 with a random salt, in a self-describing string (HASH_ITERATIONS rounds)."""
    salt = secrets.token_hex(16)
    iterations = HASH_ITERATIONS
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations).hex()
    return f"pbkdf2_sha256${iterations}${salt}${digest}"


def check_password(password: str, stored: str) -> bool:
    """True when `password` matches the stored hash (constant-time compare)."""
    try:
        algo, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    if algo != "pbkdf2_sha256":
        return False
    mine = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), int(iterations)).hex()
    return hmac.compare_digest(mine, digest)


def possible_username(username: str, limit: int) -> bool:
    """False for a name no account can have: longer than `limit` (the column holding it), or with control
    characters."""
    return 0 < len(username) <= limit and not has_control_characters(username)


def _coded(problems: Sequence[MembershipProblem]) -> dict[str, list[tuple[str, dict[str, str]]]]:
    """Membership problems as codes with parameters (the written text among them)."""
    if not problems:
        return {}
    return {"memberships": [(p.code, {"written": p.written, **p.params}) for p in problems]}


def actor_of(user: StoredUser, tree: OrganisationTree) -> Actor:
    """The actor a signed-in user acts as; a supervisor oversees the subtrees of their units."""
    roles = frozenset(Role(r) for r in user.roles)
    oversees = overseen_units(tree, user.memberships) if Role.SUPERVISOR in roles else None
    return Actor(user.username, user.departments, roles, frozenset(user.memberships), oversees)


class UserService:
    """Create, list, disable and authenticate users."""

    def __init__(self, ctx: EngineContext):
        self.ctx = ctx

    def add(
        self, username: str, password: str, members: Sequence[str], roles: list[str],
        actor: Actor, display_name: str = "", email: str | None = None,
    ) -> UserInfo:
        """Create a user (admins only). `members` are `UNIT:DEPARTMENT` pairs; a bare department code
        means that department of its home unit (the first unit of the tree that has it)."""
        if not authz.may_manage_users(actor):
            raise Forbidden("only admins manage users")
        memberships = self._check(username, password, members, roles)
        with self.ctx.db.write() as uow:
            if uow.users.get(username) is not None:
                raise Conflict(f"user {username} already exists", code="user_exists", params={"user": username})
            uow.users.add(StoredUser(0, username, display_name or username, hash_password(password),
                                     memberships, roles, email, True), self.ctx.now())
            uow.audit.add(self.ctx.now(), actor.username, "user_added",
                          data={"user": username, "memberships": [str(m) for m in memberships], "roles": roles})
            uow.commit()
        return UserInfo(username, display_name or username, memberships, roles, True)

    def _check(self, username: str, password: str, members: Sequence[str], roles: list[str]) -> list[Membership]:
        errors: dict[str, list[str]] = {}
        if not username or not username.replace("_", "").replace(".", "").isalnum():
            errors["username"] = ["letters, digits, '.' and '_' only"]
        elif not possible_username(username, self.ctx.db.text_limits.username):
            errors["username"] = [f"at most {self.ctx.db.text_limits.username} characters"]
        if len(password) < MIN_PASSWORD:
            errors["password"] = [f"at least {MIN_PASSWORD} characters"]
        memberships, problems = parse_memberships(self.ctx.organisation, members)
        if problems:
            errors["memberships"] = [str(p) for p in problems]
        errors |= authz.membership_errors(self.ctx.departments, [m.department for m in memberships], roles)
        if errors:
            raise ValidationFailed(errors, coded=_coded(problems))
        return memberships

    def change_memberships(self, username: str, add: Sequence[str], remove: Sequence[str],
                           actor: Actor) -> UserInfo:
        """Add and remove (unit, department) memberships of an existing user (admins only), in one audited
        transaction; the user's pages follow at their next request. Adding one the user has, removing one
        they lack, an unknown unit or a department the unit does not have refuses the whole change."""
        if not authz.may_manage_users(actor):
            raise Forbidden("only admins manage users")
        with self.ctx.db.write() as uow:
            user = uow.users.get(username)
            if user is None:
                raise NotFound(f"user {username} not found")
            added, removed = self._membership_change(user.memberships, add, remove)
            after = [m for m in user.memberships if m not in removed] + added
            uow.users.set_memberships(username, after)
            uow.audit.add(self.ctx.now(), actor.username, "memberships_changed",
                          data={"user": username, "added": [str(m) for m in added],
                                "removed": [str(m) for m in removed]})
            uow.commit()
        return UserInfo(user.username, user.display_name, sorted(after, key=str), user.roles, user.active)

    def _membership_change(self, current: list[Membership], add: Sequence[str],
                           remove: Sequence[str]) -> tuple[list[Membership], list[Membership]]:
        if not add and not remove:
            raise ValidationFailed({"memberships": ["nothing to change"]},
                                   coded={"memberships": [("nothing_to_change", {})]})
        added, problems = parse_memberships(self.ctx.organisation, add)
        problems += [MembershipProblem(str(m), "already_member", {"unit": m.unit, "department": m.department})
                     for m in added if m in current]
        # a current membership is removed as written, even of a unit the tree no longer has
        held = {str(m): m for m in current}
        removed = [held[text.strip()] for text in dict.fromkeys(remove) if text.strip() in held]
        parsed, bad_removals = parse_memberships(self.ctx.organisation,
                                                 [t for t in remove if t.strip() not in held])
        removed += [m for m in parsed if m in current and m not in removed]
        problems += bad_removals + [MembershipProblem(str(m), "not_a_member",
                                                      {"unit": m.unit, "department": m.department})
                                    for m in parsed if m not in current]
        if problems:
            raise ValidationFailed({"memberships": [str(p) for p in problems]}, coded=_coded(problems))
        return added, removed

    def list(self, actor: Actor) -> list[UserInfo]:
        """Every user (admins and auditors)."""
        if not (authz.may_manage_users(actor) or actor.has(Role.AUDITOR)):
            raise Forbidden("only admins and auditors list users")
        with self.ctx.db.read() as uow:
            return [UserInfo(u.username, u.display_name, u.memberships, u.roles, u.active)
                    for u in uow.users.all()]

    def disable(self, username: str, actor: Actor) -> None:
        """Stop a user from signing in; their open sessions end."""
        self._change(username, actor, "user_disabled", active=False)

    def set_password(self, username: str, password: str, actor: Actor) -> None:
        """Give a user a new password (admins); every open session of the user ends."""
        if len(password) < MIN_PASSWORD:
            raise invalid({"password": Problem("password_too_short", f"at least {MIN_PASSWORD} characters",
                                               {"min": str(MIN_PASSWORD)})})
        self._change(username, actor, "password_changed", password_hash=hash_password(password))

    def _change(self, username: str, actor: Actor, action: str, **values: object) -> None:
        if not authz.may_manage_users(actor):
            raise Forbidden("only admins manage users")
        with self.ctx.db.write() as uow:
            if not uow.users.update(username, **values):
                raise NotFound(f"user {username} not found")
            ended = uow.sessions.delete_user(username)
            uow.audit.add(self.ctx.now(), actor.username, action, data={"user": username, "sessions_ended": ended})
            uow.commit()

    def authenticate(self, username: str, password: str, source: str = "") -> Actor | None:
        """The actor for valid credentials of an active user; failures are audited. After
        `login_max_failures` failed attempts in a window of `login_lock_minutes` (from the first) the name
        is locked until the window ends (TooManyAttempts), whatever the password. Each attempt takes its
        place in the count atomically before the password is checked, so parallel guesses get no more
        checks than the limit; a successful sign-in clears the count. Only the first failure of a window is
        audited (with `source`, the caller's address), and the lock once: guessing cannot grow the audit
        trail. A name no account can have is refused at once (nothing to check, count or audit under it)."""
        if not possible_username(username, self.ctx.db.text_limits.username):
            return None
        self._reserve_attempt(username)
        with self.ctx.db.read() as uow:
            user = uow.users.get(username)
        ok = user is not None and user.active and check_password(password, user.password_hash)
        with self.ctx.db.write() as uow:
            if ok:
                uow.counters.clear(counter_key(SIGN_IN, username))
                uow.audit.add(self.ctx.now(), username, "login")
            else:  # the first failure of the name's window is audited; the lock tells how many followed
                audit_once_per_window(self.ctx, uow, SIGN_IN, username, username, "login_failed",
                                      {"source": source}, timedelta(minutes=self.ctx.settings.login_lock_minutes))
            uow.commit()
        return actor_of(user, self.ctx.organisation) if ok and user is not None else None

    def _reserve_attempt(self, username: str) -> None:
        settings, now = self.ctx.settings, self.ctx.now()
        with self.ctx.db.write() as uow:
            counter = uow.counters.hit(counter_key(SIGN_IN, username),
                                       timedelta(minutes=settings.login_lock_minutes), now)
            if counter.hits <= settings.login_max_failures:
                uow.commit()
                return
            if counter.hits == settings.login_max_failures + 1:  # audited once per lock, not per attempt
                uow.audit.add(now, username, "login_locked", data={"failures": settings.login_max_failures})
            uow.commit()
        raise TooManyAttempts(f"too many failed sign-ins; try again in {settings.login_lock_minutes} minutes")

    def actor(self, username: str) -> Actor | None:
        """The current actor of an active user (re-read on every request)."""
        with self.ctx.db.read() as uow:
            user = uow.users.get(username)
        return actor_of(user, self.ctx.organisation) if user is not None and user.active else None
