"""Readers for the sections of the bylaws that are not about bodies.

Each function turns one TOML section into frozen rule objects, reporting
problems through the shared `Reader` and never stopping early.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from congress.core.bylaws.frozen import FrozenMap
from congress.core.bylaws.lines import LineIndex
from congress.core.bylaws.messages import CONTEXTS, expect, listing, message
from congress.core.bylaws.reader import Reader, Table
from congress.core.bylaws.schema import (
    Alternates,
    ApportionmentRule,
    BallotOrder,
    Candidacy,
    Category,
    Certification,
    Chair,
    Conference,
    Delegates,
    ElectorateRule,
    Eligibility,
    Endorsements,
    GoodStanding,
    Group,
    Majority,
    Membership,
    Motions,
    NominationWindow,
    Notice,
    Objections,
    Proxies,
    Quorum,
    Security,
    SeveralBodies,
    Signatures,
    Statement,
    Threshold,
    Ties,
    Turnout,
    Voting,
)
from congress.core.bylaws.wording import count

RULE = ("article", "title")
GROUP_CRITERIA = ("age_under", "age_at_least", "genders", "branches", "extra_field", "extra_values")
APPORTIONMENT_METHODS = ("all_members", "per_n", "fixed_size")
PER_METHOD = {
    "all_members": (),
    "per_n": ("members_per_delegate", "minimum_per_branch", "rounding"),
    "fixed_size": ("size",),
}
ENDORSERS = ("delegates", "members", "electors")
CATEGORIES = ("ordinary", "policy_paper", "bylaw_amendment", "dissolution")
MAJORITY_BASES = ("yes_no", "cast", "present", "accredited")


def section(parent: Table, key: str, allowed: Sequence[str] | None, required: bool = True) -> Table:
    """A sub-table; when it is missing, report it once and read an empty table silently."""
    found = parent.sub(key, allowed, required)
    if found is not None:
        return found
    return Table(Reader(LineIndex("")), {}, parent.at(key), allowed)


def membership(t: Table) -> Membership:
    g = section(t, "good_standing", (*RULE, "statuses", "dues_required"))
    standing = GoodStanding(
        *g.rule_head(), g.path, g.strings("statuses") or ("active",), g.boolean("dues_required")
    )
    groups: dict[str, Group] = {}
    table = t.sub("groups", None, required=False)
    if table is not None:
        for key in table.data:
            groups[key] = _group(section(table, key, (*RULE, *GROUP_CRITERIA)), key)
    return Membership(standing, FrozenMap(groups))


def _group(t: Table, key: str) -> Group:
    article, title = t.rule_head()
    if not any(t.has(c) for c in GROUP_CRITERIA):
        t.r.error(
            t.path,
            "group_no_criterion",
            message("group_no_criterion", known=listing(GROUP_CRITERIA)),
        )
    if t.has("extra_field") != t.has("extra_values"):
        t.r.error(t.path, "extra_pair", message("extra_pair"))
    under = t.optional_int("age_under", 1, 150)
    at_least = t.optional_int("age_at_least", 0, 150)
    if under is not None and at_least is not None and under <= at_least:
        t.r.error(
            t.at("age_under"),
            "age_contradiction",
            message("age_contradiction", under=under, at_least=at_least),
        )
    extra_field = t.string("extra_field") if t.has("extra_field") else None
    return Group(
        article,
        title,
        t.path,
        key,
        under,
        at_least,
        t.strings("genders", required=False),
        t.strings("branches", required=False),
        extra_field,
        t.strings("extra_values", required=False),
    )


def delegates(t: Table) -> Delegates:
    a = section(t, "apportionment", (*RULE, "method", *PER_METHOD["per_n"], "size"))
    article, title = a.rule_head()
    method = a.choice("method", APPORTIONMENT_METHODS)
    for key in ("members_per_delegate", "minimum_per_branch", "rounding", "size"):
        if a.has(key) and a.has("method") and key not in PER_METHOD[method]:
            context = CONTEXTS[f"method_{method}"]
            a.r.error(
                a.at(key), "not_applicable", message("not_applicable", key=key, context=context)
            )
    per_n = method == "per_n"
    rule = ApportionmentRule(
        article,
        title,
        a.path,
        method,
        a.integer("members_per_delegate", 1) if per_n else None,
        a.integer("minimum_per_branch", 0, default=0) if per_n else 0,
        a.choice("rounding", ("down", "up", "nearest")) if per_n else None,
        a.integer("size", 1) if method == "fixed_size" else None,
    )
    alternates = None
    alt = t.sub("alternates", (*RULE, "allowed", "ratio"), required=False)
    if alt is not None:
        alt_head = alt.rule_head()
        allowed = alt.boolean("allowed")
        ratio = alt.fraction("ratio") if allowed else Fraction(0)
        alternates = Alternates(*alt_head, alt.path, allowed, ratio)
    proxies = None
    p = t.sub("proxies", (*RULE, "allowed"), required=False)
    if p is not None:
        proxies = Proxies(*p.rule_head(), p.path, p.boolean("allowed"))
    return Delegates(rule, alternates, proxies)


def conference(t: Table) -> Conference:
    n = section(t, "notice", (*RULE, "days"))
    notice = Notice(*n.rule_head(), n.path, n.integer("days", 1))
    q = section(t, "quorum", (*RULE, "threshold", "present_counted", "at_voting"))
    q_head = q.rule_head()
    threshold = Threshold(Fraction(1, 2), True)
    raw = q.get("threshold", str, expect("threshold"), True)
    if isinstance(raw, str) and raw != "half_plus_one":
        threshold = Threshold(q.check_fraction("threshold", raw), False)
    quorum = Quorum(
        *q_head,
        q.path,
        threshold,
        q.choice("present_counted", ("checked_in", "connected")),
        q.boolean("at_voting"),
    )
    c = section(t, "chair", (*RULE, "chaired_by"))
    chair = Chair(*c.rule_head(), c.path, c.string("chaired_by", default="elected"))
    return Conference(notice, quorum, chair)


def endorsements(t: Table) -> Endorsements:
    """Read an endorsements rule (candidacy-wide, or a body's own override)."""
    return Endorsements(
        *t.rule_head(),
        t.path,
        t.integer("count", 0),
        t.choice("from", ENDORSERS),
        t.boolean("one_per_endorser_per_body"),
    )


def candidacy(t: Table) -> Candidacy:
    w = section(t, "window", (*RULE, "opens_days_before", "closes_days_before"))
    w_head = w.rule_head()
    opens, closes = w.integer("opens_days_before", 1), w.integer("closes_days_before", 0)
    if r_clean(w, "opens_days_before", "closes_days_before") and opens <= closes:
        w.r.error(
            w.at("opens_days_before"),
            "window_order",
            message("window_order", opens=count(opens, "day"), closes=count(closes, "day")),
        )
    window = NominationWindow(*w_head, w.path, opens, closes)
    e = section(
        t,
        "eligibility",
        (
            *RULE,
            "min_membership_months",
            "good_standing",
            "exclude_election_committee",
            "min_age",
            "max_age",
        ),
    )
    e_head = e.rule_head()
    months = e.integer("min_membership_months", 0)
    standing, exclude = e.boolean("good_standing"), e.boolean("exclude_election_committee")
    min_age, max_age = e.optional_int("min_age", 0, 150), e.optional_int("max_age", 0, 150)
    if min_age is not None and max_age is not None and min_age >= max_age:
        e.r.error(
            e.at("min_age"), "age_order", message("age_order", minimum=min_age, maximum=max_age)
        )
    eligibility = Eligibility(*e_head, e.path, months, standing, exclude, min_age, max_age)
    d = section(t, "endorsements", (*RULE, "count", "from", "one_per_endorser_per_body"))
    s = section(t, "several_bodies", (*RULE, "allowed"))
    several = SeveralBodies(*s.rule_head(), s.path, s.boolean("allowed"))
    m = section(t, "statement", (*RULE, "max_chars"))
    statement = Statement(*m.rule_head(), m.path, m.integer("max_chars", 1))
    return Candidacy(window, eligibility, endorsements(d), several, statement)


def r_clean(t: Table, *keys: str) -> bool:
    """True when the keys were read without error, so a cross-check is meaningful."""
    return t.r.clean(*(t.at(k) for k in keys))


def voting(t: Table) -> Voting:
    e = section(t, "electorate", (*RULE, "default"))
    electorate = ElectorateRule(
        *e.rule_head(), e.path, e.choice("default", ("present_at_opening", "accredited"))
    )
    o = section(t, "ballot_order", (*RULE, "order", "ignore_definite_article"))
    order = BallotOrder(
        *o.rule_head(),
        o.path,
        o.choice("order", ("alphabetical", "lot")),
        o.boolean("ignore_definite_article"),
    )
    s = section(t, "security", (*RULE, "totp_for_delegates"))
    security = Security(*s.rule_head(), s.path, s.boolean("totp_for_delegates"))
    turnout = None
    if t.has("turnout"):
        n = section(t, "turnout", (*RULE, "names_to_committee", "reminders"))
        turnout = Turnout(
            *n.rule_head(), n.path, n.boolean("names_to_committee"), n.boolean("reminders")
        )
    return Voting(electorate, order, security, turnout)


def motions(t: Table) -> Motions:
    majorities: dict[str, Majority] = {}
    table = section(t, "majorities", None)
    for key in table.data:
        m = section(table, key, (*RULE, "base", "more_than", "at_least"))
        head = m.rule_head()
        base = m.choice("base", MAJORITY_BASES)
        if m.has("more_than") == m.has("at_least"):
            m.r.error(m.path, "threshold_kind", message("threshold_kind"))
            threshold = Threshold(Fraction(1, 2), True)
        elif m.has("more_than"):
            threshold = Threshold(m.fraction("more_than", strict_below_one=True), True)
        else:
            threshold = Threshold(m.fraction("at_least"), False)
        majorities[key] = Majority(*head, m.path, key, base, threshold)
    categories: dict[str, Category] = {}
    cats = section(t, "categories", None)
    for key in CATEGORIES:
        if t.has("categories") and not cats.has(key):
            cats.missing(key, expect("table"))
    for key in cats.data:
        c = section(cats, key, (*RULE, "kind"))
        categories[key] = Category(*c.rule_head(), c.path, key, c.string("kind"))
    return Motions(FrozenMap(majorities), FrozenMap(categories))


def ties(t: Table) -> Ties:
    return Ties(
        *t.rule_head(),
        t.path,
        t.choice("default", ("lot", "runoff")),
        t.choice("seed", ("audit_chain_head",), default="audit_chain_head"),
    )


def certification(t: Table) -> Certification:
    s = section(t, "signatures", (*RULE, "committee_size", "required"))
    head = s.rule_head()
    size, required = s.integer("committee_size", 1), s.integer("required", 1)
    if r_clean(s, "committee_size", "required") and required > size:
        s.r.error(
            s.at("required"),
            "threshold_exceeds_committee",
            message("threshold_exceeds_committee", required=required, size=size),
        )
    o = section(t, "objections", (*RULE, "hours"))
    objections = Objections(*o.rule_head(), o.path, o.integer("hours", 0))
    return Certification(Signatures(*head, s.path, size, required), objections)
