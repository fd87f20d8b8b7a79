"""Bookkeeping shared by every STV count: who is hopeful, elected or out, and the rounds.

The counting rules (Scottish, WIGM, Meek) differ in how votes move; they agree on
what a stage records, on how group quotas and branch caps step in, and on how the
last seats are filled, so that part lives here once.
"""

from __future__ import annotations

from collections.abc import Sequence

from congress.core.tally.constraints import Constraints, Verdict
from congress.core.tally.lot import TieBreaker
from congress.core.tally.model import Move, Round, fmt

HOPEFUL, ELECTED, EXCLUDED = 0, 1, 2


class StvState:
    """Candidate states, election order, stage history and round records of one count."""

    def __init__(
        self,
        ids: Sequence[str],
        seats: int,
        places: int,
        constraints: Constraints,
        ties: TieBreaker,
    ) -> None:
        self.ids = tuple(ids)
        self.n = len(ids)
        self.seats = seats
        self.places = places
        self.constraints = constraints
        self.ties = ties
        self.state = [HOPEFUL] * self.n
        self.elected: list[int] = []
        self.rounds: list[Round] = []
        self.history: list[list[int]] = []
        self.stage = 0
        self.vacancies = 0

    # -- who is where -------------------------------------------------------------

    def hopeful(self) -> list[int]:
        """Continuing candidates (neither elected nor excluded), in input order."""
        return [c for c in range(self.n) if self.state[c] == HOPEFUL]

    def seats_left(self) -> int:
        """Seats not yet filled."""
        return self.seats - len(self.elected)

    def complete(self) -> bool:
        """All seats filled, or no more continuing candidates than seats left."""
        left = self.seats_left()
        return left <= 0 or len(self.hopeful()) <= left

    def elect(self, c: int, move: list[Move], reason: str) -> None:
        """Declare `c` elected and note it in the current stage."""
        self.state[c] = ELECTED
        self.elected.append(c)
        move.append(Move(self.ids[c], reason))

    # -- constraints --------------------------------------------------------------

    def may_elect(self, c: int) -> Verdict:
        """Would electing `c` keep every cap and group minimum reachable?"""
        return self.constraints.can_elect(c, self.elected, self.hopeful())

    def blocked(self) -> list[tuple[int, Verdict]]:
        """Continuing candidates a cap or group minimum now rules out."""
        return self.constraints.blocked(self.elected, self.hopeful())

    def note(self, c: int, action: str, verdict: Verdict) -> Move:
        """Record a constraint adjustment and return the matching move."""
        self.constraints.record(self.ids[c], action, verdict, self.stage)
        return Move(self.ids[c], verdict.rule, verdict.article)

    def order_reached(self, reached: list[int], votes: Sequence[int]) -> list[int]:
        """Order candidates reaching the quota together: most votes first.

        Equal votes only matter when a cap or quota may let just one of them in;
        then the tie is broken like any other (lookback, then lot) and recorded.
        """
        rest = sorted(reached, key=lambda c: (-votes[c], self.ties.rank[c]))
        if not self.constraints.active:
            return rest
        out: list[int] = []
        while rest:
            top = [c for c in rest if votes[c] == votes[rest[0]]]
            pick = self.choose(top, lowest=False, purpose="election order")
            out.append(pick)
            rest.remove(pick)
        return out

    def choose(self, tied: list[int], *, lowest: bool, purpose: str) -> int:
        """Break a tie for the next stage, looking back over the stages completed so far.

        The latest completed stage comes first: under Scottish rules it holds the tied
        counts themselves (equal, so it decides nothing); under Meek the tied counts
        are the current round's, not yet completed, and may differ within the surplus.
        """
        return self.ties.choose(
            tied,
            lowest=lowest,
            stage=self.stage + 1,
            purpose=purpose,
            history=self.history,
            history_stages=range(1, len(self.history) + 1),
        )

    def lowest(self, votes: Sequence[int], margin: int = 0) -> int:
        """The continuing candidate to exclude: fewest votes, ties broken, quotas kept.

        `margin` widens what counts as a tie (Meek: the total surplus).
        """
        hopeful = sorted(self.hopeful(), key=lambda c: (votes[c], c))
        allowed = []
        skipped = []
        for c in hopeful:
            verdict = self.constraints.can_exclude(c, self.elected, hopeful)
            if verdict.ok:
                allowed.append(c)
            else:
                skipped.append((c, verdict))
        if not allowed:
            allowed, skipped = hopeful, []
        low = votes[allowed[0]]
        tied = [c for c in allowed if votes[c] <= low + margin]
        chosen = self.choose(tied, lowest=True, purpose="exclusion")
        for c, verdict in skipped:
            if votes[c] <= votes[chosen]:
                self.note(c, "kept", verdict)
        return chosen

    def fill_last(self, votes: Sequence[int], move: list[Move]) -> None:
        """Elect the continuing candidates when they are no more than the seats left."""
        if self.seats_left() <= 0:
            return
        for c in sorted(self.hopeful(), key=lambda c: (-votes[c], self.ties.rank[c])):
            if self.seats_left() <= 0:
                break
            verdict = self.may_elect(c)
            if verdict.ok:
                self.elect(c, move, "last vacancies")
            else:
                self.state[c] = EXCLUDED
                self.note(c, "skipped", verdict)
        self.vacancies = max(0, self.seats_left())

    # -- records ------------------------------------------------------------------

    def counts(self, votes: Sequence[int]) -> tuple[tuple[str, str], ...]:
        """Every candidate's votes as exact decimal strings."""
        return tuple((self.ids[c], fmt(votes[c], self.places)) for c in range(self.n))

    def deltas(self, before: Sequence[int], after: Sequence[int]) -> tuple[tuple[str, str], ...]:
        """Net change per candidate over a stage (non-zero changes only)."""
        return tuple(
            (self.ids[c], fmt(after[c] - before[c], self.places))
            for c in range(self.n)
            if after[c] != before[c]
        )

    def snapshot(self, votes: Sequence[int]) -> None:
        """Remember the counts at the end of a stage, for ties broken by lookback."""
        self.history.append(list(votes))
