"""Use cases of accounts: each changes rows and writes its audit entry together."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.extensions import db
from congress.models_common import utcnow

from . import roles as role_names
from .models import User, UserRole
from .passwords import hash_password, needs_rehash, password_problems, verify_password


class AccountError(Exception):
    """Refused account change; `problems` are already translated."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.execute(
        select(User).where(func.lower(User.email) == normalize_email(email))
    ).scalar_one_or_none()


@dataclass
class LoginResult:
    user: User | None

    @property
    def ok(self) -> bool:
        return self.user is not None


def authenticate(email: str, password: str, *, address: str = "") -> LoginResult:
    """Check the credentials; the caller cannot tell a wrong email from a wrong password."""
    user = find_user_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        record(
            actions.LOGIN_FAILED,
            subject=f"user:{user.id}" if user else "",
            data={"known_account": user is not None},
        )
        return LoginResult(None)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    # the day only: exact login times would give the voting order of those who came to vote
    user.last_login_at = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    record(actions.LOGIN_SUCCEEDED, actor=actor_label(user), subject=f"user:{user.id}")
    return LoginResult(user)


def create_user(
    email: str,
    name: str,
    password: str | None,
    *,
    roles: tuple[str, ...] = (),
    actor: User | None = None,
    member_id: int | None = None,
    language: str | None = None,
) -> User:
    email = normalize_email(email)
    problems = password_problems(password, email=email) if password is not None else []
    if find_user_by_email(email) is not None:
        problems.append(_("An account with this email already exists."))
    if problems:
        raise AccountError(problems)
    user = User(
        email=email,
        name=name,
        member_id=member_id,
        language=language,
        password_hash=hash_password(password) if password else None,
    )
    db.session.add(user)
    db.session.flush()
    record(
        actions.USER_CREATED,
        actor=actor_label(actor),
        subject=f"user:{user.id}",
        data={"roles": sorted(roles)},
    )
    for role in roles:
        grant_role(user, role, actor=actor)
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise AccountError([_("The current password is not correct.")])
    set_password(user, new)


def set_password(user: User, new: str, *, actor: User | None = None) -> None:
    problems = password_problems(new, email=user.email)
    if problems:
        raise AccountError(problems)
    user.password_hash = hash_password(new)
    user.session_version += 1  # every other session of this user ends
    record(actions.PASSWORD_CHANGED, actor=actor_label(actor or user), subject=f"user:{user.id}")


def grant_role(user: User, role: str, *, actor: User | None = None) -> None:
    """Separation of duties: no one grants a role to themself (an administrator who could
    would sit on the election committee by their own say)."""
    if role not in role_names.ALL:
        raise ValueError(f"unknown role {role!r}")
    if actor is not None and actor.id == user.id:
        raise AccountError([_("No one can grant a role to themself: ask another administrator.")])
    if user.has_role(role):
        return
    if {role, *(r.role for r in user.roles)} >= {role_names.ADMIN, role_names.AUTHORITY}:
        raise AccountError(
            [
                _(
                    "The credential authority cannot be an administrator: with the server, "
                    "they could vote in the place of any delegate."
                )
            ]
        )
    user.roles.append(UserRole(role=role))
    db.session.flush()
    record(
        actions.ROLE_GRANTED,
        actor=actor_label(actor),
        subject=f"user:{user.id}",
        data={"role": role},
    )


def revoke_role(user: User, role: str, *, actor: User | None = None) -> None:
    kept = [r for r in user.roles if r.role != role]
    if len(kept) == len(user.roles):
        return
    user.roles = kept
    db.session.flush()
    record(
        actions.ROLE_REVOKED,
        actor=actor_label(actor),
        subject=f"user:{user.id}",
        data={"role": role},
    )


def load_user(user_id: str) -> User | None:
    """Flask-Login loader: the id must carry the current session version."""
    ident, _, version = user_id.partition(".")
    if not ident.isdigit() or not version.isdigit():
        return None
    # roles in the same statement: every page asks them (navigation, the staff TOTP rule)
    user = db.session.get(User, int(ident), options=[joinedload(User.roles)])
    if user is None or user.session_version != int(version) or not user.active:
        return None
    return user


@dataclass(frozen=True)
class Activation:
    at: object  # datetime | None
    channel: str  # "smtp": mailed to the member; "outbox": handed over by staff; "": none
    handed_over_by: str  # the officer's name, when a person saw the link


def activation_of(user: User) -> Activation:
    """How the account came to have its password, as the member is entitled to know."""
    from congress.conference.models import Invitation

    invitation = db.session.get(Invitation, user.activated_via_id or 0)
    if invitation is None:
        return Activation(user.activated_at, "", "")
    officer = db.session.get(User, invitation.issued_by_id or 0)
    by = (officer.name or officer.email) if officer and invitation.shown_to_staff else ""
    return Activation(user.activated_at, "outbox" if invitation.shown_to_staff else "smtp", by)


def report_activation(user: User, note: str) -> None:
    """The member says they did not activate the account themselves: audited, the committee
    and the administrators told (mail or outbox), every other session ended."""
    from congress.mail import send

    activation = activation_of(user)
    user.session_version += 1
    record(
        actions.ACTIVATION_REPORTED,
        actor=actor_label(user),
        subject=f"user:{user.id}",
        data={
            "invitation": user.activated_via_id,
            "channel": activation.channel,
            "note": note.strip()[:500],
        },
    )
    staff = db.session.execute(
        select(User)
        .join(UserRole)
        .where(UserRole.role.in_((role_names.ADMIN, role_names.COMMITTEE)))
        .distinct()
    ).scalars()
    from congress.members.models import Member

    member = db.session.get(Member, user.member_id) if user.member_id else None
    body = (
        pgettext(
            "female",
            "%(name)s (%(email)s) reports that they did not activate their account themselves. "
            "See the audit log for the activation link and who saw it.",
            name=user.name,
            email=user.email,
        )
        if member is not None and member.gender == "f"
        else _(
            "%(name)s (%(email)s) reports that they did not activate their account themselves. "
            "See the audit log for the activation link and who saw it.",
            name=user.name,
            email=user.email,
        )
    )
    for person in staff:
        send(person.email, _("An account activation was reported"), body + "\n\n" + note.strip())
