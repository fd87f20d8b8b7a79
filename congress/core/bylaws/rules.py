"""The member-facing rules: quorum, good standing, groups, eligibility, motions.

Pure functions over a validated `Bylaws` and plain facts; each answer names the
article it applies, and a refusal lists every reason, not just the first.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from congress.core.bylaws.messages import render
from congress.core.bylaws.results import (
    CandidacyContext,
    Cited,
    MemberFacts,
    MotionResult,
    QuorumResult,
)
from congress.core.bylaws.wording import (
    BASES,
    MEMBER_STATUSES,
    count,
    joined,
    named,
    quoted,
    threshold,
)
from congress.core.rules import Decision, Reason, Text

if TYPE_CHECKING:
    from congress.core.bylaws.model import Bylaws
    from congress.core.bylaws.schema import Group

QUORUM_MET = Text(
    "النصاب القانوني متحقق: الحاضرون {present} من أصل {accredited} من المندوبين المعتمدين،"
    " والمطلوب {needed}",
    "quorum is met: {present} of {accredited} accredited delegates are present, {needed} needed",
)
QUORUM_NOT_MET = Text(
    "النصاب القانوني {needed} من أصل {accredited} من المندوبين المعتمدين، والحاضرون {present}",
    "quorum is {needed} of {accredited} accredited delegates, {present} are present",
)
STATUS = Text(
    "حالة العضوية «{status}»، والعضوية السارية تشترط إحدى الحالات: {allowed}",
    "membership status is '{status}'; good standing requires one of: {allowed}",
)
DUES_UNPAID = Text("اشتراكات العضوية غير مسدَّدة", "membership dues are not paid")
DUES_UNKNOWN = Text(
    "لا يوجد سجلّ بتسديد اشتراكات العضوية", "no payment of membership dues is recorded"
)
APPOINTED = Text(
    "العضوية في {body} بالتعيين لا بالانتخاب، فلا يُقبل الترشّح لها",
    "seats on {body} are appointed, not elected: nobody stands for them",
)
NO_JOIN_DATE = Text("لا يوجد تاريخ مسجَّل لبدء العضوية", "no membership start date is recorded")
TOO_NEW = Text(
    "بدأت العضوية في {joined}، ولا تكتمل مدة العضوية المشترطة ({months}) إلا في {reached}",
    "member since {joined}: the required {months} of membership are only reached on {reached}",
)
NO_BIRTH_DATE = Text("لا يوجد تاريخ ميلاد مسجَّل", "no date of birth is recorded")
TOO_YOUNG = Text(
    "يُشترط ألا يقل العمر في {on} عن {limit}، والعمر المسجَّل {age}",
    "must be at least {limit} old on {on}, is {age}",
)
TOO_OLD = Text(
    "يُشترط ألا يزيد العمر في {on} على {limit}، والعمر المسجَّل {age}",
    "must be at most {limit} old on {on}, is {age}",
)
COMMITTEE = Text(
    "لا يجوز لأعضاء لجنة الانتخابات الترشّح", "members of the election committee cannot stand"
)
NOT_DELEGATE = Text("الترشّح لـ{body} مقصور على المندوبين", "only delegates may stand for {body}")
NOT_IN_POOL = Text(
    "يُشترط أن يكون المرشّح لـ{body} عضوًا في {pool}",
    "candidates for {body} must be members of {pool}",
)
ALREADY = Text("مرشّح بالفعل لـ{body}", "already a candidate for {body}")
SEVERAL = Text(
    "مرشّح بالفعل لـ{others}، ولا يجوز الترشّح لأكثر من هيئة واحدة في آنٍ واحد",
    "already standing for {others}; a member may stand for one body at a time",
)
PASSED = Text(
    "أُقِرّ: المؤيدون {yes}، والمطلوب {needed}، أي {rule} ({base})",
    "passed: {yes} in favour, {needed} needed, that is {rule} ({base})",
)
FAILED = Text(
    "لم يُقَرّ: المؤيدون {yes}، والمطلوب {needed}، أي {rule} ({base})",
    "not passed: {yes} in favour, {needed} needed, that is {rule} ({base})",
)
NO_QUORUM = Text(
    "لم يُقَرّ لعدم توافر النصاب وقت التصويت: {quorum}",
    "not passed: no quorum at the time of the vote: {quorum}",
)


def quorum(b: Bylaws, accredited: int, present: int) -> QuorumResult:
    """Quorum of accredited delegates; at least one person is always needed."""
    if accredited < 0 or present < 0 or present > accredited:
        raise ValueError("need 0 <= present <= accredited")
    rule = b.conference.quorum
    needed = max(1, rule.threshold.needed(accredited))
    met = present >= needed
    params = {"needed": needed, "accredited": accredited, "present": present}
    text = _fill(QUORUM_MET if met else QUORUM_NOT_MET, **params)
    return QuorumResult(met, needed, accredited, present, rule.article, text)


def good_standing(b: Bylaws, member: MemberFacts) -> Decision:
    """Good standing by status and, when the bylaws require it, paid dues."""
    rule = b.membership.good_standing
    reasons: list[Reason] = []
    if member.status not in rule.statuses:
        allowed = joined([named(s, MEMBER_STATUSES) for s in rule.statuses])
        status = named(member.status, MEMBER_STATUSES)
        reasons.append(Reason(rule.article, _fill(STATUS, status=status, allowed=allowed)))
    if rule.dues_required and member.dues_paid is not True:
        text = DUES_UNKNOWN if member.dues_paid is None else DUES_UNPAID
        reasons.append(Reason(rule.article, text))
    return Decision(not reasons, rule.article, tuple(reasons))


def age_on(birth: dt.date, on: dt.date) -> int:
    """Completed years on a date (someone born on 29 February ages on 1 March)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, month, min(start.day, (following - dt.timedelta(days=1)).day))


def in_group(group: Group, member: MemberFacts, on: dt.date) -> bool:
    """Every criterion the group defines must hold; unknown facts never qualify."""
    if group.age_under is not None or group.age_at_least is not None:
        if member.birth_date is None:
            return False
        age = age_on(member.birth_date, on)
        if group.age_under is not None and age >= group.age_under:
            return False
        if group.age_at_least is not None and age < group.age_at_least:
            return False
    if group.genders is not None and member.gender not in group.genders:
        return False
    if group.branches is not None and member.branch not in group.branches:
        return False
    if group.extra_field is not None:
        return member.extra.get(group.extra_field) in (group.extra_values or ())
    return True


def groups_of(b: Bylaws, member: MemberFacts, on: dt.date) -> frozenset[str]:
    """The bylaws-defined groups a member belongs to on a date (the conference date)."""
    return frozenset(k for k, g in b.membership.groups.items() if in_group(g, member, on))


def eligibility(
    b: Bylaws,
    member: MemberFacts,
    body_key: str,
    on: dt.date,
    context: CandidacyContext | None = None,
) -> Decision:
    """May this member stand for this body on this date? Lists ALL unmet conditions."""
    ctx = context or CandidacyContext()
    body = b.body(body_key)
    rule = b.candidacy.eligibility
    name = quoted(body.title)
    reasons: list[Reason] = []
    if body.appointed_by is not None:
        reasons.append(Reason(body.article, _fill(APPOINTED, body=name)))
    if rule.good_standing:
        reasons.extend(good_standing(b, member).reasons)
    if rule.min_membership_months:
        if member.joined_on is None:
            reasons.append(Reason(rule.article, NO_JOIN_DATE))
        else:
            reached = add_months(member.joined_on, rule.min_membership_months)
            if reached > on:
                months = count(rule.min_membership_months, "month")
                joined_on = member.joined_on.isoformat()
                text = _fill(TOO_NEW, joined=joined_on, reached=reached, months=months)
                reasons.append(Reason(rule.article, text))
    if rule.min_age is not None or rule.max_age is not None:
        reasons.extend(_age_reasons(b, member, on))
    if rule.exclude_election_committee and ctx.on_election_committee:
        reasons.append(Reason(rule.article, COMMITTEE))
    pool = body.candidates_from
    if pool == "delegates" and not ctx.is_delegate:
        reasons.append(Reason(body.article, _fill(NOT_DELEGATE, body=name)))
    elif pool in b.bodies and pool not in ctx.bodies:
        text = _fill(NOT_IN_POOL, body=name, pool=quoted(b.bodies[pool].title))
        reasons.append(Reason(body.article, text))
    several = b.candidacy.several_bodies
    if body_key in ctx.standing_for:
        reasons.append(Reason(rule.article, _fill(ALREADY, body=name)))
    others = [k for k in ctx.standing_for if k != body_key]
    if others and not several.allowed:
        titles = joined([quoted(b.body(k).title) for k in sorted(others)])
        reasons.append(Reason(several.article, _fill(SEVERAL, others=titles)))
    return Decision(not reasons, rule.article, tuple(reasons))


def _age_reasons(b: Bylaws, member: MemberFacts, on: dt.date) -> list[Reason]:
    rule = b.candidacy.eligibility
    if member.birth_date is None:
        return [Reason(rule.article, NO_BIRTH_DATE)]
    age = age_on(member.birth_date, on)
    reasons = []
    if rule.min_age is not None and age < rule.min_age:
        text = _fill(TOO_YOUNG, on=on, limit=count(rule.min_age, "year"), age=count(age, "year"))
        reasons.append(Reason(rule.article, text))
    if rule.max_age is not None and age > rule.max_age:
        text = _fill(TOO_OLD, on=on, limit=count(rule.max_age, "year"), age=count(age, "year"))
        reasons.append(Reason(rule.article, text))
    return reasons


def _fill(template: Text, **params: object) -> Text:
    """Text.format, but a Text parameter lands in its own language."""
    return render(template, params)


def motion_kind(b: Bylaws, category: str) -> Cited[str]:
    """The majority kind the bylaws set for a category of motion."""
    found = b.motions.categories.get(category)
    if found is None:
        raise ValueError(f"unknown motion category {category!r}")
    return Cited(found.kind, found.article)


def motion_result(
    b: Bylaws, yes: int, no: int, abstain: int, present: int, accredited: int, kind: str
) -> MotionResult:
    """Apply a majority kind in exact integer arithmetic; needs quorum if the bylaws say so."""
    if min(yes, no, abstain, present, accredited) < 0 or present > accredited:
        raise ValueError("counts must be >= 0 and present <= accredited")
    if yes + no + abstain > accredited:
        raise ValueError("more votes than accredited delegates")
    majority = b.motions.majorities.get(kind)
    if majority is None:
        raise ValueError(f"unknown majority kind {kind!r}")
    base_value = {
        "yes_no": yes + no,
        "cast": yes + no + abstain,
        "present": present,
        "accredited": accredited,
    }[majority.base]
    needed = max(1, majority.threshold.needed(base_value))
    passed = yes >= needed
    rule_text = threshold(
        majority.threshold.fraction, majority.threshold.strict, BASES[majority.base]
    )
    base_text = Text(f"{base_value}", f"{base_value}")
    template = PASSED if passed else FAILED
    reason = _fill(template, yes=yes, needed=needed, rule=rule_text, base=base_text)
    check = None
    article = majority.article
    if b.conference.quorum.at_voting:
        check = quorum(b, accredited, present)
        if not check.met:
            passed, article = False, check.article
            reason = _fill(NO_QUORUM, quorum=check.message)
    return MotionResult(
        passed, kind, yes, no, abstain, majority.base, base_value, needed, article, reason, check
    )
