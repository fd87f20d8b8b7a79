"""Our records against belenios-tool 2.0 and its records against ours: whole archives,
single ballots, threshold key generation, shuffles, and every tampering caught by both."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from belenios_support import (
    OurElection,
    Record,
    ToolElection,
    expected_totals,
    ours_verify,
    result_of,
    tool,
    tool_verify,
)

from congress.core import belenios as bl
from congress.core.belenios import proofs
from congress.core.belenios import serialization as ser
from congress.core.belenios.serialization import Ciphertext

pytestmark = pytest.mark.usefixtures("belenios_tool")


# -- (1) our homomorphic election, checked by belenios-tool --------------------------------


def test_our_threshold_election_verifies_with_belenios_tool(
    our_homomorphic: OurElection, tmp_path: Path
) -> None:
    archive = our_homomorphic.record.archive()
    ok, said = tool_verify(archive, tmp_path)
    assert ok, said
    assert "all checks passed" in said
    # belenios-tool computes the same result from the same partial decryptions
    computed = json.loads(tool(tmp_path, "election", "compute-result", "--dir", str(tmp_path)))
    assert computed["result"] == result_of(archive) == our_homomorphic.result
    assert our_homomorphic.result == expected_totals(
        our_homomorphic.election.questions, our_homomorphic.votes
    )


def test_belenios_tool_decrypts_with_our_threshold_key_share(
    our_homomorphic: OurElection, tmp_path: Path
) -> None:
    """Our AES-CCM channel, signatures and key derivation, opened by belenios-tool."""
    record = our_homomorphic.record.but(decryptions=(), result=None)
    archive = record.archive()
    (tmp_path / f"{our_homomorphic.election.uuid}.bel").write_bytes(archive)
    seed = our_homomorphic.seeds[1]
    (tmp_path / "t2.key").write_text(seed + "\n")
    # the private_key of the trustee's voutput is the .dkey belenios-tool expects
    dkeys = our_homomorphic.extra["dkeys"]
    assert isinstance(dkeys, list)
    (tmp_path / "t2.dkey").write_text(dkeys[1] + "\n")
    out = tool(
        tmp_path,
        "election",
        "decrypt-threshold",
        "--key",
        "t2.key",
        "--decryption-key",
        "t2.dkey",
        "--trustee-id",
        "2",
    )
    pd_raw = out.splitlines()[0]
    tally = bl.parse_tally(our_homomorphic.election, record.tally[0])
    pd = bl.parse_partial_decryption(pd_raw, tally)
    vk = dict(bl.owners(bl.parse_trustees(record.trustees)))[2].public_key
    assert bl.check_partial_decryption(our_homomorphic.election, tally, pd, vk)


# -- (2) belenios-tool's elections, checked by our verifier --------------------------------


@pytest.mark.parametrize("kind", ["homomorphic", "threshold", "nh"])
def test_belenios_tool_archives_verify_natively(
    tool_elections: dict[str, ToolElection], kind: str
) -> None:
    e = tool_elections[kind]
    v = bl.verify_archive_full(e.final)
    assert v.ok, v.first_failure
    assert json.loads(e.result)["result"] == result_of(e.final)
    assert v.election is not None and bl.parse_result(v.election, e.result) == v.result
    names = [c.name for c in v.checks]
    assert names[-1] == "result" and "decryptions" in names
    assert ("shuffles" in names) == (kind == "nh")
    if kind == "homomorphic":
        assert v.credentials is not None and v.credentials.weighted
        assert v.result == [[1000000000, 2000000000], [1000000000, 90000000000, 2000000000]]
    if kind == "nh":
        assert v.shuffle_owners == [1, 2]
        assert sorted(map(tuple, v.result[2])) == [(1, 2, 3), (2, 3, 1), (3, 1, 2)]


def test_threshold_key_generation_mixes_belenios_tool_and_our_trustees(tmp_path: Path) -> None:
    """One trustee uses belenios-tool, two use our code; the tool and we agree on the result."""
    g = bl.BELENIOS_2048
    tt = ["setup", "generate-trustee-key-threshold", "--group", g.name]
    tool(tmp_path, *tt, "--step", "1")
    tool_key = next(tmp_path.glob("*.key"))
    tool_cert = next(tmp_path.glob("*.cert")).read_text().strip()
    ours = [bl.pedersen_step1(g) for _ in range(2)]
    certs = [tool_cert, *(c for _, c in ours)]
    (tmp_path / "certs.jsons").write_text("".join(c + "\n" for c in certs))
    tool(tmp_path, *tt, "--certs", "certs.jsons", "--step", "2")
    tool_poly = tool(
        tmp_path,
        *tt,
        "--certs",
        "certs.jsons",
        "--key",
        tool_key.name,
        "--step",
        "3",
        "--threshold",
        "2",
    ).strip()
    polys = [tool_poly, *(bl.pedersen_step3(g, certs, s, 2) for s, _ in ours)]
    assert all(bl.check_polynomial(g, certs, i, p) for i, p in enumerate(polys))
    (tmp_path / "polynomials.jsons").write_text("".join(p + "\n" for p in polys))
    vinputs = bl.pedersen_step4(g, certs, polys)
    tool(
        tmp_path, *tt, "--certs", "certs.jsons", "--step", "4", "--polynomials", "polynomials.jsons"
    )
    assert (tmp_path / f"{tool_key.stem}.vinput").read_text().strip() == vinputs[0]
    tool_vout = tool(
        tmp_path,
        *tt,
        "--certs",
        "certs.jsons",
        "--key",
        tool_key.name,
        "--step",
        "5",
        stdin=vinputs[0],
    ).strip()
    voutputs = [
        tool_vout,
        *(bl.pedersen_step5(g, certs, s, v) for (s, _), v in zip(ours, vinputs[1:], strict=True)),
    ]
    assert all(bl.check_voutput(g, certs, polys, j, v) for j, v in enumerate(voutputs))
    params = bl.pedersen_step6(g, certs, polys, voutputs)
    tool_params = tool(
        tmp_path,
        *tt,
        "--certs",
        "certs.jsons",
        "--step",
        "6",
        "--polynomials",
        "polynomials.jsons",
        stdin="".join(v + "\n" for v in voutputs),
    ).strip()
    assert tool_params == ser.dumps(params)
    trustees = bl.parse_trustees(bl.make_trustees([("Pedersen", tool_params)]))
    assert bl.check_trustees(g, trustees) == ""


def test_our_weighted_election_verifies_with_belenios_tool(tmp_path: Path) -> None:
    """Weights of §2: a ballot counts as many times as its credential's weight."""
    g = bl.BELENIOS_2048
    x, key = bl.generate_trustee_key(g)
    uuid = bl.new_uuid()
    q = bl.HomomorphicQuestion("Motion", ("Yes", "No"), 0, 1)
    election = bl.parse_election(
        bl.make_election(
            uuid=uuid, group=g, public_key=g.g_pow(x), name="n", description="d", questions=[q]
        )
    )
    creds = [bl.generate_credential() for _ in range(3)]
    weights = [1, 3, 2_000_000_000]
    public = bl.make_public_credentials(
        [(bl.public_credential(g, uuid, c), w) for c, w in zip(creds, weights, strict=True)]
    )
    pcs = bl.parse_public_credentials(g, public)
    votes = [[[1, 0]], [[0, 1]], [[1, 0]]]
    ballots = [
        bl.check_ballot(election, bl.create_ballot(election, c, v).raw, pcs)
        for c, v in zip(creds, votes, strict=True)
    ]
    et = bl.compute_encrypted_tally(election, ballots)
    assert et.total_weight == 2_000_000_004
    pd = bl.compute_partial_decryption(election, et.tally, x)
    trustees_raw = bl.make_trustees([("Single", key)])
    factors = bl.combine_factors(election, bl.parse_trustees(trustees_raw), {1: pd})
    # the weighted totals are checked (g^total), not searched for: 2·10^9 is too big to search
    result = [[2_000_000_001, 3]]
    assert bl.check_result(election, et.tally, factors, result)
    archive = bl.Archive.create(election.raw, trustees_raw, public, 1_700_000_000)
    for b in ballots:
        archive.add_ballot(b.raw)
    archive.end_ballots()
    archive.add_encrypted_tally(et.raw, et.sized_raw)
    archive.add_partial_decryption(pd.raw, 1)
    archive.add_result(bl.result_json(election, result))
    data = archive.to_bytes()
    assert '"total_weight":"2000000004"' in archive.get_text(archive.chain()[-3][1].payload or "")
    ok, said = tool_verify(data, tmp_path)
    assert ok, said
    assert ours_verify(data) == (True, "")
    assert result_of(data) == [["2000000001", 3]]


# -- (3) single ballots both ways --------------------------------------------------------------


def _tool_stage(e: ToolElection, tmp_path: Path) -> tuple[Path, bl.Election, bl.PublicCredentials]:
    (tmp_path / f"{e.uuid}.bel").write_bytes(e.at_ballots)
    archive = bl.Archive.from_bytes(e.at_ballots)
    setup = json.loads(archive.get(archive.chain()[0][1].payload or ""))
    election = bl.parse_election(archive.get(setup["election"]))
    creds = bl.parse_public_credentials(election.group, archive.get(setup["credentials"]))
    return tmp_path, election, creds


@pytest.mark.parametrize(
    ("kind", "vote"), [("threshold", [[0, 1], [0, 1, 0]]), ("nh", [[1, 0], [1, 0, 0], [2, 3, 1]])]
)
def test_a_ballot_made_by_belenios_tool_is_accepted(
    tool_elections: dict[str, ToolElection], tmp_path: Path, kind: str, vote: list
) -> None:
    d, election, creds = _tool_stage(tool_elections[kind], tmp_path)
    (d / "cred.txt").write_text(tool_elections[kind].privcreds[0] + "\n")
    (d / "vote.json").write_text(json.dumps(vote))
    raw = tool(d, "election", "generate-ballot", "--privcred", "cred.txt", "--ballot", "vote.json")
    ballot = bl.check_ballot(election, raw.strip(), creds)
    assert ballot.credential == bl.public_credential(
        election.group, election.uuid, tool_elections[kind].privcreds[0]
    )


@pytest.mark.parametrize(
    ("kind", "vote"), [("homomorphic", [[1, 0], [1, 0, 0]]), ("nh", [[0, 1], [0, 1, 0], [3, 2, 1]])]
)
def test_a_ballot_made_by_us_is_accepted_by_belenios_tool(
    tool_elections: dict[str, ToolElection], tmp_path: Path, kind: str, vote: list
) -> None:
    e = tool_elections[kind]
    d, election, _ = _tool_stage(e, tmp_path)
    ours = bl.create_ballot(election, e.privcreds[1], vote)
    tool(d, "archive", "add-event", "--type=Ballot", stdin=ours.raw + "\n")
    ok, said = tool_verify((d / f"{e.uuid}.bel").read_bytes(), tmp_path / "check")
    assert ok, said
    # and the tool counts it: finish the election with the tool and read the result
    tool(d, "archive", "add-event", "--type=EndBallots")
    et = tool(d, "election", "compute-encrypted-tally")
    sized = json.loads(et.splitlines()[-1])
    assert sized["num_tallied"] == len(e.privcreds)


def test_credentials_derive_as_belenios_tool_derives_them(tmp_path: Path) -> None:
    uuid = bl.new_uuid()
    for group in (bl.BELENIOS_2048, bl.RFC_3526_2048):
        c = bl.generate_credential()
        out = tool(
            tmp_path,
            "setup",
            "generate-credentials",
            "--uuid",
            uuid,
            "--group",
            group.name,
            "--derive",
            c,
        )
        assert int(out.strip()) == bl.public_credential(group, uuid, c)


# -- (4) tampering, caught by both -------------------------------------------------------------


def _both_fail(record: Record | bytes, tmp_path: Path, where: str) -> None:
    archive = record if isinstance(record, bytes) else record.archive()
    ok, _ = tool_verify(archive, tmp_path)
    assert not ok, "belenios-tool accepted a tampered archive"
    ours_ok, why = ours_verify(archive)
    assert not ours_ok, "our verifier accepted a tampered archive"
    assert why.startswith(where), why


def _replace_choice(raw: str, group: bl.Group) -> str:
    b = json.loads(raw)
    c = b["answers"][0]["choices"][0]
    c["alpha"] = str(int(c["alpha"]) * group.g % group.p)
    return ser.dumps(b)


def test_a_changed_ballot_ciphertext_is_caught(
    our_homomorphic: OurElection, tmp_path: Path
) -> None:
    r = our_homomorphic.record
    g = our_homomorphic.election.group
    ballots = (_replace_choice(r.ballots[0], g), *r.ballots[1:])
    _both_fail(r.but(ballots=ballots), tmp_path, "ballots")


def test_a_dropped_ballot_is_caught(our_homomorphic: OurElection, tmp_path: Path) -> None:
    r = our_homomorphic.record
    _both_fail(r.but(ballots=r.ballots[:2] + r.ballots[3:]), tmp_path, "tally.encrypted")


def test_a_ballot_with_a_forged_credential_is_caught(
    our_homomorphic: OurElection, tmp_path: Path
) -> None:
    r = our_homomorphic.record
    intruder = bl.create_ballot(
        our_homomorphic.election, bl.generate_credential(), our_homomorphic.votes[0]
    )
    _both_fail(r.but(ballots=(*r.ballots, intruder.raw)), tmp_path, "ballots")


def test_a_wrong_partial_decryption_is_caught(our_homomorphic: OurElection, tmp_path: Path) -> None:
    r = our_homomorphic.record
    g = our_homomorphic.election.group
    pd = json.loads(r.decryptions[1][0])
    pd["decryption_factors"][0][0] = str(int(pd["decryption_factors"][0][0]) * g.g % g.p)
    decryptions = (r.decryptions[0], (ser.dumps(pd), r.decryptions[1][1]), r.decryptions[2])
    _both_fail(r.but(decryptions=decryptions), tmp_path, "decryptions")


def test_a_share_from_the_wrong_trustee_is_caught(
    our_homomorphic: OurElection, tmp_path: Path
) -> None:
    r = our_homomorphic.record
    (pd1, _), (pd3, _), (pd5, _) = r.decryptions
    # trustee 3's share filed as trustee 2's
    _both_fail(r.but(decryptions=((pd1, 1), (pd3, 2), (pd5, 5))), tmp_path, "decryptions")


def test_swapped_trustee_verification_keys_are_caught(
    our_homomorphic: OurElection, tmp_path: Path
) -> None:
    r = our_homomorphic.record
    trustees = json.loads(r.trustees)
    keys = trustees[0][1]["verification_keys"]
    keys[0], keys[1] = keys[1], keys[0]
    _both_fail(r.but(trustees=ser.dumps(trustees)), tmp_path, "setup.trustees")


def test_a_changed_result_is_caught(our_homomorphic: OurElection, tmp_path: Path) -> None:
    r = our_homomorphic.record
    result = json.loads(r.result or "")
    result["result"][0][0] += 1
    result["result"][0][1] -= 1
    _both_fail(r.but(result=ser.dumps(result)), tmp_path, "result")


def test_a_flipped_byte_in_the_archive_is_caught(
    our_homomorphic: OurElection, tmp_path: Path
) -> None:
    data = bytearray(our_homomorphic.record.archive())
    i = data.index(b'"alpha":"') + 12
    data[i] = ord("1") if data[i] != ord("1") else ord("2")
    _both_fail(bytes(data), tmp_path, "archive")


# -- (5) ranked ballots: our shuffles and decryption, checked by belenios-tool -----------------


def test_our_ranked_election_verifies_with_belenios_tool(
    our_ranked: OurElection, tmp_path: Path
) -> None:
    archive = our_ranked.record.archive()
    ok, said = tool_verify(archive, tmp_path)
    assert ok, said
    computed = json.loads(tool(tmp_path, "election", "compute-result", "--dir", str(tmp_path)))
    assert computed["result"] == result_of(archive) == our_ranked.result
    assert sorted(map(tuple, computed["result"][0])) == sorted(
        tuple(v[0]) for v in our_ranked.votes
    )


def test_our_shuffle_continues_a_belenios_tool_shuffle(
    our_ranked: OurElection, tmp_path: Path
) -> None:
    e = our_ranked
    stage = e.record.but(shuffles=(), decryptions=(), result=None).archive()
    (tmp_path / f"{e.election.uuid}.bel").write_bytes(stage)
    tool(
        tmp_path,
        "archive",
        "add-event",
        "--type=Shuffle",
        stdin=tool(tmp_path, "election", "shuffle", "--trustee-id", "1"),
    )
    archive = bl.Archive.read(tmp_path / f"{e.election.uuid}.bel")
    assert archive.last_event is not None and archive.last_event.type == "Shuffle"
    owned = json.loads(archive.get(archive.last_event.payload or ""))
    assert owned["owner"] == 1
    raw_tally = bl.parse_tally(e.election, e.record.tally[0])
    # the server's check of belenios-tool's shuffle on arrival, then our trustee's turn
    theirs = bl.accept_shuffle(
        e.election, bl.nh_ciphertexts(e.election, raw_tally), archive.get_text(owned["payload"])
    )
    s = bl.shuffle(e.election, theirs.ciphertexts)
    archive.add_shuffle(s.raw, 2)
    archive.end_shuffles()
    tally = bl.merge_nh_ciphertexts(e.election, raw_tally, s.ciphertexts)
    pds = {o: bl.compute_partial_decryption(e.election, tally, e.keys[o]) for o in (1, 2)}
    for o, pd in pds.items():
        archive.add_partial_decryption(pd.raw, o)
    factors = bl.combine_factors(e.election, bl.parse_trustees(e.record.trustees), pds)
    result = bl.compute_result(e.election, tally, factors, len(e.votes))
    archive.add_result(bl.result_json(e.election, result))
    data = archive.to_bytes()
    ok, said = tool_verify(data, tmp_path / "check")
    assert ok, said
    assert ours_verify(data) == (True, "")


def _shuffle_record(e: OurElection, index: int, shuffle_raw: str) -> Record:
    shuffles = list(e.record.shuffles)
    shuffles[index] = (shuffle_raw, shuffles[index][1])
    return e.record.but(shuffles=tuple(shuffles))


def test_a_shuffle_that_replaces_a_ciphertext_is_caught(
    our_ranked: OurElection, tmp_path: Path
) -> None:
    s = json.loads(our_ranked.record.shuffles[1][0])
    row = s["ciphertexts"][0]
    row[0] = dict(row[1])  # a duplicate in place of a ballot
    _both_fail(_shuffle_record(our_ranked, 1, ser.dumps(s)), tmp_path, "shuffles")


def test_a_shuffle_that_drops_a_ciphertext_is_caught(
    our_ranked: OurElection, tmp_path: Path
) -> None:
    s = json.loads(our_ranked.record.shuffles[0][0])
    s["ciphertexts"][0] = s["ciphertexts"][0][1:]
    _both_fail(_shuffle_record(our_ranked, 0, ser.dumps(s)), tmp_path, "shuffles")


def test_a_shuffle_proof_copied_from_another_list_is_caught(
    our_ranked: OurElection, tmp_path: Path
) -> None:
    first = json.loads(our_ranked.record.shuffles[0][0])
    second = json.loads(our_ranked.record.shuffles[1][0])
    second["proofs"] = first["proofs"]
    _both_fail(_shuffle_record(our_ranked, 1, ser.dumps(second)), tmp_path, "shuffles")


def test_a_reencrypted_ciphertext_without_a_proof_is_caught(
    our_ranked: OurElection, tmp_path: Path
) -> None:
    """A valid-looking re-encryption of a different vote, with the original proof."""
    e = our_ranked
    g, y = e.election.group, e.election.public_key
    s = json.loads(e.record.shuffles[1][0])
    forged = proofs.encrypt_element(g, y, g.random_exponent(), g.encode_ints([1, 2, 3, 4]))
    s["ciphertexts"][0][0] = ser.ct_json(Ciphertext(forged.alpha, forged.beta))
    _both_fail(_shuffle_record(e, 1, ser.dumps(s)), tmp_path, "shuffles")


def test_a_ranking_changed_after_decryption_is_caught(
    our_ranked: OurElection, tmp_path: Path
) -> None:
    result = json.loads(our_ranked.record.result or "")
    result["result"][0][0] = [4, 4, 4, 4]
    _both_fail(our_ranked.record.but(result=ser.dumps(result)), tmp_path, "result")
