"""Several delegates at once: designate from a list, accredit, send account links.

Each row is the single action (`delegates.designate`, `delegates.accredit`,
`invitations.issue`), refused or done on its own and audited exactly as when it is done
alone. A row runs in a savepoint, so a row the bylaws refuse leaves nothing behind while
the others stand; any other error (the database's) propagates and the request rolls back
whole: nothing is ever half done.

The preview of a designation runs the very same designations in a savepoint it then rolls
back, so it says what confirming would do, seat by seat (a list that fills a branch's
seats shows the row that would exceed them). Accreditation and links are previewed by
their checks alone: a link is mail, which no rollback can call back.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from congress.auth.models import User
from congress.core.roll.numbers import split_numbers
from congress.core.rules import RuleRefused
from congress.extensions import db
from congress.members.models import Member
from congress.models_common import utcnow

from . import delegates, invitations
from .forms import DELEGATE_LABELS
from .models import Conference, Delegate, Invitation

MAX_ROWS = 500  # more than any branch sends; a longer paste is most likely a wrong column
ACTIONS = ("designate", "accredit", "invite")
NUMBER_MAX = 40  # the roll's longest member number


@dataclass
class Row:
    """One line of a preview or a report."""

    label: str  # the member number (as found on the roll, or as typed when not found)
    member: Member | None = None
    delegate: Delegate | None = None
    ok: bool = False
    message: str = ""  # why not (or a note on an ok row), translated
    refusal: RuleRefused | None = None  # a refusal of the bylaws, shown with its article
    link: str = ""  # an activation link shown to the officer (no mail server)
    mailed: bool = False

    def refuse(self, problem: Exception) -> None:
        self.ok = False
        if isinstance(problem, RuleRefused):
            self.refusal = problem
        else:
            self.message = str(problem)


def numbers_from(text: str, ticked: list[str]) -> list[str]:
    """The ticked numbers (from the roll) then the pasted ones, in order."""
    return [n for n in (*ticked, *split_numbers(text)) if n.strip()]


def _members(numbers: list[str]) -> dict[str, Member]:
    """Members by number as typed: exactly, else whatever the case (sy-001 is SY-001)."""
    wanted = {n.lower() for n in numbers if len(n) <= NUMBER_MAX}  # longer: no such member
    found: dict[str, Member] = {}
    for chunk in _chunks(sorted(wanted), 400):
        for member in db.session.execute(
            select(Member).where(func.lower(Member.number).in_(chunk))
        ).scalars():
            found.setdefault(member.number.lower(), member)
            found[member.number] = member
    resolved = {n: found.get(n) or found.get(n.lower()) for n in numbers}
    for number in [n for n, m in resolved.items() if m is None and n.isdigit() and len(n) <= 20]:
        resolved[number] = _by_digits(number)
    return resolved


def _by_digits(digits: str) -> Member | None:
    """A number pasted without its prefix ("0007" for "M0007", a spreadsheet drops the
    letters): the one member whose number has exactly these digits, else none (two such
    numbers, "SY-0007" and "TR-0007", are not guessed between)."""
    candidates = [
        m
        for m in db.session.execute(
            select(Member).where(Member.number.like(f"%{digits}"))
        ).scalars()
        if "".join(ch for ch in m.number if ch.isdigit()) == digits
    ]
    return candidates[0] if len(candidates) == 1 else None


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def designate(
    conference: Conference, numbers: list[str], kind: str, *, actor: User | None, apply: bool
) -> list[Row]:
    """Each number's designation as `kind` for the member's own branch (the single form's
    default); with apply=False everything is rolled back."""
    by_number = _members(numbers)
    preview = None if apply else db.session.begin_nested()
    rows, seen = [], set()
    try:
        for number in numbers:
            member = by_number.get(number)
            row = Row(member.number if member else number[: NUMBER_MAX + 1], member=member)
            rows.append(row)
            if member is None:
                row.message = _("No member has the number %(n)s.", n=row.label)
            elif member.id in seen:
                row.message = _("Listed twice: this row is left out.")
            else:
                seen.add(member.id)
                try:
                    with db.session.begin_nested():
                        row.delegate = delegates.designate(
                            conference, member, member.branch, kind, actor=actor
                        )
                    row.ok = True
                    if member.number.lower() != number.lower():
                        row.message = _("Read as %(number)s.", number=member.number)
                except (RuleRefused, delegates.DelegateError) as problem:
                    row.refuse(problem)
    finally:
        if preview is not None:
            preview.rollback()
    if preview is not None:
        for row in rows:
            row.delegate = None  # rolled back: the preview keeps only what it would do
    return rows


def chosen(conference: Conference, ids: list[int], action: str, every: bool) -> list[Delegate]:
    """The ticked delegates of this conference (LookupError for an id that is not one), or
    with `every` each row the action applies to."""
    query = select(Delegate).where(Delegate.conference_id == conference.id)
    if every:
        if action == "accredit":
            query = query.where(Delegate.status == "designated")
        else:  # neither an account nor a link waiting to be used
            query = query.where(
                Delegate.status.in_(delegates.ACTIVE),
                Delegate.member_id.not_in(
                    select(User.member_id).where(
                        User.member_id.is_not(None), User.password_hash.is_not(None)
                    )
                ),
                Delegate.id.not_in(_pending_subquery()),
            )
        return list(db.session.execute(query.order_by(Delegate.branch_id, Delegate.id)).scalars())
    rows = {d.id: d for d in db.session.execute(query.where(Delegate.id.in_(ids))).scalars()}
    if set(ids) - set(rows):
        raise LookupError("not a delegate of this conference")
    return [rows[i] for i in dict.fromkeys(ids)]


def _pending_subquery():
    return select(Invitation.delegate_id).where(
        Invitation.delegate_id.is_not(None),
        Invitation.used_at.is_(None),
        Invitation.revoked_at.is_(None),
        Invitation.expires_at > utcnow(),
    )


def accredit(rows_of: list[Delegate], *, actor: User | None, apply: bool) -> list[Row]:
    rows = []
    for delegate in rows_of:
        row = Row(delegate.member.number, member=delegate.member, delegate=delegate)
        rows.append(row)
        if delegate.status != "designated":
            row.message = _(
                "This delegate has already been decided on (%(status)s).",
                status=DELEGATE_LABELS[delegate.status],
            )
            continue
        if not apply:
            row.ok = True
            continue
        try:
            with db.session.begin_nested():
                delegates.accredit(delegate, actor=actor)
            row.ok = True
        except delegates.DelegateError as problem:  # decided meanwhile by another officer
            row.refuse(problem)
    return rows


def invite(rows_of: list[Delegate], *, actor: User | None, apply: bool) -> list[Row]:
    pending = set(
        db.session.execute(
            _pending_subquery().where(Invitation.delegate_id.in_([d.id for d in rows_of]))
        ).scalars()
    )
    rows = []
    for delegate in rows_of:
        row = Row(delegate.member.number, member=delegate.member, delegate=delegate)
        rows.append(row)
        problem = _invite_refusal(delegate)
        if problem:
            row.message = problem
            continue
        if delegate.id in pending:
            row.message = _("A new link replaces the one not yet used.")
        if not apply:
            row.ok = True
            continue
        try:
            with db.session.begin_nested():
                invitation, link = invitations.issue(delegate, actor=actor)
            row.ok, row.message = True, ""
            row.mailed = not invitation.shown_to_staff
            row.link = "" if row.mailed else link
        except invitations.InvalidInvitation:  # withdrawn meanwhile by another officer
            row.message = _("Only a designated or accredited delegate can be invited.")
        except invitations.AlreadyActive:  # activated meanwhile
            row.message = _invite_refusal(delegate) or ""
    return rows


def _invite_refusal(delegate: Delegate) -> str | None:
    if delegate.status not in delegates.ACTIVE:
        return _("Only a designated or accredited delegate can be invited.")
    if invitations.account_of(delegate.member) is not None:
        return _(
            "This member already has an active account: they log in with it, or choose "
            "a new password with “Forgot your password?”."
        )
    return None
