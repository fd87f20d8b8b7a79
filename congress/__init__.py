"""Congress: an online General Conference and election system."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from flask_babel import lazy_gettext as _l

from . import config as config_module

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """The application factory: configuration, extensions, blueprints, request wrapper."""
    app = Flask(
        __name__,
        instance_path=str(Path((config or {}).get("INSTANCE_PATH") or ROOT / "instance")),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    config_module.load(app, config)
    if app.config["TRUSTED_PROXIES"]:  # the client's address as the proxies saw it
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    from .web.safety import install_request_guards

    install_request_guards(app)  # before any blueprint: URL converters and input guards
    _init_extensions(app)
    _register_blueprints(app)
    _init_request_transaction(app)
    from .web import assets, errors, headers, nav

    errors.init_app(app)
    headers.init_app(app)
    assets.init_app(app)
    nav.init_app(app)
    from .cli import register

    register(app)
    return app


def _init_extensions(app: Flask) -> None:
    from . import i18n, models  # noqa: F401  (all models registered on the metadata)
    from .auth.operations import load_user
    from .database import configure_engine
    from .extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    # One Limiter serves every app in the process (its decorators are on the views), and
    # Flask-Limiter keeps settings of the first app it met: each app states RATELIMIT_ENABLED
    # (config.py) and reads RATELIMIT_KEY_PREFIX afresh.
    limiter._key_prefix = ""
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    i18n.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from .audit.views import bp as audit_bp
    from .auth.views import bp as auth_bp
    from .bylaws.views import bp as bylaws_bp
    from .candidacy.views import bp as candidacy_bp
    from .conference.delegate_views import bp as delegates_bp
    from .conference.views import bp as conference_bp
    from .members.views import bp as members_bp
    from .web.views import bp as web_bp

    for bp in (web_bp, auth_bp, audit_bp, bylaws_bp, members_bp, conference_bp, delegates_bp):
        app.register_blueprint(bp)
    app.register_blueprint(candidacy_bp)
    from .results.views import bp as results_bp
    from .voting.views import bp as voting_bp

    app.register_blueprint(voting_bp)
    from .voting.turnout_views import bp as turnout_bp

    app.register_blueprint(turnout_bp)
    app.register_blueprint(results_bp)
    from .results.minutes_views import bp as minutes_bp

    app.register_blueprint(minutes_bp)
    from .sealing.views import bp as sealing_bp

    app.register_blueprint(sealing_bp)
    from .verifiable.views import bp as verifiable_bp

    app.register_blueprint(verifiable_bp)


def _init_request_transaction(app: Flask) -> None:
    """One commit per request: a response below 400 commits, anything else rolls back.

    Requests that may write (not GET/HEAD/OPTIONS) take SQLite's write lock at
    their first statement (see congress.database), so a read-then-write never
    races another request.
    """
    from .extensions import db

    @app.after_request
    def _finish(response):
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def _teardown(error) -> None:
        if error is not None:
            db.session.rollback()

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
