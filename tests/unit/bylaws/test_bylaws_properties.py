"""Property tests: apportionment, quorum and majority arithmetic at the boundaries.

Under `per_n`, totals add up, minimums hold, and a branch's delegates depend
only on its own members (so no branch loses a delegate when another shrinks).
Under `fixed_size` (largest remainder) the total is exactly min(size, members)
and every branch gets the floor or the ceiling of its exact quota; population
monotonicity is NOT promised there (Hamilton's paradoxes).
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from bylaws_helpers import EXAMPLE_TEXT
from hypothesis import given, settings
from hypothesis import strategies as st

from congress.core.bylaws import Bylaws, load_bylaws
from congress.core.bylaws.apportion import largest_remainder
from congress.core.bylaws.schema import Threshold

EXAMPLE = load_bylaws(EXAMPLE_TEXT)
CODES = st.sampled_from(["SY", "TR", "EU", "US", "LB", "JO", "DE"])
ROLLS = st.dictionaries(CODES, st.integers(0, 5000), min_size=1, max_size=7)
SETTINGS = settings(max_examples=200, deadline=None)  # per test: no global profile change


def per_n(n: int, minimum: int, rounding: str) -> Bylaws:
    rule = dataclasses.replace(
        EXAMPLE.delegates.apportionment,
        members_per_delegate=n, minimum_per_branch=minimum, rounding=rounding,
    )  # fmt: skip
    return dataclasses.replace(
        EXAMPLE, delegates=dataclasses.replace(EXAMPLE.delegates, apportionment=rule)
    )


PER_N = st.builds(
    per_n, st.integers(1, 50), st.integers(0, 5), st.sampled_from(["down", "up", "nearest"])
)


@SETTINGS
@given(PER_N, ROLLS)
def test_per_n_totals_and_minimums(bylaws: Bylaws, roll: dict[str, int]) -> None:
    result = bylaws.apportionment(roll)
    rule = bylaws.delegates.apportionment
    assert result.total == sum(result.delegates.values())
    assert set(result.delegates) == set(roll)
    for code, members in roll.items():
        got = result.delegates[code]
        assert 0 <= got <= members
        assert got >= min(rule.minimum_per_branch, members)
        n = rule.members_per_delegate or 1
        assert got >= min(members, members // n)
        assert got <= max(rule.minimum_per_branch, -(-members // n))
        assert result.alternates[code] <= members - got


@SETTINGS
@given(PER_N, ROLLS, CODES, st.integers(0, 5000))
def test_per_n_no_branch_loses_when_another_shrinks(
    bylaws: Bylaws, roll: dict[str, int], code: str, cut: int
) -> None:
    before = bylaws.apportionment(roll)
    shrunk = dict(roll)
    shrunk[code] = max(0, shrunk.get(code, 0) - cut)
    after = bylaws.apportionment(shrunk)
    for other in roll:
        if other != code:
            assert after.delegates[other] == before.delegates[other]
    assert after.delegates[code] <= before.delegates.get(code, after.delegates[code])


@SETTINGS
@given(st.integers(1, 500), ROLLS)
def test_largest_remainder_total_and_quota_property(size: int, roll: dict[str, int]) -> None:
    seats = largest_remainder(size, roll)
    members = sum(roll.values())
    assert sum(seats.values()) == min(size, members)
    for code, m in roll.items():
        if members <= size:
            assert seats[code] == m
            continue
        quota = Fraction(size * m, members)
        floor = quota.numerator // quota.denominator
        ceiling = floor if quota.denominator == 1 else floor + 1
        assert seats[code] in (floor, ceiling)
        assert seats[code] <= m


@SETTINGS
@given(st.integers(0, 10_000))
def test_half_plus_one(accredited: int) -> None:
    half = accredited // 2
    needed = EXAMPLE.quorum(accredited, 0).needed
    assert needed == half + 1
    if accredited % 2 == 0 and accredited > 0:
        assert not EXAMPLE.quorum(accredited, half).met  # exactly half is not enough
    if half + 1 <= accredited:
        assert EXAMPLE.quorum(accredited, half + 1).met


@SETTINGS
@given(st.integers(0, 10_000), st.fractions(Fraction(1, 100), 1), st.booleans())
def test_threshold_needed_is_the_smallest_count_that_meets_it(
    base: int, fraction: Fraction, strict: bool
) -> None:
    if strict and fraction == 1:
        return
    rule = Threshold(fraction, strict)
    needed = rule.needed(base)
    assert rule.met(needed, base)
    assert needed == 0 or not rule.met(needed - 1, base)


@SETTINGS
@given(st.integers(0, 3000).map(lambda k: 2 * k + 1))
def test_two_thirds_of_odd_numbers(present: int) -> None:
    result = EXAMPLE.motion_result(0, 0, 0, present, present, "two-thirds-present")
    needed = result.needed
    assert 3 * needed >= 2 * present and 3 * (needed - 1) < 2 * present
    just = EXAMPLE.motion_result(needed, 0, 0, present, present, "two-thirds-present")
    assert just.passed
    if needed > 1:
        short = EXAMPLE.motion_result(needed - 1, 0, 0, present, present, "two-thirds-present")
        assert not short.passed


VOTES = st.tuples(st.integers(0, 400), st.integers(0, 400), st.integers(0, 400))


@SETTINGS
@given(VOTES)
def test_simple_and_absolute_majorities(votes: tuple[int, int, int]) -> None:
    yes, no, abstain = votes
    present = accredited = max(yes + no + abstain, 1)
    simple = EXAMPLE.motion_result(yes, no, abstain, present, accredited, "simple")
    assert simple.passed == (yes > no)
    absolute = EXAMPLE.motion_result(yes, no, abstain, present, accredited, "absolute")
    assert absolute.passed == (2 * yes > yes + no + abstain)


@SETTINGS
@given(VOTES, st.integers(0, 1200))
def test_two_thirds_of_accredited_uses_accredited(votes: tuple[int, int, int], extra: int) -> None:
    yes, no, abstain = votes
    accredited = yes + no + abstain + extra + 1
    present = accredited  # quorum met
    result = EXAMPLE.motion_result(yes, no, abstain, present, accredited, "two-thirds-accredited")
    assert result.passed == (3 * yes >= 2 * accredited)
    assert result.base_value == accredited
