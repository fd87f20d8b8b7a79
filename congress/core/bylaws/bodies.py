"""Reader for the `[bodies]` section: seats, who chooses them, how they are counted."""

from __future__ import annotations

from fractions import Fraction

from congress.core.bylaws.frozen import FrozenMap
from congress.core.bylaws.messages import CONTEXTS, expect, message
from congress.core.bylaws.reader import Table
from congress.core.bylaws.schema import Body, BranchCap, Endorsements, Quota, SeatShare
from congress.core.bylaws.sections import ENDORSERS, RULE, endorsements, section

METHODS = ("block", "approval", "single", "stv-scottish", "stv-meek")
ELECTION_ONLY = ("method", "blank_ballot_valid", "tie", "quotas", "branch_cap", "endorsements")
BODY_KEYS = (
    *RULE,
    "seats",
    "term_months",
    "elected_by",
    "appointed_by",
    "candidates_from",
    *ELECTION_ONLY,
)


def bodies(t: Table) -> FrozenMap[str, Body]:
    """Every body under `[bodies.<key>]`, in document order."""
    return FrozenMap({key: _body(section(t, key, BODY_KEYS), key) for key in t.data})


def _body(t: Table, key: str) -> Body:
    article, title = t.rule_head()
    seats = t.integer("seats", 1)
    term = t.integer("term_months", 1)
    elected = t.has("elected_by")
    if elected == t.has("appointed_by"):
        t.r.error(t.path, "elected_xor_appointed", message("elected_xor_appointed"))
        elected = t.has("method")  # read the rest as the kind of body it looks like
    elected_by = t.string("elected_by") if elected and t.has("elected_by") else None
    appointed_by = t.string("appointed_by") if t.has("appointed_by") else None
    if not elected:
        for extra in ELECTION_ONLY:
            if t.has(extra):
                t.r.error(
                    t.at(extra),
                    "not_applicable",
                    message("not_applicable", key=extra, context=CONTEXTS["appointed_body"]),
                )
        candidates = (
            t.string("candidates_from", default="members")
            if t.has("candidates_from")
            else "members"
        )
        return Body(
            article,
            title,
            t.path,
            key,
            seats,
            term,
            elected_by,
            appointed_by,
            candidates,
            None,
            False,
            None,
            (),
            None,
            None,
        )
    candidates = t.string("candidates_from", default="members")
    method = t.choice("method", METHODS)
    if method == "single" and t.r.clean(t.at("seats"), t.at("method")) and seats != 1:
        t.r.error(
            t.at("seats"), "single_needs_one_seat", message("single_needs_one_seat", seats=seats)
        )
    blank = t.boolean("blank_ballot_valid")
    tie = t.choice("tie", ("lot", "runoff")) if t.has("tie") else None
    quotas: list[Quota] = []
    table = t.sub("quotas", None, required=False)
    if table is not None:
        for group in table.data:
            q = section(table, group, (*RULE, "at_least"))
            quotas.append(Quota(*q.rule_head(), q.path, group, seat_share(q, "at_least")))
    cap = None
    c = t.sub("branch_cap", (*RULE, "at_most"), required=False)
    if c is not None:
        head = c.rule_head()
        cap = BranchCap(*head, c.path, seat_share(c, "at_most"))
    own: Endorsements | None = None
    e = t.sub("endorsements", (*RULE, "count", "from", "one_per_endorser_per_body"), required=False)
    if e is not None:
        own = endorsements(e)
    return Body(
        article,
        title,
        t.path,
        key,
        seats,
        term,
        elected_by,
        None,
        candidates,
        method,
        blank,
        tie,
        tuple(quotas),
        cap,
        own,
    )


def seat_share(t: Table, key: str) -> SeatShare:
    """A whole number of seats, or a fraction of the body written as a string."""
    value = t.get(key, (int, str), expect("seats_or_fraction"), True)
    if isinstance(value, bool):
        return 1
    if isinstance(value, int):
        if value < 1:
            wanted = expect("int_min", minimum=1)
            t.r.error(
                t.at(key), "out_of_range", message("out_of_range", expected=wanted, found=value)
            )
            return 1
        return value
    if isinstance(value, str):
        return t.check_fraction(key, value)
    return Fraction(1)


__all__ = ["ENDORSERS", "METHODS", "bodies", "seat_share"]
