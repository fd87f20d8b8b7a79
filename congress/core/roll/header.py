"""The header line: which field each column holds, under its English or Arabic names."""

from __future__ import annotations

import difflib

from congress.core.arabic import normalize
from congress.core.roll.messages import (
    M_DUPLICATE_HEADER,
    M_EMPTY_HEADER,
    M_MISSING_HEADER,
    M_SUGGEST,
    M_UNKNOWN_HEADER,
)
from congress.core.roll.model import FIELDS, REQUIRED_FIELDS, Errors
from congress.core.roll.values import show
from congress.core.rules import Text

# Accepted header names per field; matched after `arabic.normalize` and with
# `_` / `-` / spaces treated alike, so "Member Number" and "رقم العضويه" match.
_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "member_number": ("member_number", "رقم العضوية", "رقم العضو", "الرقم"),
    "name_ar": ("name_ar", "الاسم بالعربية", "الاسم باللغة العربية", "الاسم العربي", "الاسم"),
    "name_latin": (
        "name_latin",
        "الاسم باللاتينية",
        "الاسم اللاتيني",
        "الاسم بالإنجليزية",
        "الاسم بالإنكليزية",
    ),
    "email": ("email", "البريد الإلكتروني", "البريد"),
    "phone": ("phone", "الهاتف", "رقم الهاتف", "الجوال"),
    "branch": ("branch", "الفرع"),
    "birth_date": ("birth_date", "تاريخ الميلاد", "تاريخ الولادة"),
    "joined_on": ("joined_on", "تاريخ الانتساب", "تاريخ الانضمام", "تاريخ العضوية"),
    "gender": ("gender", "الجنس"),
    "status": ("status", "الحالة", "حالة العضوية"),
    "dues_paid": ("dues_paid", "الاشتراك مدفوع", "دفع الاشتراك", "تسديد الاشتراك", "الاشتراك"),
}

_HEADER_SEPARATORS = str.maketrans({"_": " ", "-": " "})


def field_title(name: str, lang: str) -> str:
    """A field as the reader calls it: its Arabic column name ("الجنس"), or in English its
    own name ("gender"); a name that is not a field is returned as given."""
    aliases = _HEADER_ALIASES.get(name)
    return aliases[1] if aliases and lang != "en" else name


def _header_key(name: str) -> str:
    """How a header is compared: Arabic-folded, case-folded, `_`/`-`/spaces alike."""
    return " ".join(normalize(name).translate(_HEADER_SEPARATORS).split())


_HEADER_INDEX: dict[str, str] = {}
_HEADER_DISPLAY: dict[str, str] = {}
for _name, _aliases in _HEADER_ALIASES.items():
    for _alias in _aliases:
        _HEADER_INDEX[_header_key(_alias)] = _name
        _HEADER_DISPLAY[_header_key(_alias)] = _alias
del _name, _aliases, _alias


def map_header(cells: list[str], line: int, errors: Errors) -> list[str] | None:
    """The field name of each header cell, or None after reporting why the header is unusable."""
    while cells and not cells[-1].strip():
        cells = cells[:-1]  # unnamed trailing columns: spreadsheet residue
    fields: list[str] = []
    first_seen: dict[str, str] = {}
    bad = False
    for index, cell in enumerate(cells, start=1):
        key = _header_key(cell)
        name = _HEADER_INDEX.get(key)
        if name is None:
            bad = True
            if not key:
                errors.add(line, None, "unknown_header", M_EMPTY_HEADER.format(index=index))
                continue
            shown = show(cell.strip())
            message = M_UNKNOWN_HEADER.format(name=shown)
            close = difflib.get_close_matches(key, list(_HEADER_INDEX), n=1, cutoff=0.6)
            if close:
                suggestion = M_SUGGEST.format(name=_HEADER_DISPLAY[close[0]])
                message = Text(message.ar + suggestion.ar, message.en + suggestion.en)
            errors.add(line, shown, "unknown_header", message)
            continue
        if name in first_seen:
            bad = True
            errors.add(
                line,
                name,
                "duplicate_header",
                M_DUPLICATE_HEADER.format(name=show(cell.strip()), first=first_seen[name]),
            )
            continue
        first_seen[name] = show(cell.strip())
        fields.append(name)
    for name in FIELDS:
        if name in REQUIRED_FIELDS and name not in first_seen:
            bad = True
            errors.add(line, name, "missing_columns", M_MISSING_HEADER.format(name=name))
    return None if bad else fields
