"""Bilingual building blocks: counted nouns, fractions, bases, methods, dates.

Arabic counted nouns change form with the number (1, 2, 3-10, 11-99, 100s),
so every number shown to a reader goes through `count` to stay grammatical.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from congress.core.bylaws.messages import render
from congress.core.rules import Text

# noun: (English singular, English plural, Arabic: one, two, 3-10, 11-99, hundreds)
NOUNS: dict[str, tuple[str, str, str, str, str, str, str]] = {
    "day": ("day", "days", "يوم واحد", "يومان", "أيام", "يومًا", "يوم"),
    "month": ("month", "months", "شهر واحد", "شهران", "أشهر", "شهرًا", "شهر"),
    "year": ("year", "years", "عام واحد", "عامان", "أعوام", "عامًا", "عام"),
    "hour": ("hour", "hours", "ساعة واحدة", "ساعتان", "ساعات", "ساعةً", "ساعة"),
    "seat": ("seat", "seats", "مقعد واحد", "مقعدان", "مقاعد", "مقعدًا", "مقعد"),
    "delegate": ("delegate", "delegates", "مندوب واحد", "مندوبان", "مندوبين", "مندوبًا", "مندوب"),
    "member": ("member", "members", "عضو واحد", "عضوان", "أعضاء", "عضوًا", "عضو"),
    "branch": ("branch", "branches", "فرع واحد", "فرعان", "فروع", "فرعًا", "فرع"),
    "character": ("character", "characters", "حرف واحد", "حرفان", "أحرف", "حرفًا", "حرف"),
    "endorsement": (
        "endorsement",
        "endorsements",
        "تزكية واحدة",
        "تزكيتان",
        "تزكيات",
        "تزكيةً",
        "تزكية",
    ),
    "signature": ("signature", "signatures", "توقيع واحد", "توقيعان", "تواقيع", "توقيعًا", "توقيع"),
}


def count(n: int, noun: str) -> Text:
    """'40 seats' / '40 مقعدًا', with the Arabic form the number requires."""
    en_one, en_many, one, two, few, many, hundreds = NOUNS[noun]
    en = f"{n} {en_one if n == 1 else en_many}"
    tail = n % 100
    if n == 1:
        ar = one
    elif n == 2:
        ar = two
    elif 3 <= tail <= 10:
        ar = f"{n} {few}"
    elif 11 <= tail <= 99:
        ar = f"{n} {many}"
    else:
        ar = f"{n} {hundreds}"
    return Text(ar, en)


# Fractions with a name, Arabic in construct (genitive) form: 'more than half of ...'.
FRACTION_WORDS: dict[Fraction, tuple[str, str]] = {
    Fraction(1, 2): ("نصف", "half"),
    Fraction(2, 3): ("ثلثي", "two thirds"),
    Fraction(3, 4): ("ثلاثة أرباع", "three quarters"),
    Fraction(1, 3): ("ثلث", "one third"),
    Fraction(1, 4): ("ربع", "one quarter"),
    Fraction(1, 5): ("خمس", "one fifth"),
    Fraction(3, 5): ("ثلاثة أخماس", "three fifths"),
}


def share(f: Fraction) -> str:
    """A fraction as readers write it: '25%' when exact, else '1/3'."""
    percent = f * 100
    if percent.denominator == 1:
        return f"{percent.numerator}%"
    return f"{f.numerator}/{f.denominator}"


def of(f: Fraction, whole: Text) -> Text:
    """'two thirds of the delegates present' / 'ثلثي المندوبين الحاضرين' (genitive)."""
    if f in FRACTION_WORDS:
        ar_word, en_word = FRACTION_WORDS[f]
        return Text(f"{ar_word} {whole.ar}", f"{en_word} of {whole.en}")
    return Text(f"{share(f)} من {whole.ar}", f"{share(f)} of {whole.en}")


def threshold(f: Fraction, strict: bool, whole: Text) -> Text:
    """'more than half of X' or 'at least two thirds of X', Arabic kept in the genitive."""
    part = of(f, whole)
    if strict:
        return Text(f"أكثر من {part.ar}", f"more than {part.en}")
    return Text(f"ما لا يقل عن {part.ar}", f"at least {part.en}")


BASES: dict[str, Text] = {
    "yes_no": Text("الأصوات المؤيدة والمعارضة", "the votes for and against"),
    "cast": Text("الأصوات المدلى بها بما فيها الامتناع", "the votes cast, abstentions included"),
    "present": Text("المندوبين الحاضرين", "the delegates present"),
    "accredited": Text("المندوبين المعتمدين", "the accredited delegates"),
}

METHODS: dict[str, Text] = {
    "block": Text("التصويت الكتلي", "block vote"),
    "approval": Text("تصويت الموافقة", "approval voting"),
    "single": Text("الأغلبية المطلقة مع جولة إعادة", "absolute majority with a runoff"),
    "stv-scottish": Text(
        "الصوت الواحد المتحوّل (القواعد الإسكتلندية)", "single transferable vote (Scottish rules)"
    ),
    "stv-meek": Text("الصوت الواحد المتحوّل (طريقة ميك)", "single transferable vote (Meek method)"),
}

POOLS: dict[str, Text] = {
    "members": Text("الأعضاء ذوو العضوية السارية", "members in good standing"),
    "delegates": Text("المندوبون", "delegates"),
}

ENDORSERS: dict[str, Text] = {
    "delegates": Text("المندوبين", "delegates"),
    "members": Text("الأعضاء ذوي العضوية السارية", "members in good standing"),
    "electors": Text("أعضاء الهيئة الناخبة", "the electors of the body"),
}

LANGUAGE_NAMES: dict[str, Text] = {
    "ar": Text("العربية", "Arabic"),
    "en": Text("الإنجليزية", "English"),
}

CONFERENCE = Text("المؤتمر العام", "the General Conference")

# Values of the member roll the bylaws name (good standing, groups), as a reader says them;
# a value not listed here is shown as written.
MEMBER_STATUSES: dict[str, Text] = {
    "active": Text("فعّال", "active"),
    "suspended": Text("معلّق", "suspended"),
    "resigned": Text("مستقيل", "resigned"),
}
GENDERS: dict[str, Text] = {
    "female": Text("أنثى", "female"),
    "male": Text("ذكر", "male"),
    "f": Text("أنثى", "female"),
    "m": Text("ذكر", "male"),
}

# The time zones of the organization's branches, by city; English keeps the IANA name.
ZONE_CITIES_AR: dict[str, str] = {
    "Asia/Damascus": "دمشق",
    "Asia/Beirut": "بيروت",
    "Asia/Amman": "عمّان",
    "Europe/Istanbul": "إسطنبول",
    "Europe/Berlin": "برلين",
    "Europe/Paris": "باريس",
    "Europe/Amsterdam": "أمستردام",
    "Europe/Stockholm": "ستوكهولم",
    "Europe/London": "لندن",
    "America/New_York": "نيويورك",
    "America/Chicago": "شيكاغو",
    "America/Los_Angeles": "لوس أنجلوس",
    "UTC": "التوقيت العالمي المنسَّق (UTC)",
}


def named(value: str, names: dict[str, Text]) -> Text:
    """A roll value in each language (MEMBER_STATUSES, GENDERS), or as written."""
    return names.get(value, Text(value, value))


def zone(name: str) -> Text:
    """A time zone as a reader says it: 'دمشق' / 'Asia/Damascus'."""
    return Text(ZONE_CITIES_AR.get(name, name), name)


def quoted(title: Text) -> Text:
    """A body or group title inside a sentence: «المجلس المركزي» / the Central Council."""
    return Text(f"«{title.ar}»", f"the {title.en}")


def joined(parts: list[Text], sep_ar: str = "، ", sep_en: str = ", ") -> Text:
    """Join bilingual parts with each language's own separator."""
    return Text(sep_ar.join(p.ar for p in parts), sep_en.join(p.en for p in parts))


def moment(at: dt.datetime, zone: dt.tzinfo) -> str:
    """A date and time in the organization's zone, the same in both languages."""
    local = at.astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M} ({local.tzname()})"


TIES = {
    "lot": Text("يُحسم التعادل بالقرعة", "ties are broken by lot"),
    "runoff": Text("يُحسم التعادل بجولة إعادة", "ties go to a runoff"),
}


def T(ar: str, en: str, **params: object) -> Text:
    """A filled bilingual template (Text parameters land in their own language)."""
    return render(Text(ar, en), params)
