"""Web sessions on the server: started at sign-in, checked on every request, ended by sign-out, by idleness,
and by a password change or disabling the user. A copy of the cookie is worth nothing once it has ended."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from engine.domain.model import Actor
from engine.services.context import EngineContext
from engine.services.users import actor_of

TOUCH_EVERY = timedelta(seconds=60)  # activity is written at most once a minute per session


@dataclass(frozen=True)
class Resumed:
    """What a request's session id stands for: an actor, or none (`expired` when it ended by idleness)."""

    actor: Actor | None
    expired: bool = False


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class SessionService:
    """Start, resume and end signed-in sessions."""

    def __init__(self, ctx: EngineContext):
        self.ctx = ctx

    @property
    def idle(self) -> timedelta:
        """How long a session may stay unused."""
        return timedelta(minutes=self.ctx.settings.session_idle_minutes)

    def start(self, username: str) -> str:
        """A new session for a user who just signed in; the returned id goes into the (signed) cookie."""
        token, now = secrets.token_urlsafe(32), self.ctx.now()
        with self.ctx.db.write() as uow:
            uow.sessions.purge(now - self.idle)
            uow.sessions.add(_hash(token), username, now)
            uow.commit()
        return token

    def resume(self, token: str) -> Resumed:
        """The actor of a live session (its activity recorded); an ended, idle or disabled one gives none."""
        now = self.ctx.now()
        with self.ctx.db.read() as uow:
            found = uow.sessions.get(_hash(token))
            user = uow.users.get(found[0]) if found else None
        if found is None:
            return Resumed(None)
        idle = now - found[1]
        if idle > self.idle or user is None or not user.active:
            self.end(token)
            return Resumed(None, expired=idle > self.idle)
        if idle >= TOUCH_EVERY:
            with self.ctx.db.write() as uow:
                uow.sessions.touch(_hash(token), now)
                uow.commit()
        return Resumed(actor_of(user, self.ctx.organisation))

    def end(self, token: str) -> None:
        """End the session (sign-out): every copy of its cookie is signed out with it."""
        with self.ctx.db.write() as uow:
            uow.sessions.delete(_hash(token))
            uow.commit()
