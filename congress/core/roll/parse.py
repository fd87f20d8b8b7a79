"""Reading the file: size and encoding, the CSV records, and one row at a time."""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterator
from datetime import date

from congress.core.roll.export import csv_unescape
from congress.core.roll.header import map_header
from congress.core.roll.messages import (
    M_BAD_CSV,
    M_DUPLICATE_NUMBER,
    M_EMPTY_FILE,
    M_ENCODING,
    M_EXTRA_FIELDS,
    M_FIELD_LIMIT,
    M_JOINED_BEFORE_BIRTH,
    M_MISSING_FIELDS,
    M_TOO_LARGE,
    M_UTF16,
)
from congress.core.roll.model import FIELDS, Errors, RollParse, RollRow
from congress.core.roll.values import CHECKS, Bad, Branches, cell_problem, show


def _count_lines(text: str) -> int:
    """Physical lines as the csv module counts them (LF, CRLF or lone CR end a line)."""
    if not text:
        return 0
    breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
    return breaks if text.endswith(("\n", "\r")) else breaks + 1


def _size(n: int) -> str:
    """A byte count as the officer reads it, in MB."""
    return f"{n / (1024 * 1024):.1f} MB"


def _decode(data: bytes, errors: Errors) -> str | None:
    """The text of the file, or None after one `encoding` error on the first bad byte's line."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        errors.add(1, None, "encoding", M_UTF16)
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
        errors.add(line, None, "encoding", M_ENCODING.format(line=line))
        return None


def _delimiter(text: str) -> str:
    """`;` when the header line has more semicolons than commas (European Excel), else `,`."""
    for line in io.StringIO(text, newline=""):
        if line.strip():
            return ";" if line.count(";") > line.count(",") else ","
    return ","


def parse_roll(
    data: bytes,
    *,
    branches: Collection[str],
    today: date,
    max_bytes: int = 10 * 1024 * 1024,
    max_errors: int | None = None,
) -> RollParse:
    """Read a member-roll CSV file into valid rows and bilingual errors, without side effects.

    `branches` are the known branch codes (any case); `today` bounds the
    dates; a file over `max_bytes` is refused before reading; `max_errors`
    (at least 1) stops the parse once that many errors are collected.
    """
    if isinstance(branches, str):
        raise TypeError("branches must be a collection of codes, not one string")
    if max_errors is not None and max_errors < 1:
        raise ValueError("max_errors must be at least 1")
    errors = Errors(max_errors)

    if len(data) > max_bytes:
        errors.add(
            0,
            None,
            "too_large",
            M_TOO_LARGE.format(size=_size(len(data)), limit=_size(max_bytes)),
        )
        return RollParse([], errors.items, 0)

    text = _decode(data, errors)
    if text is None:
        return RollParse([], errors.items, 0)
    total_lines = _count_lines(text)
    if not text.strip():
        errors.add(0, None, "empty_file", M_EMPTY_FILE)
        return RollParse([], errors.items, total_lines)

    records = _records(text, errors)
    first = next(records, None)
    if first is None:  # only delimiters, or a first field past the csv field limit
        if not errors.items:
            errors.add(0, None, "empty_file", M_EMPTY_FILE)
        return RollParse([], errors.items, total_lines)
    header_line, header = first
    fields = map_header(header, header_line, errors)
    if fields is None:
        return RollParse([], errors.items, total_lines, errors.truncated)

    width = len(fields)
    known = Branches(branches)
    first_line: dict[str, int] = {}
    rows: list[RollRow] = []
    for line, record in records:
        if errors.full:
            errors.truncated = True
            break
        row = _parse_record(line, record, fields, width, known, today, first_line, errors)
        if row is not None:
            rows.append(row)
    return RollParse(rows, errors.items, total_lines, errors.truncated)


def _records(text: str, errors: Errors) -> Iterator[tuple[int, list[str]]]:
    """Non-blank records with the physical line where each starts; a CSV error ends them."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=False)
    line_num = 0
    while True:
        start = line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                errors.add(start, None, "too_long", M_FIELD_LIMIT)
            else:  # pragma: no cover - the non-strict reader hardly ever raises
                errors.add(start, None, "bad_csv", M_BAD_CSV)
            return
        line_num = reader.line_num
        if any(cell.strip() for cell in record):
            yield start, record


def _parse_record(
    line: int,
    record: list[str],
    fields: list[str],
    width: int,
    branches: Branches,
    today: date,
    first_line: dict[str, int],
    errors: Errors,
) -> RollRow | None:
    """Validate one record; report its errors and return the row only when it has none."""
    if len(record) > width:
        if any(cell.strip() for cell in record[width:]):
            errors.add(
                line,
                None,
                "extra_columns",
                M_EXTRA_FIELDS.format(count=len(record), expected=width),
            )
            return None
        record = record[:width]
    elif len(record) < width:
        errors.add(
            line,
            fields[len(record)],
            "missing_columns",
            M_MISSING_FIELDS.format(count=len(record), expected=width, name=fields[len(record)]),
        )
        return None

    values: dict[str, object] = dict.fromkeys(FIELDS, "")
    values["birth_date"] = values["joined_on"] = values["dues_paid"] = None
    failed = False
    for name, raw in zip(fields, record, strict=True):
        cell = csv_unescape(raw)
        problem = cell_problem(name, cell) if cell else None
        try:
            if problem is not None:
                raise Bad(*problem)
            values[name] = CHECKS[name](cell, branches, today)
        except Bad as bad:
            failed = True
            values[name] = None
            errors.add(line, name, bad.code, bad.message)

    number = values["member_number"]
    if isinstance(number, str) and number:
        key = number.upper()
        if key in first_line:
            failed = True
            errors.add(
                line,
                "member_number",
                "duplicate_number",
                M_DUPLICATE_NUMBER.format(value=show(number), first=first_line[key]),
            )
        else:
            first_line[key] = line

    birth, joined = values["birth_date"], values["joined_on"]
    if isinstance(birth, date) and isinstance(joined, date) and joined < birth:
        failed = True
        errors.add(
            line,
            "joined_on",
            "joined_before_birth",
            M_JOINED_BEFORE_BIRTH.format(joined=joined.isoformat(), birth=birth.isoformat()),
        )

    if failed:
        return None
    return RollRow(line=line, **values)  # type: ignore[arg-type]
