"""The PR Foundation's WIGM reference rule (weighted inclusive Gregory method).

It differs from Scottish STV only in its arithmetic and quota: four decimal places,
every multiplication and division truncated, quota = valid / (seats + 1) truncated
plus 0.0001, and ties broken by lot alone (no lookback). It exists so the engine
can be checked against the reference counts of the tally corpus.
"""

from __future__ import annotations

from congress.core.tally.scottish import GregoryRule


def wigm_quota(valid: int, seats: int, scale: int) -> int:
    """A.1: valid / (seats + 1), truncated to four places, plus 0.0001."""
    return valid * scale // (seats + 1) + 1


def wigm_value(value: int, surplus: int, total: int, scale: int) -> int:
    """B.3 with D.4: (weight x surplus), truncated, then / total, truncated."""
    return (value * surplus // scale) * scale // total


WIGM = GregoryRule("stv-wigm", 4, wigm_quota, wigm_value)
