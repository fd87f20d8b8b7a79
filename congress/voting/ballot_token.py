"""The reviewed ballot, carried from the review page to the cast as one sealed field.

The review page posts the choices back to the server to cast them. Posted as fields
(`mark=12&mark=15...`), the request's length would tell a network observer how many
marks the ballot has, or which answer ("no" is shorter than "abstain"). Instead the review
page carries the validated content padded to the poll's longest and sealed with a key
derived from the application's secret: every cast request of a poll has one length, and
the voter cannot be shown one ballot and cast another by a forged field.
"""

from __future__ import annotations

import base64
import hashlib
import json

from flask import current_app
from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

from congress.core import ballot as ballots
from congress.core import sealed


class BadToken(Exception):
    """Not a token of this application and poll: the review must be done again."""


def _box() -> SecretBox:
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    return SecretBox(hashlib.sha256(b"congress reviewed ballot\x00" + secret).digest())


def seal_choice(poll_id: int, content: dict, spec: ballots.BallotSpec) -> str:
    padded = sealed.pad(ballots.canonical(content), ballots.longest_content(spec))
    boxed = _box().encrypt(poll_id.to_bytes(8, "big") + padded)
    return base64.urlsafe_b64encode(bytes(boxed)).decode("ascii")


def open_choice(token: str, poll_id: int, spec: ballots.BallotSpec) -> dict:
    """The content the voter reviewed; BadToken for anything else."""
    try:
        raw = _box().decrypt(base64.urlsafe_b64decode(token.encode("ascii")))
        if int.from_bytes(raw[:8], "big") != poll_id:
            raise BadToken()
        content = json.loads(sealed.unpad(raw[8:], ballots.longest_content(spec)))
    except (CryptoError, ValueError, UnicodeError, sealed.ShareError):
        raise BadToken() from None
    if not isinstance(content, dict):
        raise BadToken()
    return content


def as_choices(content: dict) -> dict:
    """The content as the ballot form's fields, to show the ballot again for a change."""
    return {
        "marks": [str(m) for m in content.get("marks", [])],
        "ranks": {str(c): str(i) for i, c in enumerate(content.get("ranks", []), start=1)},
        "answer": content.get("answer"),
    }
