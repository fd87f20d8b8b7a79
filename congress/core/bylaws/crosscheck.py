"""Cross-reference checks that need the whole document: bodies, groups, kinds, seats.

These run after every section has been read, and only look at parts that were
read cleanly, so one typo does not cascade into a dozen unrelated errors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from congress.core.bylaws.frozen import FrozenMap
from congress.core.bylaws.lines import join
from congress.core.bylaws.messages import expect, hint, listing, message
from congress.core.bylaws.reader import Reader
from congress.core.bylaws.schema import Body, Branches, Conference, Group, Membership, Motions
from congress.core.bylaws.wording import count, share

CANDIDATE_POOLS = ("members", "delegates")
CHAIRS = ("elected", "eldest_delegate")


def run(
    r: Reader,
    branches: Branches | None,
    membership: Membership,
    conference: Conference,
    bodies: FrozenMap[str, Body],
    motions: Motions,
) -> None:
    """Check every reference between parts of the document, and seat arithmetic."""
    keys = tuple(bodies)
    chair = conference.chair
    where = join(chair.path, "chaired_by")
    if r.clean(where) and chair.chaired_by not in CHAIRS and chair.chaired_by not in bodies:
        _unknown_body(r, where, chair.chaired_by, (*CHAIRS, *keys))
    for group in membership.groups.values():
        _group_branches(r, group, branches)
    for body in bodies.values():
        _references(r, body, keys)
        _seats(r, body, membership.groups, branches)
    _cycles(r, bodies)
    for category in motions.categories.values():
        where = join(category.path, "kind")
        if r.clean(where) and category.kind not in motions.majorities:
            known = tuple(motions.majorities)
            r.error(
                where,
                "unknown_majority",
                message(
                    "unknown_majority",
                    name=category.kind,
                    hint=hint(category.kind, known),
                    known=listing(known),
                ),
            )


def _unknown_body(r: Reader, where: str, name: str, allowed: Sequence[str]) -> None:
    r.error(
        where,
        "unknown_body",
        message("unknown_body", name=name, hint=hint(name, allowed), allowed=listing(allowed)),
    )


def _group_branches(r: Reader, group: Group, branches: Branches | None) -> None:
    if branches is None or group.branches is None:
        return
    for i, code in enumerate(group.branches):
        if code not in branches.names:
            r.error(
                f"{join(group.path, 'branches')}[{i}]",
                "unknown_branch",
                message("unknown_branch", name=code, known=listing(branches.names)),
            )


def _references(r: Reader, body: Body, keys: tuple[str, ...]) -> None:
    if body.elected_by is not None:
        where = join(body.path, "elected_by")
        if r.clean(where) and body.elected_by not in ("conference", *keys):
            _unknown_body(r, where, body.elected_by, ("conference", *keys))
    if body.appointed_by is not None:
        where = join(body.path, "appointed_by")
        if r.clean(where) and body.appointed_by not in keys:
            _unknown_body(r, where, body.appointed_by, keys)
    where = join(body.path, "candidates_from")
    if not r.clean(where):
        return
    if body.candidates_from == body.key:
        r.error(where, "self_reference", message("self_reference", body=body.key))
    elif body.candidates_from not in (*CANDIDATE_POOLS, *keys):
        _unknown_body(r, where, body.candidates_from, (*CANDIDATE_POOLS, *keys))


def _seats(r: Reader, body: Body, groups: Mapping[str, Group], branches: Branches | None) -> None:
    if not r.clean(join(body.path, "seats")):
        return
    minimums: dict[str, int] = {}
    for quota in body.quotas:
        where = join(quota.path, "at_least")
        if quota.group not in groups:
            known = tuple(groups)
            r.error(
                quota.path,
                "unknown_group",
                message(
                    "unknown_group",
                    name=quota.group,
                    hint=hint(quota.group, known),
                    known=listing(known),
                ),
            )
            continue
        if not r.clean(where):
            continue
        needed = quota.seats(body.seats)
        if needed > body.seats:
            r.error(
                where,
                "quota_exceeds_seats",
                message(
                    "quota_exceeds_seats",
                    group=quota.group,
                    minimum=count(needed, "seat"),
                    seats=count(body.seats, "seat"),
                ),
            )
            continue
        minimums[quota.group] = needed
    names = list(minimums)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if _disjoint(groups[a], groups[b]) and minimums[a] + minimums[b] > body.seats:
                where = join(join(join(body.path, "quotas"), b), "at_least")
                r.error(
                    where,
                    "quotas_disjoint",
                    message(
                        "quotas_disjoint",
                        a=a,
                        b=b,
                        a_min=count(minimums[a], "seat"),
                        b_min=count(minimums[b], "seat"),
                        seats=count(body.seats, "seat"),
                    ),
                )
    cap = body.branch_cap
    if cap is None or not r.clean(join(cap.path, "at_most")):
        return
    where = join(cap.path, "at_most")
    maximum = cap.seats(body.seats)
    if isinstance(cap.at_most, int) and cap.at_most > body.seats:
        wanted = expect("seats_max", seats=body.seats)
        r.error(where, "out_of_range", message("out_of_range", expected=wanted, found=cap.at_most))
        return
    if maximum < 1 and isinstance(cap.at_most, Fraction):  # a whole-seat cap is at least 1
        r.error(
            where,
            "cap_below_one",
            message("cap_below_one", cap=share(cap.at_most), maximum=count(maximum, "seat")),
        )
        return
    if branches is not None and maximum * len(branches.names) < body.seats:
        n = len(branches.names)
        r.error(
            where,
            "cap_unfillable",
            message(
                "cap_unfillable",
                branches=count(n, "branch"),
                maximum=count(maximum, "seat"),
                fillable=maximum * n,
                seats=count(body.seats, "seat"),
            ),
        )
    for group, needed in minimums.items():
        limited = groups[group].branches
        if limited is not None and maximum * len(limited) < needed:
            r.error(
                where,
                "cap_quota_conflict",
                message(
                    "cap_quota_conflict",
                    group=group,
                    count=count(len(limited), "branch"),
                    maximum=count(maximum * len(limited), "seat"),
                    minimum=count(needed, "seat"),
                ),
            )


def _disjoint(a: Group, b: Group) -> bool:
    """True only when the definitions prove that no member can belong to both groups."""
    for first, second in ((a.genders, b.genders), (a.branches, b.branches)):
        if first is not None and second is not None and not set(first) & set(second):
            return True
    same_field = a.extra_field is not None and a.extra_field == b.extra_field
    if same_field and not set(a.extra_values or ()) & set(b.extra_values or ()):
        return True
    low = max(a.age_at_least or 0, b.age_at_least or 0)
    high = min(a.age_under or 10**6, b.age_under or 10**6)
    return low >= high


def _cycles(r: Reader, bodies: FrozenMap[str, Body]) -> None:
    """Each body has one chooser, so the graph is functional: follow each chain once."""
    order = {key: i for i, key in enumerate(bodies)}
    reported: set[str] = set()
    for start in bodies:
        chain: list[str] = []
        node: str | None = start
        while node is not None and node in bodies and node not in chain:
            chain.append(node)
            node = bodies[node].chosen_by or None
        if node is None or node not in chain:
            continue
        cycle = chain[chain.index(node) :]
        if reported & set(cycle):
            continue
        reported.update(cycle)
        first = min(cycle, key=order.__getitem__)
        turn = cycle.index(first)
        ring = [*cycle[turn:], *cycle[:turn], first]
        body = bodies[first]
        key = "elected_by" if body.elected_by is not None else "appointed_by"
        r.error(join(body.path, key), "cycle", message("cycle", cycle=" → ".join(ring)))
