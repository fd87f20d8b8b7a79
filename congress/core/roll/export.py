"""Escaping shared by export and import, and the CSV export of the roll."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TextIO

from congress.core.roll.model import FIELDS, RollRow

_FORMULA_START = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")  # and their full-width forms


def formula_char(value: str) -> str | None:
    """The character that would make a spreadsheet evaluate the cell, if any."""
    if value[:1] in ("\t", "\r"):
        return value[0]
    stripped = value.lstrip()
    if stripped and stripped[0] in _FORMULA_START:
        return stripped[0]
    return None


def _needs_quote(value: str) -> bool:
    """Whether `csv_safe` prefixes a `'`: formulas, and cells already starting with one."""
    return value.startswith("'") or formula_char(value) is not None


def csv_safe(value: object) -> str:
    """Render a cell that no spreadsheet will evaluate, and that the import reads back.

    Rule: a cell that starts with tab or CR, whose first non-space character is
    `=`, `+`, `-` or `@` (or their full-width forms), or that starts with `'`,
    gets one `'` in front. `csv_unescape` (applied by `parse_roll` to every
    cell) removes exactly that quote, so a phone `+90 532 000 00 00` is
    exported as `'+90 532 000 00 00` and imported back as `+90 532 000 00 00`,
    and a Latin name `'Abd` is exported as `''Abd` and imported back as `'Abd`.
    None is "", dates are ISO.
    """
    if value is None:
        text = ""
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value)
    return "'" + text if _needs_quote(text) else text


def csv_unescape(cell: str) -> str:
    """Undo `csv_safe`: drop a leading `'` only where `csv_safe` would have put one."""
    if cell.startswith("'") and _needs_quote(cell[1:]):
        return cell[1:]
    return cell


def _export_value(name: str, value: object) -> object:
    """`dues_paid` True / False as the words the import reads back; other values as given."""
    if name == "dues_paid" and isinstance(value, bool):
        return "yes" if value else "no"
    return value


def write_roll_csv(
    rows: Iterable[Mapping[str, object] | RollRow], out: TextIO, *, bom: bool = True
) -> None:
    """Write the roll with English headers, every cell through `csv_safe`, for re-import.

    `out` should be opened with `newline=""`. The BOM (on by default) makes
    Excel read the Arabic as UTF-8; `parse_roll` ignores it. Missing keys are
    written as empty cells; `dues_paid` is written as `yes`, `no` or empty.
    """
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for row in rows:
        values = row.as_dict() if isinstance(row, RollRow) else row
        writer.writerow([csv_safe(_export_value(name, values.get(name))) for name in FIELDS])
