"""Redirect targets that cannot leave our host."""

from urllib.parse import urlsplit

from flask import url_for


def safe_next(target: str | None, default: str | None = None) -> str:
    """Only a local path is accepted: no scheme, no host, no backslash tricks."""
    default = default or url_for("web.home")
    if not target:
        return default
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return default
    return target
