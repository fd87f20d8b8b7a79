"""Block vote, approval voting and the single-seat majority vote.

Block vote: each ballot marks up to `max_marks` candidates (by default as many as
there are seats); approval: any number. Each mark is one vote. Seats go to the
candidates with the most votes, from the top down, skipping a candidate a branch
cap or group quota rules out (see `constraints`). A candidate with no votes is
never elected; a seat nobody can take stays vacant and the report says so. Equal
votes at the edge of the winners are decided by lot.

Single seat: a candidate with more than half of the valid non-blank votes is
elected. Otherwise nobody is, and the report names the runoff: the two candidates
with most votes, or everyone tied for first, or the first and everyone tied for
second.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import groupby

from congress.core.tally.constraints import Constraints
from congress.core.tally.lot import TieBreaker
from congress.core.tally.model import Ballot, CountRules, Move, Report, Round
from congress.core.tally.prepare import MarksInput, Roster, prepare_marks


def _counts(roster: Roster, votes: Sequence[int]) -> tuple[tuple[str, str], ...]:
    """Votes per candidate as strings, the way every report shows counts."""
    return tuple((cid, str(v)) for cid, v in zip(roster.ids, votes, strict=True))


def count_marks(
    roster: Roster,
    ballots: Iterable[Ballot],
    rules: CountRules,
    order: Sequence[str],
    max_marks: int | None,
) -> Report:
    """Block vote or approval: most votes win, within caps and group quotas."""
    return marks_report(roster, prepare_marks(roster, ballots, max_marks=max_marks), rules, order)


def marks_report(
    roster: Roster, data: MarksInput, rules: CountRules, order: Sequence[str]
) -> Report:
    """The block or approval count from votes per candidate (from ballots, or the decrypted
    totals of a verifiable poll)."""
    votes = data.votes
    ties = TieBreaker(roster.ids, order, lookback=False)
    constraints = Constraints(roster.candidates, rules.quotas, rules.cap, rules.seats)
    ranked = sorted(range(len(roster.ids)), key=lambda c: (-votes[c], ties.rank[c]))
    ranked = [c for c in ranked if votes[c] > 0]  # nobody is elected without a vote
    constraints.lower_unreachable(ranked)
    elected: list[int] = []
    moves: list[Move] = []
    skipped: list[Move] = []
    for k, c in enumerate(ranked):
        if len(elected) >= rules.seats:
            break
        verdict = constraints.can_elect(c, elected, ranked[k + 1 :])
        if verdict.ok:
            elected.append(c)
            moves.append(Move(roster.ids[c], "votes"))
        else:
            constraints.record(roster.ids[c], "skipped", verdict, 1)
            skipped.append(Move(roster.ids[c], verdict.rule, verdict.article))
    chosen = set(elected)
    for _, group in groupby(ranked, key=votes.__getitem__):
        tied = list(group)
        if len(tied) > 1 and 0 < len(chosen.intersection(tied)) < len(tied):
            ties.order_by_lot(tied, stage=1, purpose="seat")
    round_ = Round(
        number=1,
        action="count",
        counts=_counts(roster, votes),
        elected=tuple(moves),
        excluded=tuple(skipped),
    )
    return Report(
        method=rules.method,
        seats=rules.seats,
        winners=tuple(roster.ids[c] for c in elected),
        rounds=(round_,),
        ballots=data.summary,
        candidates=roster.ids,
        withdrawn=roster.withdrawn,
        ties=tuple(ties.ties),
        adjustments=tuple(constraints.adjustments),
        vacancies=rules.seats - len(elected),
        seed=rules.seed.hex(),
    )


def count_single(
    roster: Roster, ballots: Iterable[Ballot], rules: CountRules, order: Sequence[str]
) -> Report:
    """One seat by absolute majority of valid votes, or the runoff candidates."""
    return single_report(roster, prepare_marks(roster, ballots, max_marks=1), rules, order)


def single_report(
    roster: Roster, data: MarksInput, rules: CountRules, order: Sequence[str]
) -> Report:
    """The single-seat count from votes per candidate and the ballots' summary."""
    votes = data.votes
    valid = data.summary.valid
    ties = TieBreaker(roster.ids, order, lookback=False)
    ranked = sorted(range(len(roster.ids)), key=lambda c: (-votes[c], ties.rank[c]))
    winners: tuple[str, ...] = ()
    runoff: list[int] = []
    moves: tuple[Move, ...] = ()
    if ranked and 2 * votes[ranked[0]] > valid:
        winners = (roster.ids[ranked[0]],)
        moves = (Move(winners[0], "absolute majority"),)
    elif ranked:
        first = [c for c in ranked if votes[c] == votes[ranked[0]]]
        runoff = first
        if len(first) == 1 and len(ranked) > 1:
            runoff = first + [c for c in ranked if votes[c] == votes[ranked[1]]]
        runoff.sort()
    round_ = Round(number=1, action="count", counts=_counts(roster, votes), elected=moves)
    return Report(
        method=rules.method,
        seats=1,
        winners=winners,
        rounds=(round_,),
        ballots=data.summary,
        candidates=roster.ids,
        withdrawn=roster.withdrawn,
        runoff_needed=not winners,
        runoff_candidates=tuple(roster.ids[c] for c in runoff),
        vacancies=0 if winners else 1,
        seed=rules.seed.hex(),
    )
