"""Meek STV: the PR Foundation's reference rule, and the general rule with omega 1e-9.

PRF Meek reference rule (http://prfound.org/resources/reference/reference-meek-rule/),
in integers scaled by 10**9:
- each round iterates: every ballot gives each candidate it meets, in order, its
  weight times that candidate's keep factor (rounded up to 9 places) and goes on
  with the rest; hopeful candidates keep everything, excluded ones nothing;
- quota = total votes / (seats + 1), truncated to 9 places, plus 0.000000001;
- a hopeful candidate with at least the quota is elected (the round ends);
- otherwise iterate, setting each elected candidate's keep factor to
  keep factor x quota / votes (each step rounded up), until the total surplus is
  below omega = 0.000001 or stops falling; then the hopeful candidate with fewest
  votes is excluded, counting as tied every candidate within the total surplus of
  the lowest, and ties are broken by looking back to earlier rounds, then by lot.

The general rule (Droop's "meek", omega 1e-9) keeps 18 places plus 9 guard
digits, elects above the quota, truncates, shares a ballot's weight equally among
equally ranked candidates, excludes several sure losers at once, and breaks ties
by lot; it is here to check the engine against the reference counts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from congress.core.tally.meektrie import BallotTree
from congress.core.tally.model import Move, Round, fmt
from congress.core.tally.prepare import RankedInput
from congress.core.tally.stvbase import ELECTED, EXCLUDED, StvState


@dataclass(frozen=True)
class MeekRule:
    """Arithmetic and tests of one Meek variant (all values scaled by 10**digits)."""

    name: str
    digits: int
    places: int
    omega: int
    geps: int
    prf: bool

    @property
    def scale(self) -> int:
        """One vote in internal units."""
        return int(10**self.digits)


MEEK_PRF = MeekRule("stv-meek", 9, 9, 10**3, 1, True)
MEEK_OMEGA9 = MeekRule("stv-meek-omega9", 27, 18, 10**18, 5 * 10**8, False)


class MeekCount:
    """One Meek count: keep factors, iterations, rounds."""

    def __init__(self, st: StvState, data: RankedInput, rule: MeekRule) -> None:
        self.st = st
        self.rule = rule
        self.S = rule.scale
        self.kf = [self.S] * st.n
        self.total = data.summary.valid * self.S
        self.tree = BallotTree(data.rankings, data.weights, st.state)
        self.equal = list(zip(data.equal, data.equal_weights, strict=True))
        self.votes = [0] * st.n
        self.quota = 0
        self.surplus = 0
        self.batch: list[int] = []

    # -- arithmetic ----------------------------------------------------------------

    def show(self, v: int) -> int:
        """Internal value at display precision (rounded, as the reference shows it)."""
        drop = self.rule.digits - self.rule.places
        return v if drop == 0 else (v + 10**drop // 2) // 10**drop

    def ge(self, a: int, b: int) -> bool:
        """a >= b, with guarded equality when the rule has guard digits."""
        return b - a < self.rule.geps

    def distribute(self) -> list[int]:
        """One Meek distribution of every ballot, returning each candidate's votes."""
        votes = [0] * self.st.n
        self.tree.distribute(self.kf, self.S, self.rule.prf, votes)
        for ranks, weight in self.equal:
            self._share(ranks, 0, self.S, weight, votes)
        return votes

    def _keep(self, w: int, k: int) -> tuple[int, int]:
        """What a candidate keeps of weight w, and what goes on."""
        if self.rule.prf:
            keep = (w * k + self.S - 1) // self.S
            return keep, w - keep
        return w * k // self.S, w * (self.S - k) // self.S

    def _share(
        self, ranks: tuple[tuple[int, ...], ...], i: int, w: int, m: int, votes: list[int]
    ) -> None:
        """Equal ranks: split the weight equally among the candidates still in."""
        state = self.st.state
        while i < len(ranks) and w:
            live = [c for c in ranks[i] if state[c] != EXCLUDED]
            if live:
                part = w // len(live)
                for c in live:
                    keep, rest = self._keep(part, self.kf[c])
                    votes[c] += keep * m
                    self._share(ranks, i + 1, rest, m, votes)
                return
            i += 1

    # -- rounds --------------------------------------------------------------------

    def first_count(self) -> None:
        """Round 1: first preferences, before any keep factor changes."""
        self.votes = self.distribute()
        self.quota = self._quota()
        self._record("first count", [], [], 0)

    def _quota(self) -> int:
        """B.2.b: votes of candidates still in / (seats + 1), rounded as the rule says."""
        live = sum(self.votes[c] for c in range(self.st.n) if self.st.state[c] != EXCLUDED)
        q = live // (self.st.seats + 1)
        return q + 1 if self.rule.prf else q

    def _record(self, action: str, elected: list[Move], excluded: list[Move], its: int) -> None:
        """Close a round: its counts, quota, keep factors and moves go into the report."""
        st = self.st
        st.stage += 1
        shown = [self.show(v) for v in self.votes]
        live = sum(v for c, v in enumerate(self.votes) if st.state[c] != EXCLUDED)
        st.rounds.append(
            Round(
                number=st.stage,
                action=action,
                counts=st.counts(shown),
                quota=fmt(self.show(self.quota), st.places),
                subject=tuple(m.candidate for m in (*elected, *excluded)),
                exhausted=fmt(self.show(self.total - live), st.places),
                elected=tuple(elected),
                excluded=tuple(excluded),
                keep_factors=tuple(
                    (st.ids[c], fmt(self.show(self.kf[c]), st.places))
                    for c in range(st.n)
                    if st.state[c] == ELECTED
                ),
                surplus=fmt(self.show(self.surplus), st.places),
                iterations=its,
            )
        )
        st.snapshot(self.votes)

    def _out(self, batch: list[int]) -> None:
        """Exclude candidates: keep factor 0, and their ballots move on in the tree."""
        for c in batch:
            self.st.state[c] = EXCLUDED
            self.kf[c] = 0
        self.tree.moved(batch)

    def iterate(self) -> tuple[str, list[Move], list[Move], int]:
        """B.2: distribute and update keep factors until an election or convergence."""
        st, rule, S = self.st, self.rule, self.S
        last = self.total
        its = 0
        while True:
            its += 1
            self.votes = votes = self.distribute()
            self.quota = q = self._quota()
            reached = [c for c in st.hopeful() if self._has_quota(votes[c], q)]
            elected: list[Move] = []
            refused: list[Move] = []
            changed: list[int] = []
            for c in st.order_reached(reached, votes):
                if st.seats_left() <= 0:
                    break
                verdict = st.may_elect(c)
                if verdict.ok:
                    st.elect(c, elected, "quota")
                else:
                    refused.append(st.note(c, "excluded", verdict))
                    st.state[c] = EXCLUDED
                    self.kf[c] = 0
                changed.append(c)
            self.surplus = max(0, sum(votes[c] - q for c in st.elected))
            if changed:
                self.tree.moved(changed)
                return "elected", elected, refused, its
            if self._below_omega():
                return "omega", elected, refused, its
            if self.ge(self.surplus, last):
                return "stable", elected, refused, its
            if not rule.prf and not st.constraints.active and self._sure_losers():
                return "batch", elected, refused, its
            last = self.surplus
            for c in st.elected:
                if not votes[c]:
                    continue  # nothing reaches c: its keep factor cannot be recomputed
                k = self.kf[c] * q
                if rule.prf:
                    k = (k + S - 1) // S
                    self.kf[c] = (k * S + votes[c] - 1) // votes[c]
                else:
                    self.kf[c] = (k // S) * S // votes[c]

    def _has_quota(self, vote: int, quota: int) -> bool:
        """PRF: vote >= quota (the quota is rounded up); general rule: vote > quota."""
        return vote >= quota if self.rule.prf else vote - quota >= self.rule.geps

    def _below_omega(self) -> bool:
        """PRF: surplus < omega; general rule: surplus <= omega."""
        if self.rule.prf:
            return self.surplus < self.rule.omega
        return self.surplus - self.rule.omega < self.rule.geps

    def _sure_losers(self) -> list[int]:
        """General rule: the largest set of lowest candidates who cannot catch up.

        Their votes plus the total surplus stay below the next candidate's votes,
        tied candidates are never split, and enough candidates remain for the seats.
        """
        votes, surplus, st = self.votes, self.surplus, self.st
        groups: list[list[int]] = []
        group: list[int] = []
        base = 0
        for c in sorted(st.hopeful(), key=lambda c: (votes[c], c)):
            if self.ge(base + surplus, votes[c]):
                group.append(c)
            else:
                if group:
                    groups.append(group)
                group, base = [c], votes[c]
        if group:
            groups.append(group)
        room = len(st.hopeful()) - st.seats_left()
        total, taken, best = 0, 0, -1
        for g in range(len(groups) - 1):
            taken += len(groups[g])
            if taken > room:
                break
            total += sum(votes[c] for c in groups[g])
            if votes[groups[g + 1][0]] - (total + surplus) >= self.rule.geps:
                best = g
        self.batch = [c for g in groups[: best + 1] for c in g]
        return self.batch

    def run(self) -> None:
        """Rounds until the seats are filled, then the last vacancies."""
        st = self.st
        self.first_count()
        while not st.complete():
            blocked = st.blocked()
            if blocked:
                moves = [st.note(c, "excluded", v) for c, v in blocked]
                self._out([c for c, _ in blocked])
                self._record("exclusion", [], moves, 0)
                continue
            status, elected, refused, its = self.iterate()
            if status == "elected":
                self._record("election", elected, refused, its)
                continue
            if status == "batch":
                losers = sorted(self.batch)
                moves = [Move(st.ids[c], "sure loser") for c in losers]
            else:
                low = st.lowest(self.votes, self.surplus + self.rule.geps - 1)
                losers, moves = [low], [Move(st.ids[low], f"lowest ({status})")]
            self._record("exclusion", [], moves, its)
            self._out(losers)
        if st.seats_left() > 0 and st.hopeful():
            self.votes = self.distribute()  # the count as it stands, to order the last seats
            self._record("last vacancies", [], [], 1)
        last: list[Move] = []
        st.fill_last(self.votes, last)
        if last:
            final = st.rounds[-1]
            st.rounds[-1] = replace(final, elected=(*final.elected, *last))


def count_meek(st: StvState, data: RankedInput, rule: MeekRule) -> str:
    """Run a Meek count on `st`; return the final quota as a decimal string."""
    count = MeekCount(st, data, rule)
    count.run()
    return fmt(count.show(count.quota), rule.places)
