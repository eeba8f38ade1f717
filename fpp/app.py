"""The application factory: a list of small configure_* steps. It never touches the database."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, render_template
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader

from fpp.config import Settings, load_settings
from fpp.extensions import csrf, db

ROOT = Path(__file__).resolve().parent.parent
BLUEPRINTS = (
    "fpp.auth.views",
    "fpp.register.views",
    "fpp.people.views",
    "fpp.audit.views",
    "fpp.imports.views",
    "fpp.reminders.views",
    "fpp.annual.views",
    "fpp.reports.views",
    "fpp.retention.views",
    # features add their blueprint module here
)


def create_app(config_path: str | None = None, overrides: dict | None = None, testing: bool = False) -> Flask:
    """Build the app from configuration (see fpp.config); `testing` turns CSRF off for the test client."""
    settings = load_settings(config_path, overrides)
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder="static")
    configure_settings(app, settings, testing)
    configure_jinja(app)
    configure_extensions(app)
    configure_blueprints(app)
    configure_errors(app)
    configure_write_intent(app)
    configure_security_headers(app)
    return app


def configure_settings(app: Flask, settings: Settings, testing: bool) -> None:
    app.extensions["fpp_settings"] = settings
    secure_files(Path(settings["data_dir"]))
    max_upload = settings["max_upload_mb"] * 1024 * 1024
    app.config.update(
        TESTING=testing,
        SECRET_KEY=settings["secret_key"],
        DATABASE_URL=settings["database_url"],
        DATA_DIR=settings["data_dir"],
        MAX_UPLOAD_BYTES=max_upload,
        MAX_CONTENT_LENGTH=max_upload + 1024 * 1024,
        ARGON2_TIME_COST=settings["argon2_time_cost"],
        ARGON2_MEMORY_COST=settings["argon2_memory_cost"],
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings["session_cookie_secure"],
        REMEMBER_COOKIE_SECURE=settings["session_cookie_secure"],
        REMEMBER_COOKIE_HTTPONLY=True,
        WTF_CSRF_ENABLED=not testing,
        WTF_CSRF_TIME_LIMIT=None,
    )


def secure_files(data_dir: Path) -> None:
    """Everything the register writes (database, evidence, mail, packs, uploads) is readable by its own
    user only: files 0600 in folders 0700, whatever the umask it was started with."""
    import os
    os.umask(0o077)
    if data_dir.is_dir() and data_dir.stat().st_uid == os.getuid():
        data_dir.chmod(0o700)


def configure_jinja(app: Flask) -> None:
    app.jinja_options = {
        "undefined": ChainableUndefined,
        "loader": ChoiceLoader([FileSystemLoader(str(ROOT / "templates")), PackageLoader("nhsuk_frontend_jinja")]),
        "autoescape": True,
        "trim_blocks": True,
        "lstrip_blocks": True,
    }
    from fpp import templating
    templating.register(app)


def configure_extensions(app: Flask) -> None:
    from fpp.auth import sessions, throttle
    db.init_app(app)
    csrf.init_app(app)
    sessions.configure(app)  # Flask-Login: the session checks of fpp.auth.sessions, no remember-me cookie
    throttle.configure(app)  # Flask-Limiter on [security] rate_limit_storage_url; ProxyFix for trusted proxies


def configure_blueprints(app: Flask) -> None:
    from fpp.converters import YearConverter
    app.url_map.converters["year"] = YearConverter  # before the routes that use <year:year>
    import importlib
    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(name).bp)


def configure_errors(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    def page(code: int, title: str, message: str):
        return render_template("errors/error.html", code=code, title=title, message=message), code

    app.register_error_handler(403, lambda e: page(403, "You do not have access to this page",
                                                   "Your role does not allow this. Ask the company secretary "
                                                   "if you think it should."))
    app.register_error_handler(404, lambda e: page(404, "Page not found",
                                                   "Check the address, or go back to the register."))
    app.register_error_handler(413, lambda e: page(413, "The file is too large",
                                                   f"Files can be at most {app.config['MAX_UPLOAD_BYTES'] // 1048576} MB."))
    app.register_error_handler(500, lambda e: page(500, "Sorry, something went wrong",
                                                   "Nothing was saved. Try again; if it happens again, tell the "
                                                   "company secretary what you were doing and when."))
    app.register_error_handler(429, lambda e: (*page(429, "Too many attempts",
                                                     "There have been too many sign-in attempts from here or for "
                                                     "this account. Wait a minute, then try again."),
                                               {"Retry-After": "60"}))
    app.register_error_handler(CSRFError, lambda e: page(400, "The form had expired",
                                                         "Nothing was saved. Go back, reload the page and try again."))


def configure_write_intent(app: Flask) -> None:
    """The transaction policy follows what a view declares (`@writes`), not the HTTP method."""
    from flask import request

    from fpp.extensions import sqlite_write_intent, view_writes

    db.guard_reads()

    @app.before_request
    def declare_write_intent():
        sqlite_write_intent.set(view_writes(app.view_functions.get(request.endpoint)))

    @app.teardown_request
    def end_write_intent(_exc):
        # The thread serves other work next (the next request, a test): the intent ends with this request.
        sqlite_write_intent.set(False)


def configure_security_headers(app: Flask) -> None:
    """A fresh CSP nonce for every response (no inline script runs without it), no framing, no caching
    of anything but the static assets (every signed-in page and download holds personal data), and HSTS
    in production (behind TLS)."""
    import secrets

    from flask import g, request

    production = app.extensions["fpp_settings"]["env"] == "production"

    @app.before_request
    def new_nonce():
        g.csp_nonce = secrets.token_urlsafe(18)

    @app.context_processor
    def nonce():
        return {"cspNonce": g.get("csp_nonce", "")}

    @app.after_request
    def headers(response):
        nonce_value = g.get("csp_nonce") or secrets.token_urlsafe(18)
        response.headers["Content-Security-Policy"] = (
            f"default-src 'self'; script-src 'self' 'nonce-{nonce_value}'; style-src 'self'; "
            # The NHS.UK front end's stylesheet loads the Frutiger font from NHS England's asset host.
            "img-src 'self' data:; font-src 'self' https://assets.nhs.uk; object-src 'none'; "
            "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        if production:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response
