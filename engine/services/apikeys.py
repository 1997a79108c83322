"""API keys of calling systems: created (secret shown once), listed, revoked, checked on each request."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from engine.domain import authz
from engine.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from engine.domain.model import Actor, ApiKey, Role
from engine.services.context import EngineContext
from engine.services.throttle import audit_once_per_window

# What a key may be allowed to call, by endpoint group.
SCOPES: dict[str, str] = {
    "cases:read": "read cases (data, status, due times, tasks, timeline)",
    "cases:write": "open complaints",
    "cases:message": "deliver messages to cases (e.g. the customer supplied documents)",
    "cases:clock": "extend, pause, resume and restart cases' regulatory clocks; decide extension requests",
    "cases:comment": "post internal notes on cases",
    "cases:attach": "upload attachments (recordings, images, PDFs) to cases",
    "tasks:read": "list and read tasks",
    "tasks:write": "claim, unclaim and complete tasks",
    "tasks:chase": "chase tasks",
    "notices": "list and mark notices",
    "rectifications:read": "list and read rectification notices",
    "rectifications:write": "issue rectification notices, submit measures and evidence, check them",
    "urgent:read": "list and read the urgent handling of urgent and group complaints",
    "urgent:write": "record first contacts, form task forces, report daily progress of urgent and group complaints",
    "definitions:read": "list deployed process definitions",
    "definitions:deploy": "deploy process definitions",
    "reports:read": "read head-office reports (supervisor, auditor or admin keys)",
    "units:read": "read the organisation tree",
    "users": "list users and add or remove their memberships (admin keys)",
    "knowledge:read": "search and read the typical cases of the knowledge base",
    "knowledge:write": "draft and publish typical cases (complaint management keys)",
    "alerts": "read and acknowledge risk alerts; issue them and follow acknowledgements (complaint management)",
}
ALL_SCOPES = "all"
TOKEN_PREFIX = "cf"
ACTOR_PREFIX = "api:"
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,59}$")


@dataclass(frozen=True)
class CreatedApiKey:
    """A new key and its token: the only time the token is ever available."""

    info: ApiKey
    token: str


@dataclass(frozen=True)
class ApiKeyGrant:
    """What an authenticated key may do: act as `actor`, call endpoints of `scopes`."""

    name: str
    actor: Actor
    scopes: frozenset[str]


def secret_hash(token: str) -> str:
    """SHA-256 of a token (tokens are 256-bit random, so a fast hash is enough)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _token_prefix(token: str) -> str | None:
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1]


class ApiKeyService:
    """Manage API keys (admins) and authenticate the calls that carry them."""

    def __init__(self, ctx: EngineContext):
        self.ctx = ctx

    def create(
        self, name: str, scopes: list[str], departments: list[str], roles: list[str], actor: Actor
    ) -> CreatedApiKey:
        """A new key for a calling system; its token is returned here and never again."""
        self._only_admins(actor)
        scopes = sorted(SCOPES) if ALL_SCOPES in scopes else sorted(set(scopes))
        self._check(name, scopes, departments, roles)
        prefix = secrets.token_hex(4)
        token = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
        now = self.ctx.now()
        key = ApiKey(name, prefix, scopes, sorted(set(departments)), sorted(set(roles)), now, actor.username)
        with self.ctx.db.write() as uow:
            if uow.api_keys.by_name(name) is not None:
                raise Conflict(f"an API key named {name} already exists", code="api_key_exists",
                               params={"name": name})
            uow.api_keys.add(key, secret_hash(token))
            uow.audit.add(now, actor.username, "api_key_added",
                          data={"name": name, "prefix": prefix, "scopes": scopes,
                                "departments": key.departments, "roles": key.roles})
            uow.commit()
        return CreatedApiKey(key, token)

    def _check(self, name: str, scopes: list[str], departments: list[str], roles: list[str]) -> None:
        errors: dict[str, list[str]] = {}
        if not NAME_PATTERN.match(name):
            errors["name"] = ["2-60 lower-case letters, digits, '.', '_' or '-'"]
        unknown_scopes = [s for s in scopes if s not in SCOPES]
        if unknown_scopes or not scopes:
            errors["scopes"] = [f"scopes must be among {', '.join(SCOPES)} (or {ALL_SCOPES})"]
        errors |= authz.membership_errors(self.ctx.departments, departments, roles)
        if errors:
            raise ValidationFailed(errors)

    def list(self, actor: Actor) -> list[ApiKey]:
        """Every key, active and revoked (admins and auditors)."""
        if not (authz.may_manage_users(actor) or actor.has(Role.AUDITOR)):
            raise Forbidden("only admins and auditors list API keys")
        with self.ctx.db.read() as uow:
            return uow.api_keys.all()

    def revoke(self, name: str, actor: Actor) -> None:
        """Stop a key from working, at once and for good."""
        self._only_admins(actor)
        with self.ctx.db.write() as uow:
            if not uow.api_keys.revoke(name, self.ctx.now(), actor.username):
                raise NotFound(f"no active API key named {name}")
            uow.audit.add(self.ctx.now(), actor.username, "api_key_revoked", data={"name": name})
            uow.commit()

    def authenticate(self, token: str, source: str = "") -> ApiKeyGrant | None:
        """The grant of an active key whose token this is; None otherwise (audited once per window and
        source address: the rest of the window is counted, not written)."""
        prefix = _token_prefix(token)
        with self.ctx.db.read() as uow:
            found = uow.api_keys.by_prefix(prefix) if prefix else None
        key, stored_hash = found if found is not None else (None, "")
        valid = key is not None and key.active and hmac.compare_digest(stored_hash, secret_hash(token))
        if not valid or key is None:
            with self.ctx.db.write() as uow:
                audit_once_per_window(self.ctx, uow, "api-key", source, f"{ACTOR_PREFIX}?", "api_key_rejected",
                                      {"prefix": (prefix or "")[:16], "source": source})
                uow.commit()
            return None
        actor = Actor(ACTOR_PREFIX + key.name, frozenset(key.departments), frozenset(Role(r) for r in key.roles))
        return ApiKeyGrant(key.name, actor, frozenset(key.scopes))

    def authorize(self, grant: ApiKeyGrant, scope: str) -> None:
        """Forbidden (and audited) unless the key's scopes include `scope`."""
        if scope in grant.scopes:
            return
        with self.ctx.db.write() as uow:
            uow.audit.denied(self.ctx.now(), grant.actor.username, "api", scope=scope)
            uow.commit()
        raise Forbidden(f"this API key is not allowed the scope {scope}", audited=True)

    def _only_admins(self, actor: Actor) -> None:
        if not authz.may_manage_users(actor):
            raise Forbidden("only admins manage API keys")
