"""What a verifiable poll refuses (issue 16): an edited record, a bad ballot at the door, an
edited database at the count.

- A copy of a real archive (a motion run through the pages), edited one way at a time: a
  ballot's ciphertext changed, a ballot dropped, a ballot added with a forged credential,
  a wrong partial decryption, a changed result, a trustee's share claimed by another
  trustee. Both `belenios-tool election verify` and `congress verify UUID.bel` fail on
  each, and both pass on the unedited archive.
- The cast endpoint refuses a replayed ballot (another voter's, the one in the box or
  one their re-vote replaced), another poll's ballot, a broken proof, garbage, a
  credential off the list and another voter's ciphertexts signed again, with the refusal
  page (409), and writes nothing: no ballot, no mark on the roll. A double tap of one's
  own ballot changes nothing.
- The count refuses a database edited after the close (the result, a ballot, a ballot
  dropped, a tracker, a partial decryption's owner), says so, and the refusal is in the
  audit chain; put back, the box counts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update
from verifiable_helpers import (
    ARCHIVES,
    World,
    archive_uuid,
    ballots_and_marks,
    make_world,
    open_motion,
    save_archive,
    tool_path,
    tool_verify,
)
from verifiable_steps import cast_ballot, decrypt, election_of, vote

from congress.audit.models import AuditEntry
from congress.core import belenios as bl
from congress.core.belenios import proofs as zk
from congress.core.belenios import serialization as ser
from congress.verifiable.models import PartialDecryptionRow, VerifiableBallot, VerifiablePoll
from congress.voting.models import Poll, RollEntry
from support import test_settings as settings_for
from voting_steps import act, voter

YES, NO, ABSTAIN = [[1, 0, 0]], [[0, 1, 0]], [[0, 0, 1]]
DECRYPTING = (1, 3, 5)  # the trustees who decrypt the real archive
REFUSED = "لم تُسجَّل ورقتك"  # "Your ballot was not cast", the refusal page's heading


@pytest.fixture
def app_config(db_url, tmp_path):
    return settings_for(db_url, tmp_path / "instance", LOGIN_LIMIT_PER_ADDRESS="1000 per minute")


@pytest.fixture
def world(session_with, make_browser, tmp_path, db) -> World:
    return make_world(session_with, make_browser, tmp_path, db)


@pytest.fixture
def decrypted(world: World, make_browser, db):
    """A motion voted by the five (one re-votes), closed and decrypted by three trustees;
    (poll id, the voters' browsers)."""
    poll_id = open_motion(world)
    phones = [voter(make_browser, u) for u in world.users]
    vote(phones[0], poll_id, world.credentials[0], NO)
    for phone, credential, choice in zip(
        phones, world.credentials, (YES, YES, NO, ABSTAIN, YES), strict=True
    ):
        vote(phone, poll_id, credential, choice)
    assert act(world.committee[1], poll_id, "close").status_code == 302
    decrypt(world.committee, DECRYPTING, poll_id, world.root)
    return poll_id, phones


# -- an edited copy of a real archive --------------------------------------------------------


@dataclass(frozen=True)
class Steps:
    """What a real archive holds, step by step, so that a test can change one step."""

    election: str
    trustees: str
    credentials: str
    timestamp: int
    ballots: tuple[str, ...]
    tally: tuple[str, str]
    decryptions: tuple[tuple[str, int], ...]
    result: str

    @classmethod
    def of(cls, data: bytes) -> Steps:
        a = bl.Archive.from_bytes(data)
        chain = a.chain()
        setup = json.loads(a.get(chain[0][1].payload or ""))
        ballots, decryptions, tally, result = [], [], ("", ""), ""
        for _, event in chain[1:]:
            payload = a.get_text(event.payload) if event.payload else ""
            if event.type == "Ballot":
                ballots.append(payload)
            elif event.type == "EncryptedTally":
                tally = (a.get_text(json.loads(payload)["encrypted_tally"]), payload)
            elif event.type == "PartialDecryption":
                owned = json.loads(payload)
                decryptions.append((a.get_text(owned["payload"]), owned["owner"]))
            elif event.type == "Result":
                result = payload
        return cls(
            a.get_text(setup["election"]),
            a.get_text(setup["trustees"]),
            a.get_text(setup["credentials"]),
            a.timestamp,
            tuple(ballots),
            tally,
            tuple(decryptions),
            result,
        )

    def archive(self, **changes) -> bytes:
        """The archive of these steps, some changed, written as belenios-tool writes it."""
        s = {**self.__dict__, **changes}
        a = bl.Archive.create(s["election"], s["trustees"], s["credentials"], s["timestamp"])
        for b in s["ballots"]:
            a.add_ballot(b)
        a.end_ballots()
        a.add_encrypted_tally(*s["tally"])
        for raw, owner in s["decryptions"]:
            a.add_partial_decryption(raw, owner)
        a.add_result(s["result"])
        return a.to_bytes()


@dataclass(frozen=True)
class Real:
    archive: bytes
    steps: Steps
    election: bl.Election
    secret_of: dict[int, str]  # public credential -> the voter's secret credential


_REAL: dict[str, Real] = {}  # one real archive per backend, made once


@pytest.fixture
def real(request, backend) -> Real:
    """A real archive made by the pages (the `decrypted` motion), once per backend."""
    tool_path()  # skip without belenios-tool (fail when CONGRESS_BELENIOS_REQUIRED=1)
    if backend not in _REAL:
        world = request.getfixturevalue("world")
        poll_id, _phones = request.getfixturevalue("decrypted")
        # not yet certified: the committee's copy (a voter's comes with the certification)
        response = world.committee[1].get(f"/polls/{poll_id}/archive.bel")
        assert response.status_code == 200
        steps = Steps.of(response.data)
        assert steps.archive() == response.data  # the copy is the archive, to the byte
        election = bl.parse_election(steps.election)
        secret_of = {
            bl.public_credential(election.group, election.uuid, c): c for c in world.credentials
        }
        _REAL[backend] = Real(response.data, steps, election, secret_of)
    return _REAL[backend]


def signed(election: bl.Election, credential: str, answers) -> str:
    """A ballot with these answers signed with this credential, as any voter (or an
    attacker holding a credential) can sign one."""
    group = election.group
    sk = bl.derive_secret(group, election.uuid, bl.normalize_credential(credential))
    unsigned = {
        "election_uuid": election.uuid,
        "election_hash": election.fingerprint,
        "credential": str(group.g_pow(sk)),
        "answers": answers,
    }
    digest = ser.sha256_b64(ser.dumps(unsigned))
    proof = zk.schnorr_sign(group, sk, f"sig|{digest}|")
    return ser.dumps({**unsigned, "signature": {"hash": digest, "proof": ser.proof_json(proof)}})


def _swap_alphas(raw: str) -> dict:
    o = ser.loads(raw)
    choices = o["answers"][0]["choices"]
    choices[0]["alpha"], choices[1]["alpha"] = choices[1]["alpha"], choices[0]["alpha"]
    return o


def changed_ciphertext(r: Real) -> bytes:
    """A ballot whose first two ciphertexts' alphas are swapped (both group elements)."""
    return r.steps.archive(
        ballots=(ser.dumps(_swap_alphas(r.steps.ballots[0])), *r.steps.ballots[1:])
    )


def changed_ciphertext_signed_again(r: Real) -> bytes:
    """The same change, the ballot signed again by its own voter: the proofs still fail."""
    o = _swap_alphas(r.steps.ballots[0])
    raw = signed(r.election, r.secret_of[int(o["credential"])], o["answers"])
    return r.steps.archive(ballots=(raw, *r.steps.ballots[1:]))


def dropped_ballot(r: Real) -> bytes:
    return r.steps.archive(ballots=r.steps.ballots[1:])


def added_forged_ballot(r: Real) -> bytes:
    forged = bl.create_ballot(r.election, bl.generate_credential(), NO)
    return r.steps.archive(ballots=(*r.steps.ballots, forged.raw))


def wrong_partial_decryption(r: Real) -> bytes:
    """A trustee's decryption factor squared: still a group element, not the decryption."""
    raw, owner = r.steps.decryptions[1]
    pd = ser.loads(raw)
    factor = int(pd["decryption_factors"][0][0])
    pd["decryption_factors"][0][0] = str(pow(factor, 2, r.election.group.p))
    decryptions = list(r.steps.decryptions)
    decryptions[1] = (ser.dumps(pd), owner)
    return r.steps.archive(decryptions=tuple(decryptions))


def changed_result(r: Real) -> bytes:
    """The result with the yes and no counts swapped."""
    result = ser.loads(r.steps.result)
    row = result["result"][0]
    assert row[0] != row[1]
    row[0], row[1] = row[1], row[0]
    return r.steps.archive(result=ser.dumps(result))


def share_of_another_trustee(r: Real) -> bytes:
    """A partial decryption claimed by a trustee who did not make it (owner 3 -> 2)."""
    raw, owner = r.steps.decryptions[1]
    assert owner == 3
    decryptions = list(r.steps.decryptions)
    decryptions[1] = (raw, 2)
    return r.steps.archive(decryptions=tuple(decryptions))


TAMPERINGS = {
    "changed ciphertext": (changed_ciphertext, "ballots", "the signature is not over"),
    "changed ciphertext, signed again": (
        changed_ciphertext_signed_again,
        "ballots",
        "proof is invalid",
    ),
    "dropped ballot": (dropped_ballot, "tally.encrypted", "number or weight"),
    "added ballot, forged credential": (added_forged_ballot, "ballots", "invalid credential"),
    "wrong partial decryption": (wrong_partial_decryption, "decryptions", "trustee 3"),
    "changed result": (changed_result, "result", "not the decryption of the tally"),
    "another trustee's share": (share_of_another_trustee, "decryptions", "trustee 2"),
}


def congress_verify(runner, data: bytes, folder: Path):
    """`congress verify UUID.bel` on these bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{archive_uuid(data)}.bel"
    path.write_bytes(data)
    return runner.invoke(args=["congress", "verify", str(path)])


def test_the_real_archive_verifies_with_both_verifiers(real: Real, runner, tmp_path, db):
    """The control: the unedited archive passes both, so each failure below is the edit's."""
    ok, said = tool_verify(real.archive, tmp_path / "tool")
    assert ok and "all checks passed" in said, said
    out = congress_verify(runner, real.archive, tmp_path / "ours")
    assert out.exit_code == 0 and "The archive verifies." in out.output, out.output
    assert [o for _, o in real.steps.decryptions] == list(DECRYPTING)
    assert len(real.steps.ballots) == 5  # the re-vote replaced, not added
    save_archive(real.archive)


@pytest.mark.parametrize("kind", list(TAMPERINGS))
def test_an_edited_archive_fails_both_verifiers(kind, real: Real, runner, tmp_path, db):
    tamper, check, detail = TAMPERINGS[kind]
    edited = tamper(real)
    assert edited != real.archive
    ok, said = tool_verify(edited, tmp_path / "tool")
    assert not ok, f"belenios-tool accepted the archive with a {kind}: {said}"
    out = congress_verify(runner, edited, tmp_path / "ours")
    assert out.exit_code == 1, out.output
    failed = [line for line in out.output.splitlines() if line.startswith("FAIL")]
    assert len(failed) == 1 and failed[0].startswith(f"FAIL {check}:"), out.output
    assert detail in failed[0], out.output
    kept = ARCHIVES / "tampered" / kind.replace(" ", "-").replace(",", "").replace("'", "")
    kept.mkdir(parents=True, exist_ok=True)
    (kept / f"{real.election.uuid}.bel").write_bytes(edited)


# -- at the door --------------------------------------------------------------------------


USED_ELSEWHERE = (
    "This credential was already used from another account. If it is yours, tell the "
    "election committee at once: someone else has it."
)


def page_text(app, message: str) -> str:
    """A message as the pages say it (in the default language, escaped as in HTML)."""
    from flask_babel import gettext
    from markupsafe import escape

    with app.test_request_context("/"):
        return str(escape(gettext(message)))


def _refused(response, reason: str) -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == 409, f"answered {response.status_code}, not 409"
    assert REFUSED in html and 'role="alert"' in html
    alert = html.split('role="alert">', 1)[1].split("</p>", 1)[0]
    assert reason in alert, alert


def test_bad_ballots_are_refused_at_the_door_and_nothing_is_written(
    world: World, make_browser, app, db
):
    """Voter A has voted; voter B, on the roll and not yet voted, posts each bad ballot."""
    poll_id = open_motion(world)
    other_id = open_motion(world, "ورقة أخرى")
    a, b = (voter(make_browser, u) for u in world.users[:2])
    cred_a, cred_b = world.credentials[:2]
    election = election_of(a, poll_id)
    vote(a, poll_id, cred_a, YES)
    a_ballot = db.session.execute(select(VerifiableBallot.ballot)).scalar_one()
    before = ballots_and_marks(db, poll_id)
    assert before == (1, 1)
    other = bl.create_ballot(election_of(b, other_id), cred_b, NO)
    broken = ser.loads(bl.create_ballot(election, cred_b, NO).raw)
    proof = broken["answers"][0]["individual_proofs"][0][0]
    proof["response"] = str((int(proof["response"]) + 1) % election.group.q)
    copied = ser.loads(a_ballot)["answers"]
    bad = {
        "a replay of A's ballot": (a_ballot, page_text(app, USED_ELSEWHERE)),
        "another poll's ballot": (other.raw, "invalid credential"),
        "a broken proof, signed": (
            signed(election, cred_b, broken["answers"]),
            "question 1: an individual proof is invalid",
        ),
        "garbage": ('{"election_uuid": [', "ill-formed ballot"),
        "nothing": ("", "ill-formed ballot"),
        "a credential off the list": (
            bl.create_ballot(election, bl.generate_credential(), NO).raw,
            "invalid credential",
        ),
        "A's ciphertexts signed by B": (
            signed(election, cred_b, copied),
            "question 1: an individual proof is invalid",
        ),
    }
    for what, (raw, reason) in bad.items():
        response = cast_ballot(b, poll_id, raw)
        try:
            _refused(response, reason)
        except AssertionError as failed:
            raise AssertionError(f"{what}: {failed}") from None
        assert ballots_and_marks(db, poll_id) == before, what
        mark = db.session.execute(
            select(RollEntry.voted).where(
                RollEntry.poll_id == poll_id, RollEntry.member_id == world.users[1].member_id
            )
        ).scalar_one()
        assert mark is False, what
    assert ballots_and_marks(db, other_id) == (0, 0)
    assert db.session.execute(select(VerifiableBallot.ballot)).scalar_one() == a_ballot
    # and B's own ballot is still welcome
    vote(b, poll_id, cred_b, NO)
    assert ballots_and_marks(db, poll_id) == (2, 2)


def test_a_double_tap_of_the_same_ballot_changes_nothing(world: World, make_browser, db):
    poll_id = open_motion(world)
    phone = voter(make_browser, world.users[0])
    made = bl.create_ballot(election_of(phone, poll_id), world.credentials[0], YES)
    for _ in range(2):
        response = cast_ballot(phone, poll_id, made.raw)
        assert response.status_code == 200 and made.tracker in response.get_data(as_text=True)
    assert ballots_and_marks(db, poll_id) == (1, 1)


def test_a_replaced_ballot_replayed_later_is_refused(world: World, make_browser, app, db):
    """The box keeps only each credential's last ballot, so it cannot tell a replaced
    ballot from a new one; the credential's binding to the account that used it can: the
    replay from another account is refused and the voter's re-vote stands."""
    poll_id = open_motion(world)
    a, b = (voter(make_browser, u) for u in world.users[:2])
    election = election_of(a, poll_id)
    first = bl.create_ballot(election, world.credentials[0], NO)
    assert cast_ballot(a, poll_id, first.raw).status_code == 200
    vote(a, poll_id, world.credentials[0], YES)  # A changes their mind
    kept = db.session.execute(select(VerifiableBallot.tracker)).scalar_one()
    replay = cast_ballot(b, poll_id, first.raw)  # B replays A's first ballot
    _refused(replay, page_text(app, USED_ELSEWHERE))
    db.session.expire_all()
    assert db.session.execute(select(VerifiableBallot.tracker)).scalar_one() == kept
    assert ballots_and_marks(db, poll_id) == (1, 1)


# -- an edited database at the count ---------------------------------------------------------


def _count_refused(world: World, poll_id: int, db) -> str:
    """The committee counts; the refusal's flash and its audit entry's `differs`."""
    chair = world.committee[1]
    response = chair.post(f"/polls/{poll_id}/tally", page=f"/polls/{poll_id}")
    assert response.status_code == 303, response.get_data(as_text=True)[-1500:]
    assert response.headers["Location"].endswith(f"/polls/{poll_id}")
    page = chair.get(f"/polls/{poll_id}").get_data(as_text=True)
    assert "رُفض الفرز" in page, page[-3000:]  # "The count is refused: ..."
    db.session.expire_all()
    assert db.session.get(Poll, poll_id).state == "closed"
    entry = db.session.execute(
        select(AuditEntry)
        .where(AuditEntry.action == "poll.box_altered", AuditEntry.subject == f"poll:{poll_id}")
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).scalar_one()
    return json.loads(entry.data)["differs"]


def test_a_database_edited_after_the_close_is_never_counted(
    world: World, decrypted, make_browser, db
):
    poll_id, _phones = decrypted
    db.session.commit()
    vp = db.session.get(VerifiablePoll, poll_id)
    result, archive = vp.result, vp.archive
    rows = {
        r.credential: (r.ballot, r.tracker)
        for r in db.session.execute(select(VerifiableBallot)).scalars()
    }
    key, (ballot, tracker) = next(iter(rows.items()))
    election = bl.parse_election(vp.election)
    holder = next(  # the voter whose ballot it is (an insider who also holds a credential)
        c
        for c in world.credentials
        if str(bl.public_credential(election.group, election.uuid, c))
        == ser.loads(ballot)["credential"]
    )
    published = ser.loads(result)
    assert published["result"] == [[3, 1, 1]]  # the re-vote counted once
    published["result"] = [[1, 3, 1]]
    edits = {
        "result": (
            update(VerifiablePoll)
            .where(VerifiablePoll.poll_id == poll_id)
            .values(result=ser.dumps(published))
        ),
        "ballot": (  # the voter's own valid ballot, another choice: not the one at the close
            update(VerifiableBallot)
            .where(VerifiableBallot.credential == key)
            .values(ballot=bl.create_ballot(election, holder, ABSTAIN).raw)
        ),
        "dropped ballot": delete(VerifiableBallot).where(VerifiableBallot.credential == key),
        "tracker": (
            update(VerifiableBallot)
            .where(VerifiableBallot.credential == key)
            .values(tracker="x" * len(tracker))
        ),
        "partial decryption": (
            update(PartialDecryptionRow)
            .where(PartialDecryptionRow.poll_id == poll_id, PartialDecryptionRow.owner == 3)
            .values(owner=2)
        ),
    }
    expected = {
        "result": "archive",
        "ballot": "archive",
        "dropped ballot": "archive",
        "tracker": "trackers",
        "partial decryption": "archive",
    }
    for what, edit in edits.items():
        db.session.execute(edit)
        db.session.commit()
        assert _count_refused(world, poll_id, db) == expected[what], what
        # put it back as it was
        db.session.execute(
            update(VerifiablePoll).where(VerifiablePoll.poll_id == poll_id).values(result=result)
        )
        db.session.execute(delete(VerifiableBallot).where(VerifiableBallot.credential == key))
        db.session.add(
            VerifiableBallot(poll_id=poll_id, credential=key, tracker=tracker, ballot=ballot)
        )
        db.session.execute(
            update(PartialDecryptionRow)
            .where(PartialDecryptionRow.poll_id == poll_id, PartialDecryptionRow.owner == 2)
            .values(owner=3)
        )
        db.session.commit()
    refusals = db.session.execute(
        select(AuditEntry.data)
        .where(AuditEntry.action == "poll.box_altered")
        .order_by(AuditEntry.seq)
    ).scalars()
    assert [json.loads(d)["differs"] for d in refusals] == list(expected.values())
    # restored, the box counts, and its archive is the one of the close and decryptions
    counted = world.committee[1].post(f"/polls/{poll_id}/tally", page=f"/polls/{poll_id}")
    assert counted.status_code == 302, counted.get_data(as_text=True)[-1500:]
    db.session.expire_all()
    assert db.session.get(VerifiablePoll, poll_id).archive == archive
    assert db.session.get(Poll, poll_id).state == "tallied"
