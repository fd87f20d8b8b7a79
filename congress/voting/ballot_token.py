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
import hmac
import json
import secrets
from dataclasses import dataclass

from flask import current_app
from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

from congress.core import ballot as ballots
from congress.core import sealed


class BadToken(Exception):
    """Not a token of this application and poll: the review must be done again."""


@dataclass(frozen=True)
class Reviewed:
    """What the voter reviewed, for whom, and the token's own randomness: a second post of
    the same form (a double tap on a slow link) derives the same tracker from it, so the
    voter gets the same receipt again and nothing is stored to make that possible."""

    content: dict
    member_id: int
    nonce: bytes

    def derived(self, purpose: str) -> bytes:
        """32 bytes only the server can compute from this token (salt, sealing seed)."""
        return hmac.new(_secret(), purpose.encode() + b"\x00" + self.nonce, "sha256").digest()


def _secret() -> bytes:
    secret = current_app.config["SECRET_KEY"]
    return secret.encode() if isinstance(secret, str) else secret


def _box() -> SecretBox:
    return SecretBox(hashlib.sha256(b"congress reviewed ballot\x00" + _secret()).digest())


HEADER = 8 + 8 + 16  # poll, member, nonce


def seal_choice(poll_id: int, member_id: int, content: dict, spec: ballots.BallotSpec) -> str:
    padded = sealed.pad(ballots.canonical(content), ballots.longest_content(spec))
    head = poll_id.to_bytes(8, "big") + member_id.to_bytes(8, "big") + secrets.token_bytes(16)
    boxed = _box().encrypt(head + padded)
    return base64.urlsafe_b64encode(bytes(boxed)).decode("ascii")


def open_token(token: str, poll_id: int, spec: ballots.BallotSpec) -> Reviewed:
    """What the voter reviewed; BadToken for anything else (another poll, a forgery)."""
    try:
        raw = _box().decrypt(base64.urlsafe_b64decode(token.encode("ascii")))
        if int.from_bytes(raw[:8], "big") != poll_id:
            raise BadToken()
        content = json.loads(sealed.unpad(raw[HEADER:], ballots.longest_content(spec)))
    except (CryptoError, ValueError, UnicodeError, sealed.ShareError):
        raise BadToken() from None
    if not isinstance(content, dict):
        raise BadToken()
    return Reviewed(content, int.from_bytes(raw[8:16], "big"), raw[16:HEADER])


def open_choice(token: str, poll_id: int, spec: ballots.BallotSpec) -> dict:
    """The content the voter reviewed; BadToken for anything else."""
    return open_token(token, poll_id, spec).content


def as_choices(content: dict) -> dict:
    """The content as the ballot form's fields, to show the ballot again for a change."""
    return {
        "marks": [str(m) for m in content.get("marks", [])],
        "ranks": {str(c): str(i) for i, c in enumerate(content.get("ranks", []), start=1)},
        "answer": content.get("answer"),
    }
