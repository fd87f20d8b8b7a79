"""A conference with something in every state, and one logged-in browser per kind of user.

Built directly through the operations (no HTTP), so one world costs a few seconds:

* the demo conference C (convened under the example bylaws, its committee seated,
  demo candidacies for the Central Council), then five accredited delegates with
  accounts checked in to an open sitting (C is in session), one designated delegate,
  not accredited, with an account, and one designated delegate without an account
  holding a pending activation link (`token`);
* polls of C: a draft motion, an open motion (one delegate has voted, the
  `delegate` user has not), a tallied motion (not certified), a certified motion,
  and a tallied STV election of the Coordination Office (for the BLT export);
* a second conference C2 (a draft) with its own committee member and a draft poll;
* the verifiable level of C: the trustees' key (C's five committee members, made in
  process as congress/verifiable/demo.py does, their seeds kept in memory only, in
  `trustee_keys`), a credential per delegate as the credential authority keeps them
  (in memory, `voter_credentials`), and three verifiable motions: open with its public
  credentials published (one delegate has voted, the `delegate` user has not), open
  waiting for its public credentials, and closed with its encrypted tally (four
  ballots, no partial decryption yet);
* accounts: a member of the roll who is no delegate, the candidate of the
  demo's submitted candidacy (with a photo), and the demo staff logins, the
  credential authority's among them (`authority`: no other role, no member).
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from PIL import Image
from sqlalchemy import select

from congress.auth import roles
from congress.auth.models import User
from congress.auth.passwords import hash_password
from congress.candidacy import photos
from congress.candidacy.models import BodyMember, Candidacy
from congress.conference import attendance, delegates, invitations
from congress.conference import operations as conference_ops
from congress.conference.facts import bylaws_of, good_standing_per_branch, member_facts
from congress.conference.models import Delegate
from congress.database import write_intent
from congress.extensions import db
from congress.members.models import Member
from congress.models_common import utcnow
from congress.results import certify, counting
from congress.voting import casting, polls
from scenario import demo_conference
from support import PASSWORD, Browser

STAFF_LOGINS = {
    "credentials": ("credentials@congress.test", "credentials-demo-2026"),
    "committee": ("committee1@congress.test", "committee-demo-2026"),
    "observer": ("observer@congress.test", "observer-demo-2026"),
    "admin": ("admin@congress.test", "admin-demo-2026"),
    # not a column of the matrix (test_authority_access.py walks the table as them)
    "authority": ("authority@congress.test", "authority-demo-2026"),
}
KINDS = (
    "anonymous",
    "member",
    "delegate_pending",
    "delegate",
    "candidate",
    "credentials",
    "committee",
    "observer",
    "admin",
)
BODY = "central_council"


@dataclass
class World:
    conference: int
    other_conference: int
    draft_poll: int
    open_poll: int
    tallied_poll: int
    certified_poll: int
    stv_poll: int
    other_poll: int
    sealed_poll: int  # a draft motion with a sealed box (shares not yet collected)
    verifiable_poll: int  # open, public credentials published, voters[1] has voted
    verifiable_waiting_poll: int  # open, its public credentials not yet published
    verifiable_closed_poll: int  # closed: encrypted tally, no partial decryption yet
    authority: int  # the credential authority's user id
    candidacy: int  # submitted, the candidate's own, with a photo
    approved_candidacy: int
    delegate: int  # the `delegate` user's Delegate row (accredited, present)
    other_delegate: int  # another accredited delegate
    pending_delegate: int
    plain_member: int  # the `member` user's Member row (no delegate, no candidacy)
    invitee_delegate: int  # designated, no account yet: `token` is their activation link
    token: str
    emails: dict[str, str] = field(default_factory=dict)  # kind -> email (members' kinds)
    user_ids: dict[str, int] = field(default_factory=dict)
    voter_emails: list[str] = field(default_factory=list)  # the accredited delegates
    other_committee_email: str = ""
    # secrets that never reach the server, kept here as their holders would keep them:
    # committee email -> {"seed", "voutput"}; the authority's credentials, member number ->
    # credential; the accredited delegates' own, in the order of `voter_emails`
    trustee_keys: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    issued_credentials: dict[str, str] = field(default_factory=dict, repr=False)
    voter_credentials: list[str] = field(default_factory=list, repr=False)

    def credentials(self, kind: str) -> tuple[str, str]:
        if kind in STAFF_LOGINS:
            return STAFF_LOGINS[kind]
        return self.emails[kind], PASSWORD

    def login(self, make_browser, kind: str) -> Browser:
        browser = make_browser()
        if kind != "anonymous":
            response = browser.login(*self.credentials(kind))
            assert response.status_code == 302, (kind, response.status_code)
        browser.kind = kind
        return browser


def jpeg(size: int = 64, color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), color).save(out, "JPEG")
    return out.getvalue()


def _account(member: Member) -> User:
    user = User(
        email=member.email,
        name=member.name_ar,
        member_id=member.id,
        password_hash=hash_password(PASSWORD),
    )
    db.session.add(user)
    db.session.flush()
    return user


def _motion(conference, title: str, level: str = "plain"):
    return polls.create_motion(
        conference,
        title_ar=title,
        title_en=title,
        text_ar="نص",
        text_en="Text",
        category="ordinary",
        actor=None,
        level=level,
    )


KEY_HOLDER_PASSPHRASE = "key-holder-passphrase-2026"


def _sealed_motion(conference, committee):
    """A draft motion whose box is sealed to the committee's key-holder keys."""
    from congress.sealing.ceremony import ceremony, set_keyholder_passphrase

    for user in committee:
        set_keyholder_passphrase(user, KEY_HOLDER_PASSPHRASE)
    db.session.flush()
    poll = _motion(conference, "صندوق مختوم")
    ceremony(poll, actor=None)
    return poll


# What each trustee makes on their own computer, by committee email: their seed and their
# three messages. Made once per test process: the messages depend only on the seeds and
# on each other, so every world's key is the same key, made again through the operations
# (each message checked on arrival, as in production) at half the cost.
_OFFLINE: dict[tuple[str, ...], dict[str, dict[str, str]]] = {}


def _offline_messages(emails: tuple[str, ...], threshold: int) -> dict[str, dict[str, str]]:
    """congress/verifiable/demo.py make_key's trustee side, with no file: the seeds stay
    in memory."""
    from congress.core import belenios as bl
    from congress.verifiable import trustees

    if (*emails, str(threshold)) not in _OFFLINE:
        group = bl.get_group(trustees.GROUP)
        made = {}
        for e in emails:
            seed, certificate = bl.pedersen_step1(group)
            made[e] = {"seed": seed, "certificate": certificate}
        certs = [made[e]["certificate"] for e in emails]
        for e in emails:
            made[e]["polynomial"] = bl.pedersen_step3(group, certs, made[e]["seed"], threshold)
        vinputs = bl.pedersen_step4(group, certs, [made[e]["polynomial"] for e in emails])
        for e, vinput in zip(emails, vinputs, strict=True):
            made[e]["voutput"] = bl.pedersen_step5(group, certs, made[e]["seed"], vinput)
        _OFFLINE[(*emails, str(threshold))] = made
    return _OFFLINE[(*emails, str(threshold))]


def _trustees_key(conference, committee) -> dict[str, dict[str, str]]:
    """The three rounds of the trustees' key through the operations, each committee member
    uploading what their computer made (`_offline_messages`); committee email -> the seed
    and voutput their key file holds."""
    from congress.verifiable import trustees

    setup = trustees.begin(conference, actor=None)
    made = _offline_messages(tuple(u.email for u in committee), setup.threshold)
    for step in ("certificate", "polynomial", "voutput"):
        for user in committee:
            trustees.submit(conference, user, made[user.email][step], actor=user)
    assert trustees.is_ready(conference)
    return {e: {"seed": m["seed"], "voutput": m["voutput"]} for e, m in made.items()}


def public_credentials(poll, issued: dict[str, str]) -> str:
    """What `congress credentials public` makes for the poll: exactly its roll's."""
    from congress.core import belenios as bl
    from congress.verifiable import polls as verifiable
    from congress.verifiable import trustees

    vp = verifiable.of(poll)
    group = bl.get_group(trustees.GROUP)
    return bl.make_public_credentials(
        [bl.public_credential(group, vp.uuid, issued[n]) for n in verifiable.roll_numbers(poll)]
    )


def publish_credentials(poll, issued: dict[str, str], authority) -> None:
    """The credential authority's upload."""
    from congress.verifiable import polls as verifiable

    verifiable.upload_credentials(poll, public_credentials(poll, issued), actor=authority)


def verifiable_ballot(poll, credential: str, answer: str) -> str:
    """A Belenios ballot for a motion, made as the voter's booth makes it."""
    from congress.core import belenios as bl
    from congress.core import verifiable_poll as questions
    from congress.verifiable import polls as verifiable

    election = verifiable.election_of(verifiable.of(poll))
    plaintext = questions.plaintext(verifiable.spec(poll), {"answer": answer})
    return bl.create_ballot(election, credential, plaintext).raw


def partial_decryption(poll, key: dict[str, str]) -> str:
    """A trustee's partial decryption of a closed poll's tally (`congress trustee decrypt`)."""
    from congress.core import belenios as bl
    from congress.verifiable import polls as verifiable

    vp = verifiable.of(poll)
    election = verifiable.election_of(vp)
    tally = bl.parse_tally(election, vp.encrypted_tally)
    share = json.loads(key["voutput"])["private_key"]
    x = bl.threshold_decryption_key(election.group, key["seed"], share)
    return bl.compute_partial_decryption(election, tally, x).raw


def build_world(app) -> World:
    """Everything above, committed; returns the ids the tests need."""
    conference = demo_conference()
    with app.test_request_context(), write_intent():
        rules = bylaws_of(conference)
        seats = rules.apportionment(good_standing_per_branch(rules)).delegates
        candidates = {
            c.member_id
            for c in db.session.execute(
                select(Candidacy).where(Candidacy.conference_id == conference.id)
            ).scalars()
        }
        usable = [
            m
            for m in db.session.execute(select(Member).order_by(Member.id)).scalars()
            if m.id not in candidates and rules.good_standing(member_facts(m)).ok
        ]
        chosen: list[Member] = []
        for member in usable:  # five delegates from the branches in turn, within seats
            taken = sum(1 for d in chosen if d.branch_id == member.branch_id)
            if taken < seats[member.branch.code] - 1 and len(chosen) < 5:
                chosen.append(member)
        pending_member = next(m for m in usable if m not in chosen)
        plain_member = next(m for m in usable if m not in chosen and m is not pending_member)
        voters = []
        for member in chosen:
            d = delegates.designate(conference, member, member.branch, "delegate", actor=None)
            delegates.accredit(d, actor=None)
            voters.append(d)
        pending = delegates.designate(
            conference, pending_member, pending_member.branch, "delegate", actor=None
        )
        # a second designated delegate, without an account yet: the activation link
        taken = {d.member_id for d in [*voters, pending]}
        invitee = None
        for member in usable:
            if member.id in taken or member is plain_member:
                continue
            busy = sum(1 for d in [*voters, pending] if d.branch_id == member.branch_id)
            if busy < seats[member.branch.code]:
                invitee = delegates.designate(
                    conference, member, member.branch, "delegate", actor=None
                )
                break
        assert invitee is not None, "no seat left for the invitee"
        _, link = invitations.issue(invitee, actor=None)
        token = link.rsplit("/", 1)[1]
        attendance.start_sitting(conference, actor=None)
        for d in voters:
            attendance.set_presence(d, "present", actor=None)

        users = {
            "member": _account(plain_member),
            "delegate_pending": _account(pending_member),
            "delegate": _account(voters[0].member),
        }
        for d in voters[1:]:
            _account(d.member)
        submitted = db.session.execute(
            select(Candidacy).where(
                Candidacy.conference_id == conference.id, Candidacy.status == "submitted"
            )
        ).scalar_one()
        approved = db.session.execute(
            select(Candidacy)
            .where(Candidacy.conference_id == conference.id, Candidacy.status == "approved")
            .order_by(Candidacy.id)
        ).scalars()
        approved = list(approved)
        users["candidate"] = _account(submitted.member)
        clean = photos.reencode(jpeg())
        submitted.photo, submitted.photo_sha256 = clean, hashlib.sha256(clean).hexdigest()

        committee = conference_ops.committee_of(conference)
        draft = _motion(conference, "مسودة")
        open_ = _motion(conference, "مفتوح")
        tallied = _motion(conference, "معدود")
        certified = _motion(conference, "مصدّق")
        for poll in (open_, tallied, certified):
            polls.open_poll(poll, actor=None)
        answers = ["yes", "yes", "no", "abstain", "yes"]
        for poll in (tallied, certified):
            for d, answer in zip(voters, answers, strict=True):
                casting.cast(poll.id, d.member_id, answer=answer)
            polls.close_poll(poll, actor=None)
            db.session.commit()  # PostgreSQL: one close per transaction (its temporary table)
            counting.run_tally(poll, actor=committee[0])
        casting.cast(open_.id, voters[1].member_id, answer="no")
        for user in committee[:3]:
            certify.sign(certified, user)

        # the Central Council's certified composition elects the Coordination Office (STV)
        council = [d.member for d in voters]
        for position, member in enumerate(council, 1):
            db.session.add(
                BodyMember(
                    conference_id=conference.id,
                    body=BODY,
                    member_id=member.id,
                    position=position,
                    since=utcnow(),
                )
            )
        for member in council[:3]:
            db.session.add(
                Candidacy(
                    conference_id=conference.id,
                    body="coordination_office",
                    member_id=member.id,
                    status="approved",
                    submitted_at=utcnow(),
                    decided_at=utcnow(),
                )
            )
        db.session.flush()
        stv = polls.create_election(conference, "coordination_office", actor=None)
        polls.open_poll(stv, actor=None)
        ids = casting.spec_of(json.loads(stv.rules)).candidates
        for n, member in enumerate(council):
            order = ids[n % len(ids) :] + ids[: n % len(ids)]
            casting.cast(stv.id, member.id, ranks={str(c): str(r) for r, c in enumerate(order, 1)})
        polls.close_poll(stv, actor=None)
        db.session.commit()
        counting.run_tally(stv, actor=committee[0])

        # a second conference with a committee of its own
        other = conference_ops.create(
            title_ar="مؤتمر آخر",
            title_en="Another conference",
            starts_at=utcnow() + timedelta(days=60),
            bylaws_version=conference.bylaws_version,
            actor=None,
        )
        outsider = User(
            email="committee-other@congress.test",
            name="Other committee",
            password_hash=hash_password(PASSWORD),
        )
        db.session.add(outsider)
        db.session.flush()
        from congress.auth.models import UserRole

        db.session.add(UserRole(user_id=outsider.id, role=roles.COMMITTEE))
        conference_ops.seat_committee_member(other, outsider, actor=None)
        other_poll = _motion(other, "مؤتمر آخر")
        sealed_poll = _sealed_motion(conference, committee)
        db.session.commit()

        # the verifiable level: the trustees' key, the authority's credentials, three polls
        from congress.core import belenios as bl
        from congress.verifiable import polls as verifiable

        authority = db.session.execute(
            select(User).where(User.email == STAFF_LOGINS["authority"][0])
        ).scalar_one()
        assert authority.role_names == [roles.AUTHORITY] and authority.member_id is None
        trustee_keys = _trustees_key(conference, committee)
        issued = {  # once per conference, on the authority's computer: number -> credential
            d.member.number: bl.generate_credential()
            for d in db.session.execute(
                select(Delegate).where(Delegate.conference_id == conference.id)
            ).scalars()
        }
        v_open = _motion(conference, "قابل للتحقق", "verifiable")
        v_waiting = _motion(conference, "بانتظار بيانات الاعتماد", "verifiable")
        v_closed = _motion(conference, "قابل للتحقق مغلق", "verifiable")
        for poll in (v_open, v_waiting, v_closed):
            polls.open_poll(poll, actor=None)
        for poll in (v_open, v_closed):
            publish_credentials(poll, issued, authority)
        for d, answer in zip(voters[1:], ["yes", "no", "yes", "abstain"], strict=True):
            raw = verifiable_ballot(v_closed, issued[d.member.number], answer)
            verifiable.cast(v_closed.id, d.member_id, raw)
        raw = verifiable_ballot(v_open, issued[voters[1].member.number], "no")
        verifiable.cast(v_open.id, voters[1].member_id, raw)
        db.session.commit()
        polls.close_poll(v_closed, actor=None)
        db.session.commit()
        world = World(
            conference=conference.id,
            other_conference=other.id,
            draft_poll=draft.id,
            open_poll=open_.id,
            tallied_poll=tallied.id,
            certified_poll=certified.id,
            stv_poll=stv.id,
            other_poll=other_poll.id,
            sealed_poll=sealed_poll.id,
            verifiable_poll=v_open.id,
            verifiable_waiting_poll=v_waiting.id,
            verifiable_closed_poll=v_closed.id,
            authority=authority.id,
            candidacy=submitted.id,
            approved_candidacy=approved[0].id,
            delegate=voters[0].id,
            other_delegate=voters[1].id,
            pending_delegate=pending.id,
            plain_member=plain_member.id,
            invitee_delegate=invitee.id,
            token=token,
            emails={k: u.email for k, u in users.items()},
            user_ids={k: u.id for k, u in users.items()},
            voter_emails=[d.member.email for d in voters],
            other_committee_email=outsider.email,
            trustee_keys=trustee_keys,
            issued_credentials=issued,
            voter_credentials=[issued[d.member.number] for d in voters],
        )
    assert current_app
    return world


# --- "changes no row": a checksum of the database ----------------------------------------

# Rows that a refused request may legitimately write, by table: a failed login is audited
# (and the audit chain head moves with it). Everything else must stay byte for byte.
AUDITED_FAILURES = ("auth.login_failed",)


_statements: dict[str, list[tuple[str, str]]] = {}


def _queries(engine: sa.Engine) -> list[tuple[str, str]]:
    """(table, SELECT ... ORDER BY primary key) for every table, built once per database."""
    key = engine.url.render_as_string(hide_password=False)
    if key not in _statements:
        metadata = sa.MetaData()
        metadata.reflect(bind=engine)
        quote = engine.dialect.identifier_preparer.quote
        out = []
        for name, table in sorted(metadata.tables.items()):
            if name == "alembic_version":
                continue
            keys = list(table.primary_key.columns) or list(table.columns)
            columns = ", ".join(quote(c.name) for c in table.columns)
            order = ", ".join(quote(c.name) for c in keys)
            out.append((name, f"SELECT {columns} FROM {quote(name)} ORDER BY {order}"))
        _statements[key] = out
    return _statements[key]


def table_rows(exclude_actions: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Every row of every table, ordered by primary key (all columns as text).

    With `exclude_actions`, audit entries of those actions are left out, and so is the
    chain's head (it moves with every entry)."""
    db.session.commit()  # end the caller's transaction: see what the requests committed
    out: dict[str, list[tuple]] = {}
    with db.engine.connect() as connection:
        for name, sql in _queries(db.engine):
            if name == "audit_head" and exclude_actions:
                continue
            rows = connection.exec_driver_sql(sql).all()
            if name == "audit_entries" and exclude_actions:
                rows = [r for r in rows if r.action not in exclude_actions]
            out[name] = [tuple(_text(v) for v in row) for row in rows]
    return out


def _text(value) -> str:
    if isinstance(value, bytes | memoryview):
        return hashlib.sha256(bytes(value)).hexdigest()
    return repr(value)


def checksum(exclude_actions: tuple[str, ...] = ()) -> str:
    """One hash over `table_rows`: equal before and after means no row changed."""
    digest = hashlib.sha256()
    for name, rows in table_rows(exclude_actions).items():
        digest.update(name.encode())
        for row in rows:
            digest.update(repr(row).encode())
    return digest.hexdigest()


def changed_tables(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> list[str]:
    return sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))
