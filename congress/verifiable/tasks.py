"""What waits on the home page for the trustees and the credential authority."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from congress.auth import roles
from congress.conference.models import Conference
from congress.extensions import db
from congress.i18n import language
from congress.voting.models import Poll

from . import trustees
from .models import PartialDecryptionRow, VerifiablePoll

STEP_TEXT = {
    "certificates": 1,
    "polynomials": 2,
    "voutputs": 3,
}


def _verifiable(conference: Conference, *states: str) -> list[tuple[Poll, VerifiablePoll]]:
    return list(
        db.session.execute(
            select(Poll, VerifiablePoll)
            .join(VerifiablePoll, VerifiablePoll.poll_id == Poll.id)
            .where(Poll.conference_id == conference.id, Poll.state.in_(states))
            .order_by(Poll.id)
        ).all()
    )


def for_trustee(user, conference: Conference, task) -> list:
    """A committee member: the key's step waiting for their message, and closed
    verifiable polls waiting for their partial decryption. `task` makes a dashboard Task."""
    page = url_for("verifiable.trustees_page", conference_id=conference.id)
    setup = trustees.setup_of(conference)
    if setup is None:
        return [task(_("Make the trustees' key for verifiable polls"), page)]
    out = []
    if setup.step != "done":
        sent = {m.user_id for m in trustees.messages(conference, setup.step)}
        if user.id not in sent:
            out.append(
                task(
                    _("The trustees' key, step %(n)d of 3, waits for you", n=STEP_TEXT[setup.step]),
                    page,
                    True,
                )
            )
    owner = trustees.trustee_index(conference, user)
    for poll, vp in _verifiable(conference, "closed"):
        if vp.result:
            continue
        mine = db.session.get(PartialDecryptionRow, (poll.id, owner)) if owner else None
        if mine is None:
            out.append(
                task(
                    _("Decrypt the tally: %(title)s", title=poll.title(language())),
                    url_for("verifiable.decrypt", poll_id=poll.id),
                    True,
                )
            )
    return out


def for_authority(user, conference: Conference, task) -> list:
    if not user.has_role(roles.AUTHORITY):
        return []
    out = [
        task(
            _("Voting codes for the verifiable polls: your page"),
            url_for("verifiable.authority_page", conference_id=conference.id),
        )
    ]
    for poll, vp in _verifiable(conference, "open"):
        if not vp.credentials:
            out.append(
                task(
                    _("Publish the public credentials: %(title)s", title=poll.title(language())),
                    url_for("verifiable.credentials_page", poll_id=poll.id),
                    True,
                )
            )
    return out
