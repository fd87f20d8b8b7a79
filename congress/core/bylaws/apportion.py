"""Delegates per branch from the members in good standing, by the bylaws' method.

Methods:
- `all_members`: every member in good standing is a delegate.
- `per_n`: one delegate per N members (rounded down, up, or to the nearest with
  halves up), at least the minimum per branch, never more than its members.
  Each branch depends only on its own count, so no branch ever loses a delegate
  when another branch shrinks, and a branch never loses one when it grows.
- `fixed_size`: a conference of S delegates shared by largest remainder
  (Hamilton). What holds: the total is exactly min(S, all members); every branch
  gets floor or ceil of its exact quota S * m / M (the quota property). What does
  NOT hold: population monotonicity (a branch can lose a seat when another
  shrinks: the Alabama/population paradoxes of Hamilton's method). Equal
  remainders go to the larger branch, then to the branch code first in order,
  so the result is deterministic. If S >= all members, everyone is a delegate.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING

from congress.core.bylaws.frozen import FrozenMap
from congress.core.bylaws.results import Apportionment

if TYPE_CHECKING:
    from congress.core.bylaws.model import Bylaws
    from congress.core.bylaws.schema import ApportionmentRule


def apportion(b: Bylaws, members: Mapping[str, int]) -> Apportionment:
    """Delegates and alternates per branch code, with the method and its article."""
    for code, m in members.items():
        if not isinstance(m, int) or isinstance(m, bool) or m < 0:
            raise ValueError(f"members of branch {code!r} must be an integer >= 0, got {m!r}")
    rule = b.delegates.apportionment
    if rule.method == "all_members":
        delegates = dict(members)
    elif rule.method == "per_n":
        delegates = {code: per_n(rule, m) for code, m in members.items()}
    else:
        delegates = largest_remainder(rule.size or 0, members)
    alternates = {code: 0 for code in members}
    alt = b.delegates.alternates
    if alt is not None and alt.allowed:
        for code, d in delegates.items():
            wanted = -((-alt.ratio.numerator * d) // alt.ratio.denominator)
            alternates[code] = min(wanted, members[code] - d)
    return Apportionment(
        method=rule.method,
        delegates=FrozenMap(delegates),
        alternates=FrozenMap(alternates),
        total=sum(delegates.values()),
        article=rule.article,
        alternates_article=alt.article if alt is not None else None,
    )


def per_n(rule: ApportionmentRule, m: int) -> int:
    """One delegate per N members with the stated rounding and minimum, capped at m."""
    n = rule.members_per_delegate or 1
    if rule.rounding == "up":
        base = -(-m // n)
    elif rule.rounding == "nearest":
        base = (2 * m + n) // (2 * n)
    else:
        base = m // n
    return min(m, max(rule.minimum_per_branch, base))


def largest_remainder(size: int, members: Mapping[str, int]) -> dict[str, int]:
    """Hamilton's method over exact fractions; see the module docstring for what holds."""
    total = sum(members.values())
    if total <= size:
        return dict(members)
    quotas = {code: Fraction(size * m, total) for code, m in members.items()}
    seats = {code: q.numerator // q.denominator for code, q in quotas.items()}
    left = size - sum(seats.values())
    ranked = sorted(members, key=lambda c: (-(quotas[c] - seats[c]), -members[c], c))
    for code in ranked[:left]:
        seats[code] += 1
    return seats
