"""Chinese first, English on request: `?lang=en` (or `?lang=zh`) is remembered in the session."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request, session
from flask_babel import Babel

LANGUAGES = ("zh", "en")
DEFAULT = "zh"

babel = Babel()


def select_locale() -> str:
    """The language chosen in the session, else Chinese."""
    lang = session.get("lang")
    return lang if lang in LANGUAGES else DEFAULT


def remember_language() -> None:
    """Store a `?lang=` choice in the session."""
    lang = request.args.get("lang")
    if lang in LANGUAGES:
        session["lang"] = lang


def init_app(app: Flask) -> None:
    """Install Flask-Babel with our catalogues."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(Path(__file__).parent / "translations")
    app.before_request(remember_language)
    babel.init_app(app, locale_selector=select_locale)
