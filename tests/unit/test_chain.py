"""The audit hash chain (DESIGN.md invariant 5), as pure functions."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from congress.core import chain


def build(n: int) -> list[chain.Link]:
    links, prev = [], chain.GENESIS
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for seq in range(1, n + 1):
        at = start + timedelta(seconds=seq)
        data = chain.canonical_json({"n": seq, "name": "أحمد"})
        digest = chain.entry_hash(seq, at, "system", "test.action", f"s:{seq}", data, prev)
        links.append(chain.Link(seq, at, "system", "test.action", f"s:{seq}", data, prev, digest))
        prev = digest
    return links


def test_an_untouched_chain_verifies():
    links = build(5)
    verdict = chain.verify(links, expected_head=links[-1].hash, expected_count=5)
    assert verdict.ok and verdict.count == 5 and verdict.head == links[-1].hash


def test_changing_any_field_breaks_the_chain_at_that_entry():
    links = build(5)
    for field, value in [
        ("actor", "user:9"),
        ("action", "x"),
        ("subject", "other"),
        ("data", '{"n":99}'),
        ("at", links[2].at + timedelta(microseconds=1)),
    ]:
        tampered = [*links[:2], replace(links[2], **{field: value}), *links[3:]]
        verdict = chain.verify(tampered)
        assert not verdict.ok and verdict.first_bad_seq == 3, field


def test_deleting_or_reordering_an_entry_is_found():
    links = build(5)
    assert chain.verify(links[:2] + links[3:]).first_bad_seq == 4
    assert chain.verify([links[1], links[0], *links[2:]]).first_bad_seq == 2


def test_cutting_off_the_end_is_found_through_the_recorded_head():
    links = build(5)
    verdict = chain.verify(links[:4], expected_head=links[-1].hash, expected_count=5)
    assert not verdict.ok and verdict.first_bad_seq == 5


def test_naive_and_aware_utc_times_hash_the_same():
    aware = datetime(2026, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)
    naive = aware.replace(tzinfo=None)
    assert (
        chain.canonical_time(aware) == chain.canonical_time(naive) == "2026-05-01T12:00:00.123456Z"
    )
