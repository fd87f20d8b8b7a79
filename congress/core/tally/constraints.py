"""Group quotas and branch caps, applied inside the count.

The rule, in plain words (the bylaws page quotes this):

A group quota says that at least a number of the seats go to members of a group;
a branch cap says that no branch may take more than a number of the seats. The
count never declares a candidate elected if that would put a branch over its cap,
or leave too few seats for every group to reach its minimum with the candidates
still in the count. Nor does it let a candidate drop out of the count if the group
minimums could then no longer be met.

- Block vote and approval: candidates are taken from the most votes down (ties by
  lot). A candidate whose election would break a cap or make a minimum impossible
  is skipped, and the next one is taken instead.
- STV (Scottish and Meek): a candidate who reaches the quota but whose election
  would break a cap or make a minimum impossible is excluded instead. When a branch
  reaches its cap, its remaining candidates are excluded. When the seats left are
  only just enough for the seats still owed to a group, the candidates outside that
  group are excluded. When the lowest candidate may not be excluded because their
  group would then fall short, the next lowest is excluded instead.
- If a minimum cannot be reached even at the start (too few candidates in the
  group; in block and approval, too few of them with at least one vote), it is
  lowered to what can be reached, and the report says so.

Every such step is written into the report with the article that requires it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from congress.core.tally.model import Adjustment, BranchCap, Candidate, GroupQuota

INFEASIBLE = 1 << 30


@dataclass(frozen=True)
class Verdict:
    """Whether a step is allowed and, if not, which quota or cap forbids it."""

    ok: bool
    rule: str = ""
    subject: str = ""
    article: str = ""


ALLOWED = Verdict(True)


class Constraints:
    """Feasibility checks for group minimums and branch caps over candidate indices."""

    def __init__(
        self,
        candidates: Sequence[Candidate],
        quotas: Sequence[GroupQuota],
        cap: BranchCap | None,
        seats: int,
    ) -> None:
        self.quotas = [q for q in quotas if q.min_seats > 0]
        self.cap = cap
        self.seats = seats
        self.branch = [c.branch for c in candidates]
        self.masks = [
            sum(1 << g for g, q in enumerate(self.quotas) if q.group in c.groups)
            for c in candidates
        ]
        self.minimums = [q.min_seats for q in self.quotas]
        self.active = bool(self.quotas) or cap is not None
        self.adjustments: list[Adjustment] = []
        self.lower_unreachable(range(len(candidates)))

    def lower_unreachable(self, pool: Collection[int]) -> None:
        """Lower minimums no count could reach with `pool`, and record that in the report."""
        for g in range(len(self.quotas)):
            best = self.minimums[g]
            while best > 0 and self._min_picks((), pool, self._with(g, best)) > self.seats:
                best -= 1
            if best < self.minimums[g]:
                self.minimums[g] = best
                self._lowered(g)
        while self._min_picks((), pool, self.minimums) > self.seats:
            g = max(range(len(self.quotas)), key=lambda i: (self.minimums[i], -i))
            self.minimums[g] -= 1
            self._lowered(g)

    def _lowered(self, g: int) -> None:
        """Report that group `g`'s minimum was lowered, with its new value."""
        q = self.quotas[g]
        self.adjustments.append(
            Adjustment(
                None, "minimum-lowered", "group-quota", q.group, q.article, 0, self.minimums[g]
            )
        )

    def _with(self, g: int, value: int) -> list[int]:
        """Minimums with only group `g` asked for (used to test each alone)."""
        out = [0] * len(self.quotas)
        out[g] = value
        return out

    def _note(
        self, candidate: str | None, action: str, rule: str, subject: str, article: str, stage: int
    ) -> None:
        """Append one adjustment to the report."""
        self.adjustments.append(Adjustment(candidate, action, rule, subject, article, stage))

    def record(self, candidate: str, action: str, verdict: Verdict, stage: int) -> None:
        """Write an adjustment caused by `verdict` into the report."""
        self._note(candidate, action, verdict.rule, verdict.subject, verdict.article, stage)

    def _branch_count(self, elected: Collection[int], branch: str | None) -> int:
        """How many of `elected` come from `branch` (caps count per branch)."""
        return sum(1 for e in elected if self.branch[e] == branch)

    def _min_picks(
        self, elected: Collection[int], pool: Collection[int], minimums: Sequence[int]
    ) -> int:
        """Fewest further seats needed to meet every minimum, given the caps."""
        deficits = list(minimums)
        for e in elected:
            m = self.masks[e]
            for g in range(len(deficits)):
                if m >> g & 1 and deficits[g] > 0:
                    deficits[g] -= 1
        start = tuple(deficits)
        if not any(start):
            return 0
        buckets: dict[str | None, dict[int, int]] = {}
        for c in pool:
            m = self.masks[c]
            if m:
                bucket = buckets.setdefault(self.branch[c], {})
                bucket[m] = bucket.get(m, 0) + 1
        states = {start: 0}
        for branch, bucket in buckets.items():
            room = INFEASIBLE
            if self.cap is not None and branch is not None:
                room = max(0, self.cap.max_seats - self._branch_count(elected, branch))
            options = sorted(bucket.items())
            new_states: dict[tuple[int, ...], int] = {}
            for state, used in states.items():
                self._spread(options, 0, state, used, room, new_states)
            states = new_states
        return states.get(tuple(0 for _ in start), INFEASIBLE)

    def _spread(
        self,
        options: list[tuple[int, int]],
        k: int,
        state: tuple[int, ...],
        used: int,
        room: int,
        out: dict[tuple[int, ...], int],
    ) -> None:
        """Try every useful number of picks from each kind of candidate in a branch."""
        if k == len(options):
            if used < out.get(state, INFEASIBLE):
                out[state] = used
            return
        mask, available = options[k]
        useful = max((state[g] for g in range(len(state)) if mask >> g & 1), default=0)
        for take in range(min(available, room, useful) + 1):
            nxt = tuple(max(0, d - take) if mask >> g & 1 else d for g, d in enumerate(state))
            self._spread(options, k + 1, nxt, used + take, room - take, out)

    def can_elect(self, c: int, elected: Collection[int], continuing: Collection[int]) -> Verdict:
        """May `c` be elected now, with `continuing` the others still in the count?"""
        if not self.active:
            return ALLOWED
        branch = self.branch[c]
        if (
            self.cap is not None
            and branch is not None
            and self._branch_count(elected, branch) >= self.cap.max_seats
        ):
            return Verdict(False, "branch-cap", branch, self.cap.article)
        after = [*elected, c]
        pool = [x for x in continuing if x != c]
        return self._check(after, pool, self.seats - len(after))

    def can_exclude(self, c: int, elected: Collection[int], continuing: Collection[int]) -> Verdict:
        """May `c` leave the count, or would a group minimum become impossible?"""
        if not self.quotas:
            return ALLOWED
        pool = [x for x in continuing if x != c]
        return self._check(list(elected), pool, self.seats - len(elected))

    def _check(self, elected: Sequence[int], pool: Collection[int], seats_left: int) -> Verdict:
        """Verdict for a state: can the minimums still be met within `seats_left`?"""
        if not self.quotas or self._min_picks(elected, pool, self.minimums) <= seats_left:
            return ALLOWED
        for g, q in enumerate(self.quotas):
            if self._min_picks(elected, pool, self._with(g, self.minimums[g])) > seats_left:
                return Verdict(False, "group-quota", q.group, q.article)
        q = self.quotas[0]
        return Verdict(False, "group-quota", q.group, q.article)

    def blocked(
        self, elected: Collection[int], continuing: Sequence[int]
    ) -> list[tuple[int, Verdict]]:
        """Continuing candidates who can no longer be elected (to exclude them now)."""
        if not self.active:
            return []
        out = []
        for c in continuing:
            verdict = self.can_elect(c, elected, continuing)
            if not verdict.ok:
                out.append((c, verdict))
        return out
