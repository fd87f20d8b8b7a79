"""An outside audit of the verifiable level (Belenios 2.0) and the session's hardening.

Each test performs one attack as its attacker would: a delegate, a coercer who is a fellow
delegate, the credential authority, a committee member (trustee), someone writing to the
database (the operator, an administrator with database access), someone reading it or a
backup, someone watching the network. Tests named for a finding FAIL against the code they
were written for and pass once it is fixed; the others show an attack that is resisted, so
that it stays resisted. Everything goes through the pages and the offline commands the
README tells people to run, except where the attacker is someone writing to the database.
"""

from __future__ import annotations

import hashlib
import json
import re

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text, update
from verifiable_steps import (
    cast_ballot,
    committee_browsers,
    decrypt,
    election_of,
    inside,
    issue_credentials,
    make_trustee_key,
    publish_credentials,
    run,
    upload,
    uuid_of,
    vote,
)

from congress.core import belenios as bl
from congress.database import write_intent
from congress.members.models import Member
from congress.results.models import Tally
from congress.verifiable.cli_tools import trustee_cli
from congress.verifiable.models import (
    PartialDecryptionRow,
    TrusteeMessage,
    TrusteeSetup,
    VerifiableBallot,
    VerifiablePoll,
)
from congress.voting.models import Poll, RollEntry
from support import test_settings as settings_for
from voting_steps import act, voter

YES, NO, ABSTAIN = [[1, 0, 0]], [[0, 1, 0]], [[0, 0, 1]]
AUTHORITY = ("authority@congress.test", "authority-demo-2026")  # the demo's own account
BYLAWS_THRESHOLD = 3  # the example bylaws certify with 3 signatures: the trustees' k


@pytest.fixture
def app_config(db_url, tmp_path):
    return settings_for(db_url, tmp_path / "instance", LOGIN_LIMIT_PER_ADDRESS="1000 per minute")


# --- the steps ---------------------------------------------------------------------------


def authority_browser(make_browser):
    """The credential authority's browser (the demo organization already has the account)."""
    b = make_browser()
    assert b.login(*AUTHORITY).status_code == 302
    return b


@pytest.fixture
def keyed(session_with, make_browser, tmp_path, db):
    """The conference in session with 4 delegates, the trustees' key made, every delegate's
    credential issued by the authority on their own computer."""
    conference, users = session_with(4)
    browsers = committee_browsers(make_browser)
    make_trustee_key(conference.id, browsers, tmp_path)
    officer = authority_browser(make_browser)
    issued = issue_credentials(officer, conference.id, tmp_path / "authority")
    return conference, users, browsers, officer, issued


def verifiable_motion(committee, conference_id) -> int:
    response = committee.post(
        f"/conferences/{conference_id}/polls/new",
        {
            "kind": "motion",
            "m-title_ar": "ورقة التوجهات",
            "m-text_ar": "نص الورقة.",
            "m-category": "policy_paper",
            "m-level": "verifiable",
        },
        page=f"/conferences/{conference_id}/polls/new",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    return int(response.headers["Location"].rsplit("/", 1)[1])


@pytest.fixture
def opened(keyed, db):
    """A verifiable motion opened by the committee; its public credentials not yet in."""
    conference, users, browsers, officer, issued = keyed
    poll_id = verifiable_motion(browsers[1], conference.id)
    assert act(browsers[1], poll_id, "open").status_code == 302
    return poll_id, users, browsers, officer, issued


@pytest.fixture
def open_motion(opened, tmp_path):
    """The same motion with its public credentials published: voting has started."""
    poll_id, users, browsers, officer, issued = opened
    uuid = uuid_of(browsers[1], poll_id)
    assert publish_credentials(officer, poll_id, uuid, tmp_path / "authority").status_code == 302
    return poll_id, users, browsers, officer, issued


def number_of(user, db) -> str:
    return db.session.get(Member, user.member_id).number


def credential_of(issued, user, db) -> str:
    return issued[number_of(user, db)]


def close(browsers, poll_id):
    assert act(browsers[1], poll_id, "close").status_code == 302


def count(browsers, poll_id):
    return browsers[1].post(f"/polls/{poll_id}/tally", page=f"/polls/{poll_id}")


def fresh(db, model, key):
    db.session.commit()
    db.session.expire_all()
    return db.session.get(model, key)


def state(db, poll_id) -> str:
    return fresh(db, Poll, poll_id).state


def sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def motion_totals(db, poll_id) -> dict:
    report = json.loads(fresh(db, Tally, poll_id).report)
    return {k: report[k] for k in ("yes", "no", "abstain", "passed")}


def close_decrypt_count(browsers, poll_id, tmp_path, db):
    close(browsers, poll_id)
    decrypt(browsers, (2, 4, 5), poll_id, tmp_path)
    return count(browsers, poll_id)


def record_verdict(db, poll_id, workdir) -> str:
    """What a verifier says of the poll's archive: ours, and belenios-tool when installed."""
    import shutil
    import subprocess

    vp = fresh(db, VerifiablePoll, poll_id)
    ours = all(c.ok for c in bl.verify_archive(vp.archive))
    said = f"congress's verifier {'accepts' if ours else 'rejects'} the archive"
    tool = shutil.which("belenios-tool")
    if tool:
        workdir.mkdir(parents=True, exist_ok=True)
        (workdir / f"{vp.uuid}.bel").write_bytes(vp.archive)
        proc = subprocess.run(
            [tool, "election", "verify", "--dir", str(workdir)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        said += f", belenios-tool {'accepts' if proc.returncode == 0 else 'rejects'} it"
    return said


# --- findings: integrity -----------------------------------------------------------------


def test_finding_one_delegate_casts_ballots_under_several_credentials_and_all_are_counted(
    open_motion, make_browser, tmp_path, db
):
    """Attacker: any delegate on the roll who holds another delegate's credential (the
    credential authority holds them all; whoever printed or handed out a branch's sheet saw
    them; the server saw those typed without JavaScript). They cast a ballot for an absent
    delegate from their own account. Nothing ties a credential to the member whose roll
    entry is marked: one roll mark, two ballots, and the count goes on. The close entry
    even records voted=1, ballots=2, but no check reads it."""
    poll_id, users, browsers, _officer, issued = open_motion
    phone = voter(make_browser, users[0])
    vote(phone, poll_id, credential_of(issued, users[0], db), YES)
    absent = credential_of(issued, users[3], db)  # users[3] never votes
    election = election_of(phone, poll_id)
    second = cast_ballot(phone, poll_id, bl.create_ballot(election, absent, YES).raw)
    if second.status_code != 200:
        return  # refused at the cast: fixed
    response = close_decrypt_count(browsers, poll_id, tmp_path, db)
    voted = db.session.execute(
        select(func.count())
        .select_from(RollEntry)
        .where(RollEntry.poll_id == poll_id, RollEntry.voted.is_(True))
    ).scalar()
    ballots = db.session.execute(
        select(func.count())
        .select_from(VerifiableBallot)
        .where(VerifiableBallot.poll_id == poll_id)
    ).scalar()
    assert state(db, poll_id) != "tallied", (
        f"counted {ballots} ballots from {voted} voter(s): {motion_totals(db, poll_id)}; "
        f"tally answered {response.status_code}; {record_verdict(db, poll_id, tmp_path / 'v')}"
    )


def test_finding_a_coercer_on_the_roll_replays_the_ballot_they_watched_over_the_voters_re_vote(
    open_motion, make_browser, db
):
    """Attacker: a fellow delegate who coerces another (the retaliation this organization's
    members fear). They make the voter cast in front of them and keep a copy of the
    encrypted ballot (the booth's hidden field, or a file made with belenios-tool). The voter
    later re-votes alone, as the booth says they may: the coercer replays the old, validly
    signed ballot from their own account just before the close, and it replaces the re-vote.
    Re-voting, the only defence against coercion here, is undone by anyone on the roll."""
    poll_id, users, _browsers, _officer, issued = open_motion
    victim, coercer = voter(make_browser, users[0]), voter(make_browser, users[1])
    election = election_of(victim, poll_id)
    coerced = bl.create_ballot(election, credential_of(issued, users[0], db), NO)
    assert cast_ballot(victim, poll_id, coerced.raw).status_code == 200
    freely = vote(victim, poll_id, credential_of(issued, users[0], db), YES)  # the re-vote
    vote(coercer, poll_id, credential_of(issued, users[1], db), NO)
    replay = cast_ballot(coercer, poll_id, coerced.raw)
    db.session.commit()
    trackers = set(
        db.session.execute(
            select(VerifiableBallot.tracker).where(VerifiableBallot.poll_id == poll_id)
        ).scalars()
    )
    assert replay.status_code == 409 and freely in trackers and coerced.tracker not in trackers, (
        f"the replay answered {replay.status_code}; the voter's re-vote is "
        f"{'still' if freely in trackers else 'no longer'} in the box, the coerced ballot "
        f"{'is' if coerced.tracker in trackers else 'is not'}"
    )


def test_finding_the_credential_authority_gives_one_delegate_two_votes_and_another_none(
    opened, make_browser, tmp_path, db
):
    """Attacker: the credential authority alone (no server, no other accomplice). Belenios
    2.0 lets a public credential carry a weight ("pubcred,weight"); the upload only counts
    the entries. The authority publishes weight 2 for a friend and weight 0 for a rival:
    the rival votes, sees their tracker on the board, and their ballot counts for nothing;
    the friend's counts twice. belenios-tool and congress verify accept the record (weights
    are legal in Belenios); the motion's totals still add up to the ballots, so the count
    signs a flipped result (NO 2 : YES 1 becomes YES 2 : NO 1)."""
    poll_id, users, browsers, officer, issued = opened
    uuid = uuid_of(browsers[1], poll_id)
    roll = officer.get(f"/polls/{poll_id}/roll.txt").get_data(as_text=True).split()
    group = bl.get_group("BELENIOS-2048")
    weights = {number_of(users[0], db): 2, number_of(users[1], db): 0}
    weighted = bl.make_public_credentials(
        [(bl.public_credential(group, uuid, issued[n]), weights.get(n, 1)) for n in roll]
    )
    upload(officer, f"/polls/{poll_id}/credentials", "credentials", weighted)
    if not fresh(db, VerifiablePoll, poll_id).credentials:
        return  # refused at the upload: fixed
    phones = [voter(make_browser, u) for u in users[:3]]
    vote(phones[0], poll_id, credential_of(issued, users[0], db), YES)
    vote(phones[1], poll_id, credential_of(issued, users[1], db), NO)
    vote(phones[2], poll_id, credential_of(issued, users[2], db), NO)
    close_decrypt_count(browsers, poll_id, tmp_path, db)
    assert state(db, poll_id) != "tallied", (
        f"one YES and two NO ballots were counted as {motion_totals(db, poll_id)}; "
        f"{record_verdict(db, poll_id, tmp_path / 'verify')}"
    )


def test_finding_public_credentials_swapped_in_the_database_while_open_go_unnoticed(
    open_motion, make_browser, tmp_path, db
):
    """Attacker: someone writing to the database while the poll is open (the operator).
    They replace an absent delegate's public credential with one of their own, drop a ballot
    signed with it into the box and mark the absent delegate's roll entry, so that voted
    equals ballots. The chain recorded the SHA-256 of the list the authority published
    (verifiable.credentials_published), but neither the close, the count nor congress verify
    compares: the archive rebuilt from the database verifies, and the stuffed ballot is
    counted. This is what the verifiable level exists to stop (the server cannot vote
    without the credential authority)."""
    poll_id, users, browsers, _officer, issued = open_motion
    vote(voter(make_browser, users[0]), poll_id, credential_of(issued, users[0], db), NO)
    vote(voter(make_browser, users[1]), poll_id, credential_of(issued, users[1], db), NO)
    vp = fresh(db, VerifiablePoll, poll_id)
    election = bl.parse_election(vp.election)
    group = election.group
    absent = bl.public_credential(group, election.uuid, credential_of(issued, users[3], db))
    mine = bl.generate_credential()
    listed = bl.parse_public_credentials(group, vp.credentials)
    swapped = bl.make_public_credentials(
        [c for c in listed.weights if c != absent]
        + [bl.public_credential(group, election.uuid, mine)]
    )
    stuffed = bl.check_ballot(
        election,
        bl.create_ballot(election, mine, YES).raw,
        bl.parse_public_credentials(group, swapped),
    )
    with write_intent():
        db.session.execute(
            update(VerifiablePoll)
            .where(VerifiablePoll.poll_id == poll_id)
            .values(credentials=swapped)
        )
        db.session.add(
            VerifiableBallot(
                poll_id=poll_id,
                credential=sha(str(stuffed.credential)),
                tracker=stuffed.tracker,
                ballot=stuffed.raw,
            )
        )
        db.session.execute(
            update(RollEntry)
            .where(RollEntry.poll_id == poll_id, RollEntry.member_id == users[3].member_id)
            .values(voted=True)
        )
        db.session.commit()
    # Fixed: the close compares the list with the digest the chain recorded at its
    # publication, and refuses: the poll can only be annulled.
    refused = act(browsers[1], poll_id, "close")
    assert refused.status_code == 303 and state(db, poll_id) == "open"
    assert db.session.get(VerifiablePoll, poll_id).encrypted_tally == ""


# --- findings: secrecy -------------------------------------------------------------------


def try_run(command, args, folder):
    """A command on someone's own computer; (exit code, output): a refusal is an answer."""
    with inside(folder):
        result = CliRunner().invoke(command, args)
    return result.exit_code, result.output


def test_finding_the_trustees_decrypt_whatever_tally_the_database_holds(
    open_motion, make_browser, tmp_path, db
):
    """Attacker: someone writing to the database after the close (the operator). While the
    poll was open one transaction marked the target's roll entry and wrote their ballot
    (PostgreSQL's xmin, SQLite's log: inherent, as for a sealed box), so they know which
    ballot is the target's. They replace the encrypted tally with the "tally" of that one
    ballot. The trustees download it and run `congress trustee decrypt` as the README says;
    neither the command (it never sees the ballots) nor the upload (it checks the partial
    against the stored tally, not against the one the close recorded) notices, and with the
    k-th partial the server decrypts the target's vote and stores it as the result. The
    count later refuses the record, but the ballot is already read: the k-of-n trustees
    were meant to decrypt only the sum."""
    poll_id, users, browsers, _officer, issued = open_motion
    target = vote(voter(make_browser, users[0]), poll_id, credential_of(issued, users[0], db), YES)
    vote(voter(make_browser, users[1]), poll_id, credential_of(issued, users[1], db), NO)
    vote(voter(make_browser, users[2]), poll_id, credential_of(issued, users[2], db), NO)
    close(browsers, poll_id)
    vp = fresh(db, VerifiablePoll, poll_id)
    election = bl.parse_election(vp.election)
    row = db.session.execute(
        select(VerifiableBallot).where(VerifiableBallot.tracker == target)
    ).scalar_one()
    one = bl.compute_encrypted_tally(
        election,
        [
            bl.check_ballot(
                election, row.ballot, bl.parse_public_credentials(election.group, vp.credentials)
            )
        ],
    )
    with write_intent():
        db.session.execute(
            update(VerifiablePoll)
            .where(VerifiablePoll.poll_id == poll_id)
            .values(encrypted_tally=one.raw, sized_tally=one.sized_raw)
        )
        db.session.commit()
    refused_by_tool = []
    for n in (2, 4, 5):
        b, folder = browsers[n], tmp_path / f"trustee{n}"
        (folder / "election.json").write_bytes(b.get(f"/polls/{poll_id}/election.json").data)
        (folder / "tally.json").write_bytes(b.get(f"/polls/{poll_id}/encrypted-tally.json").data)
        code, _output = try_run(
            trustee_cli, ["decrypt", "--election", "election.json", "--tally", "tally.json"], folder
        )
        if code != 0:
            refused_by_tool.append(n)
            continue
        upload(
            b,
            f"/polls/{poll_id}/decrypt",
            "partial",
            (folder / "partial-decryption.json").read_text(),
        )
    vp = fresh(db, VerifiablePoll, poll_id)
    kept = db.session.execute(
        select(func.count())
        .select_from(PartialDecryptionRow)
        .where(PartialDecryptionRow.poll_id == poll_id)
    ).scalar()
    assert not vp.result and kept == 0, (
        f"the trustees' tool refused {len(refused_by_tool)} of 3; the server kept {kept} "
        f"partial decryptions of a one-ballot tally and stored the target's vote as the "
        f"result: {vp.result}"
    )


def test_finding_an_election_key_swapped_in_the_database_while_open_reads_every_ballot(
    open_motion, make_browser, db
):
    """Attacker: someone writing to the database while the poll is open (a DBA, a stolen
    database password; no code changed). The opening's chain entry records no fingerprint
    of the election, and nothing compares the election's public key with the trustees' key
    (trustee_setups.public_key, recorded in verifiable.trustees_done) when election.json is
    served or a ballot arrives. They replace the key with one of their own: every booth then
    encrypts to them, the server accepts the ballots (they are valid for the election as
    stored), and the writer reads each vote as it arrives, with the voter's name from the
    same transaction. Nothing notices while the poll is open; the record can only fail after
    the close, once every ballot has been read. A Benaloh audit with `congress audit-ballot`
    passes too: it checks against the election.json the same server gave."""
    poll_id, users, _browsers, _officer, issued = open_motion
    vp = fresh(db, VerifiablePoll, poll_id)
    election = bl.parse_election(vp.election)
    group = election.group
    x = group.random_exponent()
    swapped = bl.make_election(
        uuid=election.uuid,
        group=group,
        public_key=group.g_pow(x),
        name=election.name,
        description=election.description,
        questions=list(election.questions),
    )
    with write_intent():
        db.session.execute(
            update(VerifiablePoll).where(VerifiablePoll.poll_id == poll_id).values(election=swapped)
        )
        db.session.commit()
    phone = voter(make_browser, users[0])
    # Fixed: the opening recorded the election's SHA-256; the booth is never given the
    # swapped election, and a ballot made for it is refused.
    assert phone.get(f"/polls/{poll_id}/election.json").status_code == 409
    made = bl.create_ballot(bl.parse_election(swapped), credential_of(issued, users[0], db), YES)
    response = cast_ballot(phone, poll_id, made.raw)
    p = group.p
    read = [
        int(int(c["beta"]) * pow(int(c["alpha"]), -x, p) % p != 1)
        for c in json.loads(made.raw)["answers"][0]["choices"]
    ]
    assert response.status_code != 200, (
        f"the ballot was accepted, and the database writer reads its choices: {read}"
    )


# --- findings: the trustees' key ---------------------------------------------------------


def key_rounds(conference_id: int, browsers: dict, root, *, after_begin=None, first_poly=None):
    """The three rounds of make_trustee_key, with a hook for the attacker between them."""
    page = f"/conferences/{conference_id}/trustees"
    first = next(iter(browsers.values()))
    assert first.post(page, {"action": "begin"}).status_code == 302
    if after_begin:
        after_begin()
    for n, b in browsers.items():
        run(trustee_cli, ["init"], root / f"trustee{n}")
        upload(b, page, "message", (root / f"trustee{n}" / "certificate.json").read_text())
    for n, b in browsers.items():
        folder = root / f"trustee{n}"
        (folder / "certificates.json").write_bytes(b.get(f"{page}/certificates.json").data)
        if n == 1 and first_poly:
            first_poly(folder)
        if try_run(
            trustee_cli,
            ["polynomial", "--certificates", "certificates.json", "--threshold", "3"],
            folder,
        )[0]:
            continue
        upload(b, page, "message", (folder / "polynomial.json").read_text())
    for n, b in browsers.items():
        folder = root / f"trustee{n}"
        (folder / "certificates.json").write_bytes(b.get(f"{page}/certificates.json").data)
        vinput = b.get(f"{page}/vinput.json")
        if vinput.status_code != 200:
            continue
        (folder / "vinput.json").write_bytes(vinput.data)
        args = ["voutput", "--certificates", "certificates.json", "--vinput", "vinput.json"]
        if try_run(trustee_cli, args, folder)[0]:
            continue
        upload(b, page, "message", (folder / "voutput.json").read_text())


def test_finding_a_threshold_lowered_in_the_database_gives_every_trustee_the_whole_key(
    demo, make_browser, tmp_path, db
):
    """Attacker: someone writing to the database between "begin" and the trustees' second
    round. The chain recorded threshold 3 (verifiable.trustees_begun, from the bylaws), but
    certificates.json hands the trustees trustee_setups.threshold, and `congress trustee
    polynomial` uses it without asking; nothing compares the key finally built with the
    bylaws' k. With threshold 1 every trustee's share IS the election's private key: any
    one committee member (or whoever copies one key file) decrypts every ballot alone, and
    with the open-poll link of the database, reads how each named delegate voted."""
    browsers = committee_browsers(make_browser)

    def lower():
        with write_intent():
            db.session.execute(
                update(TrusteeSetup)
                .where(TrusteeSetup.conference_id == demo.id)
                .values(threshold=1)
            )
            db.session.commit()

    key_rounds(demo.id, browsers, tmp_path, after_begin=lower)
    setup = fresh(db, TrusteeSetup, demo.id)
    if setup.step != "done":
        return  # refused somewhere on the way: fixed
    built = bl.parse_trustees(setup.structure)[0].threshold
    key = json.loads((tmp_path / "trustee1" / "trustee.json").read_text())
    group = bl.get_group(setup.group_name)
    share = bl.threshold_decryption_key(
        group, key["seed"], json.loads(key["voutput"])["private_key"]
    )
    assert built == BYLAWS_THRESHOLD, (
        f"the key was built {built}-of-{setup.trustees}; trustee 1's share alone "
        f"{'is' if group.g_pow(share) == int(setup.public_key) else 'is not'} the private key"
    )


def test_finding_one_trustee_blocks_the_key_for_good_with_a_polynomial_of_another_degree(
    demo, make_browser, tmp_path, db
):
    """Attacker: one committee member. They make their polynomial for threshold 1 (editing
    the threshold in certificates.json). The server checks the signature and the number of
    shares but not the degree, so it keeps it; at the third round every honest trustee's
    `congress trustee voutput` fails ("coefexps 1 has the wrong length") and the server would
    refuse every voutput anyway (polynomials of different degrees). "begin" cannot be run
    again, so the conference can never hold a verifiable poll: the committee is pushed back
    to plain or sealed polls, which trust the server while they run."""
    browsers = committee_browsers(make_browser)

    def tamper(folder):
        bundle = json.loads((folder / "certificates.json").read_text())
        (folder / "certificates.json").write_text(json.dumps({**bundle, "threshold": 1}))

    key_rounds(demo.id, browsers, tmp_path, first_poly=tamper)
    setup = fresh(db, TrusteeSetup, demo.id)
    kept = (
        db.session.execute(
            select(TrusteeMessage.user_id).where(
                TrusteeMessage.conference_id == demo.id, TrusteeMessage.step == "polynomials"
            )
        )
        .scalars()
        .all()
    )
    assert setup.step == "done" or len(kept) < setup.trustees, (
        f"the odd polynomial was kept with {len(kept) - 1} honest ones; the key is stuck at "
        f"step {setup.step!r} and cannot be begun again"
    )


# --- findings: the voter without JavaScript ----------------------------------------------


def test_finding_the_server_builds_a_ballot_without_the_voter_having_chosen_that(
    open_motion, make_browser, db
):
    """Attacker: none needed; the server (and whoever runs it) is handed what the level
    promised it would never see. The booth is ONE form whose action is the no-JavaScript
    path, with the credential field in it; booth-page.js takes the submit over only once
    it has run (`defer`, and it returns early when belenios.js did not define CongressBooth:
    an old phone without BigInt, a script blocked or still loading on a weak link). A tap
    on "Encrypt my ballot" before that posts the choice and the credential in clear, and the
    server casts at once: no tracker shown first, no audit possible, and the <noscript>
    warning was never displayed because JavaScript was on. The server should build a ballot
    only on an explicit choice made inside <noscript> (a field the JavaScript booth never
    sends), and refuse otherwise."""
    poll_id, users, _browsers, _officer, issued = open_motion
    phone = voter(make_browser, users[0])
    booth = phone.get(f"/polls/{poll_id}/booth").get_data(as_text=True)
    form = re.search(r'<form[^>]*id="booth"[^>]*>(.*?)</form>', booth, re.S)
    fields = set(
        re.findall(
            r'name="([^"]+)"', re.sub(r"<noscript>.*?</noscript>", "", form.group(1), flags=re.S)
        )
    )
    posted = {name: "" for name in fields - {"csrf_token"}}  # as posted when the script has not run
    posted.update({"answer": "y", "credential": credential_of(issued, users[0], db)})
    response = phone.post(
        f"/polls/{poll_id}/verifiable/without-javascript", posted, page=f"/polls/{poll_id}/booth"
    )
    built = fresh(db, VerifiablePoll, poll_id).server_built
    assert response.status_code != 200 and built == 0, (
        f"the form as posted without its script ({sorted(fields)}) made the server build and "
        f"cast the ballot ({built} built)"
    )


# --- resisted: the database and its copies -----------------------------------------------


def heap_xmins(db, table: str) -> list[int]:
    """xmin of every tuple on the relation's pages, dead ones included (pageinspect)."""
    db.session.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
    pages = db.session.execute(
        text(f"SELECT pg_relation_size('{table}') / current_setting('block_size')::int")
    ).scalar()
    xmins = []
    for block in range(pages):
        xmins += db.session.execute(
            text(
                f"SELECT t_xmin::text::bigint FROM heap_page_items(get_raw_page('{table}', {block}))"
                " WHERE t_xmin IS NOT NULL"
            )
        ).scalars()
    return xmins


def test_resisted_after_the_close_nothing_on_disk_links_a_delegate_to_a_ballot(
    open_motion, make_browser, backend, db
):
    """Attacker: someone with a copy of the database (file, log, PostgreSQL's heap and the
    TOAST table that holds the long Belenios ballots). While the poll is open one join
    links each delegate to their public credential and encrypted ballot (inherent, as for
    a sealed box: SECURITY.md should say so for this level too); after the close's rewrite
    and scrub no cast transaction id, no log frame, no ballot text outside its row is left."""
    from sqlite_pages import wal_frames

    poll_id, users, browsers, _officer, issued = open_motion
    trackers = [
        vote(voter(make_browser, u), poll_id, credential_of(issued, u, db), YES if n else NO)
        for n, u in enumerate(users[:3])
    ]
    db.session.commit()
    if backend == "postgresql":
        linked = db.session.execute(
            text(
                "SELECT count(*) FROM poll_roll r JOIN verifiable_ballots b "
                "ON r.xmin::text = b.xmin::text WHERE r.poll_id = :p AND r.voted"
            ),
            {"p": poll_id},
        ).scalar()
        assert linked == 3  # the attack while open: documented, inherent
        cast = set(
            db.session.execute(
                text("SELECT xmin::text::bigint FROM verifiable_ballots WHERE poll_id = :p"),
                {"p": poll_id},
            ).scalars()
        )
        toast = db.session.execute(
            text(
                "SELECT reltoastrelid::regclass::text FROM pg_class WHERE relname = 'verifiable_ballots'"
            )
        ).scalar()
        db.session.commit()
        close(browsers, poll_id)
        for table in ("poll_roll", "verifiable_ballots", toast):
            assert not cast & set(heap_xmins(db, table)), table
        for table in ("poll_roll", "verifiable_ballots"):
            distinct = db.session.execute(
                text(f"SELECT count(DISTINCT xmin::text) FROM {table} WHERE poll_id = :p"),
                {"p": poll_id},
            ).scalar()
            assert distinct == 1, table
    else:
        from pathlib import Path

        path = Path(db.engine.url.database)
        assert any(t.encode() in image for _, image in wal_frames(path) for t in trackers)
        close(browsers, poll_id)
        db.session.commit()
        assert wal_frames(path) == []
        data = path.read_bytes()
        for t in trackers:  # in its row and in the tracker index, nowhere else
            assert data.count(t.encode()) == 2, t
    assert fresh(db, Poll, poll_id).scrubbed_at is not None


def test_resisted_the_server_keeps_no_trace_of_a_credential_typed_without_javascript(
    open_motion, make_browser, app, db, caplog, backend
):
    """Attacker: someone who later reads the database, instance/, the logs or the voter's
    cookies. The server saw the credential (the page says so) but kept it nowhere."""
    import logging
    from pathlib import Path

    from sqlalchemy import inspect

    caplog.set_level(logging.DEBUG)
    poll_id, users, browsers, _officer, issued = open_motion
    phone = voter(make_browser, users[0])
    typed = credential_of(issued, users[0], db)
    response = phone.post(
        f"/polls/{poll_id}/verifiable/without-javascript",
        {"answer": "y", "credential": typed, "without_javascript": "yes"},
        page=f"/polls/{poll_id}/booth",
    )
    assert response.status_code == 200
    close(browsers, poll_id)
    needles = {typed, typed.replace("-", "")}
    election = bl.parse_election(fresh(db, VerifiablePoll, poll_id).election)
    secret = bl.derive_secret(election.group, election.uuid, typed)
    needles.add(str(secret))
    rows = []
    for table in inspect(db.engine).get_table_names():
        for row in db.session.execute(text(f'SELECT * FROM "{table}"')):
            rows.append(
                " ".join(
                    bytes(v).hex() if isinstance(v, bytes | memoryview) else str(v) for v in row
                )
            )
    haystacks = ["\n".join(rows), caplog.text]
    haystacks += [c.value for c in phone.client._cookies.values()]
    for path in Path(app.instance_path).rglob("*"):
        if path.is_file():
            haystacks.append(path.read_bytes().decode("utf-8", "replace"))
    if backend == "sqlite":
        db.session.commit()
        haystacks.append(Path(db.engine.url.database).read_bytes().decode("latin-1"))
    for haystack in haystacks:
        for needle in needles:
            assert needle not in haystack


# --- resisted: the record ----------------------------------------------------------------


def test_resisted_a_record_altered_after_decryption_is_never_counted(
    open_motion, make_browser, tmp_path, db
):
    """Attacker: someone writing to the database after the trustees decrypted. Each change
    (the result, a partial decryption, a ballot dropped, a valid ballot added, the tally
    recomputed to match) makes the count refuse, and the refusal is in the chain; the
    untouched record then counts."""
    from congress.audit.models import AuditEntry

    poll_id, users, browsers, _officer, issued = open_motion
    for n, u in enumerate(users[:3]):
        vote(voter(make_browser, u), poll_id, credential_of(issued, u, db), YES if n else NO)
    close(browsers, poll_id)
    decrypt(browsers, (1, 3, 5), poll_id, tmp_path)
    vp = fresh(db, VerifiablePoll, poll_id)
    election = bl.parse_election(vp.election)
    listed = bl.parse_public_credentials(election.group, vp.credentials)
    kept = db.session.execute(select(VerifiableBallot)).scalars().all()
    first = {"ballot": kept[0].ballot, "tracker": kept[0].tracker, "credential": kept[0].credential}
    extra = bl.check_ballot(
        election, bl.create_ballot(election, credential_of(issued, users[3], db), NO).raw, listed
    )
    more = bl.compute_encrypted_tally(
        election, [bl.check_ballot(election, b.ballot, listed) for b in kept] + [extra]
    )
    owners = sorted(r.owner for r in db.session.execute(select(PartialDecryptionRow)).scalars())
    other = db.session.get(PartialDecryptionRow, (poll_id, owners[1])).payload
    mine = db.session.get(PartialDecryptionRow, (poll_id, owners[0])).payload
    alterations = {
        "result": (
            [update(VerifiablePoll).values(result='{"result":[[0,3,0]]}')],
            [update(VerifiablePoll).values(result=vp.result)],
        ),
        "partial": (
            [
                update(PartialDecryptionRow)
                .where(PartialDecryptionRow.owner == owners[0])
                .values(payload=other)
            ],
            [
                update(PartialDecryptionRow)
                .where(PartialDecryptionRow.owner == owners[0])
                .values(payload=mine)
            ],
        ),
        "dropped": (
            [
                VerifiableBallot.__table__.delete().where(
                    VerifiableBallot.tracker == first["tracker"]
                )
            ],
            [VerifiableBallot.__table__.insert().values(poll_id=poll_id, **first)],
        ),
        "added, tally to match": (
            [
                VerifiableBallot.__table__.insert().values(
                    poll_id=poll_id,
                    credential=sha(str(extra.credential)),
                    tracker=extra.tracker,
                    ballot=extra.raw,
                ),
                update(VerifiablePoll).values(encrypted_tally=more.raw, sized_tally=more.sized_raw),
            ],
            [
                VerifiableBallot.__table__.delete().where(
                    VerifiableBallot.tracker == extra.tracker
                ),
                update(VerifiablePoll).values(
                    encrypted_tally=vp.encrypted_tally, sized_tally=vp.sized_tally
                ),
            ],
        ),
    }
    for what, (change, undo) in alterations.items():
        with write_intent():
            for statement in change:
                db.session.execute(statement)
            db.session.commit()
        count(browsers, poll_id)
        assert state(db, poll_id) == "closed", what
        with write_intent():
            for statement in undo:
                db.session.execute(statement)
            db.session.commit()
    refusals = db.session.execute(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "poll.box_altered")
    ).scalar()
    assert refusals == len(alterations)
    assert count(browsers, poll_id).status_code == 302 and state(db, poll_id) == "tallied"
    assert motion_totals(db, poll_id)["yes"] == 2


def test_resisted_a_trustee_cannot_pass_off_another_trustees_partial_decryption(
    open_motion, make_browser, tmp_path, db
):
    """Attacker: a committee member who did not decrypt (or whose key is lost) uploads the
    partial decryption another trustee made: it is checked against the uploader's own
    verification key and refused, so k partials always mean k key holders."""
    poll_id, users, browsers, _officer, issued = open_motion
    vote(voter(make_browser, users[0]), poll_id, credential_of(issued, users[0], db), YES)
    close(browsers, poll_id)
    decrypt(browsers, (2,), poll_id, tmp_path)
    copied = (tmp_path / "trustee2" / "partial-decryption.json").read_text()
    upload(browsers[3], f"/polls/{poll_id}/decrypt", "partial", copied)
    upload(browsers[4], f"/polls/{poll_id}/decrypt", "partial", copied)
    owners = db.session.execute(select(PartialDecryptionRow.user_id)).scalars().all()
    assert len(owners) == 1 and not fresh(db, VerifiablePoll, poll_id).result


def test_resisted_ballots_of_another_poll_or_altered_in_transit_are_refused(
    keyed, make_browser, tmp_path, db
):
    """Attacker: a delegate posting ballots by hand to the cast endpoint (it takes any
    Belenios ballot JSON): a ballot made for another verifiable poll of the conference with
    the same credential, and a ballot whose JSON was re-serialized or had one choice swapped,
    are refused and nothing is stored."""
    conference, users, browsers, officer, issued = keyed
    polls = []
    for _ in range(2):
        poll_id = verifiable_motion(browsers[1], conference.id)
        assert act(browsers[1], poll_id, "open").status_code == 302
        uuid = uuid_of(browsers[1], poll_id)
        assert (
            publish_credentials(officer, poll_id, uuid, tmp_path / "authority").status_code == 302
        )
        polls.append(poll_id)
    phone = voter(make_browser, users[0])
    mine = credential_of(issued, users[0], db)
    other = bl.create_ballot(election_of(phone, polls[1]), mine, YES)
    assert cast_ballot(phone, polls[0], other.raw).status_code == 409
    made = bl.create_ballot(election_of(phone, polls[0]), mine, YES)
    parsed = json.loads(made.raw)
    assert cast_ballot(phone, polls[0], json.dumps(parsed, indent=1)).status_code == 409
    choices = parsed["answers"][0]["choices"]
    parsed["answers"][0]["choices"] = [choices[1], choices[0], *choices[2:]]
    swapped = json.dumps(parsed, separators=(",", ":"))
    assert cast_ballot(phone, polls[0], swapped).status_code == 409
    db.session.commit()
    assert db.session.execute(select(func.count()).select_from(VerifiableBallot)).scalar() == 0
    assert not db.session.execute(
        select(RollEntry.voted).where(RollEntry.member_id == users[0].member_id, RollEntry.voted)
    ).first()


# --- resisted: staff ---------------------------------------------------------------------


def test_resisted_only_the_credential_authority_publishes_credentials_and_only_once(
    opened, make_browser, make_user, tmp_path, db
):
    """Attackers: the administrator, a committee member, the credentials officer and an
    observer try to publish a poll's public credentials (a list whose private halves they
    hold) or download what the authority works from; then the authority's second upload
    (replacing the first) is refused. Nothing is published but the authority's first list."""
    from support import PASSWORD

    poll_id, _users, browsers, officer, _issued = opened
    group = bl.get_group("BELENIOS-2048")
    uuid = uuid_of(browsers[1], poll_id)
    size = fresh(db, Poll, poll_id).electorate_size
    forged = bl.make_public_credentials(
        [bl.public_credential(group, uuid, bl.generate_credential()) for _ in range(size)]
    )
    staff = {"committee": browsers[2]}
    for role in ("administrator", "credentials_officer", "observer"):
        b = make_browser()
        user = make_user(roles=(role,))
        assert b.login(user.email, PASSWORD).status_code == 302
        staff[role] = b
    for who, b in staff.items():
        assert (
            upload(b, f"/polls/{poll_id}/credentials", "credentials", forged).status_code == 403
        ), who
        assert b.get(f"/polls/{poll_id}/roll.txt").status_code == 403, who
        conference_id = fresh(db, Poll, poll_id).conference_id
        assert (
            b.get(f"/conferences/{conference_id}/delegates-for-credentials.csv").status_code == 403
        ), who
    assert not fresh(db, VerifiablePoll, poll_id).credentials
    assert publish_credentials(officer, poll_id, uuid, tmp_path / "authority").status_code == 302
    first = fresh(db, VerifiablePoll, poll_id).credentials
    upload(officer, f"/polls/{poll_id}/credentials", "credentials", forged)
    assert fresh(db, VerifiablePoll, poll_id).credentials == first


# --- resisted: the network ---------------------------------------------------------------


def skeleton(value):
    """A JSON value with every string and number replaced by its kind."""
    if isinstance(value, dict):
        return {k: skeleton(v) for k, v in value.items()}
    if isinstance(value, list):
        return [skeleton(v) for v in value]
    return type(value).__name__


def test_resisted_the_cast_request_and_the_receipt_say_nothing_of_the_choice(
    open_motion, make_browser, db
):
    """Attacker: someone who sees TLS record lengths. A Belenios ballot has one shape
    whatever the answer (the same ciphertexts and proofs), and its numbers are uniformly
    random group elements and exponents, each at most as long as p or q in decimal, so the
    cast request's length varies by chance, not by choice; the receipt (a 43-character
    tracker) has one length. Without JavaScript the answer is one letter. (Without
    JavaScript an election's checkboxes still tell how many were ticked: inherent, as for
    plain polls.)"""
    poll_id, users, _browsers, _officer, issued = open_motion
    phone = voter(make_browser, users[0])
    election = election_of(phone, poll_id)
    mine = credential_of(issued, users[0], db)
    shapes, receipts = set(), set()
    p_digits = len(str(election.group.p))
    for choice in (YES, NO, ABSTAIN, YES, NO, ABSTAIN):
        made = bl.create_ballot(election, mine, choice)
        shapes.add(json.dumps(skeleton(json.loads(made.raw))))
        numbers = re.findall(r'"(\d+)"', made.raw)
        assert all(len(n) <= p_digits for n in numbers)
        response = cast_ballot(phone, poll_id, made.raw)
        assert response.status_code == 200
        receipts.add(len(response.get_data()))
    assert len(shapes) == 1 and len(receipts) == 1, (len(shapes), receipts)
    sizes = set()
    for letter in ("y", "n", "a"):
        response = phone.post(
            f"/polls/{poll_id}/verifiable/without-javascript",
            {"answer": letter, "credential": mine, "without_javascript": "yes"},
            page=f"/polls/{poll_id}/booth",
        )
        assert response.status_code == 200
        sizes.add(len(response.get_data()))
    assert len(sizes) == 1, sizes


# --- findings: the trustees' ceremony under concurrency ----------------------------------


def test_finding_trustees_uploading_their_certificates_at_once_share_a_position(
    demo, make_browser, tmp_path, db, app
):
    """Attacker: none; five committee members in one meeting room, told to upload their
    certificate now, press the button in the same second. A certificate's position is
    `len(messages)` read before the audit chain's lock, and nothing makes positions unique,
    so on PostgreSQL two trustees get the same place: one of them is never a trustee of the
    key (their polynomial is checked against the other's certificate and refused) and the
    ceremony cannot finish or be begun again. (SQLite serialises the writes.)"""
    from concurrent.futures import ThreadPoolExecutor

    browsers = committee_browsers(make_browser)
    page = f"/conferences/{demo.id}/trustees"
    assert browsers[1].post(page, {"action": "begin"}).status_code == 302
    posts = {}
    for n, b in browsers.items():
        run(trustee_cli, ["init"], tmp_path / f"trustee{n}")
        cert = (tmp_path / f"trustee{n}" / "certificate.json").read_text()
        posts[n] = (b, {"message": cert, "csrf_token": b.token(page)})
    db.session.commit()

    def press(browser_and_form):
        with app.app_context():  # each phone is its own request, as on a real server
            return browser_and_form[0].client.post(page, data=browser_and_form[1]).status_code

    with ThreadPoolExecutor(max_workers=len(posts)) as pool:
        answers = list(pool.map(press, posts.values()))
    assert all(a in (302, 303) for a in answers), answers
    positions = (
        db.session.execute(
            select(TrusteeMessage.position).where(TrusteeMessage.step == "certificates")
        )
        .scalars()
        .all()
    )
    assert sorted(positions) == list(range(len(browsers))), f"positions {sorted(positions)}"
