"""What the audit page shows for the chain's raw values: a label for each action, and the
name of the person, poll or conference an actor or subject ("user:8", "poll:3") refers to.
The raw values stay on the page (in a title, a link and the row's data-action) for auditors."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from . import actions as a

ACTION_LABELS = {
    a.LOGIN_SUCCEEDED: _l("Login"),
    a.LOGIN_FAILED: _l("Failed login"),
    a.LOGOUT: _l("Logout"),
    a.PASSWORD_CHANGED: _l("Password changed"),
    a.ACTIVATION_REPORTED: _l("Activation reported by the account's owner"),
    a.PASSWORD_RESET_REQUESTED: _l("Password reset requested"),
    a.PASSWORD_RESET: _l("Password reset"),
    a.PASSWORD_RESET_FORCED: _l("Password reset required by an administrator"),
    a.ACCOUNT_DISABLED: _l("Account disabled"),
    a.ACCOUNT_ENABLED: _l("Account enabled again"),
    a.USER_CREATED: _l("Account created"),
    a.ROLE_GRANTED: _l("Role granted"),
    a.ROLE_REVOKED: _l("Role revoked"),
    a.CONFIG_CHANGED: _l("Configuration changed"),
    a.DATABASE_INITIALIZED: _l("Database initialized"),
    a.DEMO_LOADED: _l("Demo data loaded"),
    a.BYLAWS_UPLOADED: _l("Bylaws uploaded"),
    a.CONFERENCE_CREATED: _l("Conference created"),
    a.CONFERENCE_UPDATED: _l("Conference updated"),
    a.CONFERENCE_STATE: _l("Conference state changed"),
    a.CONFERENCE_DELETED: _l("Conference deleted"),
    a.COMMITTEE_SEAT: _l("Election committee seat"),
    a.DELEGATE_DESIGNATED: _l("Delegate designated"),
    a.DELEGATE_ACCREDITED: _l("Delegate accredited"),
    a.DELEGATE_REJECTED: _l("Delegate rejected"),
    a.DELEGATE_WITHDRAWN: _l("Delegate withdrawn"),
    a.DELEGATE_REPLACED: _l("Delegate replaced"),
    a.DELEGATE_REINSTATED: _l("Delegate reinstated"),
    a.INVITATION_ISSUED: _l("Account link issued"),
    a.INVITATION_REVOKED: _l("Account link revoked"),
    a.ACCOUNT_ACTIVATED: _l("Account activated"),
    a.SITTING_OPENED: _l("Sitting opened"),
    a.SITTING_CLOSED: _l("Sitting closed"),
    a.ATTENDANCE_CHANGED: _l("Attendance changed"),
    a.MEMBERS_IMPORTED: _l("Member roll imported"),
    a.TOTP_ENABLED: _l("Two-step login turned on"),
    a.RECOVERY_CODE_USED: _l("Recovery code used"),
    a.RECOVERY_CODES_RENEWED: _l("Recovery codes renewed"),
    a.BRANCHES_SYNCED: _l("Branches updated from the bylaws"),
    a.POLL_CREATED: _l("Poll created"),
    a.POLL_OPENED: _l("Poll opened"),
    a.POLL_CLOSED: _l("Poll closed"),
    a.POLL_ANNULLED: _l("Poll annulled"),
    a.POLL_EDITED: _l("Poll edited"),
    a.POLL_DELETED: _l("Poll deleted"),
    a.BOX_ALTERED: _l("Ballot box altered"),
    a.TURNOUT_REMINDER: _l("Reminders to vote sent"),
    a.CANDIDACY_NOMINATED: _l("Candidacy submitted"),
    a.CANDIDACY_PROPOSED: _l("Member nominated by a delegate"),
    a.CANDIDACY_ACCEPTED: _l("Nomination accepted"),
    a.CANDIDACY_DECLINED: _l("Nomination declined"),
    a.CANDIDACY_STATEMENT: _l("Candidate's statement changed"),
    a.CANDIDACY_PHOTO: _l("Candidate's photo changed"),
    a.CANDIDACY_ENDORSED: _l("Candidacy endorsed"),
    a.CANDIDACY_ENDORSEMENT_WITHDRAWN: _l("Endorsement withdrawn"),
    a.CANDIDACY_APPROVED: _l("Candidacy approved"),
    a.CANDIDACY_REJECTED: _l("Candidacy rejected"),
    a.CANDIDACY_OBJECTION_FILED: _l("Objection to a rejection filed"),
    a.CANDIDACY_OBJECTION_DECIDED: _l("Objection to a rejection decided"),
    a.CANDIDACY_WITHDRAWN: _l("Candidacy withdrawn"),
    a.CANDIDACY_WITHDRAWN_BY_COMMITTEE: _l("Withdrawal recorded by the committee"),
    a.CANDIDACY_REINSTATED: _l("Candidacy reinstated"),
    a.CANDIDATE_LIST_FROZEN: _l("List of candidates made final"),
    a.CANDIDACY_DEMO: _l("Demo candidacy created"),
    a.POLL_TALLIED: _l("Poll counted"),
    a.RESULT_SIGNED: _l("Result signed"),
    a.RESULT_REFUSED: _l("Signature of a result refused"),
    a.RESULT_CERTIFIED: _l("Result certified"),
    a.RESULT_OBJECTION_FILED: _l("Objection to a result filed"),
    a.RESULT_OBJECTION_DECIDED: _l("Objection to a result decided"),
    a.RUNOFF_CREATED: _l("Runoff created"),
    a.KEYHOLDER_SET: _l("Key-holder passphrase set"),
    a.POLL_KEY_CREATED: _l("Ballot-box key made"),
    a.SHARE_COLLECTED: _l("Share collected"),
    a.SHARE_DISCARDED: _l("Share discarded"),
    a.SHARE_CONTRIBUTED: _l("Share entered to open the box"),
    a.SHARE_REFUSED: _l("Share refused"),
    a.BOX_OPENED: _l("Ballot box opened"),
    a.TRUSTEES_BEGUN: _l("Trustees' key begun"),
    a.TRUSTEE_MESSAGE: _l("A trustee's step of the key"),
    a.TRUSTEES_DONE: _l("Trustees' key made"),
    a.TRUSTEES_RESTARTED: _l("Trustees' key restarted"),
    a.CREDENTIALS_PUBLISHED: _l("Public credentials published"),
    a.CREDENTIAL_REPLACED: _l("A delegate's credential replaced"),
    a.PARTIAL_DECRYPTION: _l("Partial decryption received"),
    a.RESULT_DECRYPTED: _l("Result decrypted"),
    a.APPOINTMENT_PROPOSED: _l("Appointment proposed"),
    a.APPOINTMENT_RECORDED: _l("Appointment recorded"),
}

# What the part before the colon of an actor or subject names.
KIND_LABELS = {
    "user": _l("account"),
    "member": _l("member"),
    "delegate": _l("delegate"),
    "candidacy": _l("candidacy"),
    "poll": _l("poll"),
    "conference": _l("conference"),
    "bylaws": _l("bylaws"),
}


def action_label(action: str) -> str:
    """The action in the reader's language; an action without a label as recorded."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def names_of(references: Iterable[str], lang: str) -> dict[str, str]:
    """'user:8' -> the person's name, 'poll:3' -> the poll's title, and so on, for the
    references that name a row still in the database; the others are left out (the page
    shows them as recorded)."""
    from sqlalchemy import select

    from congress.auth.models import User
    from congress.candidacy.models import Candidacy
    from congress.conference.models import Conference, Delegate
    from congress.extensions import db
    from congress.members.models import Member
    from congress.voting.models import Poll

    ids: dict[str, set] = {}
    for ref in references:
        kind, _sep, key = (ref or "").partition(":")
        if kind == "member" and key:
            ids.setdefault(kind, set()).add(key)
        elif key.isdigit() and len(key) < 19:
            ids.setdefault(kind, set()).add(int(key))
    names: dict[str, str] = {}

    def rows(model, column, kind):
        wanted = ids.get(kind)
        if not wanted:
            return []
        return db.session.execute(select(model).where(column.in_(wanted))).scalars().all()

    for user in rows(User, User.id, "user"):
        names[f"user:{user.id}"] = user.name or user.email
    for member in rows(Member, Member.number, "member"):
        names[f"member:{member.number}"] = member.display_name(lang)
    for delegate in rows(Delegate, Delegate.id, "delegate"):
        names[f"delegate:{delegate.id}"] = delegate.member.display_name(lang)
    for candidacy in rows(Candidacy, Candidacy.id, "candidacy"):
        names[f"candidacy:{candidacy.id}"] = candidacy.member.display_name(lang)
    for poll in rows(Poll, Poll.id, "poll"):
        names[f"poll:{poll.id}"] = poll.title(lang)
    for conference in rows(Conference, Conference.id, "conference"):
        names[f"conference:{conference.id}"] = conference.title(lang)
    for number in ids.get("bylaws", ()):
        names[f"bylaws:{number}"] = _("Version %(n)d", n=number)
    return names
