"""The Belenios core on its own: groups, encodings, credentials, ballots, the ballot box's
refusals, threshold decryption by any k trustees, and our verifier on our archives."""

from __future__ import annotations

import json
from itertools import combinations

import pytest
from belenios_support import HOMOMORPHIC_QUESTIONS, OurElection, expected_totals

from congress.core import belenios as bl
from congress.core.belenios import aesccm, groups, proofs
from congress.core.belenios import serialization as ser
from congress.core.belenios.serialization import Ciphertext

# -- groups and encodings ---------------------------------------------------------------


@pytest.mark.parametrize("group", [bl.BELENIOS_2048, bl.RFC_3526_2048])
def test_group_parameters_are_those_of_the_specification(group: bl.Group) -> None:
    assert pow(group.g, group.q, group.p) == 1
    assert (group.p - 1) % group.q == 0
    assert group.p.bit_length() == 2048
    assert group.is_element(group.g) and not group.is_element(0) and not group.is_element(group.p)


def test_membership_agrees_with_the_definition() -> None:
    g = bl.RFC_3526_2048
    for x in (2, 3, 5, 7, 11, g.p - 1, g.p - 2, 12345678901234567890):
        assert g.is_element(x) == (pow(x, g.q, g.p) == 1)


def test_pure_python_arithmetic_matches(monkeypatch: pytest.MonkeyPatch) -> None:
    g = bl.BELENIOS_2048
    exps = [0, 1, 2, g.q - 1, 2**255 + 12345, g.q + 5]
    with_fast = [g.g_pow(e) for e in exps]
    monkeypatch.setattr(groups, "_gmpy2", None)
    assert [g.g_pow(e) for e in exps] == with_fast == [pow(g.g, e, g.p) for e in exps]
    r = bl.RFC_3526_2048
    assert groups.jacobi(3, r.p) == (1 if pow(3, r.q, r.p) == 1 else -1)


def test_group_encode_round_trips() -> None:
    g = bl.RFC_3526_2048
    for values in ([0, 0, 0], [1, 2, 3, 4], [255, 0, 17], list(range(30))):
        x = g.encode_ints(values)
        assert g.is_element(x)
        assert g.decode_ints(len(values), x) == values
    with pytest.raises(ValueError, match="bits"):
        g.encode_ints([256])
    with pytest.raises(ValueError, match="embedding"):
        bl.BELENIOS_2048.encode_ints([1])


def test_json_is_written_as_yojson_writes_it() -> None:
    assert (
        ser.dumps({"a": ['x\n\t"\\/é', 1, True], "b": {}})
        == '{"a":["x\\n\\t\\"\\\\/é",1,true],"b":{}}'
    )
    assert ser.dumps("\x01\x7f") == '"\\u0001\\u007f"'
    with pytest.raises(ser.FormatError):
        ser.loads('{"x": 1.5}')
    with pytest.raises(ser.FormatError):
        ser.number("012", "n")


def test_ccm_known_answer_and_round_trip() -> None:
    """The vector was computed by an independent AES-CCM written from RFC 3610 and the AES
    standard's test vector; belenios-tool's own encrypted key files open with it too
    (test_belenios_interop)."""
    key = bytes(range(32))
    known = aesccm.ccm_encrypt(key, bytes(range(32, 64)), b"secret share")
    assert known.hex() == "bb1b79f50fbcdd5f93f37e2631920ff321fbcf87"
    iv = bytes(32)
    for n in (0, 1, 16, 17, 1000):
        msg = bytes(i % 251 for i in range(n))
        ct = aesccm.ccm_encrypt(key, iv, msg)
        assert len(ct) == n + 8
        assert aesccm.ccm_decrypt(key, iv, ct) == msg
    bad = bytearray(aesccm.ccm_encrypt(key, iv, b"secret share"))
    bad[0] ^= 1
    with pytest.raises(ValueError, match="tag"):
        aesccm.ccm_decrypt(key, iv, bytes(bad))


# -- credentials ---------------------------------------------------------------------------


def test_credentials_carry_a_checksum_and_differ_per_election() -> None:
    c = bl.generate_credential()
    assert len(c) == 19 and c.count("-") == 4 and bl.check_credential(c)
    assert bl.normalize_credential(c.replace("-", "")) == c
    typo = c[:-1] + ("2" if c[-1] != "2" else "3")
    assert not bl.check_credential(typo)
    g = bl.BELENIOS_2048
    a, b = bl.new_uuid(), bl.new_uuid()
    assert bl.public_credential(g, a, c) == bl.public_credential(g, a, c)
    assert bl.public_credential(g, a, c) != bl.public_credential(g, b, c)


def test_public_credentials_are_sorted_distinct_and_may_carry_weights() -> None:
    g = bl.BELENIOS_2048
    uuid = bl.new_uuid()
    pubs = [bl.public_credential(g, uuid, bl.generate_credential()) for _ in range(3)]
    raw = bl.make_public_credentials(pubs)
    assert json.loads(raw) == [str(x) for x in sorted(pubs)]
    parsed = bl.parse_public_credentials(g, raw)
    assert set(parsed.weights) == set(pubs) and parsed.total_weight == 3
    weighted = bl.parse_public_credentials(g, bl.make_public_credentials([(pubs[0], 5), pubs[1]]))
    assert weighted.weights[pubs[0]] == 5 and weighted.weighted
    with pytest.raises(ValueError, match="distinct"):
        bl.make_public_credentials([pubs[0], pubs[0]])
    with pytest.raises(ser.FormatError, match="duplicate"):
        bl.parse_public_credentials(g, json.dumps([str(pubs[0]), str(pubs[0])]))
    with pytest.raises(ser.FormatError, match="not a valid"):
        bl.parse_public_credentials(g, json.dumps(["5"]))


# -- ballots -----------------------------------------------------------------------------------


Small = tuple[bl.Election, list[str], bl.PublicCredentials]


@pytest.fixture(scope="module")
def small() -> Small:
    g = bl.BELENIOS_2048
    x, _ = bl.generate_trustee_key(g)
    uuid = bl.new_uuid()
    election = bl.parse_election(
        bl.make_election(
            uuid=uuid,
            group=g,
            public_key=g.g_pow(x),
            name="n",
            description="d",
            questions=HOMOMORPHIC_QUESTIONS,
        )
    )
    creds = [bl.generate_credential() for _ in range(2)]
    pcs = bl.parse_public_credentials(
        g, bl.make_public_credentials([bl.public_credential(g, uuid, c) for c in creds])
    )
    return election, creds, pcs


VOTE = [[1, 0, 1, 0], [0, 0, 1], [1, 0, 0]]


def test_a_ballot_is_accepted_and_its_audit_reveals_the_vote(small: Small) -> None:
    election, creds, pcs = small
    made = bl.create_ballot(election, creds[0], VOTE)
    ballot = bl.check_ballot(election, made.raw, pcs)
    assert ballot.tracker == made.tracker == bl.tracker(made.raw)
    assert bl.verify_audit(election, made.audit_json()) == tuple(tuple(m) for m in VOTE)
    audit = json.loads(made.audit_json())
    audit["plaintext"][1] = [1, 0, 0]
    with pytest.raises(bl.BallotRejected, match="does not encrypt"):
        bl.verify_audit(election, json.dumps(audit))


@pytest.mark.parametrize(
    "vote",
    [
        [[0, 0, 0, 0], [1, 0, 0], [1, 0, 0]],  # below the minimum
        [[1, 1, 1, 0], [1, 0, 0], [1, 0, 0]],  # above the maximum
        [[1, 0, 0, 0], [1, 1, 0], [1, 0, 0]],  # two for a single seat
        [[1, 0, 0, 0], [1, 0, 0], [1, 1, 0]],  # blank and a choice
        [[2, 0, 0, 0], [1, 0, 0], [1, 0, 0]],  # not 0/1
        [[1, 0, 0, 0], [1, 0, 0]],  # a question missing
    ],
)
def test_impossible_votes_are_refused_before_encryption(
    small: Small, vote: list[list[int]]
) -> None:
    election, creds, _ = small
    with pytest.raises(ValueError):
        bl.create_ballot(election, creds[0], vote)


def _resign(election: bl.Election, credential: str, ballot: dict) -> str:
    """Sign a changed ballot again, as only the credential's holder could."""
    g = election.group
    sk = bl.derive_secret(g, election.uuid, credential)
    unsigned = {k: ballot[k] for k in ("election_uuid", "election_hash", "credential", "answers")}
    digest = ser.sha256_b64(ser.dumps(unsigned))
    proof = proofs.schnorr_sign(g, sk, f"sig|{digest}|")
    return ser.dumps({**unsigned, "signature": {"hash": digest, "proof": ser.proof_json(proof)}})


def test_the_ballot_box_refuses_bad_ballots_with_a_reason(small: Small) -> None:
    election, creds, pcs = small
    g = election.group
    raw = bl.create_ballot(election, creds[0], VOTE).raw
    b = json.loads(raw)

    def refused(text: str, reason: str) -> None:
        with pytest.raises(bl.BallotRejected, match=reason):
            bl.check_ballot(election, text, pcs)

    refused(json.dumps(b), "canonical")  # spaces after separators
    refused(ser.dumps({**b, "extra": 1}), "canonical")
    refused(ser.dumps({k: b[k] for k in reversed(b)}), "canonical")
    refused(raw[:-1], "ill-formed")
    refused(ser.dumps({**b, "election_uuid": bl.new_uuid()}), "uuid")
    refused(ser.dumps({**b, "election_hash": "x" + b["election_hash"][1:]}), "fingerprint")
    changed = json.loads(raw)
    alpha = int(changed["answers"][0]["choices"][0]["alpha"])
    changed["answers"][0]["choices"][0]["alpha"] = str(alpha * g.g % g.p)
    refused(ser.dumps(changed), "signature is not over this ballot")
    refused(_resign(election, creds[0], changed), "individual proof")
    swapped = json.loads(raw)
    swapped["answers"][0]["overall_proof"].reverse()
    refused(_resign(election, creds[0], swapped), "overall proof")
    no_blank = json.loads(raw)
    del no_blank["answers"][2]["blank_proof"]
    refused(_resign(election, creds[0], no_blank), "blank proof")
    stranger = bl.generate_credential()
    refused(bl.create_ballot(election, stranger, VOTE).raw, "invalid credential")
    # a credential of the list, but the signature made with another key
    forged = json.loads(raw)
    forged["credential"] = str(bl.public_credential(g, election.uuid, creds[1]))
    refused(_resign(election, creds[0], forged), "invalid signature")
    # the same ciphertexts under another credential: the proofs are bound to the first
    replay = json.loads(raw)
    replay["credential"] = str(bl.public_credential(g, election.uuid, creds[1]))
    refused(_resign(election, creds[1], replay), "proof")


def test_a_ranked_ballot_proves_knowledge_bound_to_its_credential() -> None:
    g = bl.RFC_3526_2048
    x, _ = bl.generate_trustee_key(g)
    uuid = bl.new_uuid()
    q = bl.NonHomomorphicQuestion("Office", ("A", "B", "C"))
    election = bl.parse_election(
        bl.make_election(
            uuid=uuid, group=g, public_key=g.g_pow(x), name="n", description="d", questions=[q]
        )
    )
    c1, c2 = bl.generate_credential(), bl.generate_credential()
    pcs = bl.parse_public_credentials(
        g, bl.make_public_credentials([bl.public_credential(g, uuid, c) for c in (c1, c2)])
    )
    made = bl.create_ballot(election, c1, [[2, 3, 1]])
    bl.check_ballot(election, made.raw, pcs)
    assert bl.verify_audit(election, made.audit_json()) == ((2, 3, 1),)
    replay = json.loads(made.raw)
    replay["credential"] = str(bl.public_credential(g, uuid, c2))
    with pytest.raises(bl.BallotRejected, match="non-homomorphic"):
        bl.check_ballot(election, _resign(election, c2, replay), pcs)
    with pytest.raises(ValueError, match="embed"):
        bl.make_election(
            uuid=uuid,
            group=bl.BELENIOS_2048,
            public_key=1,
            name="n",
            description="d",
            questions=[q],
        )


# -- threshold decryption ---------------------------------------------------------------------


def test_any_three_of_five_trustees_decrypt_the_same_result(our_homomorphic: OurElection) -> None:
    e = our_homomorphic
    tally = bl.parse_tally(e.election, e.record.tally[0])
    trustees = bl.parse_trustees(e.record.trustees)
    weight = len(e.votes)
    expected = expected_totals(HOMOMORPHIC_QUESTIONS, e.votes)
    assert e.result == expected
    pds = {o: bl.compute_partial_decryption(e.election, tally, x) for o, x in e.keys.items()}
    for subset in combinations(sorted(pds), 3):
        chosen = {o: pds[o] for o in subset}
        factors = bl.combine_factors(e.election, trustees, chosen)
        assert bl.compute_result(e.election, tally, factors, weight) == expected
    with pytest.raises(bl.TallyError, match="not enough"):
        bl.combine_factors(e.election, trustees, {1: pds[1], 4: pds[4]})


def test_key_generation_refuses_a_message_from_the_wrong_trustee() -> None:
    g = bl.BELENIOS_2048
    seeds, certs = zip(*(bl.pedersen_step1(g) for _ in range(3)), strict=True)
    polys = [bl.pedersen_step3(g, certs, s, 2) for s in seeds]
    assert not bl.check_polynomial(g, certs, 0, polys[1])
    vinputs = bl.pedersen_step4(g, certs, polys)
    with pytest.raises(bl.TrusteeError):
        bl.pedersen_step5(g, certs, seeds[0], vinputs[1])
    voutputs = [bl.pedersen_step5(g, certs, s, v) for s, v in zip(seeds, vinputs, strict=True)]
    assert bl.check_voutput(g, certs, polys, 2, voutputs[2])
    assert not bl.check_voutput(g, certs, polys, 2, voutputs[1])
    with pytest.raises(bl.TrusteeError, match="verification key"):
        bl.pedersen_step6(g, certs, polys, [voutputs[1], voutputs[0], voutputs[2]])


# -- our archives under our verifier -------------------------------------------------------------


def test_our_archives_verify_natively(
    our_homomorphic: OurElection, our_ranked: OurElection
) -> None:
    for e in (our_homomorphic, our_ranked):
        v = bl.verify_archive_full(e.record.archive())
        assert v.ok, v.first_failure
        assert [c.name for c in v.checks][:3] == [
            "archive.format",
            "archive.chain",
            "archive.layout",
        ]
        assert v.result == e.result
    ranked = bl.verify_archive_full(our_ranked.record.archive())
    assert ranked.shuffle_owners == [3, 1]
    rankings = sorted(map(tuple, ranked.result[0]))
    assert rankings == sorted(tuple(v[0]) for v in our_ranked.votes)


def test_the_archive_round_trips_and_grows_append_only(our_homomorphic: OurElection) -> None:
    r = our_homomorphic.record
    data = r.archive()
    a = bl.Archive.from_bytes(data)
    assert a.to_bytes() == data == a.canonical_bytes()
    earlier = r.but(ballots=r.ballots[:1], tally=None).archive()
    later = r.but(ballots=r.ballots[:2], tally=None).archive()  # still open for votes
    checks = bl.verify_archive_update(earlier, later)
    assert all(c.ok for c in checks), checks
    assert checks[0].name == "archive.prefix" and checks[-1].name == "ballots"
    other = r.but(ballots=r.ballots[1:2], tally=None).archive()
    assert not bl.verify_archive_update(earlier, other)[0].ok


def test_a_ciphertext_sum_is_its_plaintext_sum() -> None:
    g = bl.BELENIOS_2048
    x = g.random_exponent()
    y = g.g_pow(x)
    cts = [proofs.encrypt(g, y, g.random_exponent(), m) for m in (1, 0, 1, 1)]
    total = proofs.combine(g, cts)
    assert isinstance(total, Ciphertext)
    assert g.div(total.beta, g.pow(total.alpha, x)) == g.g_pow(3)


def test_the_server_refuses_bad_shuffles_and_shares(our_ranked: OurElection) -> None:
    e = our_ranked
    raw_tally = bl.parse_tally(e.election, e.record.tally[0])
    rows = bl.nh_ciphertexts(e.election, raw_tally)
    (first, _), (second, _) = e.record.shuffles
    accepted = bl.accept_shuffle(e.election, rows, first)
    with pytest.raises(bl.ShuffleRejected, match="canonical"):
        bl.accept_shuffle(e.election, rows, json.dumps(json.loads(first)))
    with pytest.raises(bl.ShuffleRejected, match="proof"):
        bl.accept_shuffle(e.election, rows, second)  # made from the first shuffle's output
    last = bl.parse_shuffle(second).ciphertexts
    tally = bl.merge_nh_ciphertexts(e.election, raw_tally, last)
    keys = dict(bl.owners(bl.parse_trustees(e.record.trustees)))
    (pd3, _), _ = e.record.decryptions
    assert bl.accept_partial_decryption(e.election, tally, pd3, keys[3].public_key)
    with pytest.raises(bl.TallyError, match="canonical"):
        bl.accept_partial_decryption(e.election, tally, json.dumps(json.loads(pd3)), 1)
    with pytest.raises(bl.TallyError, match="this trustee"):
        bl.accept_partial_decryption(e.election, tally, pd3, keys[2].public_key)
    with pytest.raises(bl.TallyError, match="shape"):
        bl.accept_partial_decryption(e.election, [last[0][:-1]], pd3, 1)
    assert accepted.ciphertexts != rows
