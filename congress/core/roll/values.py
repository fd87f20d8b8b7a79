"""One check per column: turn a cell into its canonical value or refuse it.

A check takes the cell (already through `csv_unescape` and `cell_problem`)
and returns the value to store, or raises `Bad` with the error code and
bilingual message; `CHECKS` maps every field to its check.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection
from datetime import date

from congress.core.arabic import normalize
from congress.core.roll.export import formula_char
from congress.core.roll.messages import (
    M_BAD_DUES,
    M_BAD_EMAIL,
    M_BAD_GENDER,
    M_BAD_NUMBER,
    M_BAD_PHONE,
    M_BAD_STATUS,
    M_BIDI,
    M_BRANCH_MISSING,
    M_CONTROL,
    M_DATE_FORMAT,
    M_DATE_IMPOSSIBLE,
    M_DATE_TOO_OLD,
    M_EMPTY_NAME,
    M_FORMULA,
    M_FUTURE_DATE,
    M_NOT_ARABIC,
    M_NUMBER_MISSING,
    M_STATUS_MISSING,
    M_SUGGEST,
    M_TOO_LONG,
    M_UNKNOWN_BRANCH,
)
from congress.core.rules import Text

_MAX_LEN = {
    "member_number": 40,
    "name_ar": 200,
    "name_latin": 200,
    "email": 254,
    "phone": 40,
    "branch": 40,
    "birth_date": 10,
    "joined_on": 10,
    "gender": 20,
    "status": 20,
    "dues_paid": 20,
}

_SHOW = 40  # a value quoted in a message is cut to this many characters
_MIN_YEAR = 1900
_PHONE_DIGITS = (5, 20)

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_EASTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
_NUMBER = re.compile(r"[A-Za-z0-9_/-]*[A-Za-z0-9][A-Za-z0-9_/-]*")
_ARABIC_LETTER = re.compile(
    "[\u0621-\u063a\u0641-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc"
    "\u06ff\u0750-\u077f\u08a0-\u08c9\ufb50-\ufdfb\ufe70-\ufefc]"
)
_EMAIL = re.compile(
    r"(?P<local>[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*)"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
)
_PHONE = re.compile(r"\+?[0-9 ()-]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

_GENDERS = {"m": "m", "male": "m", "ذكر": "m", "f": "f", "female": "f", "انثي": "f"}
_STATUSES = {
    "active": "active",
    "suspended": "suspended",
    "resigned": "resigned",
    "فعال": "active",
    "فعاله": "active",
    "نشط": "active",
    "نشطه": "active",
    "معلق": "suspended",
    "معلقه": "suspended",
    "مستقيل": "resigned",
    "مستقيله": "resigned",
}
_DUES = {
    "yes": True,
    "y": True,
    "true": True,
    "1": True,
    "نعم": True,
    "no": False,
    "n": False,
    "false": False,
    "0": False,
    "لا": False,
}


class Bad(Exception):
    """A cell value refused by a field check: carries the error code and message."""

    def __init__(self, code: str, message: Text):
        super().__init__(code)
        self.code = code
        self.message = message


def show(value: str) -> str:
    """A value fit to quote in a message: no controls, cut to about 40 characters."""
    value = _CONTROL.sub("\ufffd", value.replace("\n", " ").replace("\r", " ").replace("\t", " "))
    return value if len(value) <= _SHOW else value[: _SHOW - 1] + "…"


def _check_number(value: str) -> str:
    """Member number: ASCII letters, digits, -, / and _, as typed (Arabic-Indic digits folded)."""
    value = value.translate(_EASTERN_DIGITS).strip()
    if not value:
        raise Bad("bad_number", M_NUMBER_MISSING)
    if not _NUMBER.fullmatch(value):
        raise Bad("bad_number", M_BAD_NUMBER.format(value=show(value)))
    return value


def _check_name_ar(value: str) -> str:
    """Arabic name: required, whitespace collapsed (a multi-line cell becomes one line)."""
    value = " ".join(value.split())
    if not value:
        raise Bad("empty_name", M_EMPTY_NAME)
    if not _ARABIC_LETTER.search(value):
        raise Bad("not_arabic", M_NOT_ARABIC.format(value=show(value)))
    return value


def _check_name_latin(value: str) -> str:
    """Latin name: optional and free, whitespace collapsed like the Arabic name."""
    return " ".join(value.split())


def _check_email(value: str) -> str:
    """Email: optional, lower-cased, ASCII dot-atom syntax (no IDN), local part of 64 at most."""
    value = value.strip().lower()
    if not value:
        return ""
    match = _EMAIL.fullmatch(value)
    if match is None or len(match.group("local")) > 64:
        raise Bad("bad_email", M_BAD_EMAIL.format(value=show(value)))
    return value


def _check_phone(value: str) -> str:
    """Phone: optional, digits and + ( ) - spaces, 5 to 20 digits, kept as typed."""
    value = " ".join(value.translate(_EASTERN_DIGITS).split())
    if not value:
        return ""
    digits = sum(ch.isdigit() for ch in value)
    if not _PHONE.fullmatch(value) or not _PHONE_DIGITS[0] <= digits <= _PHONE_DIGITS[1]:
        raise Bad("bad_phone", M_BAD_PHONE.format(value=show(value)))
    return value


def _check_date(value: str, today: date) -> date | None:
    """Date: optional ISO YYYY-MM-DD (Arabic-Indic digits folded), 1900 to `today`."""
    value = value.translate(_EASTERN_DIGITS).strip()
    if not value:
        return None
    if not _ISO_DATE.fullmatch(value):
        raise Bad("bad_date", M_DATE_FORMAT.format(value=show(value)))
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise Bad("bad_date", M_DATE_IMPOSSIBLE.format(value=value)) from None
    if parsed.year < _MIN_YEAR:
        raise Bad("bad_date", M_DATE_TOO_OLD.format(value=value))
    if parsed > today:
        raise Bad("future_date", M_FUTURE_DATE.format(value=value))
    return parsed


def _check_gender(value: str) -> str:
    """Gender: optional, English or Arabic words folded to m / f."""
    value = value.strip()
    if not value:
        return ""
    gender = _GENDERS.get(value.casefold()) or _GENDERS.get(normalize(value))
    if gender is None:
        raise Bad("bad_gender", M_BAD_GENDER.format(value=show(value)))
    return gender


def _check_status(value: str) -> str:
    """Status: required, English or Arabic (masculine or feminine) folded to English."""
    value = value.strip()
    if not value:
        raise Bad("bad_status", M_STATUS_MISSING)
    status = _STATUSES.get(value.casefold()) or _STATUSES.get(normalize(value))
    if status is None:
        raise Bad("bad_status", M_BAD_STATUS.format(value=show(value)))
    return status


def _check_dues(value: str) -> bool | None:
    """Dues paid: optional yes/no, true/false, y/n, 1/0 or نعم/لا, any case, to True / False."""
    value = value.translate(_EASTERN_DIGITS).strip()
    if not value:
        return None
    paid = _DUES.get(normalize(value))
    if paid is None:
        raise Bad("bad_dues", M_BAD_DUES.format(value=show(value)))
    return paid


class Branches:
    """The known branch codes, upper case, with a close match for a typo."""

    def __init__(self, branches: Collection[str]):
        self.codes = frozenset(b.strip().upper() for b in branches)

    def check(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise Bad("unknown_branch", M_BRANCH_MISSING)
        code = value.upper()
        if code in self.codes:
            return code
        message = M_UNKNOWN_BRANCH.format(value=show(value))
        close = difflib.get_close_matches(code, sorted(self.codes), n=1, cutoff=0.6)
        if close:
            suggestion = M_SUGGEST.format(name=close[0])
            message = Text(message.ar + suggestion.ar, message.en + suggestion.en)
        raise Bad("unknown_branch", message)


def cell_problem(name: str, value: str) -> tuple[str, Text] | None:
    """Controls, formulas and length: refused the same way in every column."""
    control = _CONTROL.search(value)
    if control is not None:
        char = control.group()
        template = M_BIDI if char in _BIDI else M_CONTROL
        return "control_chars", template.format(char=f"U+{ord(char):04X}")
    char = formula_char(value)
    if char is not None:
        stripped = value.lstrip()
        # A phone in international form (+ then a digit) is not a formula.
        if not (name == "phone" and char == "+" and stripped[1:2].isdigit()):
            shown = {"\t": "TAB", "\r": "CR"}.get(char, char)
            return "formula", M_FORMULA.format(value=show(stripped), char=shown)
    length = len(value.strip())
    if length > _MAX_LEN[name]:
        return "too_long", M_TOO_LONG.format(
            value=show(value.strip()), length=length, limit=_MAX_LEN[name]
        )
    return None


# Every check called alike: (cell, known branches, today) -> canonical value.
CHECKS: dict[str, Callable[[str, Branches, date], object]] = {
    "member_number": lambda v, b, t: _check_number(v),
    "name_ar": lambda v, b, t: _check_name_ar(v),
    "name_latin": lambda v, b, t: _check_name_latin(v),
    "email": lambda v, b, t: _check_email(v),
    "phone": lambda v, b, t: _check_phone(v),
    "branch": lambda v, b, t: b.check(v),
    "birth_date": lambda v, b, t: _check_date(v, t),
    "joined_on": lambda v, b, t: _check_date(v, t),
    "gender": lambda v, b, t: _check_gender(v),
    "status": lambda v, b, t: _check_status(v),
    "dues_paid": lambda v, b, t: _check_dues(v),
}
