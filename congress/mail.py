"""Outgoing mail: SMTP when configured, otherwise `.eml` files in instance/outbox/.

An organization without a mail server can still send activation links through
its own channels: the officer opens the outbox file or copies the link shown.
"""

from __future__ import annotations

import re
import secrets
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from flask import current_app

from congress.models_common import utcnow


@dataclass(frozen=True)
class Sent:
    channel: str  # "smtp" or "outbox"
    path: str = ""  # the .eml file, for the outbox


def outbox_dir() -> Path:
    path = Path(current_app.instance_path) / "outbox"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def send(to: str, subject: str, body: str) -> Sent:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to or "undisclosed-recipients:;"
    message["Subject"] = subject
    message.set_content(body)
    server = current_app.config["MAIL_SERVER"]
    if server and to:
        with smtplib.SMTP(server, current_app.config["MAIL_PORT"], timeout=20) as smtp:
            if current_app.config["MAIL_USE_TLS"]:
                smtp.starttls()
            if current_app.config["MAIL_USERNAME"]:
                smtp.login(current_app.config["MAIL_USERNAME"], current_app.config["MAIL_PASSWORD"])
            smtp.send_message(message)
        return Sent("smtp")
    slug = re.sub(r"[^a-z0-9]+", "-", (to or "no-address").lower()).strip("-")[:60]
    name = f"{utcnow():%Y%m%dT%H%M%S}-{slug}-{secrets.token_hex(3)}.eml"
    path = outbox_dir() / name
    path.write_bytes(bytes(message))
    path.chmod(0o600)
    return Sent("outbox", name)
