"""The bilingual message table of bylaws validation.

The core cannot use Flask-Babel, so every validation message is a `Text`
written here in Modern Standard Arabic and English, keyed by a stable code
that tests and tools can rely on.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable

from congress.core.rules import Text

MESSAGES: dict[str, Text] = {
    "toml_syntax": Text(
        "خطأ في صياغة TOML: {detail}",
        "TOML syntax error: {detail}",
    ),
    "not_utf8": Text(
        "الملف ليس نصًّا بترميز UTF-8: {detail}",
        "the file is not UTF-8 text: {detail}",
    ),
    "missing_key": Text(
        "المفتاح الإلزامي «{key}» غير موجود؛ المتوقَّع: {expected}",
        "missing required key '{key}'; expected {expected}",
    ),
    "unknown_key": Text(
        "مفتاح غير معروف «{key}»؛ هل تقصد «{suggestion}»؟",
        "unknown key '{key}'; did you mean '{suggestion}'?",
    ),
    "unknown_key_no_match": Text(
        "مفتاح غير معروف «{key}»؛ المفاتيح المقبولة هنا: {known}",
        "unknown key '{key}'; the keys allowed here are: {known}",
    ),
    "wrong_type": Text(
        "المتوقَّع: {expected}؛ الموجود: {found}",
        "expected {expected}, found {found}",
    ),
    "float_not_allowed": Text(
        "المتوقَّع: {expected}؛ الموجود: العدد العشري {found}. تُكتب القيم الدقيقة نصًّا"
        ' مثل "2/5" أو "40%"',
        "expected {expected}, found the decimal number {found}; write exact values as a"
        ' string such as "2/5" or "40%"',
    ),
    "out_of_range": Text(
        "قيمة خارج الحدود المسموح بها؛ المتوقَّع: {expected}؛ الموجود: {found}",
        "value out of range: expected {expected}, found {found}",
    ),
    "invalid_choice": Text(
        "قيمة غير مقبولة؛ المتوقَّع إحدى القيم: {allowed}؛ الموجود: {found}{hint}",
        "invalid value: expected one of {allowed}, found {found}{hint}",
    ),
    "invalid_fraction": Text(
        'المتوقَّع: كسر بين 0 و1 مثل "1/4" أو "25%"؛ الموجود: {found}',
        'expected a fraction between 0 and 1 such as "1/4" or "25%", found {found}',
    ),
    "bad_article": Text(
        'المتوقَّع: رقم مادة مثل "12.2"؛ الموجود: {found}',
        'expected an article number such as "12.2", found {found}',
    ),
    "duplicate_article": Text(
        "رقم المادة {number} مستخدم من قبل في «{other}»",
        "article {number} is already used by '{other}'",
    ),
    "duplicate_value": Text(
        "القيمة «{value}» مكرَّرة",
        "the value '{value}' is listed twice",
    ),
    "invalid_time_zone": Text(
        'منطقة زمنية غير معروفة "{found}"؛ المتوقَّع اسم من قاعدة IANA مثل "Asia/Damascus"',
        'unknown time zone "{found}"; expected an IANA name such as "Asia/Damascus"',
    ),
    "unknown_body": Text(
        "لا توجد هيئة باسم «{name}»{hint}؛ المتوقَّع: {allowed}",
        "no body named '{name}' is defined{hint}; expected {allowed}",
    ),
    "unknown_group": Text(
        "الفئة «{name}» غير معرَّفة في membership.groups{hint}؛ الفئات المعرَّفة: {known}",
        "group '{name}' is not defined under membership.groups{hint}; defined groups: {known}",
    ),
    "unknown_majority": Text(
        "نوع الأغلبية «{name}» غير معرَّف في motions.majorities{hint}؛ الأنواع المعرَّفة: {known}",
        "majority kind '{name}' is not defined under motions.majorities{hint};"
        " defined kinds: {known}",
    ),
    "unknown_branch": Text(
        "الفرع «{name}» غير مُعلَن في organization.branches؛ الفروع المعلَنة: {known}",
        "branch '{name}' is not declared under organization.branches; declared branches: {known}",
    ),
    "self_reference": Text(
        "لا يجوز أن تستمدّ الهيئة «{body}» مرشّحيها من أعضائها هي",
        "body '{body}' cannot draw its candidates from its own members",
    ),
    "cycle": Text(
        "تشكّل الهيئات المنتخِبة حلقة مغلقة: {cycle}",
        "electing bodies form a cycle: {cycle}",
    ),
    "elected_xor_appointed": Text(
        "يجب أن تحدّد الهيئة أحد المفتاحين «elected_by» أو «appointed_by»، لا كليهما ولا أيًّا منهما",
        "a body needs exactly one of 'elected_by' or 'appointed_by'",
    ),
    "not_applicable": Text(
        "المفتاح «{key}» لا ينطبق على {context}",
        "the key '{key}' does not apply to {context}",
    ),
    "single_needs_one_seat": Text(
        "طريقة «single» تنتخب مقعدًا واحدًا؛ الموجود: seats = {seats}",
        "method 'single' elects one seat, found seats = {seats}",
    ),
    "quota_exceeds_seats": Text(
        "حصة الفئة «{group}» ({minimum}) تتجاوز عدد مقاعد الهيئة ({seats})",
        "the quota for group '{group}' ({minimum}) exceeds the body's {seats}",
    ),
    "quotas_disjoint": Text(
        "لا يمكن الوفاء بحصتَي الفئتين «{a}» ({a_min}) و«{b}» ({b_min}) معًا: لا عضو مشترك"
        " بينهما، وللهيئة {seats} فقط",
        "the quotas for groups '{a}' ({a_min}) and '{b}' ({b_min}) cannot both be met:"
        " the groups share no member and the body has {seats}",
    ),
    "cap_below_one": Text(
        "الحد الأعلى {cap} يساوي بعد التقريب إلى الأدنى {maximum}؛ ويلزم مقعد واحد على الأقل"
        " لكل فرع حتى يمكن ملء المقاعد",
        "a cap of {cap} rounds down to {maximum}; at least 1 seat per branch is needed"
        " to fill the body",
    ),
    "cap_unfillable": Text(
        "مع {branches} وحدٍّ أعلى قدره {maximum} لكل فرع، لا يمكن ملء إلا {fillable} من أصل {seats}",
        "with {branches} and at most {maximum} each, only {fillable} of the {seats} can be filled",
    ),
    "cap_quota_conflict": Text(
        "الحد الأقصى لمقاعد الفروع التي تنحصر فيها الفئة «{group}» ({count}) هو {maximum}،"
        " وهو أقل من حصتها البالغة {minimum}",
        "group '{group}' lies in {count} that can hold at most {maximum}, fewer than its"
        " quota of {minimum}",
    ),
    "threshold_exceeds_committee": Text(
        "عدد التواقيع المطلوب ({required}) يتجاوز عدد أعضاء اللجنة ({size})",
        "{required} signatures are required but the committee has {size} members",
    ),
    "window_order": Text(
        "تُفتح فترة الترشّح قبل المؤتمر بـ{opens} وتُغلق قبله بـ{closes}؛ ويجب أن يسبق الفتحُ الإغلاقَ",
        "the nomination window opens {opens} before the conference and closes {closes}"
        " before it; it must open before it closes",
    ),
    "age_order": Text(
        "الحد الأدنى للعمر ({minimum}) يجب أن يكون أقل من الحد الأعلى ({maximum})",
        "min_age ({minimum}) must be below max_age ({maximum})",
    ),
    "group_no_criterion": Text(
        "تحتاج الفئة إلى معيار واحد على الأقل من: {known}",
        "a group needs at least one criterion among: {known}",
    ),
    "extra_pair": Text(
        "المفتاحان «extra_field» و«extra_values» يُذكران معًا أو يُتركان معًا",
        "'extra_field' and 'extra_values' go together",
    ),
    "age_contradiction": Text(
        "شرطا العمر متناقضان: لا أحد عمره دون {under} وفي الوقت نفسه {at_least} أو أكثر",
        "contradictory ages: nobody is under {under} and at least {at_least} years old",
    ),
    "threshold_kind": Text(
        "يجب أن يحدّد نوع الأغلبية أحد المفتاحين «more_than» أو «at_least»، لا كليهما ولا أيًّا منهما",
        "a majority kind needs exactly one of 'more_than' or 'at_least'",
    ),
}

TYPE_NAMES: dict[type, Text] = {
    str: Text("نص", "a string"),
    bool: Text("قيمة منطقية", "a boolean"),
    int: Text("عدد صحيح", "an integer"),
    float: Text("عدد عشري", "a decimal number"),
    dict: Text("جدول", "a table"),
    list: Text("مصفوفة", "an array"),
    dt.datetime: Text("تاريخ ووقت", "a date-time"),
    dt.date: Text("تاريخ", "a date"),
    dt.time: Text("وقت", "a time"),
}

EXPECT: dict[str, Text] = {
    "string": Text("نص غير فارغ", "a non-empty string"),
    "one_of": Text("إحدى القيم {allowed}", "one of {allowed}"),
    "bool": Text("قيمة منطقية (true أو false)", "a boolean (true or false)"),
    "int": Text("عدد صحيح", "an integer"),
    "int_min": Text("عدد صحيح لا يقل عن {minimum}", "an integer of at least {minimum}"),
    "int_range": Text(
        "عدد صحيح بين {minimum} و{maximum}", "an integer between {minimum} and {maximum}"
    ),
    "table": Text("جدول", "a table"),
    "text": Text(
        'جدول نصّي ثنائي اللغة {{ ar = "…", en = "…" }}',
        'a bilingual table {{ ar = "…", en = "…" }}',
    ),
    "string_list": Text("مصفوفة نصوص غير فارغة", "a non-empty array of strings"),
    "table_list": Text("مصفوفة جداول", "an array of tables"),
    "date": Text("تاريخ مثل 2025-05-01", "a date such as 2025-05-01"),
    "fraction": Text('كسر مثل "1/4" أو "25%"', 'a fraction such as "1/4" or "25%"'),
    "seats_or_fraction": Text(
        'عدد مقاعد صحيح أو كسر مثل "1/4" أو "25%"',
        'a whole number of seats or a fraction such as "1/4" or "25%"',
    ),
    "threshold": Text(
        '"half_plus_one" أو كسر مثل "2/3"', '"half_plus_one" or a fraction such as "2/3"'
    ),
    "article": Text('رقم مادة مثل "12.2"', 'an article number such as "12.2"'),
    "time_zone": Text('منطقة زمنية مثل "Asia/Damascus"', 'a time zone such as "Asia/Damascus"'),
    "languages": Text('مصفوفة من "ar" و/أو "en"', 'an array of "ar" and/or "en"'),
    "more_than_fraction": Text("كسر أقل من 1", "a fraction below 1"),
    "positive_fraction": Text("كسر أكبر من 0 ولا يتجاوز 1", "a fraction above 0 and at most 1"),
    "seats_max": Text(
        "عدد صحيح بين 1 وعدد المقاعد ({seats})",
        "an integer between 1 and the number of seats ({seats})",
    ),
    "branch_code": Text(
        "رمز فرع من حروف لاتينية وأرقام", "a branch code of Latin letters and digits"
    ),
    "electing": Text('"conference" أو مفتاح إحدى الهيئات', '"conference" or the key of a body'),
    "body_key": Text("مفتاح إحدى الهيئات", "the key of a body"),
}

CONTEXTS: dict[str, Text] = {
    "appointed_body": Text("هيئة معيَّنة لا منتخَبة", "an appointed body"),
    "method_all_members": Text(
        "طريقة التوزيع «all_members»", "the apportionment method 'all_members'"
    ),
    "method_per_n": Text("طريقة التوزيع «per_n»", "the apportionment method 'per_n'"),
    "method_fixed_size": Text(
        "طريقة التوزيع «fixed_size»", "the apportionment method 'fixed_size'"
    ),
}

DID_YOU_MEAN = Text("؛ هل تقصد «{suggestion}»؟", "; did you mean '{suggestion}'?")


def render(template: Text, params: dict[str, object]) -> Text:
    """Fill a template per language, so a `Text` parameter lands in its own language."""
    ar = {k: (v.ar if isinstance(v, Text) else str(v)) for k, v in params.items()}
    en = {k: (v.en if isinstance(v, Text) else str(v)) for k, v in params.items()}
    return Text(template.ar.format(**ar), template.en.format(**en))


def message(code: str, **params: object) -> Text:
    """The message for an error code, filled in both languages."""
    return render(MESSAGES[code], params)


def expect(name: str, **params: object) -> Text:
    """An 'expected ...' phrase, filled in both languages."""
    return render(EXPECT[name], params)


def listing(items: Iterable[str]) -> Text:
    """A list of keys or values for a message, with each language's comma."""
    shown = [f'"{item}"' for item in items]
    if not shown:
        return Text("—", "—")
    return Text("، ".join(shown), ", ".join(shown))


def closest(word: str, known: Iterable[str]) -> str | None:
    """The known key a typo most probably meant (difflib), if any is close enough."""
    matches = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return matches[0] if matches else None


def hint(word: str, known: Iterable[str]) -> Text:
    """'; did you mean ...?' when a known word is close, else nothing."""
    guess = closest(word, known)
    return Text("", "") if guess is None else render(DID_YOU_MEAN, {"suggestion": guess})


def describe(value: object) -> Text:
    """Say what was found: its TOML type and, for scalars, the value itself."""
    kind = next(
        (name for cls, name in TYPE_NAMES.items() if type(value) is cls),
        Text("قيمة", "a value"),
    )
    if isinstance(value, dict):
        return kind
    if isinstance(value, list):
        return Text(f"{kind.ar} من {len(value)} عنصر", f"{kind.en} of {len(value)} items")
    shown = f'"{value}"' if isinstance(value, str) else _scalar(value)
    return Text(f"{kind.ar} {shown}", f"{kind.en} {shown}")


def _scalar(value: object) -> str:
    """A TOML-like spelling of a scalar for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)
