"""The roll's fields and error codes, and the values an import returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from congress.core.rules import Text

FIELDS: tuple[str, ...] = (
    "member_number",
    "name_ar",
    "name_latin",
    "email",
    "phone",
    "branch",
    "birth_date",
    "joined_on",
    "gender",
    "status",
    "dues_paid",
)
REQUIRED_FIELDS: frozenset[str] = frozenset({"member_number", "name_ar", "branch", "status"})

ERROR_CODES: frozenset[str] = frozenset(
    {
        "too_large",
        "encoding",
        "empty_file",
        "bad_csv",
        "unknown_header",
        "duplicate_header",
        "missing_columns",
        "extra_columns",
        "control_chars",
        "formula",
        "too_long",
        "bad_number",
        "duplicate_number",
        "empty_name",
        "not_arabic",
        "bad_email",
        "bad_phone",
        "unknown_branch",
        "bad_date",
        "future_date",
        "joined_before_birth",
        "bad_gender",
        "bad_status",
        "bad_dues",
    }
)


@dataclass(frozen=True)
class RollError:
    """One problem of the file, on a physical line, so the officer can fix it there.

    `line` is 0 for the whole file, 1 for the header; `column` is the field name
    (e.g. "email") or, for an unknown header, the header as written.
    """

    line: int
    column: str | None
    code: str
    message: Text


@dataclass(frozen=True)
class RollRow:
    """One valid member of the roll, in canonical form, ready to compare with the database.

    Absent text values are "" and absent dates None; `branch` is upper case,
    `gender` is "m", "f" or "", `status` is "active", "suspended" or "resigned";
    `dues_paid` is True, False, or None when the file does not say.
    """

    line: int
    member_number: str
    name_ar: str
    name_latin: str
    email: str
    phone: str
    branch: str
    birth_date: date | None
    joined_on: date | None
    gender: str
    status: str
    dues_paid: bool | None = None

    def as_dict(self) -> dict[str, object]:
        """The roll fields without `line`, as `write_roll_csv` and the web layer want them."""
        return {name: getattr(self, name) for name in FIELDS}


@dataclass(frozen=True)
class RollParse:
    """The outcome of an import: the valid rows and every error, for a preview.

    `truncated` is True when `max_errors` stopped the parse before the end of
    the file (or dropped errors of the last row read): the file is then not
    known to be otherwise valid.
    """

    rows: list[RollRow]
    errors: list[RollError]
    total_lines: int
    truncated: bool = False

    @property
    def ok(self) -> bool:
        """True when the whole file was read and no line has an error."""
        return not self.errors and not self.truncated


class Errors:
    """The error list, capped at `max_errors` so a preview of a huge bad file stays small."""

    def __init__(self, cap: int | None):
        self.items: list[RollError] = []
        self.cap = cap
        self.truncated = False

    @property
    def full(self) -> bool:
        return self.cap is not None and len(self.items) >= self.cap

    def add(self, line: int, column: str | None, code: str, message: Text) -> None:
        if self.full:
            self.truncated = True
            return
        self.items.append(RollError(line, column, code, message))
