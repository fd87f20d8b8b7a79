"""Arabic counts agree with their number (issue 15): a string that says how many of something
there are is a plural entry (ngettext) with Arabic's six forms, so that 1, 2, 3-10, 11-99 and
100 read "مقعد واحد", "مقعدان", "3 مقاعد", "11 مقعدًا", "100 مقعد".

A new singular string that counts something fails here: turn it into ngettext(..., %(num)d),
or, if its number counts nothing (a line number, a version, a label followed by a bare number),
add it to ALLOWED with the reason."""

from __future__ import annotations

import io
import re
from gettext import GNUTranslations
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "congress/translations/ar/LC_MESSAGES/messages.po"

PLACEHOLDER = re.compile(r"%\((\w+)\)([dis])")
# Names that hold a number even when it is passed already formatted (as %(name)s).
NUMBER_NAMES = {
    "n",
    "num",
    "count",
    "k",
    "q",
    "seq",
    "seats",
    "voted",
    "electorate",
    "valid",
    "blank",
    "present",
    "accredited",
    "needed",
    "checked_in",
    "hours",
    "minutes",
    "have",
    "required",
    "roll",
}

# Singular strings whose numbers count nothing, each with why Arabic needs no plural form.
ALLOWED = {
    # ordinals and identifiers: a position or a name, not a quantity
    "Line %(n)d": "the number of a line of the uploaded file",
    "line %(n)d": "the number of a line of the uploaded file",
    "Page %(n)d": "a page number of the minutes",
    "Sitting %(n)d": "the number of a sitting",
    "Sitting %(n)d is open.": "the number of a sitting",
    "Sitting %(n)d is open since %(when)s.": "the number of a sitting",
    "Version %(n)d": "a version number of the bylaws",
    "Bylaws version %(n)d stored.": "a version number of the bylaws",
    "This file is identical to version %(n)d; nothing was stored.": "a version number",
    "The trustees' key, step %(n)d of 3, waits for you": "the step's position (ordinal)",
    "Word number %(n)d": "the position of a word of a SLIP-39 share (ordinal)",
    "Round %(n)s:": "the number of a round of the count (ordinal)",
    "by looking back to round %(n)s": "the number of a round of the count (ordinal)",
    "Article %(n)s": "an article of the bylaws (an identifier such as 20.1)",
    "Objection %(n)s by %(name)s (%(branch)s), filed on %(when)s:": "an objection's number",
    "No member has the number %(n)s.": "a membership number (an identifier)",
    "The chain is broken at entry %(seq)s.": "the sequence number of an audit entry",
    # a label and a bare number: no counted noun follows the number in either language
    "%(have)d of %(needed)d": "two bare numbers",
    "needed: %(n)d": "label: number (a chart's marker)",
    "Quota: %(q)s": "label: number (a quota of votes, possibly fractional)",
    "quota: %(q)s": "label: number (a chart's marker)",
    "Received: %(n)d of %(k)d.": "label: bare numbers",
    "%(voted)s of %(electorate)s have voted": "bare numbers: 'صوّت 5 من 40'",
    "%(voted)s of %(electorate)s voted; %(valid)s valid, %(blank)s blank": (
        "bare numbers, the Arabic puts each after its label"
    ),
    "checked in during the sitting: %(checked_in)s; present at its end: %(present)s": (
        "label: number, twice"
    ),
    "New: %(new)d · Updated: %(updated)d · Unchanged: %(unchanged)d · Errors: %(errors)d": (
        "label: number, four times"
    ),
    "Imported: %(new)d new, %(updated)d updated, %(unchanged)d unchanged.": (
        "three counts in one message; the Arabic puts each after its label"
    ),
    "%(rule)s lowered to %(n)d: not enough candidates — %(article)s": (
        "a rule's new value, no counted noun"
    ),
    # units of measure: Arabic writes the borrowed unit unchanged after any number
    "The file is larger than %(n)d KB.": "a size in كيلوبايت",
    "The photo is larger than %(n)d KB.": "a size in كيلوبايت",
    "JPEG or PNG, at most %(n)d KB. It is resized and stripped of its metadata.": (
        "a size in كيلوبايت"
    ),
    "The photo is %(w)d×%(h)d pixels; at most %(side)d pixels a side are accepted.": (
        "dimensions in بكسل"
    ),
    "The photo must be at least %(side)d pixels a side.": "dimensions in بكسل",
    "The photo declares far too many pixels; at most %(side)d pixels a side are accepted.": (
        "dimensions in بكسل"
    ),
}

# Arabic's plural forms in the catalog's order, with a number that selects each.
FORMS = {"zero": 0, "one": 1, "two": 2, "few": 3, "many": 11, "other": 100}


def catalog():
    with open(PO, "rb") as fh:
        return read_po(fh, locale="ar")


def numbers_in(text: str) -> set[str]:
    return {
        name for name, kind in PLACEHOLDER.findall(text) if kind in "di" or name in NUMBER_NAMES
    }


def placeholders(text: str) -> set[str]:
    return {f"%({name})" for name, _kind in PLACEHOLDER.findall(text)}


def test_every_string_that_counts_is_a_plural_entry():
    singular_counts = sorted(
        message.id
        for message in catalog()
        if message.id
        and isinstance(message.id, str)
        and numbers_in(message.id)
        and message.id not in ALLOWED
    )
    assert singular_counts == [], (
        "use ngettext(singular, plural, n) with %(num)d, or add to ALLOWED with the reason:\n"
        + "\n".join(singular_counts)
    )


def test_the_allowlist_names_only_strings_that_exist():
    ids = {m.id for m in catalog() if m.id and isinstance(m.id, str)}
    assert sorted(set(ALLOWED) - ids) == []


def test_every_plural_entry_has_six_written_arabic_forms():
    problems = []
    for message in catalog():
        if not message.id or not isinstance(message.id, tuple):
            continue
        forms = message.string
        if not isinstance(forms, tuple) or len(forms) != 6 or not all(forms):
            problems.append(f"{message.id[0]}: needs six Arabic forms")
            continue
        if len(set(forms)) == 1:
            problems.append(f"{message.id[0]}: the six forms are the same (no agreement)")
        wanted = placeholders(message.id[1])
        for index, form in enumerate(forms):
            # 3-10, 11-99 and 100+ must show the number; one, two and zero may say it in
            # words. Every other value (a name, a title, a second number) must stay,
            # except in the zero form, which may say "none" instead.
            must = wanted if index >= 3 else wanted - {"%(num)"}
            if index == 0:
                must = set()
            missing = {p for p in must if p not in form}
            if missing:
                problems.append(f"{message.id[0]}: form {index} lacks {sorted(missing)}")
    assert problems == []


def compiled() -> GNUTranslations:
    """The Arabic catalog as the app loads it, compiled from the .po here (no build step)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog())
    buffer.seek(0)
    return GNUTranslations(buffer)


SEATS = ("%(num)d seat", "%(num)d seats")
CHOOSE = ("Choose up to %(num)d candidate.", "Choose up to %(num)d candidates.")


CASES = [
    (SEATS, 1, "مقعد واحد"),
    (SEATS, 2, "مقعدان"),
    (SEATS, 3, "3 مقاعد"),
    (SEATS, 11, "11 مقعدًا"),
    (SEATS, 100, "100 مقعد"),
    (CHOOSE, 1, "اختر مرشحًا واحدًا على الأكثر."),
    (CHOOSE, 2, "اختر حتى مرشحَين."),
    (CHOOSE, 3, "اختر حتى 3 مرشحين."),
    (CHOOSE, 11, "اختر حتى 11 مرشحًا."),
    (CHOOSE, 100, "اختر حتى 100 مرشح."),
    (CHOOSE, 103, "اختر حتى 103 مرشحين."),  # 103 reads as 3: the hundreds do not count
]


@pytest.mark.parametrize(
    "strings, n, arabic",
    CASES,
    ids=[f"{'seats' if s is SEATS else 'choose'}-{n}" for s, n, _ in CASES],
)
def test_the_arabic_form_follows_the_number(strings, n, arabic):
    assert compiled().ngettext(*strings, n) % {"num": n} == arabic


def test_a_count_with_other_values_keeps_them_in_every_form():
    arabic = compiled()
    singular, plural = (
        "%(name)s has %(num)d endorsement; the bylaws require %(needed)d.",
        "%(name)s has %(num)d endorsements; the bylaws require %(needed)d.",
    )
    shown = {
        n: arabic.ngettext(singular, plural, n) % {"num": n, "name": "فاطمة", "needed": 5}
        for n in FORMS.values()
    }
    assert shown[1] == "لدى فاطمة تزكية واحدة، والنظام الداخلي يشترط 5."
    assert shown[2] == "لدى فاطمة تزكيتان، والنظام الداخلي يشترط 5."
    assert shown[3] == "لدى فاطمة 3 تزكيات، والنظام الداخلي يشترط 5."
    assert shown[11] == "لدى فاطمة 11 تزكيةً، والنظام الداخلي يشترط 5."
    assert shown[100] == "لدى فاطمة 100 تزكية، والنظام الداخلي يشترط 5."
    assert all("فاطمة" in text for text in shown.values())
