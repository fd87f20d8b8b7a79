"""Meek's nine decimals are shown to the places a reader needs; a tie shown is a tie."""

from congress.results.presenter import readable_decimals, shorten


def test_values_are_cut_never_rounded_up():
    assert shorten("12.999999999", 2) == "12.99"
    assert shorten("7", 2) == "7"
    assert shorten("", 3) == ""


def test_two_places_when_they_tell_the_candidates_apart():
    rounds = [{"a": "40.000000000", "b": "31.500000000"}, {"a": "40.333333333", "b": "12.1"}]
    assert readable_decimals(rounds) == 2


def test_more_places_when_two_different_values_would_look_equal():
    rounds = [{"a": "20.123456789", "b": "20.123401000", "c": "3.000000000"}]
    assert readable_decimals(rounds) == 5
    shown = {c: shorten(v, 5) for c, v in rounds[0].items()}
    assert shown["a"] != shown["b"]


def test_an_exact_tie_stays_a_tie_and_needs_no_more_places():
    assert readable_decimals([{"a": "9.500000000", "b": "9.500000000", "c": ""}]) == 2
