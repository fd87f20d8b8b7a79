"""Bilingual one-line renderings of the organization, membership, delegate,
conference and body articles, for the bylaws page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from congress.core.bylaws import schema as s
from congress.core.bylaws.wording import (
    BASES,
    CONFERENCE,
    GENDERS,
    LANGUAGE_NAMES,
    MEMBER_STATUSES,
    METHODS,
    POOLS,
    TIES,
    T,
    count,
    joined,
    named,
    of,
    quoted,
    share,
    threshold,
    zone,
)
from congress.core.rules import Text

if TYPE_CHECKING:
    from congress.core.bylaws.model import Bylaws


def organization(b: Bylaws, r: s.Organization) -> Text:
    langs = joined([LANGUAGE_NAMES[code] for code in r.languages])
    return T(
        "{name}؛ اللغات: {langs}؛ المنطقة الزمنية المعتمدة: {zone}",
        "{name}; languages: {langs}; official time zone: {zone}",
        name=r.name,
        langs=langs,
        zone=zone(r.time_zone),
    )


def branches(b: Bylaws, r: s.Branches) -> Text:
    parts = [T("{n} ({code})", "{n} ({code})", n=name, code=code) for code, name in r.names.items()]
    return T("الفروع: {list}", "Branches: {list}", list=joined(parts))


def good_standing(b: Bylaws, r: s.GoodStanding) -> Text:
    statuses = joined([named(s, MEMBER_STATUSES) for s in r.statuses])
    if r.dues_required:
        return T(
            "تكون العضوية سارية إذا كانت حالتها إحدى: {st}، وكانت الاشتراكات مسدَّدة",
            "A member is in good standing when their status is one of: {st}, and their"
            " dues are paid",
            st=statuses,
        )
    return T(
        "تكون العضوية سارية إذا كانت حالتها إحدى: {st}",
        "A member is in good standing when their status is one of: {st}",
        st=statuses,
    )


def group(b: Bylaws, r: s.Group) -> Text:
    parts: list[Text] = []
    if r.age_under is not None:
        parts.append(
            T(
                "أعمارهم دون {n} في تاريخ المؤتمر",
                "under {n} of age on the conference date",
                n=count(r.age_under, "year"),
            )
        )
    if r.age_at_least is not None:
        parts.append(
            T(
                "أعمارهم {n} أو أكثر في تاريخ المؤتمر",
                "aged {n} or more on the conference date",
                n=count(r.age_at_least, "year"),
            )
        )
    if r.genders is not None:
        parts.append(
            T(
                "جنسهم المسجَّل: {g}",
                "whose recorded gender is {g}",
                g=joined([named(g, GENDERS) for g in r.genders], " / ", " / "),
            )
        )
    if r.branches is not None:
        parts.append(T("ينتمون إلى الفروع: {g}", "of the branches {g}", g=", ".join(r.branches)))
    if r.extra_field is not None:
        values = ", ".join(r.extra_values or ())
        parts.append(
            T("قيمة «{f}» لديهم إحدى: {v}", "whose '{f}' is one of: {v}", f=r.extra_field, v=values)
        )
    return T("الأعضاء الذين {c}", "Members {c}", c=joined(parts, "، و", " and "))


def notice(b: Bylaws, r: s.Notice) -> Text:
    return T(
        "يُدعى إلى المؤتمر العام قبل موعد انعقاده بـ{d} على الأقل",
        "The General Conference is convened at least {d} before it meets",
        d=count(r.days, "day"),
    )


def quorum(b: Bylaws, r: s.Quorum) -> Text:
    base = threshold(r.threshold.fraction, r.threshold.strict, BASES["accredited"])
    how = {
        "checked_in": Text("بتسجيل الحضور", "by check-in"),
        "connected": Text("بالاتصال الفعلي وقت العدّ", "by live connection at the count"),
    }[r.present_counted]
    when = (
        Text("ويُشترط توافره عند كل تصويت", "required at every vote")
        if r.at_voting
        else Text("ويُكتفى بتوافره عند الافتتاح", "checked at the opening")
    )
    return T(
        "النصاب: حضور {base} (يُحتسب الحضور {how})؛ {when}",
        "Quorum: {base} present (counted {how}); {when}",
        base=base,
        how=how,
        when=when,
    )


def chair(b: Bylaws, r: s.Chair) -> Text:
    if r.chaired_by == "elected":
        return Text(
            "ينتخب المؤتمر رئيس جلساته في الجلسة الافتتاحية",
            "The Conference elects its chair at the opening session",
        )
    if r.chaired_by == "eldest_delegate":
        return Text("يرأس الجلسات أكبر المندوبين سنًّا", "The eldest delegate chairs")
    return T(
        "يتولى {b} رئاسة جلسات المؤتمر",
        "{b} chairs the Conference",
        b=quoted(b.bodies[r.chaired_by].title),
    )


ROUNDING = {
    "down": Text("مع التقريب إلى الأدنى", "rounded down"),
    "up": Text("مع التقريب إلى الأعلى", "rounded up"),
    "nearest": Text("مع التقريب إلى الأقرب وجبر النصف", "rounded to the nearest, halves up"),
}


def apportionment(b: Bylaws, r: s.ApportionmentRule) -> Text:
    if r.method == "all_members":
        return Text(
            "كل عضو ذي عضوية سارية مندوبٌ في المؤتمر", "Every member in good standing is a delegate"
        )
    if r.method == "per_n":
        return T(
            "مندوب واحد عن كل {n} من ذوي العضوية السارية ({rnd})، وبحد أدنى قدره {m} لكل فرع",
            "One delegate per {n} in good standing ({rnd}), at least {m} per branch",
            n=count(r.members_per_delegate or 1, "member"),
            rnd=ROUNDING[r.rounding or "down"],
            m=count(r.minimum_per_branch, "delegate"),
        )
    return T(
        "يتألف المؤتمر من {n} يُوزَّعون على الفروع بطريقة الباقي الأكبر",
        "A conference of {n} shared among branches by largest remainder",
        n=count(r.size or 0, "delegate"),
    )


def alternates(b: Bylaws, r: s.Alternates) -> Text:
    if not r.allowed:
        return Text("لا يُسمّى مندوبون احتياطيون", "No alternate delegates")
    return T(
        "يسمّي كل فرع مندوبين احتياطيين بما لا يزيد على {f} (مع التقريب إلى الأعلى)",
        "Each branch names alternates up to {f} (rounded up)",
        f=of(r.ratio, Text("عدد مندوبيه", "its delegates")),
    )


def proxies(b: Bylaws, r: s.Proxies) -> Text:
    if r.allowed:
        return Text("يجوز التصويت بالوكالة", "Voting by proxy is allowed")
    return Text("لا يجوز التصويت بالوكالة", "Voting by proxy is not allowed")


def body(b: Bylaws, r: s.Body) -> Text:
    chooser = CONFERENCE if r.chosen_by == "conference" else quoted(b.bodies[r.chosen_by].title)
    seats, term = count(r.seats, "seat"), count(r.term_months, "month")
    if r.method is None:
        return T(
            "{seats}، بالتعيين من {by} لمدة {term}",
            "{seats}, appointed by {by} for {term}",
            seats=seats,
            by=chooser,
            term=term,
        )
    pool = POOLS.get(r.candidates_from) or T(
        "أعضاء {b}", "members of {b}", b=quoted(b.bodies[r.candidates_from].title)
    )
    blank = (
        Text("الورقة البيضاء صحيحة", "blank ballots are valid")
        if r.blank_ballot_valid
        else Text("الورقة البيضاء باطلة", "blank ballots are invalid")
    )
    text = T(
        "{seats}، بالانتخاب من {by} بطريقة {m} لمدة {term}؛ يترشّح لها {pool}؛ {blank}",
        "{seats}, elected by {by} by {m} for {term}; candidates: {pool}; {blank}",
        seats=seats,
        by=chooser,
        m=METHODS[r.method],
        term=term,
        pool=pool,
        blank=blank,
    )
    if r.tie is not None:
        tie = TIES[r.tie]
        text = T("{t}؛ {tie}", "{t}; {tie}", t=text, tie=tie)
    return text


def quota(b: Bylaws, r: s.Quota) -> Text:
    body = next(body for body in b.bodies.values() if r in body.quotas)
    seats = r.seats(body.seats)
    return T(
        "يُخصَّص لفئة {g} ما لا يقل عن {n} ({k} من أصل {all})",
        "At least {n} go to {g} ({k} of {all})",
        g=quoted(b.membership.groups[r.group].title),
        n=_seats(r.at_least),
        k=seats,
        all=body.seats,
    )


def _seats(value: s.SeatShare) -> Text:
    if isinstance(value, int):
        return count(value, "seat")
    return T("{f} من المقاعد", "{f} of the seats", f=share(value))


def cap(b: Bylaws, r: s.BranchCap) -> Text:
    body = next(body for body in b.bodies.values() if body.branch_cap == r)
    return T(
        "لا يشغل أعضاء فرع واحد أكثر من {n} ({k} من أصل {all})",
        "No branch holds more than {n} ({k} of {all})",
        n=_seats(r.at_most),
        k=r.seats(body.seats),
        all=body.seats,
    )
