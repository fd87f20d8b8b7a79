"""One-time activation links for members' accounts: random tokens stored only as hashes.

A designated delegate gets one from the credentials officer's delegates page; any
member can get one from the member roll, so members who are not delegates can log
in, read the conference and stand as candidates.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext, pgettext
from sqlalchemy import select, update

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.auth.models import User
from congress.auth.operations import AccountError, find_user_by_email, normalize_email
from congress.auth.passwords import hash_password, password_problems
from congress.extensions import db
from congress.mail import send
from congress.members.models import Member
from congress.models_common import utcnow

from .models import Delegate, Invitation


class AccountLinked(Exception):
    """The roll's email already had an account: it is now linked to the membership, its
    password unchanged; the person logs in with it."""


class AlreadyActive(Exception):
    """The member already has an active account: no link is issued (a link would hand its
    holder a way into that account)."""


def account_of(member: Member) -> User | None:
    """The member's active account (one with a password), if any."""
    return db.session.execute(
        select(User).where(User.member_id == member.id, User.password_hash.is_not(None))
    ).scalar_one_or_none()


class InvalidInvitation(Exception):
    """One answer for unknown, used, revoked or expired links: nothing is revealed."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(delegate: Delegate, *, actor: User | None) -> tuple[Invitation, str]:
    """A delegate's link; a new link makes every earlier link of the member useless."""
    if delegate.status not in ("designated", "accredited"):
        raise InvalidInvitation()
    return _issue(delegate.member, delegate, actor)


def issue_for_member(member: Member, *, actor: User | None) -> tuple[Invitation, str]:
    """An account link for any member whose membership is not ended."""
    if member.status == "resigned":
        raise InvalidInvitation()
    return _issue(member, None, actor)


def _issue(member: Member, delegate: Delegate | None, actor: User | None) -> tuple[Invitation, str]:
    if account_of(member) is not None:  # a link would be dead: they log in, or reset
        raise AlreadyActive()
    now = utcnow()
    db.session.execute(
        update(Invitation)
        .where(
            Invitation.member_id == member.id,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    hours = current_app.config.get("INVITATION_HOURS", 72)
    invitation = Invitation(
        member_id=member.id,
        delegate_id=delegate.id if delegate else None,
        token_hash=_digest(token),
        expires_at=now + timedelta(hours=hours),
    )
    db.session.add(invitation)
    db.session.flush()
    link = url_for("delegates.activate", token=token, _external=True)
    body = _invitation_body(member.name_ar, link, hours, delegate is not None, member.gender == "f")
    subject = (
        _("Your delegate account for the General Conference")
        if delegate
        else _("Your member account for the General Conference")
    )
    sent = send(member.email, subject, body)
    invitation.channel, invitation.outbox_file = sent.channel, sent.path
    # Mailed, the link reaches only the member. Otherwise the officer sees it (on the page,
    # in the outbox) and hands it over: recorded here, shown to the member after activation.
    invitation.shown_to_staff = sent.channel != "smtp"
    invitation.issued_by_id = actor.id if actor is not None else None
    record(
        actions.INVITATION_ISSUED,
        actor=actor_label(actor),
        subject=f"delegate:{delegate.id}" if delegate else f"member:{member.number}",
        data={
            "invitation": invitation.id,
            "channel": sent.channel,
            "hours": hours,
            "shown_to": actor_label(actor) if invitation.shown_to_staff else None,
        },
    )
    return invitation, link


def _invitation_body(name: str, link: str, hours: int, delegate: bool, female: bool) -> str:
    designated = (
        pgettext(
            "female",
            "You have been designated as a delegate to the General Conference. "
            "Open this link to set your password and activate your account:",
        )
        if female
        else _(
            "You have been designated as a delegate to the General Conference. "
            "Open this link to set your password and activate your account:"
        )
    )
    why = (
        designated
        if delegate
        else _(
            "Your account for the General Conference is ready. Open this link to set "
            "your password and activate it:"
        )
    )
    return (
        "\n".join(
            [
                _("Dear %(name)s,", name=name),
                "",
                why,
                "",
                link,
                "",
                ngettext(
                    "The link works once and expires in %(num)d hour.",
                    "The link works once and expires in %(num)d hours.",
                    hours,
                ),
            ]
        )
        + "\n"
    )


def _subject(invitation: Invitation) -> str:
    if invitation.delegate_id is not None:
        return f"delegate:{invitation.delegate_id}"
    return f"member:{invitation.member.number}"


def revoke(invitation: Invitation, *, actor: User | None) -> None:
    if invitation.used_at is None and invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        record(
            actions.INVITATION_REVOKED,
            actor=actor_label(actor),
            subject=_subject(invitation),
            data={"invitation": invitation.id},
        )


def find_valid(token: str) -> Invitation:
    """The invitation a token opens, or InvalidInvitation whatever the reason."""
    if not token or len(token) > 200:
        raise InvalidInvitation()
    digest = _digest(token)
    invitation = db.session.execute(
        select(Invitation).where(Invitation.token_hash == digest)
    ).scalar_one_or_none()
    # The lookup is by hash, so timing reveals nothing of the token; compare anyway.
    if invitation is None or not hmac.compare_digest(invitation.token_hash, digest):
        raise InvalidInvitation()
    if (
        invitation.used_at is not None
        or invitation.revoked_at is not None
        or invitation.expires_at <= utcnow()
        or (
            invitation.delegate is not None
            and invitation.delegate.status not in ("designated", "accredited")
        )
        or invitation.member.status == "resigned"
        or account_of(invitation.member) is not None
    ):
        raise InvalidInvitation()
    return invitation


def activate(token: str, *, password: str, email: str | None, language: str, timezone: str) -> User:
    """Set the delegate's password; the link is spent in the same transaction."""
    invitation = find_valid(token)
    spent = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if spent != 1:  # the same link used twice at once
        raise InvalidInvitation()
    member = invitation.member
    if account_of(member) is not None:  # an active account is never re-passworded by a link
        raise InvalidInvitation()
    typed = not member.email
    address = normalize_email(member.email or email or "")
    if not address:
        raise AccountError([_("An email address is needed to log in.")])
    existing = find_user_by_email(address)
    if existing is not None:
        if typed or existing.member_id not in (None, member.id):
            raise AccountError([_("This email belongs to another account.")])
        # The roll's email already has an account (a committee member who is also a
        # member): link the membership, leave its password alone, and let them log in.
        existing.member_id = member.id
        db.session.flush()
        record(
            actions.ACCOUNT_ACTIVATED,
            actor=actor_label(existing),
            subject=_subject(invitation),
            data={"user": existing.id, "linked": True},
        )
        raise AccountLinked()
    problems = password_problems(password, email=address)
    if problems:
        raise AccountError(problems)
    user = db.session.execute(select(User).where(User.member_id == member.id)).scalar_one_or_none()
    if user is None:
        user = User(email=address, name=member.name_ar)
        db.session.add(user)
    user.member_id = member.id
    user.password_hash = hash_password(password)
    user.session_version = (user.session_version or 0) + 1
    user.language, user.timezone = language, timezone
    user.activated_at, user.activated_via_id = utcnow(), invitation.id
    db.session.flush()
    record(
        actions.ACCOUNT_ACTIVATED,
        actor=actor_label(user),
        subject=_subject(invitation),
        data={
            "user": user.id,
            "invitation": invitation.id,
            "channel": invitation.channel,
            # whoever used the link: the member, or the officer it was shown to
            "link_seen_by": (
                f"user:{invitation.issued_by_id}" if invitation.shown_to_staff else None
            ),
        },
    )
    return user
