"""A deliberately plain PRF Meek count, ballot by ballot, to check the fast engine against.

No trees, no chunks: every iteration walks every ballot, exactly as the PR
Foundation's reference rule is written. Ties by lot follow `order`.
"""

from __future__ import annotations

from collections.abc import Sequence

S = 10**9
OMEGA = 10**3


def naive_meek(
    ids: Sequence[str],
    ballots: Sequence[tuple[tuple[str, ...], int]],
    seats: int,
    order: Sequence[str],
) -> tuple[list[str], list[dict[str, int]]]:
    """Winners in order of election, and every candidate's votes at each round's end."""
    rank = {c: n for n, c in enumerate(order)}
    state = dict.fromkeys(ids, "hopeful")
    kf = dict.fromkeys(ids, S)
    elected: list[str] = []
    total = sum(w for _, w in ballots) * S

    def distribute() -> dict[str, int]:
        """One pass over every ballot with the current keep factors."""
        votes = dict.fromkeys(ids, 0)
        for ranking, weight in ballots:
            w = S
            for c in ranking:
                if state[c] == "excluded":
                    continue
                keep = (w * kf[c] + S - 1) // S
                votes[c] += keep * weight
                w -= keep
                if w <= 0:
                    break
        return votes

    def hopeful() -> list[str]:
        """Candidates neither elected nor excluded."""
        return [c for c in ids if state[c] == "hopeful"]

    votes = distribute()
    rounds = [votes]
    while len(hopeful()) > seats - len(elected) > 0:
        last = total
        while True:
            votes = distribute()
            live = sum(v for c, v in votes.items() if state[c] != "excluded")
            quota = live // (seats + 1) + 1
            reached = sorted(
                (c for c in hopeful() if votes[c] >= quota), key=lambda c: (-votes[c], rank[c])
            )
            for c in reached[: seats - len(elected)]:
                state[c] = "elected"
                elected.append(c)
            surplus = max(0, sum(votes[c] - quota for c in elected))
            if reached or surplus < OMEGA or surplus >= last:
                break
            last = surplus
            for c in elected:
                k = (kf[c] * quota + S - 1) // S
                kf[c] = (k * S + votes[c] - 1) // votes[c]
        rounds.append(votes)
        if reached:
            continue
        low = min(votes[c] for c in hopeful())
        tied = [c for c in hopeful() if votes[c] <= low + surplus]
        loser = min(tied, key=rank.__getitem__)
        state[loser] = "excluded"
        kf[loser] = 0
    if seats - len(elected) > 0 and hopeful():
        votes = distribute()
        rounds.append(votes)
        for c in sorted(hopeful(), key=lambda c: (-votes[c], rank[c])):
            if len(elected) < seats:
                elected.append(c)
    return elected, rounds
