"""Counting methods: plain data in, a report with every round out.

`count(candidates, ballots, rules)` runs the method named in `rules.method`:

- ``block``: each ballot marks up to ``max_marks`` candidates; most marks win.
- ``approval``: each ballot approves any number of candidates; most approvals win.
- ``single``: one seat, won by more than half of the valid non-blank votes,
  otherwise the report names the candidates of a runoff.
- ``stv-scottish``: Scottish STV (SSI 2007/42), five decimal places, truncated.
- ``stv-meek``: the PR Foundation's Meek reference rule, nine decimal places.
- ``stv-meek-omega9`` and ``stv-wigm``: the general Meek rule (omega 1e-9) and the
  PR Foundation's WIGM rule, kept to check the engine against reference counts.

Counting is exact (integers scaled by a power of ten, never floats) and
deterministic: the same ballots, rules and seed give the same report, byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from congress.core.tally.blt import BltError, BltFile, read_blt, write_blt
from congress.core.tally.constraints import Constraints
from congress.core.tally.lot import TieBreaker, full_lot_order, lot_order
from congress.core.tally.meek import MEEK_OMEGA9, MEEK_PRF, count_meek
from congress.core.tally.model import (
    METHODS,
    Adjustment,
    Ballot,
    BallotSummary,
    BranchCap,
    Candidate,
    CountRules,
    GroupQuota,
    Move,
    Report,
    Round,
    TallyError,
    Tie,
)
from congress.core.tally.plurality import count_marks, count_single, marks_report, single_report
from congress.core.tally.prepare import MarksInput, Roster, prepare_ranked
from congress.core.tally.scottish import SCOTTISH, count_gregory
from congress.core.tally.stvbase import StvState
from congress.core.tally.wigm import WIGM

__all__ = [
    "METHODS",
    "Adjustment",
    "Ballot",
    "BallotSummary",
    "BltError",
    "BltFile",
    "BranchCap",
    "Candidate",
    "CountRules",
    "GroupQuota",
    "Move",
    "Report",
    "Round",
    "TallyError",
    "Tie",
    "count",
    "count_totals",
    "lot_order",
    "read_blt",
    "write_blt",
]

# Reference rules break ties by lot alone; the organisation's rules look back first.
_LOOKBACK = {
    "stv-scottish": True,
    "stv-meek": True,
    "stv-meek-prf": False,
    "stv-meek-omega9": False,
    "stv-wigm": False,
}


def _check(rules: CountRules) -> None:
    """Refuse rules no count can follow, before touching any ballot."""
    if rules.method not in METHODS:
        raise TallyError(f"unknown counting method {rules.method!r}")
    if type(rules.seats) is not int or rules.seats < 1:
        raise TallyError(f"seats must be a positive integer, got {rules.seats!r}")
    if rules.method == "single" and rules.seats != 1:
        raise TallyError("the single method fills exactly one seat")
    if rules.max_marks is not None and rules.max_marks < 1:
        raise TallyError("max_marks must be a positive integer")


def count(candidates: Sequence[Candidate], ballots: Iterable[Ballot], rules: CountRules) -> Report:
    """Count `ballots` for `candidates` under `rules` and return the full report."""
    _check(rules)
    roster = Roster.build(candidates)
    order = full_lot_order(rules.seed, roster.ids, rules.tie_order)
    if rules.method in ("block", "approval"):
        max_marks = rules.max_marks
        if rules.method == "block" and max_marks is None:
            max_marks = rules.seats
        return count_marks(roster, ballots, rules, order, max_marks)
    if rules.method == "single":
        return count_single(roster, ballots, rules, order)
    return _count_stv(roster, ballots, rules, order)


def count_totals(
    candidates: Sequence[Candidate],
    votes: Mapping[str, int],
    summary: BallotSummary,
    rules: CountRules,
) -> Report:
    """Block, approval or single seat from votes per candidate id and the ballots' summary:
    the decrypted totals of a verifiable poll, where no single ballot is ever opened. The
    same rules (caps, quotas, majority, ties by lot) as `count`; a withdrawn candidate's
    votes are not counted."""
    _check(rules)
    if rules.method not in ("block", "approval", "single"):
        raise TallyError(f"{rules.method} needs the ballots themselves, not totals")
    roster = Roster.build(candidates)
    order = full_lot_order(rules.seed, roster.ids, rules.tie_order)
    withdrawn = set(roster.withdrawn)
    counted = [0 if cid in withdrawn else int(votes.get(cid, 0)) for cid in roster.ids]
    if any(v < 0 for v in counted) or sum(counted) > summary.valid * len(roster.ids):
        raise TallyError("the totals are not those of the ballots summarised")
    data = MarksInput(votes=counted, summary=summary)
    if rules.method == "single":
        return single_report(roster, data, rules, order)
    return marks_report(roster, data, rules, order)


def _count_stv(
    roster: Roster, ballots: Iterable[Ballot], rules: CountRules, order: Sequence[str]
) -> Report:
    """Run one of the STV rules over the shared bookkeeping and build the report."""
    method = rules.method
    meek = {"stv-meek": MEEK_PRF, "stv-meek-prf": MEEK_PRF, "stv-meek-omega9": MEEK_OMEGA9}.get(
        method
    )
    data = prepare_ranked(roster, ballots, allow_equal=meek is not None)
    constraints = Constraints(roster.candidates, rules.quotas, rules.cap, rules.seats)
    ties = TieBreaker(roster.ids, order, lookback=_LOOKBACK[method])
    places = (
        meek.places if meek is not None else (SCOTTISH if method == "stv-scottish" else WIGM).places
    )
    st = StvState(roster.ids, rules.seats, places, constraints, ties)
    if meek is not None:
        quota = count_meek(st, data, meek)
    else:
        quota = count_gregory(st, data, SCOTTISH if method == "stv-scottish" else WIGM)
    return Report(
        method=method,
        seats=rules.seats,
        winners=tuple(roster.ids[c] for c in st.elected),
        rounds=tuple(st.rounds),
        ballots=data.summary,
        candidates=roster.ids,
        withdrawn=roster.withdrawn,
        ties=tuple(ties.ties),
        adjustments=tuple(constraints.adjustments),
        quota=quota,
        vacancies=st.vacancies,
        seed=rules.seed.hex(),
    )
