"""Named audit actions. The chain stores these strings: never rename one."""

LOGIN_SUCCEEDED = "auth.login"
LOGIN_FAILED = "auth.login_failed"
LOGOUT = "auth.logout"
PASSWORD_CHANGED = "auth.password_changed"  # noqa: S105 (an action name)
USER_CREATED = "auth.user_created"
ROLE_GRANTED = "auth.role_granted"
ROLE_REVOKED = "auth.role_revoked"
CONFIG_CHANGED = "system.config_changed"
DATABASE_INITIALIZED = "system.initialized"
DEMO_LOADED = "system.demo_loaded"
