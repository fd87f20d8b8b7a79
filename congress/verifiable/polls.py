"""The life of a verifiable poll, from its Belenios election to its result.

- created: a Belenios uuid; the conference's trustees must have made their key;
- opened: the roll and the candidates are frozen, and so is the election (its questions,
  the trustees' joint key); casting waits for the credential authority's public
  credentials, exactly one per voter on the roll;
- cast: a ballot is checked as belenios-tool would (group elements, proofs, signature, a
  credential of the list) before anything is stored; a credential's last ballot counts;
- closed: the last ballot of each credential, in tracker order, makes the archive's
  ballots; the encrypted tally is computed;
- decrypted: k trustees' partial decryptions, each checked on arrival; with k the result
  is computed and the archive is complete.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select, update

from congress.audit import actions
from congress.audit.models import AuditEntry
from congress.audit.operations import actor_label, record
from congress.conference.models import Conference
from congress.core import belenios as bl
from congress.core import verifiable_poll
from congress.core.ballot import BallotSpec
from congress.extensions import db
from congress.members.models import Member
from congress.models_common import utcnow
from congress.voting.models import Poll, PollCandidate, RollEntry

from . import trustees
from .models import (
    CredentialUse,
    PartialDecryptionRow,
    TrusteeSetup,
    VerifiableBallot,
    VerifiablePoll,
)


class VerifiableRefused(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def of(poll: Poll) -> VerifiablePoll | None:
    return db.session.get(VerifiablePoll, poll.id)


def _sha(data: str | bytes) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def attach(poll: Poll, conference: Conference) -> VerifiablePoll:
    """At creation: the poll becomes verifiable, refused until the trustees have a key."""
    if not trustees.is_ready(conference):
        raise VerifiableRefused(
            _("A verifiable poll needs the trustees' key first (the committee's trustees page).")
        )
    vp = VerifiablePoll(poll_id=poll.id, uuid=bl.new_uuid())
    db.session.add(vp)
    db.session.flush()
    return vp


def spec(poll: Poll) -> BallotSpec:
    s = poll.frozen_rules["spec"]
    return BallotSpec(s["method"], tuple(s["candidates"]), s["max_marks"], s["blank_allowed"])


def election_of(vp: VerifiablePoll) -> bl.Election:
    return bl.parse_election(vp.election)


class RecordChanged(Exception):
    """What the server holds is not what the audit chain recorded (an edited database):
    voting, decrypting and counting stop, and the committee is told."""

    def __init__(self, what: str):
        self.what = what
        super().__init__(what)


def checked_election(poll: Poll) -> bl.Election:
    """The poll's election, refused unless it is the one the opening recorded and its key is
    the trustees' joint key as the chain recorded it: a key swapped in the database would
    let its holder read every ballot cast after."""
    from congress.voting.storage import recorded

    vp = of(poll)
    if recorded(poll, actions.POLL_OPENED).get("election_sha256") != _sha(vp.election):
        raise RecordChanged("election")
    setup = db.session.get(TrusteeSetup, poll.conference_id)
    if trustees.done_fingerprint(poll.conference_id) != _sha(setup.structure):
        raise RecordChanged("trustees")
    election = election_of(vp)
    group = election.group
    if bl.combine_keys(group, bl.parse_trustees(setup.structure)) != election.public_key:
        raise RecordChanged("election")
    return election


def checked_credentials(poll: Poll, vp: VerifiablePoll) -> None:
    """The public credentials are the list the authority published (its digest is in the
    chain): a credential swapped in the database would let its maker vote."""
    entries = db.session.execute(
        select(AuditEntry.data)
        .where(
            AuditEntry.subject == f"poll:{poll.id}",
            AuditEntry.action == actions.CREDENTIALS_PUBLISHED,
        )
        .order_by(AuditEntry.seq)
        .limit(1)
    ).scalar_one_or_none()
    if entries is None or json.loads(entries).get("sha256") != _sha(vp.credentials):
        raise RecordChanged("credentials")


def freeze(poll: Poll) -> None:
    """At opening, once the candidates and the ballot's rules are frozen: the election."""
    vp = of(poll)
    setup = db.session.get(TrusteeSetup, poll.conference_id)
    names = [
        c.name_ar + (f" — {c.name_latin}" if c.name_latin else "")
        for c in db.session.execute(
            select(PollCandidate)
            .where(PollCandidate.poll_id == poll.id)
            .order_by(PollCandidate.position)
        ).scalars()
    ]
    question = verifiable_poll.question_for(spec(poll), poll.title_ar, names)
    vp.election = bl.make_election(
        uuid=vp.uuid,
        group=bl.get_group(setup.group_name),
        public_key=int(setup.public_key),
        name=poll.title_ar,
        description=poll.title_en or poll.title_ar,
        questions=[question],
    )


def roll_numbers(poll: Poll) -> list[str]:
    """The member numbers on the roll: what the credential authority derives keys for."""
    return list(
        db.session.execute(
            select(Member.number)
            .join(RollEntry, RollEntry.member_id == Member.id)
            .where(RollEntry.poll_id == poll.id)
            .order_by(Member.number)
        ).scalars()
    )


def roll_member_ids(poll: Poll) -> list[int]:
    return list(
        db.session.execute(select(RollEntry.member_id).where(RollEntry.poll_id == poll.id))
        .scalars()
        .all()
    )


def upload_credentials(poll: Poll, raw: str, *, actor) -> None:
    """The public credentials of the roll, one per voter, from the credential authority."""
    vp = of(poll)
    if vp is None or poll.state != "open":
        raise VerifiableRefused(_("Public credentials are uploaded once the poll is open."))
    if vp.credentials:
        raise VerifiableRefused(_("This poll's public credentials are already published."))
    election = election_of(vp)
    try:
        parsed = bl.parse_public_credentials(election.group, raw.strip())
    except (bl.FormatError, ValueError, TypeError):
        raise VerifiableRefused(_("This is not a list of public credentials.")) from None
    if parsed.weighted or any(w != 1 for w in parsed.weights.values()):
        raise VerifiableRefused(
            _("Every voter has one vote: the list must not give public credentials weights.")
        )
    if len(parsed.weights) != poll.electorate_size:
        raise VerifiableRefused(
            _(
                "The list has %(credentials)s; the roll has %(voters)s.",
                credentials=ngettext(
                    "%(num)d public credential",
                    "%(num)d public credentials",
                    len(parsed.weights),
                ),
                voters=ngettext("%(num)d voter", "%(num)d voters", poll.electorate_size),
            )
        )
    # published in the canonical (sorted) form whatever order the upload had: a list in
    # the roll's order would name every credential's voter to whoever knows the roll
    vp.credentials = bl.make_public_credentials(sorted(parsed.weights))
    vp.credentials_at = utcnow()
    vp.archive = _archive(poll, vp)
    from congress import notifications

    notifications.poll_opened(poll, roll_member_ids(poll))  # now they can vote
    record(
        actions.CREDENTIALS_PUBLISHED,
        actor=actor_label(actor),
        subject=f"poll:{poll.id}",
        data={"count": len(parsed.weights), "sha256": _sha(vp.credentials)},
    )


def cast(poll_id: int, member_id: int | None, raw: str, *, server_built: bool = False) -> str:
    """Check the ballot as belenios-tool would, mark the roll, keep the credential's last
    ballot; the tracker, or VerifiableRefused with the reason (nothing stored)."""
    from congress.voting.casting import CastRefused, _why_not, open_poll_row

    if member_id is None:
        raise CastRefused(_("Your account is not linked to a member of the organization."))
    row = open_poll_row(poll_id, lock=True)
    vp = db.session.get(VerifiablePoll, poll_id)
    if vp is None or not vp.credentials:
        raise CastRefused(
            _("Voting starts when the credential authority has published the credentials.")
        )
    poll = db.session.get(Poll, poll_id)
    try:
        election = checked_election(poll)
        checked_credentials(poll, vp)
    except RecordChanged:
        raise CastRefused(
            _(
                "Voting in this poll is stopped: its record differs from the one in the audit "
                "chain. Tell the election committee."
            )
        ) from None
    pcs = bl.parse_public_credentials(election.group, vp.credentials)
    try:
        ballot = bl.check_ballot(election, raw, pcs)
    except (bl.BallotRejected, bl.FormatError, ValueError) as bad:
        raise CastRefused(_("The ballot was refused: %(reason)s.", reason=str(bad))) from None
    rules = json.loads(row.rules)
    standing = rules["good_standing"]
    in_good_standing = select(Member.id).where(Member.status.in_(standing["statuses"]))
    if standing["dues_required"]:
        in_good_standing = in_good_standing.where(Member.dues_paid.is_(True))
    voted_before = db.session.execute(
        select(RollEntry.voted).where(
            RollEntry.poll_id == poll_id, RollEntry.member_id == member_id
        )
    ).scalar_one_or_none()
    marked = db.session.execute(
        update(RollEntry)
        .where(
            RollEntry.poll_id == poll_id,
            RollEntry.member_id == member_id,
            RollEntry.member_id.in_(in_good_standing),
        )
        .values(voted=True)
        .execution_options(synchronize_session=False)
    ).rowcount
    if marked != 1:
        db.session.rollback()
        raise _why_not(poll_id, member_id)
    key = _sha(str(ballot.credential))
    _bind(poll_id, key, member_id)
    existing = db.session.get(VerifiableBallot, (poll_id, key))
    if existing is not None and existing.tracker == ballot.tracker:
        if voted_before:
            return ballot.tracker  # the same ballot again (a double tap): nothing changes
        db.session.rollback()  # another voter's ballot replayed: their roll stays unmarked
        raise CastRefused(_("This ballot is already in the box."))
    taken = db.session.execute(
        select(VerifiableBallot.poll_id).where(VerifiableBallot.tracker == ballot.tracker)
    ).first()
    if taken is not None:
        db.session.rollback()
        raise CastRefused(_("This ballot is already in the box."))
    if existing is not None:  # a re-vote: the credential's last ballot counts
        existing.ballot, existing.tracker = ballot.raw, ballot.tracker
    else:
        db.session.add(
            VerifiableBallot(
                poll_id=poll_id, credential=key, tracker=ballot.tracker, ballot=ballot.raw
            )
        )
    if server_built:
        db.session.execute(
            update(VerifiablePoll)
            .where(VerifiablePoll.poll_id == poll_id)
            .values(server_built=VerifiablePoll.server_built + 1)
        )
    db.session.flush()
    return ballot.tracker


def _bind(poll_id: int, credential: str, member_id: int) -> None:
    """One account, one credential, for the poll: a delegate who holds another's credential
    (a sheet of the branch's credentials, say) cannot vote twice, and the delegate whose
    credential was used is told so when they vote (Belenios' server refuses the same)."""
    from congress.voting.casting import CastRefused

    used = db.session.get(CredentialUse, (poll_id, credential))
    if used is not None and used.member_id != member_id:
        db.session.rollback()
        raise CastRefused(
            _(
                "This credential was already used from another account. If it is yours, tell "
                "the election committee at once: someone else has it."
            )
        )
    mine = db.session.execute(
        select(CredentialUse.credential).where(
            CredentialUse.poll_id == poll_id, CredentialUse.member_id == member_id
        )
    ).scalar_one_or_none()
    if mine is not None and mine != credential:
        db.session.rollback()
        raise CastRefused(
            _("You voted with another credential: to vote again, use the same one as before.")
        )
    if used is None:
        db.session.add(CredentialUse(poll_id=poll_id, credential=credential, member_id=member_id))


def build_for_voter(poll: Poll, credential: str, content: dict) -> str:
    """The voter without JavaScript: the server builds the ballot from their choices and
    credential, and keeps neither the credential nor the randomness."""
    vp = of(poll)
    election = election_of(vp)
    if not bl.check_credential(credential):
        raise VerifiableRefused(_("This is not a credential: check each character."))
    plaintext = verifiable_poll.plaintext(spec(poll), content)
    created = bl.create_ballot(election, bl.normalize_credential(credential), plaintext)
    return created.raw


def final_ballots(poll: Poll) -> list[VerifiableBallot]:
    return list(
        db.session.execute(
            select(VerifiableBallot)
            .where(VerifiableBallot.poll_id == poll.id)
            .order_by(VerifiableBallot.tracker)
        ).scalars()
    )


def on_close(poll: Poll) -> dict:
    """At the close: the encrypted tally of the last ballots; what the close entry records."""
    vp = of(poll)
    election = checked_election(poll)
    checked_credentials(poll, vp)
    pcs = bl.parse_public_credentials(election.group, vp.credentials) if vp.credentials else None
    # each ballot's proofs were checked when it arrived; its signature and credential again
    ballots = [bl.check_ballot(election, b.ballot, pcs, proofs=False) for b in final_ballots(poll)]
    tally = bl.compute_encrypted_tally(election, ballots)
    vp.encrypted_tally, vp.sized_tally = tally.raw, tally.sized_raw
    vp.archive = _archive(poll, vp)
    return {
        "archive_sha256": _sha(vp.archive),
        "encrypted_tally_sha256": _sha(tally.raw),
        "election_sha256": _sha(vp.election),
        "credentials_sha256": _sha(vp.credentials),
    }


def submit_partial(poll: Poll, user, raw: str, *, actor) -> bool:
    """One trustee's partial decryption, checked on arrival; True when it was the k-th and
    the result is in."""
    vp = of(poll)
    if poll.state != "closed" or vp is None or not vp.encrypted_tally:
        raise VerifiableRefused(_("The tally is decrypted only after the poll is closed."))
    if vp.result:
        raise VerifiableRefused(_("The result is already decrypted."))
    conference = db.session.get(Conference, poll.conference_id)
    owner = trustees.trustee_index(conference, user)
    if owner is None:
        raise VerifiableRefused(_("Only the conference's trustees decrypt."))
    if db.session.get(PartialDecryptionRow, (poll.id, owner)) is not None:
        raise VerifiableRefused(_("You have already sent your partial decryption."))
    setup = db.session.get(TrusteeSetup, poll.conference_id)
    from congress.voting.storage import recorded

    at_close = recorded(poll, actions.POLL_CLOSED)
    if at_close.get("encrypted_tally_sha256") != _sha(vp.encrypted_tally):
        raise VerifiableRefused(
            _(
                "The encrypted tally differs from the one recorded at the close: do not "
                "decrypt it. Tell the election committee."
            )
        )
    try:
        election = checked_election(poll)
    except RecordChanged:
        raise VerifiableRefused(
            _("This poll's election differs from the one recorded at its opening.")
        ) from None
    tally = bl.parse_tally(election, vp.encrypted_tally)
    keys = {o: k for o, k in bl.owners(bl.parse_trustees(setup.structure))}
    try:
        bl.accept_partial_decryption(election, tally, raw.strip(), keys[owner].public_key)
    except (bl.TallyError, bl.FormatError, ValueError, KeyError):
        raise VerifiableRefused(
            _(
                "This partial decryption does not check out for this poll and your key. Check "
                "that you downloaded this poll's archive (not another poll's) and used your "
                "own key file."
            )
        ) from None  # the verifier's own reason (English) stays out of the page
    db.session.add(
        PartialDecryptionRow(poll_id=poll.id, owner=owner, user_id=user.id, payload=raw.strip())
    )
    db.session.flush()
    record(
        actions.PARTIAL_DECRYPTION,
        actor=actor_label(actor),
        subject=f"poll:{poll.id}",
        data={"owner": owner, "sha256": _sha(raw.strip())},
    )
    rows = _partials(poll)
    if len(rows) < setup.threshold:
        vp.archive = _archive(poll, vp)
        return False
    trustee_list = bl.parse_trustees(setup.structure)
    pds = {r.owner: bl.parse_partial_decryption(r.payload, tally) for r in rows}
    factors = bl.combine_factors(election, trustee_list, pds)
    sized = json.loads(vp.sized_tally)
    result = bl.compute_result(election, tally, factors, int(sized["total_weight"]))
    vp.result = bl.result_json(election, result)
    vp.archive = _archive(poll, vp)
    record(
        actions.RESULT_DECRYPTED,
        subject=f"poll:{poll.id}",
        data={"result_sha256": _sha(vp.result), "archive_sha256": _sha(vp.archive)},
    )
    return True


def _partials(poll: Poll) -> list[PartialDecryptionRow]:
    return list(
        db.session.execute(
            select(PartialDecryptionRow)
            .where(PartialDecryptionRow.poll_id == poll.id)
            .order_by(PartialDecryptionRow.owner)
        ).scalars()
    )


def totals(poll: Poll) -> dict:
    """The decrypted result as the counting rules take it."""
    vp = of(poll)
    election = election_of(vp)
    result = bl.parse_result(election, vp.result)
    counted = db.session.execute(
        select(func.count())
        .select_from(VerifiableBallot)
        .where(VerifiableBallot.poll_id == poll.id)
    ).scalar_one()
    t = verifiable_poll.totals(spec(poll), result, counted)
    return {"ballots": t.ballots, "blank": t.blank, "votes": t.votes}


def _archive(poll: Poll, vp: VerifiablePoll) -> bytes:
    """The archive as far as the poll has gone, rebuilt from what is stored."""
    setup = db.session.get(TrusteeSetup, poll.conference_id)
    stamp = int((vp.credentials_at or utcnow()).astimezone(UTC).timestamp())
    archive = bl.Archive.create(vp.election, setup.structure, vp.credentials, stamp)
    if vp.encrypted_tally:
        for b in final_ballots(poll):
            archive.add_ballot(b.ballot)
        archive.end_ballots()
        archive.add_encrypted_tally(vp.encrypted_tally, vp.sized_tally)
        for row in _partials(poll):
            archive.add_partial_decryption(row.payload, row.owner)
        if vp.result:
            archive.add_result(vp.result)
    return archive.to_bytes()


def archive_sha256(vp: VerifiablePoll) -> str:
    return _sha(vp.archive) if vp.archive else ""


def partial_owners(poll: Poll) -> list[int]:
    """The trustees (by Belenios owner number) whose partial decryption is in."""
    return [r.owner for r in _partials(poll)]


def check_record(poll: Poll) -> None:
    """Before counting: the encrypted tally is the one the close recorded, and the whole
    record (rebuilt from what is stored) verifies as belenios-tool would check it."""
    from congress.voting.storage import BoxAltered, recorded

    vp = of(poll)
    at_close = recorded(poll, actions.POLL_CLOSED)
    if at_close.get("encrypted_tally_sha256") != _sha(vp.encrypted_tally):
        raise BoxAltered("archive")
    try:
        checked_election(poll)
        checked_credentials(poll, vp)
    except RecordChanged:
        raise BoxAltered("archive") from None
    if at_close.get("credentials_sha256") != _sha(vp.credentials):
        raise BoxAltered("archive")
    archive = _archive(poll, vp)
    proven = bl.verify_archive_full(archive, ballot_proofs=False)  # full: `congress verify`
    if not all(check.ok for check in proven.checks):
        raise BoxAltered("archive")
    vp.archive = archive


def election_sha256(poll: Poll) -> str:
    """What the opening entry records, and the poll page and booth show."""
    return _sha(of(poll).election)
