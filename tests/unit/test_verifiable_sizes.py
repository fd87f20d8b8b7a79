"""What a network observer sees of a verifiable ballot: its length. The ballot's structure
depends only on the poll's question (one ciphertext and proof per answer, the same
overall proof); only the decimal lengths of its numbers vary, at random. So the lengths
of ballots for different choices come from one distribution (SECURITY.md, level 3)."""

from __future__ import annotations

import secrets

from congress.core import belenios as bl
from congress.core import verifiable_poll
from congress.core.ballot import BallotSpec

SAMPLES = 12


def election_for(spec: BallotSpec) -> bl.Election:
    group = bl.get_group("BELENIOS-2048")
    secret = secrets.randbelow(group.q - 1) + 1
    names = [f"candidate {c}" for c in spec.candidates]
    question = verifiable_poll.question_for(spec, "q", names)
    return bl.parse_election(
        bl.make_election(
            uuid=bl.new_uuid(),
            group=group,
            public_key=pow(group.g, secret, group.p),
            name="sizes",
            description="sizes",
            questions=[question],
        )
    )


def lengths(election: bl.Election, spec: BallotSpec, content: dict) -> list[int]:
    plaintext = verifiable_poll.plaintext(spec, content)
    return [
        len(bl.create_ballot(election, bl.generate_credential(), plaintext).raw.encode())
        for _ in range(SAMPLES)
    ]


def test_a_motion_ballot_is_as_long_whatever_the_answer():
    spec = BallotSpec("motion", (), None, False)
    election = election_for(spec)
    by_answer = {a: lengths(election, spec, {"answer": a}) for a in ("yes", "no", "abstain")}
    spread = max(max(v) for v in by_answer.values()) - min(min(v) for v in by_answer.values())
    assert spread < 40  # a few digits, at random
    ranges = [(min(v), max(v)) for v in by_answer.values()]
    assert max(low for low, _ in ranges) <= min(high for _, high in ranges), by_answer


def test_a_block_ballot_is_as_long_with_one_mark_as_with_all():
    spec = BallotSpec("block", (1, 2, 3, 4), 4, False)
    election = election_for(spec)
    one = lengths(election, spec, {"marks": [1]})
    every = lengths(election, spec, {"marks": [1, 2, 3, 4]})
    assert max(one + every) - min(one + every) < 80
    assert max(min(one), min(every)) <= min(max(one), max(every)), (one, every)
