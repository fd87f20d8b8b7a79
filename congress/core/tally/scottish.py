"""Scottish STV (SSI 2007 No. 42, rules 45-52), and the engine it shares with WIGM.

Ballots move as whole groups of identical papers. Each group sits with one
candidate, at one value, with a pointer to its next preference; a candidate's
papers are a list of group numbers, so a transfer touches only that candidate's
papers. All values are integers scaled by 10**places: no floats anywhere.

Scottish rules as implemented:
- quota = floor(valid ballot papers / (seats + 1)) + 1 (rule 46);
- a candidate with at least the quota is elected at the end of the stage (47);
- the largest surplus is transferred first (49); every paper the candidate holds
  goes on, at transfer value = surplus x value when received / total votes,
  truncated to five decimal places (48(3)); papers with no further preference
  are non-transferable;
- with no surplus to transfer, the candidate with fewest votes is excluded and all
  their papers go on at the value they arrived with, parcel by parcel in the order
  received, in one stage (50);
- equal surpluses or equal lowest votes: the most recent earlier stage where the
  tied candidates had unequal votes decides; if none, the lot (49(2-3), 51);
- when the continuing candidates are no more than the seats left, they are
  elected and no further transfer is made (52).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from congress.core.tally.model import Move, Round, fmt
from congress.core.tally.prepare import RankedInput
from congress.core.tally.stvbase import EXCLUDED, HOPEFUL, StvState


@dataclass(frozen=True)
class GregoryRule:
    """What differs between Scottish STV and WIGM: arithmetic, quota, transfer value."""

    name: str
    places: int
    quota: Callable[[int, int, int], int]
    transfer_value: Callable[[int, int, int, int], int]


def scottish_quota(valid: int, seats: int, scale: int) -> int:
    """Droop quota of rule 46: floor(valid / (seats + 1)) + 1, scaled."""
    return (valid // (seats + 1) + 1) * scale


def scottish_value(value: int, surplus: int, total: int, scale: int) -> int:
    """Rule 48(3): surplus x value received / total votes, truncated (scaled ints)."""
    return value * surplus // total


SCOTTISH = GregoryRule("stv-scottish", 5, scottish_quota, scottish_value)


class GregoryCount:
    """One count under a Gregory rule: papers, values, stages."""

    def __init__(self, st: StvState, data: RankedInput, rule: GregoryRule) -> None:
        self.st = st
        self.rule = rule
        self.scale = 10**rule.places
        self.rank = data.rankings
        self.weight = data.weights
        self.valid = data.summary.valid
        n = st.n
        self.votes = [0] * n
        self.pile: list[list[int]] = [[] for _ in range(n)]
        self.pos = [0] * len(self.rank)
        self.value = [self.scale] * len(self.rank)
        self.arrived = [1] * len(self.rank)
        self.exhausted = 0
        self.quota = rule.quota(self.valid, st.seats, self.scale)
        self.refused_at_end: list[tuple[int, Move]] = []

    # -- moving papers ------------------------------------------------------------

    def _move(self, groups: Sequence[int], values: dict[int, int] | None) -> None:
        """Send each group on to its next continuing preference (new value if given)."""
        state, rank, pos, value, weight = (
            self.st.state,
            self.rank,
            self.pos,
            self.value,
            self.weight,
        )
        votes, pile, arrived = self.votes, self.pile, self.arrived
        stage = self.st.stage + 1
        lost = 0
        for g in groups:
            v = value[g] if values is None else values[value[g]]
            value[g] = v
            r = rank[g]
            p = pos[g] + 1
            end = len(r)
            while p < end and state[r[p]] != HOPEFUL:
                p += 1
            pos[g] = p
            if p < end:
                c = r[p]
                votes[c] += weight[g] * v
                pile[c].append(g)
                arrived[g] = stage
            else:
                lost += weight[g] * v
        self.exhausted += lost

    def first_count(self) -> None:
        """Rule 45: credit each first preference with one vote per paper."""
        s = self.scale
        for g, r in enumerate(self.rank):
            if r:
                self.votes[r[0]] += self.weight[g] * s
                self.pile[r[0]].append(g)
            else:  # every preference was for a withdrawn candidate
                self.exhausted += self.weight[g] * s
        self._record("first count", (), [], [], list(self.votes), ())

    # -- stages ----------------------------------------------------------------------

    def _record(
        self,
        action: str,
        subject: tuple[int, ...],
        elected: list[Move],
        excluded: list[Move],
        before: list[int],
        values: tuple[str, ...],
    ) -> None:
        """Close a stage: counts, net transfers and moves go into the report."""
        st = self.st
        st.stage += 1
        transfers = st.deltas(before, self.votes)
        st.rounds.append(
            Round(
                number=st.stage,
                action=action,
                counts=st.counts(self.votes),
                quota=fmt(self.quota, st.places),
                subject=tuple(st.ids[c] for c in subject),
                transfers=transfers,
                exhausted=fmt(self.exhausted, st.places),
                elected=tuple(elected),
                excluded=tuple(excluded),
                transfer_values=values,
            )
        )
        st.snapshot(self.votes)

    def transfer_surplus(self, c: int) -> None:
        """Rule 48: pass on all of `c`'s papers at the truncated transfer value."""
        total = self.votes[c]
        surplus = total - self.quota
        before = list(self.votes)
        groups = self.pile[c]
        self.pile[c] = []
        tvs = {
            v: self.rule.transfer_value(v, surplus, total, self.scale)
            for v in sorted({self.value[g] for g in groups}, reverse=True)
        }
        self.votes[c] = self.quota
        self._move(groups, tvs)
        places = self.st.places
        shown = tuple(f"{fmt(a, places)}->{fmt(b, places)}" for a, b in tvs.items())
        self._record("surplus", (c,), [], [], before, shown)

    def exclude(self, batch: list[tuple[int, Move]]) -> None:
        """Rule 50: exclude candidates; their papers go on at the values they came with."""
        before = list(self.votes)
        groups: list[int] = []
        for c, _move in batch:
            self.st.state[c] = EXCLUDED
        for c, _move in batch:
            groups.extend(self.pile[c])
            self.pile[c] = []
            self.votes[c] = 0
        parcels = sorted({(self.arrived[g], -self.value[g]) for g in groups})
        values = tuple(f"stage {a}: {fmt(-v, self.st.places)}" for a, v in parcels)
        self._move(groups, None)
        self._record(
            "exclusion", tuple(c for c, _ in batch), [], [m for _, m in batch], before, values
        )

    # -- the count ------------------------------------------------------------------

    def run(self) -> None:
        """Stages until the seats are filled (rules 47-52)."""
        st = self.st
        self.first_count()
        pending: list[int] = []
        while True:
            refused = self._elect_reached(pending)
            if st.complete():
                self.refused_at_end = refused
                break
            batch = refused + [(c, st.note(c, "excluded", v)) for c, v in st.blocked()]
            if batch:
                self.exclude(batch)
                continue
            if pending:
                top = max(self.votes[c] for c in pending)
                tied = [c for c in pending if self.votes[c] == top]
                c = st.choose(tied, lowest=False, purpose="surplus")
                pending.remove(c)
                self.transfer_surplus(c)
                continue
            low = st.lowest(self.votes)
            self.exclude([(low, Move(st.ids[low], "lowest"))])
        last: list[Move] = []
        st.fill_last(self.votes, last)
        self._amend(last, [m for _, m in self.refused_at_end])

    def _elect_reached(self, pending: list[int]) -> list[tuple[int, Move]]:
        """Rule 47: elect everyone at or above the quota; return those a rule refuses."""
        st = self.st
        reached = [c for c in st.hopeful() if self.votes[c] >= self.quota]
        refused: list[tuple[int, Move]] = []
        moves: list[Move] = []
        for c in st.order_reached(reached, self.votes):
            if st.seats_left() <= 0:
                break
            verdict = st.may_elect(c)
            if verdict.ok:
                st.elect(c, moves, "quota")
                if self.votes[c] > self.quota:
                    pending.append(c)
            else:
                st.state[c] = EXCLUDED  # out now; its papers move in the next stage
                refused.append((c, st.note(c, "excluded", verdict)))
        self._amend(moves, [])
        return refused

    def _amend(self, elected: list[Move], excluded: list[Move]) -> None:
        """Add elections (or exclusions) decided at the end of the last stage to it."""
        if (elected or excluded) and self.st.rounds:
            last = self.st.rounds[-1]
            self.st.rounds[-1] = replace(
                last, elected=(*last.elected, *elected), excluded=(*last.excluded, *excluded)
            )


def count_gregory(st: StvState, data: RankedInput, rule: GregoryRule) -> str:
    """Run a Gregory-method count on `st`; return the quota as a decimal string."""
    count = GregoryCount(st, data, rule)
    count.run()
    return fmt(count.quota, rule.places)
