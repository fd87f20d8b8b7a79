"""Strategies for hostile form input, and a raw form poster that can send any bytes.

Three bugs found in this review (each fixed since, and kept as a regression test in
`test_fuzz_forms.py`) once narrowed what these strategies drew; they now draw it all:
NUL bytes on PostgreSQL, integers beyond 32 bits in ids and numeric fields. Date fields
are still fuzzed with strings that are not dates (a valid date could make the form valid);
the ends of the calendar are `test_dates_at_the_ends_of_the_calendar_are_refused`.
"""

from __future__ import annotations

import io
import os
from urllib.parse import quote_from_bytes

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

NUL_BREAKS_POSTGRES = False  # True again leaves NUL out on PostgreSQL
INT32 = 2**31 - 1

# Fixed runs by default, so the folder is reproducible; CONGRESS_FUZZ_RANDOM=1 explores.
RANDOM = os.environ.get("CONGRESS_FUZZ_RANDOM", "") not in ("", "0")
FUZZ = settings(
    max_examples=100 if RANDOM else 10,
    deadline=None,
    derandomize=not RANDOM,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)

NASTY = [
    "",
    "\x00",
    "a\x00b",
    " ",
    "\t\r\n",
    "\u200f",  # right-to-left mark
    "\u200e",  # left-to-right mark
    "\u202e\u2066abc\u2069",  # override and isolates
    "\u200d",  # zero-width joiner
    "\u200b\ufeff",  # zero-width space, BOM
    "ع\u200dع",
    "محمد\u200fSmith١٢٣",  # mixed scripts and digits
    "ﷺ﷽",
    "A\u0301\u0301\u0301",  # stacked combining marks
    "😀👩‍👩‍👧‍👦",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "İıßﬁǅ",
    "\u0085\u2028\u2029",
    "\x7f\x1b[31m",
    "\uffff\U0010ffff",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "%s%n%x{0}{{7*7}}",
    "../../../../etc/passwd",
    "\\\\server\\share",
    "=cmd|' /C calc'!A0",
    "١٢٣٤",
    "-1",
    "0",
    "2147483647",  # the largest id a 32-bit column holds
    "2147483648",
    "99999999999999999999",
    "1e309",
    "NaN",
    "null",
    "true",
]


def text(*, nul: bool = True, max_size: int = 200) -> st.SearchStrategy[str]:
    """Hostile strings: hand-picked edge cases, arbitrary code points (no lone surrogate:
    those cannot be encoded; see `raw_values`), and huge repetitions."""
    exclude = "" if nul else "\x00"
    allowed = [s for s in NASTY if not (exclude and exclude in s)]
    return st.one_of(
        st.sampled_from(allowed),
        st.text(
            st.characters(exclude_categories=("Cs",), exclude_characters=exclude),
            max_size=max_size,
        ),
        st.builds(
            lambda s, n: s * n,
            st.sampled_from([s for s in allowed if s][:18]),
            st.integers(100, 20_000),
        ),
    )


def raw_values() -> st.SearchStrategy[bytes]:
    """Bytes a browser would not send: invalid UTF-8, encoded lone surrogates, overlongs."""
    return st.one_of(
        st.sampled_from(
            [
                b"\xed\xa0\x80",  # a lone high surrogate, as CESU-8
                b"\xed\xbf\xbf",
                b"\xc0\xaf",  # overlong '/'
                b"\xff\xfe",
                b"\xe2\x80",  # truncated
                b"\xf4\x90\x80\x80",  # beyond U+10FFFF
            ]
        ),
        st.binary(max_size=64),
    )


def form_body(fields: list[tuple[str, bytes | str]]) -> bytes:
    """application/x-www-form-urlencoded from (name, value) pairs, any bytes allowed."""
    parts = []
    for name, value in fields:
        raw = value.encode("utf-8", "surrogatepass") if isinstance(value, str) else value
        parts.append(f"{quote_from_bytes(name.encode())}={quote_from_bytes(raw)}")
    return "&".join(parts).encode("ascii")


def post_raw(browser, url: str, fields: list[tuple[str, bytes | str]]):
    return browser.client.post(
        url, data=form_body(fields), content_type="application/x-www-form-urlencoded"
    )


def post_multipart(client, url: str, fields: dict):
    """A multipart body encoded in memory: the test client's own encoder spools big bodies
    to temporary files it never closes (a ResourceWarning, an error under -W error).
    A field's value is text, or (bytes or a binary stream, filename) for a file."""
    values = {}
    for name, value in fields.items():
        if isinstance(value, tuple):
            content, filename = value
            stream = content if hasattr(content, "read") else io.BytesIO(content)
            values[name] = FileStorage(stream, filename=filename)
        else:
            values[name] = value
    boundary, body = encode_multipart(values)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")
