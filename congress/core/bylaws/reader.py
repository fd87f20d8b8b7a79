"""Typed reading of TOML tables that records every problem instead of stopping.

Each getter returns a value of the right type even when the input is wrong (a
neutral fallback), so validation carries on and reports every error at once;
the caller raises only after the whole document has been read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from congress.core.bylaws.lines import LineIndex, join
from congress.core.bylaws.messages import closest, describe, expect, hint, listing, message
from congress.core.rules import Text

ARTICLE = re.compile(r"^[0-9]+(\.[0-9]+)*[a-z]?$")


@dataclass(frozen=True)
class BylawsError:
    """One problem in a bylaws document: where, what, and on which line."""

    path: str
    message: Text
    line: int | None
    code: str = "invalid"


class BylawsInvalid(Exception):
    """The document is not valid bylaws; `errors` lists every problem found."""

    def __init__(self, errors: Sequence[BylawsError]) -> None:
        self.errors = tuple(errors)
        lines = [f"{e.path or '<document>'}: {e.message.en}" for e in self.errors]
        super().__init__(f"{len(self.errors)} problem(s) in the bylaws:\n" + "\n".join(lines))


def parse_fraction(value: str) -> Fraction | None:
    """'1/4', '25%' or '0.25' as an exact Fraction; None if it is not a number."""
    text = value.strip()
    try:
        if text.endswith("%"):
            return Fraction(text[:-1].strip()) / 100
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None


class Reader:
    """Collects errors with their lines, and the article numbers seen so far."""

    def __init__(self, lines: LineIndex) -> None:
        self.lines = lines
        self.errors: list[BylawsError] = []
        self.articles: dict[str, str] = {}

    def error(self, path: str, code: str, text: Text) -> None:
        self.errors.append(BylawsError(path, text, self.lines.find(path), code))

    def clean(self, *paths: str) -> bool:
        """True when no error was recorded at or under any of these paths."""
        for error in self.errors:
            for path in paths:
                if error.path == path or error.path.startswith((path + ".", path + "[")):
                    return False
        return True

    def table(self, data: object, path: str, allowed: Sequence[str] | None) -> Table:
        return Table(self, data if isinstance(data, dict) else {}, path, allowed)


class Table:
    """A TOML table being read: typed getters, unknown-key detection with suggestions."""

    def __init__(
        self, reader: Reader, data: dict[str, object], path: str, allowed: Sequence[str] | None
    ) -> None:
        self.r = reader
        self.data = data
        self.path = path
        if allowed is not None:
            for key in data:
                if key not in allowed:
                    self.unknown(key, allowed)

    def unknown(self, key: str, allowed: Sequence[str]) -> None:
        guess = closest(key, allowed)
        if guess is None:
            text = message("unknown_key_no_match", key=key, known=listing(allowed))
        else:
            text = message("unknown_key", key=key, suggestion=guess)
        self.r.error(self.at(key), "unknown_key", text)

    def at(self, key: str) -> str:
        return join(self.path, key)

    def has(self, key: str) -> bool:
        return key in self.data

    def missing(self, key: str, expected: Text) -> None:
        self.r.error(
            self.at(key), "missing_key", message("missing_key", key=key, expected=expected)
        )

    def wrong(self, key: str, expected: Text, value: object) -> None:
        code = "float_not_allowed" if isinstance(value, float) else "wrong_type"
        found: object = value if isinstance(value, float) else describe(value)
        self.r.error(self.at(key), code, message(code, expected=expected, found=found))

    def get(
        self, key: str, kind: type | tuple[type, ...], expected: Text, required: bool
    ) -> object:
        """The raw value if present and of the right TOML type, else None (error noted)."""
        if key not in self.data:
            if required:
                self.missing(key, expected)
            return None
        value = self.data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        bad_bool = isinstance(value, bool) and bool not in kinds
        if bad_bool or not isinstance(value, kind):
            self.wrong(key, expected, value)
            return None
        return value

    def sub(self, key: str, allowed: Sequence[str] | None, required: bool = True) -> Table | None:
        value = self.get(key, dict, expect("table"), required)
        if not isinstance(value, dict):
            return None
        return Table(self.r, value, self.at(key), allowed)

    def string(self, key: str, required: bool = True, default: str = "") -> str:
        value = self.get(key, str, expect("string"), required)
        if isinstance(value, str) and not value.strip():
            self.wrong(key, expect("string"), value)
            return default
        return value if isinstance(value, str) else default

    def boolean(self, key: str, default: bool | None = None) -> bool:
        value = self.get(key, bool, expect("bool"), default is None)
        return value if isinstance(value, bool) else bool(default)

    def integer(
        self,
        key: str,
        minimum: int | None = None,
        maximum: int | None = None,
        default: int | None = None,
    ) -> int:
        if minimum is not None and maximum is not None:
            wanted = expect("int_range", minimum=minimum, maximum=maximum)
        elif minimum is not None:
            wanted = expect("int_min", minimum=minimum)
        else:
            wanted = expect("int")
        value = self.get(key, int, wanted, default is None)
        if not isinstance(value, int):
            return default if default is not None else (minimum or 0)
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            self.r.error(
                self.at(key), "out_of_range", message("out_of_range", expected=wanted, found=value)
            )
            return default if default is not None else (minimum or 0)
        return value

    def optional_int(self, key: str, minimum: int, maximum: int) -> int | None:
        return self.integer(key, minimum, maximum, default=0) if key in self.data else None

    def choice(self, key: str, allowed: Sequence[str], default: str | None = None) -> str:
        value = self.get(key, str, expect("one_of", allowed=listing(allowed)), default is None)
        if not isinstance(value, str):
            return default or allowed[0]
        if value not in allowed:
            self.r.error(
                self.at(key),
                "invalid_choice",
                message(
                    "invalid_choice",
                    allowed=listing(allowed),
                    found=describe(value),
                    hint=hint(value, allowed),
                ),
            )
            return default or allowed[0]
        return value

    def strings(self, key: str, required: bool = True) -> tuple[str, ...] | None:
        value = self.get(key, list, expect("string_list"), required)
        if not isinstance(value, list):
            return None
        if not value or not all(isinstance(v, str) and v.strip() for v in value):
            self.wrong(key, expect("string_list"), value)
            return None
        seen: set[str] = set()
        for i, item in enumerate(value):
            if item in seen:
                self.r.error(
                    f"{self.at(key)}[{i}]",
                    "duplicate_value",
                    message("duplicate_value", value=item),
                )
            seen.add(item)
        return tuple(value)

    def text(self, key: str) -> Text:
        value = self.get(key, dict, expect("text"), True)
        if not isinstance(value, dict):
            return Text("", "")
        inner = Table(self.r, value, self.at(key), ("ar", "en"))
        return Text(inner.string("ar"), inner.string("en"))

    def date(self, key: str) -> dt.date | None:
        value = self.get(key, dt.date, expect("date"), False)
        if isinstance(value, dt.datetime):
            self.wrong(key, expect("date"), value)
            return None
        return value if isinstance(value, dt.date) else None

    def fraction(self, key: str, strict_below_one: bool = False) -> Fraction:
        """A share written as a string; 0 < f <= 1 (or < 1 for 'more than')."""
        value = self.get(key, str, expect("fraction"), True)
        if not isinstance(value, str):
            return Fraction(1, 2)
        return self.check_fraction(key, value, strict_below_one)

    def check_fraction(self, key: str, value: str, strict_below_one: bool = False) -> Fraction:
        parsed = parse_fraction(value)
        if parsed is None:
            self.r.error(
                self.at(key), "invalid_fraction", message("invalid_fraction", found=describe(value))
            )
            return Fraction(1, 2)
        too_big = parsed >= 1 if strict_below_one else parsed > 1
        if parsed <= 0 or too_big:
            wanted = expect("more_than_fraction" if strict_below_one else "positive_fraction")
            self.r.error(
                self.at(key), "out_of_range", message("out_of_range", expected=wanted, found=value)
            )
            return Fraction(1, 2)
        return parsed

    def rule_head(self) -> tuple[str, Text]:
        """Read the article number and bilingual title every rule must carry."""
        return self.article(), self.text("title")

    def article(self) -> str:
        value = self.data.get("article")
        if value is None or not isinstance(value, str):
            if value is None:
                self.missing("article", expect("article"))
            else:
                found = describe(value)
                text = message("wrong_type", expected=expect("article"), found=found)
                self.r.error(self.at("article"), "wrong_type", text)
            return ""
        if not ARTICLE.match(value):
            self.r.error(
                self.at("article"), "bad_article", message("bad_article", found=describe(value))
            )
            return value
        first = self.r.articles.get(value)
        if first is not None:
            self.r.error(
                self.at("article"),
                "duplicate_article",
                message("duplicate_article", number=value, other=first),
            )
        else:
            self.r.articles[value] = self.path
        return value
