"""Ballots: creation, verification and the Benaloh audit (specification §4.11, §4.14, §4.15).

`create_ballot` returns the ballot and the randomness that produced it, so the
voter may audit it instead of casting it. `check_ballot` is the gate of the ballot
box: it accepts exactly what belenios-tool's `cast` accepts (canonical JSON, the
election's uuid and fingerprint, a credential of the list, its signature, every
proof) and says why it refuses anything else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from . import proofs as zk
from . import serialization as ser
from .credentials import PublicCredentials, derive_secret
from .election import Election, HomomorphicQuestion, NonHomomorphicQuestion, Question
from .serialization import JSON, Ciphertext, FormatError, Proof

Plaintext = Sequence[Sequence[int]]

_BALLOT_FIELDS = ("election_uuid", "election_hash", "credential", "answers", "signature")


class BallotRejected(ValueError):
    """A ballot the ballot box must refuse; the message says why."""


@dataclass(frozen=True)
class HomomorphicAnswer:
    """answer_h, parsed."""

    choices: tuple[Ciphertext, ...]
    individual_proofs: tuple[tuple[Proof, ...], ...]
    overall_proof: tuple[Proof, ...]
    blank_proof: tuple[Proof, ...] | None


@dataclass(frozen=True)
class NonHomomorphicAnswer:
    """answer_nh, parsed."""

    choices: Ciphertext
    proof: Proof


Answer = HomomorphicAnswer | NonHomomorphicAnswer


@dataclass(frozen=True)
class Ballot:
    """A ballot that passed `check_ballot`, with its weight and tracker."""

    raw: str
    credential: int
    answers: tuple[Answer, ...]
    weight: int
    tracker: str


@dataclass(frozen=True)
class CreatedBallot:
    """A fresh ballot and what is needed to audit it (never store the randomness)."""

    raw: str
    tracker: str
    plaintext: tuple[tuple[int, ...], ...]
    randomness: tuple[tuple[int, ...], ...]

    def audit_json(self) -> str:
        """The revealed ballot a Benaloh audit publishes: ballot, plaintext and randomness."""
        return ser.dumps(
            {
                "ballot": self.raw,
                "plaintext": [list(m) for m in self.plaintext],
                "randomness": [[str(r) for r in rs] for rs in self.randomness],
            }
        )


def tracker(raw: str | bytes) -> str:
    """The smart ballot tracker: Base64 SHA256 of the ballot as cast."""
    return ser.sha256_b64(raw)


# -- creation ------------------------------------------------------------------


def check_plaintext(election: Election, plaintext: Plaintext) -> None:
    """ValueError unless the plaintext is a possible vote (belenios' plaintext format).

    Homomorphic questions take one 0/1 per answer, preceded by the blank flag
    when blank is allowed; non-homomorphic ones one small integer per answer.
    """
    if len(plaintext) != len(election.questions):
        raise ValueError("one answer per question is needed")
    for i, (q, m) in enumerate(zip(election.questions, plaintext, strict=True)):
        if len(m) != q.size:
            raise ValueError(f"question {i + 1}: {q.size} values expected")
        if isinstance(q, NonHomomorphicQuestion):
            election.group.encode_ints(m)
            continue
        if any(v not in (0, 1) for v in m):
            raise ValueError(f"question {i + 1}: each value must be 0 or 1")
        if q.blank:
            if m[0] == 1:
                if any(m[1:]):
                    raise ValueError(f"question {i + 1}: a blank vote marks nothing else")
                continue
            total = sum(m[1:])
        else:
            total = sum(m)
        if not q.min <= total <= q.max:
            raise ValueError(f"question {i + 1}: between {q.min} and {q.max} marks")


def _make_h_answer(
    election: Election, q: HomomorphicQuestion, s0: str, m: Sequence[int]
) -> tuple[JSON, tuple[int, ...]]:
    group, y = election.group, election.public_key
    rs = tuple(group.random_exponent() for _ in m)
    cts = [zk.encrypt(group, y, r, v) for r, v in zip(rs, m, strict=True)]
    individual = [
        zk.iprove(group, y, s0, c, r, v, (0, 1)) for c, r, v in zip(cts, rs, m, strict=True)
    ]
    s = zk.choices_prefix(s0, cts)
    o: dict[str, JSON] = {
        "choices": [ser.ct_json(c) for c in cts],
        "individual_proofs": [ser.proofs_json(p) for p in individual],
    }
    if q.blank:
        c_sum = zk.combine(group, cts[1:])
        overall, blank = zk.blank_prove(
            group, y, s, cts[0], rs[0], m[0], c_sum, sum(rs[1:]), sum(m[1:]), q.min, q.max
        )
        o["overall_proof"] = ser.proofs_json(overall)
        o["blank_proof"] = ser.proofs_json(blank)
    else:
        c_sum = zk.combine(group, cts)
        values = range(q.min, q.max + 1)
        overall = zk.iprove(group, y, s, c_sum, sum(rs), sum(m) - q.min, values)
        o["overall_proof"] = ser.proofs_json(overall)
    return o, rs


def _make_nh_answer(
    election: Election, q: NonHomomorphicQuestion, s0: str, m: Sequence[int]
) -> tuple[JSON, tuple[int, ...]]:
    group, y = election.group, election.public_key
    r = group.random_exponent()
    ct = zk.encrypt_element(group, y, r, group.encode_ints(m))
    proof = zk.raweg_prove(group, y, s0, ct, r)
    return {"choices": ser.ct_json(ct), "proof": ser.proof_json(proof)}, (r,)


def create_ballot(election: Election, credential: str, plaintext: Plaintext) -> CreatedBallot:
    """Encrypt, prove and sign a vote with a secret credential (what the booth does)."""
    check_plaintext(election, plaintext)
    group = election.group
    sk = derive_secret(group, election.uuid, credential)
    cred = group.g_pow(sk)
    s0 = f"{election.fingerprint}|{cred}"
    answers: list[JSON] = []
    randomness: list[tuple[int, ...]] = []
    for q, m in zip(election.questions, plaintext, strict=True):
        if isinstance(q, HomomorphicQuestion):
            a, rs = _make_h_answer(election, q, s0, m)
        else:
            a, rs = _make_nh_answer(election, q, s0, m)
        answers.append(a)
        randomness.append(rs)
    unsigned: dict[str, JSON] = {
        "election_uuid": election.uuid,
        "election_hash": election.fingerprint,
        "credential": str(cred),
        "answers": answers,
    }
    digest = ser.sha256_b64(ser.dumps(unsigned))
    proof = zk.schnorr_sign(group, sk, f"sig|{digest}|")
    raw = ser.dumps({**unsigned, "signature": {"hash": digest, "proof": ser.proof_json(proof)}})
    return CreatedBallot(
        raw=raw,
        tracker=tracker(raw),
        plaintext=tuple(tuple(m) for m in plaintext),
        randomness=tuple(randomness),
    )


# -- parsing and verification ------------------------------------------------------


def _parse_answer(q: Question, x: JSON) -> Answer:
    o = ser.obj(x, "answer")
    if isinstance(q, NonHomomorphicQuestion):
        return NonHomomorphicAnswer(
            ser.ct_parse(ser.field(o, "choices", "answer"), "choices"),
            ser.proof_parse(ser.field(o, "proof", "answer"), "proof"),
        )
    blank = ser.proofs_parse(o["blank_proof"], "blank proof") if "blank_proof" in o else None
    return HomomorphicAnswer(
        choices=tuple(
            ser.ct_parse(c, "choice") for c in ser.lst(ser.field(o, "choices", "a"), "choices")
        ),
        individual_proofs=tuple(
            tuple(ser.proofs_parse(p, "individual proof"))
            for p in ser.lst(ser.field(o, "individual_proofs", "answer"), "individual proofs")
        ),
        overall_proof=tuple(ser.proofs_parse(ser.field(o, "overall_proof", "a"), "overall")),
        blank_proof=None if blank is None else tuple(blank),
    )


def _verify_h_answer(election: Election, q: HomomorphicQuestion, s0: str, a: Answer) -> str:
    if not isinstance(a, HomomorphicAnswer):
        return "wrong answer type"
    group, y = election.group, election.public_key
    n = len(a.choices)
    if n != len(a.individual_proofs):
        return "one individual proof per choice is needed"
    if n != q.size:
        return f"{q.size} choices expected"
    for c, pr in zip(a.choices, a.individual_proofs, strict=True):
        if not zk.ciphertext_ok(group, c):
            return "a choice is not a pair of group elements"
        if not zk.iverify(group, y, s0, c, pr, (0, 1)):
            return "an individual proof is invalid"
    s = zk.choices_prefix(s0, a.choices)
    if q.blank:
        if a.blank_proof is None:
            return "the blank proof is missing"
        c_sum = zk.combine(group, a.choices[1:])
        if not zk.blank_verify(
            group, y, s, a.choices[0], c_sum, a.overall_proof, a.blank_proof, q.min, q.max
        ):
            return "the overall or blank proof is invalid"
        return ""
    if a.blank_proof is not None:
        return "a blank proof where blank is not allowed"
    c_sum = zk.combine(group, a.choices)
    if not zk.iverify(group, y, s, c_sum, a.overall_proof, range(q.min, q.max + 1)):
        return "the overall proof is invalid"
    return ""


def _verify_answer(election: Election, q: Question, s0: str, a: Answer) -> str:
    if isinstance(q, HomomorphicQuestion):
        return _verify_h_answer(election, q, s0, a)
    if not isinstance(a, NonHomomorphicAnswer):
        return "wrong answer type"
    group = election.group
    if not zk.ciphertext_ok(group, a.choices):
        return "the choice is not a pair of group elements"
    if not zk.raweg_verify(group, election.public_key, s0, a.choices, a.proof):
        return "the proof of the non-homomorphic answer is invalid"
    return ""


def parse_ballot(
    election: Election, raw: str | bytes
) -> tuple[dict[str, JSON], tuple[Answer, ...]]:
    """The ballot's fields and answers; BallotRejected if malformed or not canonical."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise BallotRejected("ill-formed ballot: not UTF-8") from None
    try:
        o = ser.obj(ser.loads(raw), "ballot")
        for name in ("election_uuid", "election_hash", "credential", "answers"):
            ser.field(o, name, "ballot")
        canonical = {k: o[k] for k in _BALLOT_FIELDS[:4]}
        if "signature" in o:
            sig = ser.obj(o["signature"], "signature")
            proof = ser.proof_parse(ser.field(sig, "proof", "signature"), "signature proof")
            canonical["signature"] = {
                "hash": ser.string(ser.field(sig, "hash", "signature"), "signature hash"),
                "proof": ser.proof_json(proof),
            }
        if ser.dumps(canonical) != raw:
            raise BallotRejected("ballot not in canonical form")
        answers_json = ser.lst(o["answers"], "answers")
        if len(answers_json) != len(election.questions):
            raise BallotRejected(f"{len(election.questions)} answers expected")
        answers = tuple(
            _parse_answer(q, a) for q, a in zip(election.questions, answers_json, strict=True)
        )
        ser.string(o["election_uuid"], "election_uuid")
        ser.string(o["election_hash"], "election_hash")
        ser.number(o["credential"], "credential")
    except FormatError as e:
        raise BallotRejected(f"ill-formed ballot: {e}") from None
    return o, answers


def check_ballot(
    election: Election,
    raw: str | bytes,
    credentials: PublicCredentials | None,
    *,
    proofs: bool = True,
) -> Ballot:
    """The checks of belenios' `cast` (§3.2 step 3); BallotRejected with the reason otherwise.

    With `credentials` None the credential is not looked up (auditing a ballot
    outside its ballot box); the signature is always checked. `proofs=False` skips the
    group membership of the ciphertexts and the zero-knowledge proofs (the costly part):
    only for a ballot already checked in full when it arrived, whose record anyone can
    still verify in full.
    """
    o, answers = parse_ballot(election, raw)
    raw_s = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    group = election.group
    credential = int(o["credential"])
    weight = 1
    if credentials is not None:
        if credential not in credentials.weights:
            raise BallotRejected("invalid credential")
        weight = credentials.weights[credential]
    if o["election_uuid"] != election.uuid:
        raise BallotRejected("ballot for another election (uuid)")
    if o["election_hash"] != election.fingerprint:
        raise BallotRejected("ballot for another election (fingerprint)")
    if "signature" not in o:
        raise BallotRejected("ballot is not signed")
    digest = o["signature"]["hash"]
    proof = ser.proof_parse(o["signature"]["proof"], "signature proof")
    unsigned = {k: o[k] for k in _BALLOT_FIELDS[:4]}
    if digest != ser.sha256_b64(ser.dumps(unsigned)):
        raise BallotRejected("the signature is not over this ballot")
    if not group.is_element(credential):
        raise BallotRejected("the credential is not a group element")
    if not zk.schnorr_verify(group, credential, f"sig|{digest}|", proof):
        raise BallotRejected("invalid signature")
    s0 = f"{election.fingerprint}|{credential}"
    for i, (q, a) in enumerate(zip(election.questions, answers, strict=True)):
        reason = _verify_answer(election, q, s0, a) if proofs else None
        if reason:
            raise BallotRejected(f"question {i + 1}: {reason}")
    if weight != 1 and election.has_nh_questions:
        raise BallotRejected("weighted credentials cannot answer non-homomorphic questions")
    return Ballot(
        raw=raw_s, credential=credential, answers=answers, weight=weight, tracker=tracker(raw_s)
    )


def verify_audit(election: Election, audit: str) -> tuple[tuple[int, ...], ...]:
    """Check a Benaloh audit: the ballot is valid and encrypts the revealed plaintext.

    Returns the plaintext; raises BallotRejected when the ballot lied.
    """
    try:
        o = ser.obj(ser.loads(audit), "audit")
        raw = ser.string(ser.field(o, "ballot", "audit"), "ballot")
        plaintext = tuple(
            tuple(ser.integer(v, "plaintext") for v in ser.lst(m, "plaintext"))
            for m in ser.lst(ser.field(o, "plaintext", "audit"), "plaintext")
        )
        randomness = tuple(
            tuple(ser.numbers(rs, "randomness"))
            for rs in ser.lst(ser.field(o, "randomness", "audit"), "randomness")
        )
    except FormatError as e:
        raise BallotRejected(f"ill-formed audit: {e}") from None
    ballot = check_ballot(election, raw, None)
    try:
        check_plaintext(election, plaintext)
    except ValueError as e:
        raise BallotRejected(f"the revealed plaintext is not a vote: {e}") from None
    group, y = election.group, election.public_key
    if len(randomness) != len(plaintext):
        raise BallotRejected("randomness for every question is needed")
    for i, (q, a, m, rs) in enumerate(
        zip(election.questions, ballot.answers, plaintext, randomness, strict=True)
    ):
        if isinstance(q, HomomorphicQuestion) and isinstance(a, HomomorphicAnswer):
            expected = [zk.encrypt(group, y, r, v) for r, v in zip(rs, m, strict=False)]
            if len(rs) != len(m) or tuple(expected) != a.choices:
                raise BallotRejected(f"question {i + 1}: the ballot does not encrypt this vote")
        elif isinstance(a, NonHomomorphicAnswer):
            ok = len(rs) == 1 and a.choices == zk.encrypt_element(
                group, y, rs[0], group.encode_ints(m)
            )
            if not ok:
                raise BallotRejected(f"question {i + 1}: the ballot does not encrypt this vote")
    return plaintext
