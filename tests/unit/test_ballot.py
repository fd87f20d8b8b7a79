"""What a valid ballot is: marks within the maximum, ranks without gaps, motion answers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from congress.core import ballot as b

BLOCK = b.BallotSpec("block", (1, 2, 3, 4, 5), max_marks=3, blank_allowed=True)
STV = b.BallotSpec("stv-meek", (1, 2, 3, 4), blank_allowed=False)
MOTION = b.BallotSpec("motion")


def problems(spec, **kw):
    with pytest.raises(b.InvalidBallot) as caught:
        b.build(spec, **kw)
    return [p.en for p in caught.value.problems]


def test_block_marks_are_sorted_and_canonical():
    assert b.canonical(b.build(BLOCK, marks=["3", "1"])) == '{"marks":[1,3]}'


def test_overfilling_says_how_many_to_remove():
    assert problems(BLOCK, marks=["1", "2", "3", "4"]) == [
        "You chose 4 candidates; the maximum is 3. Remove 1."
    ]


def test_a_forged_candidate_id_is_refused():
    assert problems(BLOCK, marks=["1", "99"]) == ["The ballot contains an unknown choice."]
    assert problems(BLOCK, marks=["x"]) == ["The ballot contains an unknown choice."]


def test_a_candidate_marked_twice_is_refused():
    assert problems(BLOCK, marks=["1", "1"]) == ["A candidate was marked twice."]


def test_an_empty_ballot_is_blank_only_where_the_bylaws_allow_it():
    assert b.build(BLOCK) == {"blank": True}
    assert problems(STV) == ["The ballot is empty, and a blank ballot is not valid here."]


def test_a_single_office_takes_one_mark():
    single = b.BallotSpec("single", (1, 2, 3))
    assert b.build(single, marks=["2"]) == {"marks": [2]}
    assert problems(single, marks=["1", "2"])[0].startswith("You chose 2 candidates")


def test_ranks_become_an_ordered_preference_list():
    assert b.build(STV, ranks={"3": "1", "1": "2", "4": ""}) == {"ranks": [3, 1]}


def test_a_gap_in_the_ranks_names_the_missing_numbers():
    assert problems(STV, ranks={"1": "1", "2": "3", "3": "4"}) == [
        "Ranks 2 are missing: number 1, 2, 3… without gaps."
    ]


def test_a_repeated_rank_names_the_rank():
    assert problems(STV, ranks={"1": "1", "2": "1", "3": "2"}) == [
        "Rank 1 is given to 2 candidates."
    ]


def test_ranks_out_of_range_or_not_numbers_are_refused():
    assert problems(STV, ranks={"1": "9"})[0].startswith("Rank 9 is out of range")
    assert problems(STV, ranks={"1": "first"})[0].startswith("The rank")


def test_a_motion_answer_outside_yes_no_abstain_is_refused():
    assert b.build(MOTION, answer="abstain") == {"answer": "abstain"}
    assert problems(MOTION, answer="maybe") == ["The answer must be yes, no or abstain."]


def test_every_message_has_arabic_too():
    with pytest.raises(b.InvalidBallot) as caught:
        b.build(STV, ranks={"1": "1", "2": "3"})
    assert all(p.ar and p.ar != p.en for p in caught.value.problems)


def test_the_tracker_depends_on_poll_content_and_salt():
    t = b.tracker("poll:1", '{"marks":[1]}', b"s" * 16)
    assert len(t) == 32 and int(t, 16) >= 0
    assert t != b.tracker("poll:2", '{"marks":[1]}', b"s" * 16)
    assert t != b.tracker("poll:1", '{"marks":[2]}', b"s" * 16)
    assert t != b.tracker("poll:1", '{"marks":[1]}', b"t" * 16)
    assert b.tracker_groups("0123456789abcdef") == "0123 4567 89ab cdef"


@given(st.permutations([1, 2, 3, 4]), st.integers(min_value=1, max_value=4))
def test_any_prefix_of_a_ranking_round_trips(order, length):
    ranks = {str(c): str(i + 1) for i, c in enumerate(order[:length])}
    content = b.build(STV, ranks=ranks)
    assert content == {"ranks": list(order[:length])}
    b.check_content(content, STV)
