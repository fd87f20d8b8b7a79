"""Turn ballots into compact counting input: validate once per distinct ballot, collapse.

Identical ballots are merged into one (ranking, weight) group before any counting,
so a count's cost follows the number of distinct ballots, not of voters. Ballots the
method cannot count are tallied as invalid with a reason, never dropped silently.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, compress
from operator import attrgetter, itemgetter

from congress.core.tally.model import Ballot, BallotSummary, Candidate, TallyError

INVALID_UNKNOWN = "unknown-candidate"
INVALID_DUPLICATE = "duplicate-candidate"
INVALID_TOO_MANY = "too-many-marks"
INVALID_EQUAL_FIRST = "equal-first-preference"


@dataclass(frozen=True)
class Roster:
    """The candidates of a count: active ones get indices 0..n-1, in input order."""

    ids: tuple[str, ...]
    withdrawn: tuple[str, ...]
    candidates: tuple[Candidate, ...]

    @classmethod
    def build(cls, candidates: Sequence[Candidate]) -> Roster:
        """Check ids are unique and split off the withdrawn candidates."""
        seen: set[str] = set()
        for c in candidates:
            if c.id in seen:
                raise TallyError(f"duplicate candidate id {c.id!r}")
            seen.add(c.id)
        active = tuple(c for c in candidates if not c.withdrawn)
        return cls(
            tuple(c.id for c in active),
            tuple(c.id for c in candidates if c.withdrawn),
            active,
        )

    @property
    def all_ids(self) -> frozenset[str]:
        """Every known id, withdrawn or not (a mark for a withdrawn one is not invalid)."""
        return frozenset(self.ids) | frozenset(self.withdrawn)


@dataclass
class RankedInput:
    """Collapsed rankings as index tuples; `equal` holds those with equal rankings."""

    rankings: list[tuple[int, ...]]
    weights: list[int]
    equal: list[tuple[tuple[int, ...], ...]]
    equal_weights: list[int]
    summary: BallotSummary


class _Tally:
    """Running counts of valid, blank and invalid ballots (by weight)."""

    def __init__(self) -> None:
        self.total = 0
        self.valid = 0
        self.blank = 0
        self.reasons: dict[str, int] = {}

    def invalid(self, reason: str, weight: int) -> None:
        """Count `weight` ballots as invalid for `reason`."""
        self.reasons[reason] = self.reasons.get(reason, 0) + weight

    def summary(self) -> BallotSummary:
        """Freeze into the report's summary."""
        return BallotSummary(
            self.total,
            self.valid,
            self.blank,
            sum(self.reasons.values()),
            tuple(sorted(self.reasons.items())),
        )


def collapse(ballots: Iterable[Ballot]) -> dict[tuple[tuple[str, ...], ...], int]:
    """Merge identical ballots into one entry with their total weight."""
    merged: dict[tuple[tuple[str, ...], ...], int] = {}
    get = merged.get
    for b in ballots:
        w = b.weight
        if type(w) is not int or w < 1:
            raise TallyError(f"ballot weight must be a positive integer, got {w!r}")
        p = b.prefs
        merged[p] = get(p, 0) + w
    return merged


def prepare_ranked(roster: Roster, ballots: Iterable[Ballot], *, allow_equal: bool) -> RankedInput:
    """Validate and collapse ranked ballots; withdrawn candidates are skipped over.

    With `allow_equal` false (Scottish STV, WIGM) a ballot's preferences stop before
    the first rank shared by two standing candidates, as the paper gives no single
    next preference there; equal first preferences make the ballot invalid.
    """
    index = {cid: n for n, cid in enumerate(roster.ids)}
    get = index.__getitem__
    first = itemgetter(0)
    tally = _Tally()
    strict: dict[tuple[int, ...], int] = {}
    equal: dict[tuple[tuple[int, ...], ...], int] = {}
    for prefs, weight in collapse(ballots).items():
        tally.total += weight
        n = len(prefs)
        if n and sum(map(len, prefs)) == n:  # the usual case: one candidate per rank
            try:
                key = tuple(map(get, map(first, prefs)))
            except KeyError:  # unknown or withdrawn: the careful path below
                pass
            else:
                if len(set(key)) == n:
                    strict[key] = strict.get(key, 0) + weight
                    tally.valid += weight
                    continue
        _careful(roster, index, prefs, weight, allow_equal, tally, strict, equal)
    return RankedInput(
        list(strict), list(strict.values()), list(equal), list(equal.values()), tally.summary()
    )


def _careful(
    roster: Roster,
    index: dict[str, int],
    prefs: tuple[tuple[str, ...], ...],
    weight: int,
    allow_equal: bool,
    tally: _Tally,
    strict: dict[tuple[int, ...], int],
    equal: dict[tuple[tuple[int, ...], ...], int],
) -> None:
    """Classify a ranked ballot that is blank, invalid, or names withdrawn candidates."""
    flat = [cid for group in prefs for cid in group]
    if not flat:
        tally.blank += weight
        return
    known = roster.all_ids
    if any(cid not in known for cid in flat):
        tally.invalid(INVALID_UNKNOWN, weight)
        return
    if len(set(flat)) != len(flat):
        tally.invalid(INVALID_DUPLICATE, weight)
        return
    groups = [tuple(index[c] for c in group if c in index) for group in prefs]
    groups = [g for g in groups if g]
    if all(len(g) == 1 for g in groups):
        key = tuple(g[0] for g in groups)
        strict[key] = strict.get(key, 0) + weight
    elif allow_equal:
        ekey = tuple(tuple(sorted(g)) for g in groups)
        equal[ekey] = equal.get(ekey, 0) + weight
    else:
        cut = next(n for n, g in enumerate(groups) if len(g) > 1)
        if cut == 0:
            tally.invalid(INVALID_EQUAL_FIRST, weight)
            return
        key = tuple(g[0] for g in groups[:cut])
        strict[key] = strict.get(key, 0) + weight
    tally.valid += weight


@dataclass
class MarksInput:
    """Votes per candidate index from mark ballots (block, approval, single)."""

    votes: list[int]
    summary: BallotSummary


def prepare_marks(
    roster: Roster, ballots: Iterable[Ballot], *, max_marks: int | None
) -> MarksInput:
    """Validate mark ballots and count one vote per mark; marks for withdrawn are ignored.

    Built from whole-list operations (no per-mark Python loop), since a block vote
    can have a million ballots of forty marks.
    """
    items = ballots if isinstance(ballots, list | tuple) else list(ballots)
    prefs = list(map(attrgetter("prefs"), items))
    weights = list(map(attrgetter("weight"), items))
    if weights and (set(map(type, weights)) != {int} or min(weights) < 1):
        raise TallyError("ballot weights must be positive integers")
    flats = list(map(tuple, map(chain.from_iterable, prefs)))
    sizes = list(map(len, flats))
    distinct = list(map(len, map(set, flats)))
    known = roster.all_ids
    unknown = set(chain.from_iterable(flats)) - known
    limit = max_marks if max_marks is not None else len(known) + 1
    tally = _Tally()
    tally.total = sum(weights)
    bad = {
        i
        for i, (n, d) in enumerate(zip(sizes, distinct, strict=True))
        if n != d or n > limit or n == 0
    }
    if unknown:
        bad.update(i for i, f in enumerate(flats) if not unknown.isdisjoint(f))
    for i in sorted(bad):
        w, f = weights[i], flats[i]
        if not f:
            tally.blank += w
        elif not unknown.isdisjoint(f):
            tally.invalid(INVALID_UNKNOWN, w)
        elif sizes[i] != distinct[i]:
            tally.invalid(INVALID_DUPLICATE, w)
        else:
            tally.invalid(INVALID_TOO_MANY, w)
    if bad:
        keep = [i not in bad for i in range(len(flats))]
        flats = list(compress(flats, keep))
        weights = list(compress(weights, keep))
    tally.valid = sum(weights)
    counts: Counter[str] = Counter()
    if weights.count(1) == len(weights):
        counts.update(chain.from_iterable(flats))
    else:
        by_weight: dict[int, list[tuple[str, ...]]] = {}
        for f, w in zip(flats, weights, strict=True):
            by_weight.setdefault(w, []).append(f)
        for w, group in by_weight.items():
            for cid, n in Counter(chain.from_iterable(group)).items():
                counts[cid] += n * w
    return MarksInput([counts.get(cid, 0) for cid in roster.ids], tally.summary())
