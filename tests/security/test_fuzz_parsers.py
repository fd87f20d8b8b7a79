"""The three parsers of uploaded files: only their documented exceptions may escape.

* `parse_roll(data, ...)` reads any bytes into rows and errors; it raises only for
  wrong arguments (TypeError for one string as `branches`, ValueError for
  `max_errors` < 1), never for the file.
* `read_blt(text)` raises only `BltError` (with a line within the file).
* `load_bylaws(text)` raises only `BylawsInvalid` (every error with a code and both
  languages, its line within the file).
"""

from __future__ import annotations

from datetime import date

import pytest
from fuzz_support import FUZZ, NASTY, raw_values, text
from hypothesis import given
from hypothesis import strategies as st

from congress.bylaws.operations import example_text
from congress.core.bylaws import BylawsInvalid, load_bylaws
from congress.core.roll import ERROR_CODES, RollParse, parse_roll
from congress.core.tally import BltError, read_blt

TODAY = date(2026, 1, 15)
BRANCHES = ("SY", "TR", "EU", "US")
HEADERS = [
    "member_number", "name_ar", "name_latin", "email", "phone", "branch", "birth_date",
    "joined_on", "gender", "status", "dues_paid", "رقم العضوية", "الاسم", "", "extra",
]  # fmt: skip
CELLS = st.one_of(
    text(max_size=40),
    st.sampled_from(
        ["M0001", "SY", "sy", "1990-01-01", "2025-02-30", "9999-12-31", "0001-01-01", "f",
         "m", "active", "yes", "no", "=1+1", "'=1", "@SUM(A1)", '"', '""', "a,b", "a;b",
         "x\ny", "\r", "١٩٩٠-٠١-٠١"]
    ),
)  # fmt: skip


# --- the member roll ---------------------------------------------------------------------


def _roll_ok(data: bytes, **kw) -> RollParse:
    parsed = parse_roll(data, branches=BRANCHES, today=TODAY, **kw)
    assert isinstance(parsed, RollParse)
    for error in parsed.errors:
        assert error.code in ERROR_CODES, error
        # undecodable files count no lines: their error names the raw line of the bad byte
        raw_lines = data.count(b"\n") + data.count(b"\r") + 1
        assert 0 <= error.line <= max(parsed.total_lines, raw_lines), error
    for row in parsed.rows:
        assert row.branch in BRANCHES and row.member_number
    return parsed


@st.composite
def csv_files(draw) -> bytes:
    sep = draw(st.sampled_from([",", ";", "\t", ",;"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=0, max_size=14))
    rows = draw(st.lists(st.lists(CELLS, max_size=14), max_size=6))
    quote = draw(st.booleans())

    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if quote else value

    body = newline.join(sep.join(cell(c) for c in r) for r in [header, *rows])
    prefix = draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]))
    raw = prefix + body.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):  # damage one byte range
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(raw_values()) + raw[at:]
    return raw


@FUZZ
@given(csv_files())
def test_the_roll_parser_reads_any_csv(data):
    _roll_ok(data)


@FUZZ
@given(st.one_of(st.binary(max_size=4000), raw_values()), st.integers(1, 5))
def test_the_roll_parser_reads_any_bytes(data, max_errors):
    _roll_ok(data)
    parsed = _roll_ok(data, max_errors=max_errors)
    assert len(parsed.errors) <= max_errors


def test_the_roll_parser_refuses_huge_input_cleanly():
    header = b"member_number,name_ar,branch,status\n"
    huge_field = header + b"M1," + b"a" * 200_000 + b",SY,active\n"
    assert {e.code for e in _roll_ok(huge_field).errors} <= set(ERROR_CODES)
    assert [e.code for e in _roll_ok(b"x" * 2000, max_bytes=1000).errors] == ["too_large"]
    many = header + b"".join(b"M%d,\xd8\xa7,SY,active\n" % n for n in range(20_000))
    assert len(_roll_ok(many).rows) == 20_000
    unclosed = header + b'M1,"never closed,SY,active\n' * 3
    _roll_ok(unclosed)


def test_the_roll_parser_raises_only_its_documented_argument_errors():
    with pytest.raises(TypeError):
        parse_roll(b"", branches="SY", today=TODAY)
    with pytest.raises(ValueError):
        parse_roll(b"", branches=BRANCHES, today=TODAY, max_errors=0)


# --- BLT ballot files --------------------------------------------------------------------

BLT_EXAMPLE = (
    '4 2\n-2\n[tie 3 2 1]\n3 1 3=4 0\n2 4 1 0\n1 2 0\n0\n"Adam"\n"Basma"\n"Chen"\n"Dina"\n"Poll"\n'
)
BLT_TOKENS = [
    "0", "1", "-1", "4", "999999999999999999", "9" * 40, "-0", "=", "3=4", "[tie", "]",
    "[withdrawn 2]", "[nick a b c d]", "[unknown]", "/*", "*/", "#", '"', '""', '"x"',
    "\t", " ", "\n", "\r\n", "1.5", "1e3", "٣", "+1",
]  # fmt: skip


def _blt_ok(source: str) -> None:
    try:
        parsed = read_blt(source)
    except BltError as error:
        assert error.line >= 1 and error.message
        return
    assert parsed.seats >= 1 and parsed.candidates


@st.composite
def blt_texts(draw) -> str:
    lines = BLT_EXAMPLE.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        how = draw(st.sampled_from(["replace", "insert", "delete", "tokens"]))
        if how == "delete" and len(lines) > 1:
            del lines[at]
        elif how == "tokens":
            lines[at] = " ".join(draw(st.lists(st.sampled_from(BLT_TOKENS), max_size=8)))
        else:
            new = draw(text(max_size=60))
            lines[at : at + (how == "replace")] = [new]
    return "\n".join(lines)


@FUZZ
@given(st.one_of(blt_texts(), text(max_size=500)))
def test_the_blt_reader_raises_only_blt_errors(source):
    _blt_ok(source)


def test_the_blt_reader_refuses_huge_numbers_and_deep_garbage():
    for source in (
        f"{'9' * 5000} 1\n0\n",
        "1 1\n" + "1 1 0\n" * 5000 + '0\n"a"\n"t"\n',
        "3 1\n1 " + " ".join(["1"] * 10_000) + ' 0\n0\n"a"\n"b"\n"c"\n"t"\n',
        "/*" * 10_000,
        "2 1\n" + "[tie " * 1000 + "\n",
        '2 1\n1 1 0\n0\n"' + "x" * 100_000,
    ):
        _blt_ok(source)


# --- the bylaws file ---------------------------------------------------------------------

TOML_VALUES = [
    "0", "-1", "1", "2147483648", "9223372036854775807", "-9223372036854775808",
    "1.5", "inf", "-inf", "nan", "1e308", "true", "false", '""', '"x"', '"١٢"', '"1/0"',
    '"0/0"', '"-1/2"', '"150%"', '"1e400"', "[]", "[1, 2]", '["a", "a"]', "[[]]", "{}",
    '{ ar = "", en = "" }', '{ ar = 1 }', "1979-05-27", "1979-05-27T07:32:00Z", "07:32:00",
    '"Asia/Nowhere"', '"../../etc"', '"\\u202e"', '"\\u0000"', "0x10", "0o7", "0b1",
]  # fmt: skip


def _bylaws_ok(source: str) -> None:
    try:
        load_bylaws(source)
    except BylawsInvalid as invalid:
        assert invalid.errors
        lines = source.count("\n") + 1
        for error in invalid.errors:
            assert error.code and error.message.ar and error.message.en, error
            assert error.line is None or 1 <= error.line <= lines, error


@st.composite
def damaged_bylaws(draw) -> str:
    lines = example_text().split("\n")
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(lines) - 1))
        line = lines[at]
        how = draw(
            st.sampled_from(["value", "value", "value", "text", "duplicate", "delete", "table"])
        )
        if how == "value" and " = " in line and not line.lstrip().startswith("#"):
            value = draw(st.sampled_from(TOML_VALUES))
            lines[at] = f"{line.split(' = ')[0]} = {value}"
        elif how == "text":
            lines[at] = draw(text(max_size=60))
        elif how == "duplicate":
            lines.insert(at, line)
        elif how == "delete":
            del lines[at]
        else:
            name = draw(
                st.sampled_from(
                    [
                        "bodies.x",
                        "bodies",
                        "bylaws",
                        "a.b.c.d.e",
                        "ties",
                        "membership.groups.z",
                        '"\u202e"',
                    ]
                )
            )
            lines.insert(at, f"[{name}]")
    return "\n".join(lines)


@FUZZ
@given(st.one_of(damaged_bylaws(), text(max_size=400), st.sampled_from(NASTY)))
def test_the_bylaws_loader_raises_only_bylaws_invalid(source):
    _bylaws_ok(source)


# Regression: TOML nested about 1000 deep made tomllib raise RecursionError, which escaped
# load_bylaws (found in review, fixed).
@pytest.mark.parametrize(
    "source",
    [
        pytest.param("a = " + "[" * 300 + "]" * 300, id="arrays-300"),
        pytest.param("a = " + "[" * 2000 + "]" * 2000, id="arrays-2000"),
        pytest.param("a = " + "{ b = " * 600 + "1" + " }" * 600, id="tables-600"),
        pytest.param("\n".join(f"[t{n}]\nx = {n}" for n in range(5000)), id="5000-tables"),
        pytest.param('x = "' + "\\u0041" * 50_000 + '"', id="escapes"),
        pytest.param(example_text() + "\n" + example_text(), id="twice"),
    ],
)
def test_the_bylaws_loader_refuses_pathological_toml(source):
    _bylaws_ok(source)
