"""Bilingual one-line renderings of the candidacy, voting, motion, tie and
certification articles, for the bylaws page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from congress.core.bylaws import schema as s
from congress.core.bylaws.wording import (
    BASES,
    ENDORSERS,
    T,
    count,
    joined,
    threshold,
)
from congress.core.rules import Text

if TYPE_CHECKING:
    from congress.core.bylaws.model import Bylaws


def endorsements(b: Bylaws, r: s.Endorsements) -> Text:
    if r.count == 0:
        return Text("لا يُشترط تزكية المرشّح", "No endorsements are needed")
    text = T(
        "يُشترط لقبول الترشّح {n} من {who}",
        "A candidacy needs {n} from {who}",
        n=count(r.count, "endorsement"),
        who=ENDORSERS[r.source],
    )
    if r.one_per_endorser_per_body:
        text = T(
            "{t}؛ ولا يزكّي المزكّي إلا مرشّحًا واحدًا لكل هيئة",
            "{t}; each endorser endorses one candidate per body",
            t=text,
        )
    return text


def window(b: Bylaws, r: s.NominationWindow) -> Text:
    return T(
        "يُفتح باب الترشّح قبل المؤتمر بـ{o} ويُغلق قبله بـ{c}",
        "Nominations open {o} and close {c} before the Conference",
        o=count(r.opens_days_before, "day"),
        c=count(r.closes_days_before, "day"),
    )


def eligibility(b: Bylaws, r: s.Eligibility) -> Text:
    parts = [
        T(
            "ألا تقل مدة عضويته عن {m}",
            "a member for at least {m}",
            m=count(r.min_membership_months, "month"),
        )
    ]
    if r.good_standing:
        parts.append(Text("أن تكون عضويته سارية", "in good standing"))
    if r.exclude_election_committee:
        parts.append(Text("ألا يكون عضوًا في لجنة الانتخابات", "not on the election committee"))
    if r.min_age is not None:
        parts.append(T("ألا يقل عمره عن {n}", "at least {n} old", n=count(r.min_age, "year")))
    if r.max_age is not None:
        parts.append(T("ألا يزيد عمره على {n}", "at most {n} old", n=count(r.max_age, "year")))
    return T("يُشترط في المرشّح: {p}", "A candidate must be: {p}", p=joined(parts, "، و", "; "))


def several(b: Bylaws, r: s.SeveralBodies) -> Text:
    if r.allowed:
        return Text("يجوز الترشّح لأكثر من هيئة في آنٍ واحد", "One may stand for several bodies")
    return Text(
        "لا يجوز الترشّح لأكثر من هيئة واحدة في آنٍ واحد", "One may stand for only one body at a time"
    )


def statement(b: Bylaws, r: s.Statement) -> Text:
    return T(
        "لا يتجاوز البيان الانتخابي للمرشّح {n}",
        "A candidate's statement has at most {n}",
        n=count(r.max_chars, "character"),
    )


def electorate(b: Bylaws, r: s.ElectorateRule) -> Text:
    if r.default == "accredited":
        return Text("يحق التصويت لجميع المندوبين المعتمدين", "All accredited delegates may vote")
    return Text(
        "يحق التصويت للمندوبين المعتمدين الحاضرين عند فتح الاقتراع",
        "Accredited delegates present when the poll opens may vote",
    )


def ballot_order(b: Bylaws, r: s.BallotOrder) -> Text:
    if r.order == "lot":
        return Text(
            "تُرتَّب أسماء المرشّحين بقرعة تُسحب عند فتح الاقتراع ببذرة عشوائية تُنشر في"
            " سلسلة سجل التدقيق مع الترتيب، ويستطيع أيٌّ كان إعادتها منها",
            "Candidates are listed in an order drawn by lot when the ballot opens, from a"
            " random seed published in the audit chain with the order; anyone can redo the"
            " draw from it",
        )
    if r.ignore_definite_article:
        return Text(
            "تُرتَّب أسماء المرشّحين ألفبائيًّا دون اعتبار لأداة التعريف «ال»",
            "Candidates are listed alphabetically, ignoring the Arabic article «ال»",
        )
    return Text("تُرتَّب أسماء المرشّحين ألفبائيًّا", "Candidates are listed alphabetically")


def security(b: Bylaws, r: s.Security) -> Text:
    if r.totp_for_delegates:
        return Text("يؤكد المندوبون هويتهم برمز مؤقت (TOTP)", "Delegates confirm with a TOTP code")
    return Text("رمز التحقق المؤقت (TOTP) اختياري للمندوبين", "TOTP is optional for delegates")


def turnout(b: Bylaws, r: s.Turnout) -> Text:
    if not r.names_to_committee:
        return Text(
            "لا يُعرف أثناء الاقتراع إلا عدد من صوّتوا",
            "While a poll is open, only the number who voted is known",
        )
    if r.reminders:
        return Text(
            "ترى لجنة الانتخابات أثناء الاقتراع أسماء من لم يصوّتوا بعد، ولها أن تذكّرهم، ولا"
            " يرى أحدٌ ما صوّت به أحد",
            "While a poll is open the election committee sees who has not voted yet and may"
            " remind them; no one sees what anyone voted",
        )
    return Text(
        "ترى لجنة الانتخابات أثناء الاقتراع أسماء من لم يصوّتوا بعد، ولا يرى أحدٌ ما صوّت به أحد",
        "While a poll is open the election committee sees who has not voted yet; no one sees"
        " what anyone voted",
    )


def majority(b: Bylaws, r: s.Majority) -> Text:
    rule = threshold(r.threshold.fraction, r.threshold.strict, BASES[r.base])
    return T("يُقَرّ بموافقة {r}", "Passes with the support of {r}", r=rule)


def category(b: Bylaws, r: s.Category) -> Text:
    kind = b.motions.majorities[r.kind]
    return T(
        "يُتخذ القرار بـ{k} (المادة {a})",
        "Decided by {k} (Article {a})",
        k=Text(f"«{kind.title.ar}»", kind.title.en.lower()),
        a=kind.article,
    )


def ties(b: Bylaws, r: s.Ties) -> Text:
    if r.default == "lot":
        return Text(
            "ما لم تنص مادة الهيئة على غير ذلك، يُحسم التعادل بقرعة تُستمد بذرتها من رأس"
            " سلسلة سجل التدقيق عند الإغلاق، وتُسجَّل نتيجتها",
            "Unless a body's article says otherwise, ties are broken by lot seeded from"
            " the audit chain head at close, and the draw is recorded",
        )
    return Text(
        "ما لم تنص مادة الهيئة على غير ذلك، يُحسم التعادل بجولة إعادة بين المتعادلين",
        "Unless a body's article says otherwise, ties go to a runoff",
    )


def signatures(b: Bylaws, r: s.Signatures) -> Text:
    return T(
        "تُصادَق النتيجة بتواقيع {k} من أصل {n} من أعضاء لجنة الانتخابات",
        "A result is certified by {k} of the {n} election committee members",
        k=r.required,
        n=r.committee_size,
    )


def objections(b: Bylaws, r: s.Objections) -> Text:
    return T(
        "تُقبل الطعون خلال {h} من المصادقة، وتصبح النتيجة بعدها نهائية",
        "Objections may be lodged within {h} of certification; the result is then final",
        h=count(r.hours, "hour"),
    )
