"""The booth's cryptography (congress/static/booth/belenios.js) run in Chromium: ballots
encrypted, proved and signed in the browser pass the Python core's ballot box and
belenios-tool, their Benaloh audits pass `verify_audit`, and wrong input is refused.

No server: the page and the script are served by `page.route` from a fake origin,
https://booth.test (Web Crypto needs a secure context), under a CSP of script-src 'self'
(the script is added as <script src>); every other request is refused, and the test checks
that none was made and that the CSP was never violated.

The elections are made with the Python core: a BELENIOS-2048 election with a block of 2 to
4 of 6 candidates (blank allowed), a single office (1 of 3) and a yes/no motion (0 or 1
mark: none is an abstention), and an RFC-3526-2048 election with one ranked question of 6
candidates. Each archive (the JavaScript ballots, the encrypted tally, a shuffle for the
ranked one and the trustee's partial decryption) is checked by `belenios-tool election
verify` and its result computed by `belenios-tool election compute-result`; the archives
are left in tests/e2e/artifacts/archives/ (UUID.bel). Without belenios-tool those tests skip, or fail
when CONGRESS_BELENIOS_REQUIRED=1.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from congress.core import belenios as bl
from congress.core.belenios import serialization as ser
from congress.core.belenios.groups import jacobi
from congress.core.belenios.verify import first_failure
from live_server import ROOT

pytestmark = pytest.mark.e2e

SCRIPT = ROOT / "congress" / "static" / "booth" / "belenios.js"
ORIGIN = "https://booth.test"  # crypto.subtle needs a secure context
SCRIPT_URL = ORIGIN + "/static/booth/belenios.js"
CSP = "default-src 'none'; script-src 'self'"
ARCHIVES = Path(__file__).resolve().parent / "artifacts" / "archives"
REQUIRED = os.environ.get("CONGRESS_BELENIOS_REQUIRED") == "1"
# fixed uuids (fresh keys and credentials every run): each run replaces its two archives
UUIDS = ("BoothCryptoHomomorphic", "BoothCryptoRanked")

BLOCK = bl.HomomorphicQuestion(
    "Central Council", ("Amal", "Bassel", "Dima", "Fares", "Hala", "Issam"), 2, 4, blank=True
)
SINGLE = bl.HomomorphicQuestion("General Coordinator", ("Jana", "Karim", "Lina"), 1, 1)
MOTION = bl.HomomorphicQuestion("Motion 3: the budget", ("Yes", "No"), 0, 1)
RANKED = bl.NonHomomorphicQuestion(
    "Coordination Office", ("Amal", "Bassel", "Dima", "Fares", "Hala", "Issam")
)

# plaintexts in the Python API's format: the block's leading 1 is the blank flag
HOMOMORPHIC_VOTES = [
    [[0, 1, 1, 0, 0, 0, 0], [1, 0, 0], [1, 0]],
    [[0, 0, 0, 1, 1, 1, 1], [0, 1, 0], [0, 1]],  # four marks, the most allowed
    [[1, 0, 0, 0, 0, 0, 0], [0, 0, 1], [0, 0]],  # blank block, abstention on the motion
    [[0, 1, 0, 0, 0, 0, 1], [1, 0, 0], [1, 0]],
    [[0, 1, 1, 1, 0, 0, 0], [0, 1, 0], [1, 0]],
]
RANKED_VOTES = [
    [[1, 2, 3, 4, 5, 6]],
    [[6, 5, 4, 3, 2, 1]],
    [[2, 0, 1, 0, 0, 3]],
    [[0, 0, 0, 0, 0, 0]],
]

PAGE = "<!doctype html><html lang=en><meta charset=utf-8><title>booth</title><p>booth</p></html>"


# -- the page ---------------------------------------------------------------------------------


@dataclass
class Booth:
    """A Chromium page at http://booth.test with belenios.js loaded."""

    page: object
    problems: list[str] = field(default_factory=list)

    def run(self, script: str, arg: object = None) -> object:
        return self.page.evaluate(script, arg)

    def assert_clean(self) -> None:
        violations = self.run("() => window.cspViolations")
        assert not self.problems, self.problems
        assert violations == [], violations


@pytest.fixture(scope="module")
def booth(chromium):
    context = chromium.new_context()
    page = context.new_page()
    b = Booth(page)

    def serve(route) -> None:
        url = route.request.url
        if url == ORIGIN + "/":
            route.fulfill(
                status=200,
                headers={"Content-Security-Policy": CSP},
                content_type="text/html; charset=utf-8",
                body=PAGE,
            )
        elif url == SCRIPT_URL:
            route.fulfill(
                status=200,
                content_type="text/javascript; charset=utf-8",
                body=SCRIPT.read_bytes(),
            )
        else:
            b.problems.append(f"unexpected request: {url}")
            route.abort()

    context.route("**/*", serve)
    page.on("console", lambda m: m.type == "error" and b.problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: b.problems.append(f"page error: {e}"))
    page.goto(ORIGIN + "/")
    page.evaluate(
        """() => {
            window.cspViolations = [];
            document.addEventListener('securitypolicyviolation',
                e => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
        }"""
    )
    page.add_script_tag(url=SCRIPT_URL)
    assert page.evaluate("() => typeof CongressBooth") == "object"
    yield b
    context.close()


MAKE_BALLOTS = """async ([raw, items]) => {
    const election = await CongressBooth.parseElection(raw);
    const out = [];
    for (const [credential, vote] of items) {
        const ballot = await CongressBooth.createBallot(election, credential, vote);
        out.push({raw: ballot.raw, tracker: ballot.tracker, credential: ballot.credential,
                  audit: CongressBooth.auditJson(ballot)});
        CongressBooth.forget(ballot);
    }
    return {fingerprint: election.fingerprint, ballots: out};
}"""

REFUSED = """async ([raw, credential, vote, options]) => {
    const election = await CongressBooth.parseElection(raw);
    try {
        await CongressBooth.createBallot(election, credential, vote, options || {});
        return null;
    } catch (e) {
        return {name: e.name, code: e.code, question: e.question, message: e.message};
    }
}"""


# -- the elections ------------------------------------------------------------------------------


@dataclass
class Made:
    """An election made by the Python core and the ballots Chromium made for it."""

    election: bl.Election
    x: int
    trustees: str
    credentials: list[str]
    public: str
    votes: list
    fingerprint: str = ""
    ballots: list[dict] = field(default_factory=list)

    @property
    def pcs(self) -> bl.PublicCredentials:
        return bl.parse_public_credentials(self.election.group, self.public)


def _election(uuid: str, group: bl.Group, questions: list, votes: list) -> Made:
    x, key = bl.generate_trustee_key(group)
    raw = bl.make_election(
        uuid=uuid,
        group=group,
        public_key=group.g_pow(x),
        name='Congress "booth" test',
        description="المؤتمر العام\nballots made in the browser",
        questions=questions,
    )
    creds = [bl.generate_credential() for _ in votes]
    public = bl.make_public_credentials([bl.public_credential(group, uuid, c) for c in creds])
    return Made(
        bl.parse_election(raw),
        x,
        bl.make_trustees([("Single", key)]),
        creds,
        public,
        votes,
    )


def _made_in_chromium(booth: Booth, made: Made) -> Made:
    # the second voter types the credential without dashes, with spaces around
    typed = [c if i != 1 else f"  {c.replace('-', '')} " for i, c in enumerate(made.credentials)]
    out = booth.run(MAKE_BALLOTS, [made.election.raw, list(zip(typed, made.votes, strict=True))])
    made.fingerprint = out["fingerprint"]
    made.ballots = out["ballots"]
    return made


@pytest.fixture(scope="module")
def homomorphic(booth: Booth) -> Made:
    made = _election(UUIDS[0], bl.BELENIOS_2048, [BLOCK, SINGLE, MOTION], HOMOMORPHIC_VOTES)
    return _made_in_chromium(booth, made)


@pytest.fixture(scope="module")
def ranked(booth: Booth) -> Made:
    made = _election(UUIDS[1], bl.RFC_3526_2048, [RANKED], RANKED_VOTES)
    return _made_in_chromium(booth, made)


# -- belenios-tool ---------------------------------------------------------------------------------


def tool_path() -> str:
    """belenios-tool, or skip (fail when CONGRESS_BELENIOS_REQUIRED=1)."""
    path = shutil.which("belenios-tool")
    if path is None:
        message = "belenios-tool is not installed (apt-get install belenios-tool)"
        if REQUIRED:
            pytest.fail(message)
        pytest.skip(message)
    return path


def tool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [tool_path(), *args], capture_output=True, text=True, timeout=300, check=False
    )


def archive_of(made: Made) -> bytes:
    """UUID.bel: the ballots, the encrypted tally, a shuffle (ranked), the decryption."""
    election = made.election
    ballots = [bl.check_ballot(election, b["raw"], made.pcs) for b in made.ballots]
    a = bl.Archive.create(election.raw, made.trustees, made.public, 1_700_000_000)
    for b in ballots:
        a.add_ballot(b.raw)
    a.end_ballots()
    et = bl.compute_encrypted_tally(election, ballots)
    a.add_encrypted_tally(et.raw, et.sized_raw)
    tally = et.tally
    if election.has_nh_questions:
        rows = bl.nh_ciphertexts(election, tally)
        s = bl.shuffle(election, rows)
        a.add_shuffle(s.raw, 1)
        a.end_shuffles()
        tally = bl.merge_nh_ciphertexts(election, tally, s.ciphertexts)
    a.add_partial_decryption(bl.compute_partial_decryption(election, tally, made.x).raw, 1)
    return a.to_bytes()


def tool_result(made: Made, workdir: Path) -> list:
    """belenios-tool verifies the archive, then computes its result."""
    data = archive_of(made)
    ARCHIVES.mkdir(parents=True, exist_ok=True)
    (ARCHIVES / f"{made.election.uuid}.bel").write_bytes(data)
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / f"{made.election.uuid}.bel").write_bytes(data)
    verified = tool("election", "verify", "--dir", str(workdir))
    assert verified.returncode == 0, verified.stderr + verified.stdout
    ours = first_failure(bl.verify_archive(data))
    assert ours is None, f"{ours.name}: {ours.detail}"
    computed = tool("election", "compute-result", "--dir", str(workdir))
    assert computed.returncode == 0, computed.stderr
    return json.loads(computed.stdout)["result"]


# -- the tests -------------------------------------------------------------------------------


def test_arithmetic_and_json_agree_with_the_python_core(booth: Booth) -> None:
    """Group parameters, sliding-window and fixed-base (comb) exponentiation, the Jacobi
    symbol, membership and Yojson's string escaping, against Python on the same inputs."""
    for group in (bl.BELENIOS_2048, bl.RFC_3526_2048):
        q = group.q
        exponents = [
            0,
            1,
            2,
            q - 1,
            q // 3,
            2**255 + 12345,
            *(group.random_exponent() for _ in range(4)),
        ]
        bases = [group.g, group.g_pow(group.random_exponent()), 3, group.p - 1]
        got = booth.run(
            """([name, exps, bases]) => {
                const G = CongressBooth.getGroup(name);
                const I = CongressBooth.internals;
                const table = new I.FixedBase(BigInt(bases[1]), G.p, G.qBits, 8, 3);
                return {
                    params: [G.p, G.q, G.g].map(String),
                    embedding: G.embedding,
                    g: exps.map(e => G.gPow(BigInt(e)).toString()),
                    comb: exps.map(e => table.pow(BigInt(e)).toString()),
                    slide: exps.flatMap(e => bases.map(b => I.modPow(BigInt(b), BigInt(e), G.p).toString())),
                    jacobi: bases.map(b => I.jacobi(BigInt(b), G.p)),
                    member: bases.map(b => G.isElement(BigInt(b))),
                };
            }""",
            [group.name, [str(e) for e in exponents], [str(b) for b in bases]],
        )
        assert got["params"] == [str(group.p), str(group.q), str(group.g)]
        emb = group.embedding
        expected_emb = None if emb is None else {"padding": emb.padding, "bitsPerInt": 8}
        assert got["embedding"] == expected_emb
        assert got["g"] == [str(pow(group.g, e, group.p)) for e in exponents]
        assert got["comb"] == [str(pow(bases[1], e, group.p)) for e in exponents]
        assert got["slide"] == [str(pow(b, e, group.p)) for e in exponents for b in bases]
        assert got["jacobi"] == [jacobi(b, group.p) for b in bases]
        assert got["member"] == [group.is_element(b) for b in bases]
    tricky = ['a"b\\c', "tab\tnl\nret\r\b\f", "\x00\x01\x1f\x7f", "المؤتمر ✓ 𝄞", ""]
    dumped = booth.run(
        "(xs) => xs.map(s => CongressBooth.internals.dumps({k: s, n: [1, [], {}], t: true}))",
        tricky,
    )
    assert dumped == [ser.dumps({"k": s, "n": [1, [], {}], "t": True}) for s in tricky]
    booth.assert_clean()


def test_elections_and_credentials_read_as_the_python_core_reads_them(
    booth: Booth, homomorphic: Made, ranked: Made
) -> None:
    for made in (homomorphic, ranked):
        e = made.election
        assert made.fingerprint == e.fingerprint
        typed = [made.credentials[0], made.credentials[1].replace("-", "")]
        got = booth.run(
            """async ([raw, creds]) => {
                const e = await CongressBooth.parseElection(raw);
                return {
                    questions: e.questions.map(q => [q.type, q.size, q.min ?? null, q.max ?? null]),
                    normal: creds.map(CongressBooth.normalizeCredential),
                    public: await Promise.all(creds.map(c => CongressBooth.publicCredential(e, c))),
                };
            }""",
            [e.raw, typed],
        )
        assert got["normal"] == [bl.normalize_credential(c) for c in typed]
        assert got["public"] == [str(bl.public_credential(e.group, e.uuid, c)) for c in typed]
        assert got["questions"] == [
            ["homomorphic", q.size, q.min, q.max]
            if isinstance(q, bl.HomomorphicQuestion)
            else ["nonhomomorphic", q.size, None, None]
            for q in e.questions
        ]
    # an election whose key is not in the group is refused, as by parse_election
    bad = json.loads(homomorphic.election.raw)
    bad["public_key"] = str(bl.BELENIOS_2048.p - 1)
    refused = booth.run(
        """async (raw) => { try { await CongressBooth.parseElection(raw); return null; }
                            catch (e) { return [e.code, e.message]; } }""",
        ser.dumps(bad),
    )
    assert refused == ["bad-election", "election: public key is not in the group"]
    with pytest.raises(ser.FormatError):
        bl.parse_election(ser.dumps(bad))
    booth.assert_clean()


def _check_with_python(made: Made) -> None:
    pcs = made.pcs
    seen = set()
    for b, vote, cred in zip(made.ballots, made.votes, made.credentials, strict=True):
        ballot = bl.check_ballot(made.election, b["raw"], pcs)
        assert ballot.tracker == b["tracker"] == bl.tracker(b["raw"])
        assert ballot.credential == int(b["credential"])
        assert ballot.credential == bl.public_credential(
            made.election.group, made.election.uuid, cred
        )
        assert bl.verify_audit(made.election, b["audit"]) == tuple(tuple(m) for m in vote)
        seen.add(b["raw"])
    assert len(seen) == len(made.ballots)


def test_homomorphic_ballots_pass_the_python_ballot_box(homomorphic: Made) -> None:
    """Block with blank, single office, motion: every proof, the signature, the canonical
    bytes (the tracker is the same) and the audit, checked by congress.core.belenios."""
    _check_with_python(homomorphic)


def test_ranked_ballots_pass_the_python_ballot_box(ranked: Made) -> None:
    _check_with_python(ranked)


def test_homomorphic_ballots_verify_and_count_with_belenios_tool(
    homomorphic: Made, tmp_path: Path
) -> None:
    result = tool_result(homomorphic, tmp_path)
    votes = homomorphic.votes
    expected = [
        [sum(v[i][j] for v in votes) for j in range(q.size)]
        for i, q in enumerate(homomorphic.election.questions)
    ]
    assert result == expected
    assert result[0][0] == 1  # one blank block


def test_ranked_ballots_verify_and_count_with_belenios_tool(ranked: Made, tmp_path: Path) -> None:
    result = tool_result(ranked, tmp_path)
    assert sorted(map(tuple, result[0])) == sorted(tuple(v[0]) for v in ranked.votes)


def test_a_tampered_audit_is_refused(booth: Booth, homomorphic: Made, ranked: Made) -> None:
    """The audit reveals what the ballot encrypts; any other plaintext or randomness, or
    another ballot, is caught by verify_audit."""
    election = homomorphic.election
    audit = json.loads(homomorphic.ballots[0]["audit"])
    assert set(audit) == {"ballot", "plaintext", "randomness"}
    assert [len(rs) for rs in audit["randomness"]] == [7, 3, 2]

    def refused(changed: dict, e: bl.Election = election, reason: str = "does not encrypt"):
        with pytest.raises(bl.BallotRejected, match=reason):
            bl.verify_audit(e, ser.dumps(changed))

    other_vote = json.loads(json.dumps(audit))
    other_vote["plaintext"][1] = [0, 1, 0]  # still a valid vote, but not this ballot's
    refused(other_vote)
    other_r = json.loads(json.dumps(audit))
    other_r["randomness"][0][3] = str((int(other_r["randomness"][0][3]) + 1) % election.group.q)
    refused(other_r)
    other_ballot = {**audit, "ballot": homomorphic.ballots[3]["raw"]}
    refused(other_ballot)
    impossible = json.loads(json.dumps(audit))
    impossible["plaintext"][0] = [1, 1, 0, 0, 0, 0, 0]
    refused(impossible, reason="not a vote")
    ranked_audit = json.loads(ranked.ballots[0]["audit"])
    ranked_audit["plaintext"][0] = [2, 1, 3, 4, 5, 6]
    refused(ranked_audit, ranked.election)
    # the booth reveals a ballot's randomness once it is forgotten: no more
    again = booth.run(
        """async ([raw, credential, vote]) => {
            const e = await CongressBooth.parseElection(raw);
            const b = await CongressBooth.createBallot(e, credential, vote);
            const first = CongressBooth.auditJson(b);
            CongressBooth.forget(b);
            try { CongressBooth.auditJson(b); return [first, null]; }
            catch (err) { return [first, err.code]; }
        }""",
        [election.raw, homomorphic.credentials[0], HOMOMORPHIC_VOTES[0]],
    )
    assert bl.verify_audit(election, again[0]) == tuple(map(tuple, HOMOMORPHIC_VOTES[0]))
    assert again[1] == "no-randomness"
    booth.assert_clean()


def _tamper_credential(c: str) -> str:
    """The same credential with its checksum character moved on by one (then wrong)."""
    base58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    return c[:-1] + base58[(base58.index(c[-1]) + 1) % 58]


def test_wrong_input_is_refused_with_a_clear_error(
    booth: Booth, homomorphic: Made, ranked: Made
) -> None:
    h, r = homomorphic, ranked
    ok = HOMOMORPHIC_VOTES[0]
    cred = h.credentials[0]
    stranger = bl.generate_credential()
    cases = [
        # (made, credential, vote, options, code, question, message)
        (h, cred, [[0, 1, 1, 1, 1, 1, 0], *ok[1:]], None, "too-many-marks", 1,
         "question 1: at most 4 mark(s) allowed, 5 given"),
        (h, cred, [[0, 1, 0, 0, 0, 0, 0], *ok[1:]], None, "too-few-marks", 1,
         "question 1: at least 2 mark(s) needed, 1 given (or a blank vote)"),
        (h, cred, [[1, 1, 1, 0, 0, 0, 0], *ok[1:]], None, "blank-with-marks", 1,
         "question 1: a blank vote marks nothing else"),
        (h, cred, [ok[0], [1, 1, 0], ok[2]], None, "too-many-marks", 2,
         "question 2: at most 1 mark(s) allowed, 2 given"),
        (h, cred, [ok[0], [0, 0, 0], ok[2]], None, "too-few-marks", 2,
         "question 2: at least 1 mark(s) needed, 0 given"),
        (h, cred, [ok[0], ok[1], [1, 1]], None, "too-many-marks", 3,
         "question 3: at most 1 mark(s) allowed, 2 given"),
        (h, cred, [ok[0], [2, 0, 0], ok[2]], None, "not-0-or-1", 2,
         "question 2: each value must be 0 or 1"),
        (h, cred, [ok[0], ["1", 0, 0], ok[2]], None, "not-integer", 2,
         "question 2: every value must be a whole number"),
        (h, cred, [ok[0][1:], *ok[1:]], None, "answer-size", 1, "question 1: 7 values expected"),
        (h, cred, ok[:2], None, "plaintext-shape", None,
         "this election has 3 question(s); 2 answer(s) given"),
        (r, r.credentials[0], [[1, 2, 3, 4, 5, 256]], None, "value-out-of-range", 1,
         "question 1: each value must be from 0 to 255 (256 given)"),
        (r, r.credentials[0], [[1, 2, 3, 4, 5, -1]], None, "value-out-of-range", 1,
         "question 1: each value must be from 0 to 255 (-1 given)"),
        (h, _tamper_credential(cred), ok, None, "credential-checksum", None,
         "this credential is mistyped (its checksum does not match)"),
        (h, cred[:-1], ok, None, "credential-format", None,
         "a credential has 15 characters, written XXX-XXX-XXX-XXX-XXX"),
        (h, "0" + cred[1:], ok, None, "credential-character", None,
         "this credential has characters no credential uses (0); 0, O, I and l never appear in one"),
        (h, stranger, ok, {"publicCredentials": json.loads(h.public)}, "unknown-credential",
         None, "this credential is not one of this poll's credentials"),
    ]  # fmt: skip
    for made, credential, vote, options, code, question, message in cases:
        got = booth.run(REFUSED, [made.election.raw, credential, vote, options])
        assert got == {"name": "BoothError", "code": code, "question": question,
                       "message": message}, (code, got)  # fmt: skip
        # the Python API refuses the same input (the plaintext format is the same)
        if code == "unknown-credential":
            ballot = bl.create_ballot(made.election, credential, vote).raw
            with pytest.raises(bl.BallotRejected, match="invalid credential"):
                bl.check_ballot(made.election, ballot, made.pcs)
        else:
            with pytest.raises(ValueError):
                bl.create_ballot(made.election, credential, vote)
    # and what the options allow when the credential is on the list
    fine = booth.run(
        REFUSED, [h.election.raw, cred, ok, {"publicCredentials": json.loads(h.public)}]
    )
    assert fine is None
    booth.assert_clean()


def test_a_blank_vote_may_meet_a_minimum_and_the_booth_reports_progress(
    booth: Booth, homomorphic: Made
) -> None:
    """A blank block ignores the minimum of 2; onProgress counts to its total once."""
    vote = [[1, 0, 0, 0, 0, 0, 0], [0, 0, 1], [0, 1]]
    got = booth.run(
        """async ([raw, credential, vote]) => {
            const e = await CongressBooth.parseElection(raw);
            const seen = [];
            const b = await CongressBooth.createBallot(e, credential, vote,
                {onProgress: (done, total) => seen.push([done, total])});
            return {raw: b.raw, seen: seen};
        }""",
        [homomorphic.election.raw, homomorphic.credentials[2], vote],
    )
    bl.check_ballot(homomorphic.election, got["raw"], homomorphic.pcs)
    total = 7 + 1 + 3 + 1 + 2 + 1 + 1
    assert got["seen"] == [[i, total] for i in range(1, total + 1)]
    assert re.fullmatch(r'\{"election_uuid":"[^"]+","election_hash":"[^"]+",.*', got["raw"])
    booth.assert_clean()
