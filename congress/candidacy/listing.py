"""The published list: ballot order (alphabetical or by lot), feasibility, and the handshake
with the voting domain (`freeze_list` when a ballot opens, `excluded` for the count)."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.conference.delegates import lock_conference
from congress.conference.facts import bylaws_of, member_facts
from congress.conference.models import Conference
from congress.core.bylaws.wording import count, quoted
from congress.core.rules import Text
from congress.extensions import db
from congress.models_common import utcnow

from .common import ballot_opened, candidate_list, conference_date, fill_text
from .models import Candidacy, CandidateList

__all__ = [
    "FeasibilityWarning",
    "Warning",
    "ballot_list",
    "ballot_opened",
    "excluded",
    "feasibility",
    "freeze_list",
    "groups_of",
    "lot_order",
]


def approved(conference: Conference, body: str) -> list[Candidacy]:
    return list(
        db.session.execute(
            select(Candidacy).where(
                Candidacy.conference_id == conference.id,
                Candidacy.body == body,
                Candidacy.status == "approved",
            )
        ).scalars()
    )


def lot_order(seed: str, numbers: list[str]) -> list[str]:
    """Member numbers ordered by SHA-256 of "seed:number": anyone can redo it from the log."""
    return sorted(numbers, key=lambda n: (hashlib.sha256(f"{seed}:{n}".encode()).hexdigest(), n))


def _alphabetical(conference: Conference, rows: list[Candidacy]) -> list[Candidacy]:
    rules = bylaws_of(conference)
    return sorted(rows, key=lambda c: (rules.candidate_sort_key(c.member.name_ar), c.member.number))


def ballot_list(conference: Conference, body: str) -> list[Candidacy]:
    """The approved candidates in the published ballot order.

    Once frozen, the recorded order is kept and a later withdrawal only removes
    that candidate. Before, the order is alphabetical by the bylaws' key; when the
    bylaws order by lot, the lot is drawn by `freeze_list` and until then the list
    is shown alphabetically.
    """
    rows = approved(conference, body)
    frozen = candidate_list(conference, body)
    if frozen is not None:
        position = {cid: i for i, cid in enumerate(json.loads(frozen.ordered_ids))}
        late = len(position)
        return sorted(rows, key=lambda c: (position.get(c.id, late), c.member.number))
    return _alphabetical(conference, rows)


def freeze_list(
    conference: Conference,
    body: str,
    actor,
    *,
    seed: str | None = None,
    now: datetime | None = None,
    poll_id: int | None = None,
) -> CandidateList:
    """Called by the voting domain when the ballot for a body opens: the order is recorded
    (with the lot's seed, in the audit log) and nominations, decisions and the candidates'
    own withdrawals end. Calling it again returns the list already frozen."""
    lock_conference(conference)
    frozen = candidate_list(conference, body)
    if frozen is not None and frozen.ballot_opened_at is not None:
        return frozen
    rules = bylaws_of(conference)
    method = rules.voting.ballot_order.order
    rows = approved(conference, body)
    if method == "lot":
        if not seed:
            raise ValueError("a lot needs its seed (voting.polls.lot_seed)")
        by_number = {c.member.number: c for c in rows}
        ordered = [by_number[n] for n in lot_order(seed, sorted(by_number))]
    else:
        seed = ""
        ordered = _alphabetical(conference, rows)
    frozen = frozen or CandidateList(conference_id=conference.id, body=body)
    frozen.order_method, frozen.seed = method, seed
    frozen.ordered_ids = json.dumps([c.id for c in ordered])
    frozen.ballot_opened_at = now or utcnow()
    frozen.frozen_by_id = actor.id if actor is not None else None
    db.session.add(frozen)
    db.session.flush()
    record(
        actions.CANDIDATE_LIST_FROZEN,
        actor=actor_label(actor),
        subject=f"conference:{conference.id}",
        data={
            "body": body,
            "order": method,
            "article": rules.voting.ballot_order.article,
            "seed": seed,
            "poll": poll_id,
            "members": [c.member.number for c in ordered],
            "candidacies": [c.id for c in ordered],
        },
    )
    return frozen


def excluded(conference: Conference, body: str) -> set[int]:
    """Candidacy ids withdrawn after the ballot opened: on the ballot, excluded by the count."""
    frozen = candidate_list(conference, body)
    if frozen is None or frozen.ballot_opened_at is None:
        return set()
    on_ballot = set(json.loads(frozen.ordered_ids))
    return (
        set(
            db.session.execute(
                select(Candidacy.id).where(
                    Candidacy.conference_id == conference.id,
                    Candidacy.body == body,
                    Candidacy.status == "withdrawn",
                    Candidacy.withdrawn_at >= frozen.ballot_opened_at,
                )
            ).scalars()
        )
        & on_ballot
    )


def groups_of(conference: Conference, candidacy: Candidacy) -> frozenset[str]:
    """The bylaws' groups (youth, women...) a candidate belongs to on the conference date."""
    return bylaws_of(conference).groups_of(
        member_facts(candidacy.member), conference_date(conference)
    )


# --- feasibility ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FeasibilityWarning:
    """Something the committee must see before a ballot opens, with the article behind it."""

    kind: str  # seats | quota | branch_cap | quota_cap | undecided | objections
    article: str
    message: Text


Warning = FeasibilityWarning  # the name the voting domain was promised

FEWER_THAN_SEATS = Text(
    "المرشّحون المعتمدون لـ{body}: {have}، وعدد المقاعد {seats}، فلا يمكن ملء كل المقاعد",
    "approved candidates for {body}: {have}, for {seats}: not every seat can be filled",
)
QUOTA_SHORT = Text(
    "المرشّحون المعتمدون من فئة «{group}»: {have}، والحد الأدنى المخصص لها في {body} {needed}",
    "approved candidates from the group '{group}': {have}, but {body} reserves at least {needed}"
    " for it",
)
CAP_SHORT = Text(
    "لا يجوز أن يزيد ممثلو الفرع الواحد في {body} على {cap}، ولا يتيح توزيع المرشّحين على"
    " الفروع ملء أكثر من {fillable} من أصل {seats}",
    "no branch may hold more than {cap} on {body}; the candidates' branches allow filling"
    " only {fillable} of {seats}",
)
QUOTA_CAP_SHORT = Text(
    "بسبب الحد الأعلى للفرع الواحد ({cap}) لا يمكن ملء أكثر من {fillable} من المقاعد"
    " المخصصة لفئة «{group}» ({needed})",
    "with at most {cap} per branch, only {fillable} of the {needed} reserved for '{group}'"
    " can be filled",
)
UNDECIDED = Text(
    "ترشيحات تنتظر قرار لجنة الانتخابات: {n}، ولن تُدرج في ورقة الاقتراع ما لم يُبتّ فيها",
    "candidacies awaiting the committee's decision: {n}; they will not be on the ballot unless"
    " decided",
)
OBJECTIONS_PENDING = Text(
    "اعتراضات على قرارات الرفض لم يُبتّ فيها بعد: {n}",
    "objections to rejections not yet decided: {n}",
)


def feasibility(conference: Conference, body: str) -> list[FeasibilityWarning]:
    """Why the approved list cannot satisfy the bylaws for this body, if it cannot."""
    rules = bylaws_of(conference)
    ballot = rules.ballot_rules(body)
    title = quoted(ballot.title)
    seats = ballot.seats.value
    rows = approved(conference, body)
    warnings: list[FeasibilityWarning] = []
    if len(rows) < seats:
        text = fill_text(FEWER_THAN_SEATS, body=title, have=len(rows), seats=count(seats, "seat"))
        warnings.append(FeasibilityWarning("seats", ballot.seats.article, text))
    groups = {c.id: groups_of(conference, c) for c in rows}
    branch = {c.id: c.member.branch.code for c in rows}
    cap = ballot.branch_cap.maximum_seats if ballot.branch_cap else None
    for quota in ballot.quotas:
        group_title = rules.membership.groups[quota.group].title
        members = [c for c in rows if quota.group in groups[c.id]]
        if len(members) < quota.minimum_seats:
            text = fill_text(
                QUOTA_SHORT,
                group=group_title,
                have=len(members),
                body=title,
                needed=count(quota.minimum_seats, "seat"),
            )
            warnings.append(FeasibilityWarning("quota", quota.article, text))
        elif cap is not None:
            per_branch = Counter(branch[c.id] for c in members)
            fillable = sum(min(cap, n) for n in per_branch.values())
            if fillable < quota.minimum_seats:
                text = fill_text(
                    QUOTA_CAP_SHORT,
                    cap=count(cap, "seat"),
                    fillable=count(fillable, "seat"),
                    group=group_title,
                    needed=count(quota.minimum_seats, "seat"),
                )
                warnings.append(FeasibilityWarning("quota_cap", ballot.branch_cap.article, text))
    if cap is not None and len(rows) >= seats:
        fillable = sum(min(cap, n) for n in Counter(branch.values()).values())
        if fillable < seats:
            text = fill_text(
                CAP_SHORT,
                body=title,
                cap=count(cap, "seat"),
                fillable=count(fillable, "seat"),
                seats=count(seats, "seat"),
            )
            warnings.append(FeasibilityWarning("branch_cap", ballot.branch_cap.article, text))
    warnings.extend(_pending(conference, body))
    return warnings


def _pending(conference: Conference, body: str) -> list[FeasibilityWarning]:
    rules = bylaws_of(conference)
    rows = db.session.execute(
        select(Candidacy).where(
            Candidacy.conference_id == conference.id,
            Candidacy.body == body,
            Candidacy.status.in_(("proposed", "submitted", "rejected")),
        )
    ).scalars()
    undecided = objections = 0
    for c in rows:
        if c.status in ("proposed", "submitted"):
            undecided += 1
        elif c.objection is not None and not c.objection.outcome:
            objections += 1
    found = []
    if undecided:
        text = fill_text(UNDECIDED, n=undecided)
        found.append(FeasibilityWarning("undecided", rules.candidacy.eligibility.article, text))
    if objections:
        text = fill_text(OBJECTIONS_PENDING, n=objections)
        article = rules.certification.objections.article
        found.append(FeasibilityWarning("objections", article, text))
    return found
