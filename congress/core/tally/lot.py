"""Breaking ties: by looking back to earlier stages, and otherwise by lot.

The lot is a fixed order of all candidates drawn before any tie arises:

    lot_order(seed, ids) sorts the ids by SHA-256(seed + id encoded as UTF-8),
    smallest digest first (the id itself breaks the impossible digest tie).

When a tie must be broken by lot, the tied candidate who comes first in that order
is the one the lot picks: the one excluded when the question is whom to exclude,
the one whose surplus goes first, the one who takes the seat in a block vote. The
web layer seeds the lot with SHA-256(audit chain head at close + poll id), so nobody
can know the order before the poll closes and everybody can recompute it after.
A BLT file may instead fix the order with a `[tie ...]` line (`CountRules.tie_order`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from congress.core.tally.model import Tie


def lot_order(seed: bytes, candidate_ids: Iterable[str]) -> tuple[str, ...]:
    """Order ids by SHA-256(seed || id), so the lot is reproducible by anyone."""
    return tuple(
        sorted(candidate_ids, key=lambda cid: (hashlib.sha256(seed + cid.encode()).digest(), cid))
    )


def full_lot_order(
    seed: bytes, candidate_ids: Sequence[str], tie_order: Sequence[str] | None
) -> tuple[str, ...]:
    """The lot order used by a count: the given tie order first, then the seeded lot."""
    if tie_order is None:
        return lot_order(seed, candidate_ids)
    known = set(candidate_ids)
    head = [cid for cid in dict.fromkeys(tie_order) if cid in known]
    rest = lot_order(seed, [cid for cid in candidate_ids if cid not in set(head)])
    return (*head, *rest)


class TieBreaker:
    """Breaks ties for one count over candidate indices and records each tie."""

    def __init__(self, ids: Sequence[str], order: Sequence[str], lookback: bool) -> None:
        self.ids = tuple(ids)
        position = {cid: n for n, cid in enumerate(order)}
        self.rank = [position.get(cid, len(position) + i) for i, cid in enumerate(ids)]
        self.lookback = lookback
        self.ties: list[Tie] = []

    def by_lot(self, tied: Iterable[int]) -> list[int]:
        """The tied indices in lot order (first = the one the lot picks)."""
        return sorted(tied, key=self.rank.__getitem__)

    def choose(
        self,
        tied: Sequence[int],
        *,
        lowest: bool,
        stage: int,
        purpose: str,
        history: Sequence[Sequence[int]] = (),
        history_stages: Sequence[int] = (),
    ) -> int:
        """Pick one of `tied`: the most recent stage where they differed, else the lot.

        `history` holds each earlier stage's counts (indexed by candidate), oldest
        first, with `history_stages` their stage numbers; `lowest` says whether the
        question is who had fewest votes (exclusion) or most (surplus order).
        """
        if len(tied) == 1:
            return tied[0]
        names = tuple(self.ids[i] for i in sorted(tied))
        remaining = list(tied)
        if self.lookback:
            for counts, stage_no in zip(reversed(history), reversed(history_stages), strict=True):
                values = [counts[i] for i in remaining]
                target = min(values) if lowest else max(values)
                remaining = [i for i, v in zip(remaining, values, strict=True) if v == target]
                if len(remaining) == 1:
                    chosen = remaining[0]
                    self.ties.append(
                        Tie(names, stage, purpose, "lookback", self.ids[chosen], stage_no)
                    )
                    return chosen
        ordered = self.by_lot(remaining)
        chosen = ordered[0]
        self.ties.append(
            Tie(
                names,
                stage,
                purpose,
                "lot",
                self.ids[chosen],
                lot_order=tuple(self.ids[i] for i in ordered),
            )
        )
        return chosen

    def order_by_lot(self, tied: Sequence[int], *, stage: int, purpose: str) -> list[int]:
        """Order a whole tied group by lot and record it (block, approval, single)."""
        ordered = self.by_lot(tied)
        self.ties.append(
            Tie(
                tuple(self.ids[i] for i in sorted(tied)),
                stage,
                purpose,
                "lot",
                self.ids[ordered[0]],
                lot_order=tuple(self.ids[i] for i in ordered),
            )
        )
        return ordered
