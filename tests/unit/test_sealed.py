"""The sealed box's cryptography: any k of n shares open it, no k-1 do; sealing and
opening leave every ballot unchanged; a share knows which poll it belongs to."""

import base64
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nacl.public import PublicKey, SealedBox

from congress.core import sealed
from congress.core.ballot import ANSWERS, RANKED, BallotSpec, canonical, longest_content

CEREMONY = sealed.key_ceremony(3, 5)


@pytest.mark.parametrize("subset", list(itertools.combinations(range(5), 3)))
def test_any_three_of_five_shares_open_the_key(subset):
    key = sealed.open_key([CEREMONY.shares[i] for i in subset], CEREMONY.public_key)
    assert bytes(key.public_key) == CEREMONY.public_key


@pytest.mark.parametrize("subset", list(itertools.combinations(range(5), 2)))
def test_no_two_shares_open_it(subset):
    with pytest.raises(sealed.ShareError):
        sealed.open_key([CEREMONY.shares[i] for i in subset], CEREMONY.public_key)


def test_a_share_of_another_poll_is_recognised():
    other = sealed.key_ceremony(3, 5)
    assert sealed.parse_share(other.shares[0]).identifier != CEREMONY.identifier
    with pytest.raises(sealed.ShareError):
        sealed.open_key(
            [CEREMONY.shares[0], CEREMONY.shares[1], other.shares[2]], CEREMONY.public_key
        )


def test_a_mistyped_word_is_caught_by_the_checksum():
    words = CEREMONY.shares[0].split()
    words[5] = "academic" if words[5] != "academic" else "acid"
    with pytest.raises(sealed.ShareError):
        sealed.parse_share(" ".join(words))


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                '{"answer":"yes"}',
                '{"answer":"no"}',
                '{"blank":true}',
                '{"marks":[1,2,3]}',
                '{"ranks":[3,1]}',
            ]
        ),
        max_size=20,
    )
)
def test_sealing_and_opening_leave_every_ballot_unchanged(contents):
    boxed = [sealed.seal(CEREMONY.public_key, c, 20) for c in contents]
    assert len(set(boxed)) == len(boxed)  # sealing is randomized: equal ballots differ
    key = sealed.open_key(CEREMONY.shares[:3], CEREMONY.public_key)
    assert [sealed.unseal(key, b, 20) for b in boxed] == contents


def test_the_tracker_is_the_hash_of_the_ciphertext():
    box = sealed.seal(CEREMONY.public_key, '{"answer":"yes"}', 20)
    assert sealed.tracker("poll:1", box) == sealed.tracker("poll:1", box)
    assert sealed.tracker("poll:1", box) != sealed.tracker("poll:2", box)


def test_a_share_relayed_to_another_holder_opens_only_with_their_share():
    relayed = sealed.seal_to(CEREMONY.relay_keys[1], CEREMONY.shares[0])
    assert sealed.relay_open(CEREMONY.shares[1], relayed) == CEREMONY.shares[0]
    with pytest.raises(sealed.ShareError):
        sealed.relay_open(CEREMONY.shares[2], relayed)


def test_an_envelope_opens_only_with_the_holders_passphrase():
    salt = b"s" * sealed.PASSPHRASE_SALT_BYTES
    holder = sealed.holder_keypair("correct horse battery", salt)
    envelope = sealed.seal_to(bytes(holder.public_key), CEREMONY.shares[0])
    again = sealed.holder_keypair("correct horse battery", salt)
    assert sealed.open_envelope(again, envelope) == CEREMONY.shares[0]
    with pytest.raises(sealed.ShareError):
        sealed.open_envelope(sealed.holder_keypair("wrong horse battery", salt), envelope)


SPECS = {
    "motion": BallotSpec("motion", blank_allowed=True),
    "block": BallotSpec("block", tuple(range(95, 125)), 6, True),
    "single": BallotSpec("single", (7, 8, 12, 130)),
    "ranked": BallotSpec("stv-scottish", tuple(range(1, 31)), None, True),
}


def every_length_of(spec: BallotSpec) -> set[int]:
    """The ciphertext lengths of every kind of answer: motions by answer, marks and ranks
    from empty to full, with the widest and the narrowest candidate ids."""
    contents = []
    if spec.method == "motion":
        contents = [{"answer": a} for a in ANSWERS] + [{"blank": True}]
    else:
        limit = 1 if spec.method == "single" else spec.max_marks or len(spec.candidates)
        key = "ranks" if spec.method in RANKED else "marks"
        for n in range(limit + 1):
            for ids in (spec.candidates[:n], spec.candidates[-n:] if n else ()):
                contents.append(
                    {key: sorted(ids) if key == "marks" else list(ids)} if n else {"blank": True}
                )
    longest = longest_content(spec)
    return {len(sealed.seal(CEREMONY.public_key, canonical(c), longest)) for c in contents}


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_every_ballot_of_a_poll_seals_to_one_length(kind):
    """Issue 14.1: a motion's yes, no, abstain and blank, and block, single and ranked
    ballots from empty to full, are ciphertexts of one length: the length says nothing."""
    assert len(every_length_of(SPECS[kind])) == 1


def test_the_opening_refuses_a_ballot_whose_padding_is_not_the_polls():
    key = sealed.open_key(CEREMONY.shares[:3], CEREMONY.public_key)
    short = sealed.seal(CEREMONY.public_key, '{"answer":"no"}', 16)
    with pytest.raises(sealed.ShareError):
        sealed.unseal(key, short, 20)
    raw = base64.b64encode(
        SealedBox(PublicKey(CEREMONY.public_key)).encrypt(b'{"answer":"no"}' + b"\x00" * 6)
    ).decode()
    with pytest.raises(sealed.ShareError):
        sealed.unseal(key, raw, 20)


def test_a_ballot_longer_than_the_polls_longest_is_never_sealed():
    with pytest.raises(ValueError):
        sealed.pad('{"answer":"abstain"}', 10)
