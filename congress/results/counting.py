"""Counting a closed poll, with the same code that recounts an export."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.auth.models import User
from congress.bylaws.operations import rules_of
from congress.conference.models import Conference, InvalidTransition
from congress.core import recount
from congress.core.ballot import canonical
from congress.extensions import db
from congress.i18n import isolate
from congress.models_common import utcnow
from congress.voting import board, polls, storage
from congress.voting.models import Poll, PollCandidate

from .export import candidates_section, poll_section
from .models import Signature, Tally


class BoxSealed(Exception):
    """The committee has not yet opened the sealed box: there is nothing to count."""


class NotDecrypted(Exception):
    """A verifiable poll's tally still waits for its trustees' partial decryptions."""


def _decrypted(poll: Poll) -> dict:
    """The decrypted totals of a verifiable poll, once its whole record verifies: the
    ballots, the encrypted tally the close recorded, each partial decryption, the result."""
    from congress.verifiable import polls as verifiable

    if not verifiable.of(poll).result:
        raise NotDecrypted()
    verifiable.check_record(poll)  # BoxAltered("archive") when any step fails its proofs
    return verifiable.totals(poll)


def run_tally(poll: Poll, *, actor: User | None) -> Tally:
    """Count the box; a recount replaces the report and voids earlier signatures."""
    if poll.state not in ("closed", "tallied"):
        raise InvalidTransition("poll", poll.state, "tallied")
    if board.is_sealed(poll):
        from congress.sealing.models import PollKey

        if db.session.get(PollKey, poll.id).opened_at is None:
            raise BoxSealed()
    voted, ballots = polls.counts(poll)
    if ballots > voted:  # a ballot without a voter's mark on the roll is never counted
        raise storage.BoxAltered("roll")
    verifiable = _decrypted(poll) if board.is_verifiable(poll) else None
    contents = board.contents(poll)
    storage.check_box(
        poll, [canonical(c) for c in contents] if board.is_sealed(poll) else None
    )  # BoxAltered: a ballot changed, added or dropped since the close is never counted
    conference = db.session.get(Conference, poll.conference_id)
    if poll.kind == "election":
        _mark_withdrawn(conference, poll)
    if verifiable is not None:  # only the decrypted sums: the same rules, no ballot opened
        report = recount.report_from_totals(
            poll_section(poll),
            candidates_section(poll),
            verifiable,
            poll.quorum_snapshot,
            rules_of(conference.bylaws_version),
        )
    else:
        report = recount.report_for(
            poll_section(poll),
            candidates_section(poll),
            contents,
            poll.quorum_snapshot,
            rules_of(conference.bylaws_version),
        )
    digest = recount.sha256(report)
    tally = db.session.get(Tally, poll.id)
    if tally is None:
        tally = Tally(poll_id=poll.id)
        db.session.add(tally)
    elif tally.sha256 != digest:
        db.session.execute(db.delete(Signature).where(Signature.poll_id == poll.id))
    tally.report, tally.sha256 = recount.canonical(report).decode(), digest
    tally.counted_at, tally.counted_by_id = utcnow(), actor.id if actor else None
    poll.move_to("tallied")
    db.session.flush()
    from congress import notifications
    from congress.conference.operations import committee_of

    notifications.signature_awaited(poll, committee_of(conference), actor)
    record(
        actions.POLL_TALLIED,
        actor=actor_label(actor),
        subject=f"poll:{poll.id}",
        data={
            "report_sha256": digest,
            "seed": recount.seed(poll.chain_head_at_close, poll.id).hex(),
        },
    )
    return tally


def refuse_altered(poll: Poll, altered: storage.BoxAltered, *, actor: User | None) -> None:
    """A box that is not the one recorded is never counted; the refusal is audited in its
    own transaction (the request's is rolled back)."""
    db.session.rollback()
    record(
        actions.BOX_ALTERED,
        actor=actor_label(actor),
        subject=f"poll:{poll.id}",
        data={"differs": altered.what},
    )
    db.session.commit()


def _mark_withdrawn(conference: Conference, poll: Poll) -> None:
    """Candidates withdrawn after the ballot opened are excluded before the first count;
    their ballots pass to the next preference (the withdrawal itself is audited)."""
    from congress.candidacy.listing import excluded

    gone = excluded(conference, poll.body)
    for candidate in db.session.execute(
        select(PollCandidate).where(PollCandidate.poll_id == poll.id)
    ).scalars():
        candidate.withdrawn = candidate.candidacy_id in gone
    db.session.flush()


def describe_runoff(poll: Poll, report: dict) -> str:
    names = {str(c["id"]): c["name_ar"] for c in candidates_section(poll)}
    return _(
        "A runoff is needed between: %(names)s",
        names="، ".join(isolate(names[c]) for c in report.get("runoff_candidates", [])),
    )
