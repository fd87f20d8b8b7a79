"""Does the member-roll import accept what spreadsheets write and refuse, line by line, the rest?"""

from __future__ import annotations

import csv
import io
import re
import time
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from congress.core.roll import (
    ERROR_CODES,
    FIELDS,
    RollRow,
    csv_safe,
    csv_unescape,
    parse_roll,
    write_roll_csv,
)

TODAY = date(2025, 6, 1)
BRANCHES = {"IST", "ank", "Dam"}
# A roll as most files hold it: every column but the optional `dues_paid`.
HEADER = [name for name in FIELDS if name != "dues_paid"]
AR_HEADER = [
    "رقم العضوية",
    "الاسم بالعربية",
    "الاسم باللاتينية",
    "البريد الإلكتروني",
    "الهاتف",
    "الفرع",
    "تاريخ الميلاد",
    "تاريخ الانتساب",
    "الجنس",
    "الحالة",
]
GOOD = {
    "member_number": "A-100",
    "name_ar": "أحمد الحلبي",
    "name_latin": "Ahmad al-Halabi",
    "email": "Ahmad@Example.org",
    "phone": "+90 532 111 22 33",
    "branch": "ist",
    "birth_date": "1980-04-25",
    "joined_on": "2001-09-01",
    "gender": "ذكر",
    "status": "فعال",
    "dues_paid": "yes",
}


def build(*rows: dict[str, str], header: list[str] = HEADER, delimiter: str = ",") -> str:
    """A CSV text: `rows` are overrides of GOOD, in header order; LF ends lines."""
    out = io.StringIO(newline="")
    # CRLF as terminator makes the writer quote any field holding CR or LF.
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for overrides in rows:
        values = {**GOOD, **overrides}
        writer.writerow([values[name] for name in FIELDS[: len(header)]])
    return out.getvalue().replace("\r\n", "\n")


def parse(text: str | bytes, **kwargs: object):
    data = text.encode("utf-8") if isinstance(text, str) else text
    kwargs.setdefault("branches", BRANCHES)
    kwargs.setdefault("today", TODAY)
    return parse_roll(data, **kwargs)


def only_error(result):
    assert len(result.errors) == 1, result.errors
    error = result.errors[0]
    return error.code, error.line, error.column


# --------------------------------------------------------------------------
# Broken rows: exact code, line and column


def test_a_repeated_member_number_is_refused_on_its_second_line_naming_the_first():
    """Is a member number seen twice refused on the second line, naming the first?"""
    result = parse(build({}, {"member_number": "B-1"}, {"member_number": "a-100"}))
    assert only_error(result) == ("duplicate_number", 4, "member_number")
    assert "line 2" in result.errors[0].message.en
    assert "السطر 2" in result.errors[0].message.ar
    assert [r.line for r in result.rows] == [2, 3]


def test_an_unknown_branch_is_refused_with_a_close_suggestion():
    """Is a branch code not in the list refused, with the closest code suggested?"""
    result = parse(build({"branch": "ISX"}))
    assert only_error(result) == ("unknown_branch", 2, "branch")
    assert '"IST"' in result.errors[0].message.en
    assert only_error(parse(build({"branch": " "}))) == ("unknown_branch", 2, "branch")


@pytest.mark.parametrize(
    "email", ["ahmad", "ahmad@", "ahmad@.org", "a b@example.org", "a@@example.org", "a@example"]
)
def test_a_malformed_email_is_refused(email):
    """Is an email address without a sane syntax refused?"""
    assert only_error(parse(build({"email": email}))) == ("bad_email", 2, "email")


def test_an_impossible_date_is_refused():
    """Is a date that is not in the calendar (2023-02-30) refused?"""
    result = parse(build({"birth_date": "2023-02-30"}))
    assert only_error(result) == ("bad_date", 2, "birth_date")
    assert "does not exist" in result.errors[0].message.en


@pytest.mark.parametrize("value", ["25/04/1980", "1980-4-25", "19800425", "1899-12-31", "soon"])
def test_a_date_not_in_iso_form_or_before_1900_is_refused(value):
    """Is a date that is not YYYY-MM-DD, or is before 1900, refused?"""
    assert only_error(parse(build({"joined_on": value}))) == ("bad_date", 2, "joined_on")


def test_a_date_after_today_is_refused_but_today_is_fine():
    """Is a date after `today` refused while `today` itself is accepted?"""
    assert only_error(parse(build({"joined_on": "2025-06-02"}))) == (
        "future_date",
        2,
        "joined_on",
    )
    assert parse(build({"joined_on": "2025-06-01"})).ok


def test_an_empty_arabic_name_is_refused():
    """Is a blank Arabic name refused on its own line?"""
    assert only_error(parse(build({}, {"member_number": "B", "name_ar": "   "}))) == (
        "empty_name",
        3,
        "name_ar",
    )


def test_an_arabic_name_without_arabic_letters_is_refused():
    """Is an Arabic name typed in Latin letters refused?"""
    assert only_error(parse(build({"name_ar": "Ahmad 12"}))) == ("not_arabic", 2, "name_ar")


@pytest.mark.parametrize(("encoding", "line"), [("latin-1", 3), ("cp1252", 3), ("cp1256", 2)])
def test_a_file_not_in_utf8_gives_one_error_on_the_line_of_the_first_bad_byte(encoding, line):
    """Does a file in a legacy code page give one error, on the line of its first bad byte?"""
    if encoding == "cp1256":  # Arabic Windows: the first Arabic letter is on line 2
        data = build({}).encode("cp1256")
    else:  # a UTF-8 file where one later line was typed in a Western code page
        data = (
            build({}).encode("utf-8")
            + "B-2,سارة,".encode()
            + "José".encode(encoding)
            + b",,,IST,,,,active\n"
        )
    result = parse(data)
    assert only_error(result) == ("encoding", line, None)
    assert result.rows == [] and result.total_lines == 0
    assert "UTF-8" in result.errors[0].message.ar
    assert f"line {line}" in result.errors[0].message.en


def test_a_utf16_file_is_named_as_such():
    """Is a UTF-16 file (Excel's 'Unicode text') told apart from a broken one?"""
    result = parse(build({}).encode("utf-16"))
    assert only_error(result) == ("encoding", 1, None)
    assert "UTF-16" in result.errors[0].message.en


def test_a_row_with_more_fields_than_the_header_is_refused():
    """Is a row with a surplus non-empty field refused?"""
    text = build({}) + "B-2,سارة,,,,IST,,,,active,surplus\n"
    assert only_error(parse(text)) == ("extra_columns", 3, None)


def test_a_row_with_fewer_fields_than_the_header_names_the_first_missing_column():
    """Does a short row name the first column it lacks?"""
    text = build({}) + "B-2,سارة,,,,IST,,\n"
    assert only_error(parse(text)) == ("missing_columns", 3, "gender")


def test_empty_cells_left_at_the_end_of_a_row_by_a_spreadsheet_are_ignored():
    """Are the empty trailing cells spreadsheets leave behind ignored?"""
    result = parse(build({}).replace("فعال\n", "فعال,,\n").replace("status\n", "status,\n"))
    assert result.ok and len(result.rows) == 1


@pytest.mark.parametrize(
    ("column", "value", "char"),
    [
        ("name_latin", "=cmd|' /C calc'!A0", "="),
        ("name_latin", "@SUM(1)", "@"),
        ("name_ar", '  =HYPERLINK("http://x")', "="),
        ("name_latin", "-2+3", "-"),
        ("name_latin", "+cmd", "+"),
        ("email", "=a@example.org", "="),
        ("phone", "+cmd|' /C calc'!A0", "+"),
        ("phone", "=1+2", "="),
        ("name_latin", "\tAhmad", "TAB"),
        ("name_latin", "\rAhmad", "CR"),
        ("name_latin", "＝1+1", "＝"),
        ("name_latin", "'=1+2", "="),
    ],
)
def test_a_cell_that_a_spreadsheet_would_run_as_a_formula_is_refused(column, value, char):
    """Is every cell a spreadsheet would evaluate refused, naming the character?"""
    result = parse(build({column: value}))
    assert only_error(result) == ("formula", 2, column)
    assert f'"{char}"' in result.errors[0].message.en


def test_an_international_phone_number_is_not_a_formula():
    """Is a phone number in +country form accepted despite its leading plus?"""
    result = parse(build({"phone": "+90 (532) 111-22-33"}))
    assert result.ok
    assert result.rows[0].phone == "+90 (532) 111-22-33"


@pytest.mark.parametrize(
    ("column", "value"),
    [("name_ar", "م" * 201), ("name_latin", "x" * 201), ("member_number", "9" * 41)],
)
def test_a_very_long_field_is_refused_without_echoing_it(column, value):
    """Is an over-long value refused with only its first 40 characters quoted?"""
    result = parse(build({column: value}))
    assert only_error(result) == ("too_long", 2, column)
    message = result.errors[0].message
    assert "201" in message.en or "41" in message.en
    assert value[:39] in message.en and value[:41] not in message.en


def test_a_50_megabyte_file_is_refused_fast_without_being_parsed(monkeypatch):
    """Is a 50 MB file refused at once, without decoding or parsing it?"""

    def no_parsing(*args, **kwargs):
        raise AssertionError("a file over the limit must not be parsed")

    monkeypatch.setattr(csv, "reader", no_parsing)
    data = build({}).encode("utf-8") + b"x" * (50 * 1024 * 1024)
    started = time.perf_counter()
    result = parse_roll(data, branches=BRANCHES, today=TODAY)
    assert time.perf_counter() - started < 0.1
    assert only_error(result) == ("too_large", 0, None)
    assert result.total_lines == 0 and result.rows == []
    assert "10.0 MB" in result.errors[0].message.en


def test_the_size_limit_can_be_set_and_is_inclusive():
    """Is a file of exactly `max_bytes` accepted and one byte more refused?"""
    data = build({}).encode("utf-8")
    assert parse(data, max_bytes=len(data)).ok
    assert only_error(parse(data, max_bytes=len(data) - 1)) == ("too_large", 0, None)


@pytest.mark.parametrize("value", ["member", "retired", "نشيط جدا", "1"])
def test_an_unknown_status_is_refused(value):
    """Is a status outside active/suspended/resigned refused?"""
    assert only_error(parse(build({"status": value}))) == ("bad_status", 2, "status")


def test_a_missing_status_is_refused():
    """Is a row without a status refused?"""
    assert only_error(parse(build({"status": ""}))) == ("bad_status", 2, "status")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("أحمد\x00", "U+0000"),
        ("Ahmad\x07", "U+0007"),
        ("Ahmad\x1b[31m", "U+001B"),
        ("Ahmad\x85", "U+0085"),
        ("Ahmad\x7f", "U+007F"),
    ],
)
def test_control_characters_are_refused_and_named(value, shown):
    """Are NUL and other control characters refused, named by code point?"""
    column = "name_ar" if "أحمد" in value else "name_latin"
    result = parse(build({column: value}))
    assert only_error(result) == ("control_chars", 2, column)
    assert shown in result.errors[0].message.en
    assert "\x00" not in result.errors[0].message.en


@pytest.mark.parametrize("char", ["\u202e", "\u202a", "\u2066", "\u2069"])
def test_a_bidi_override_is_refused_so_a_name_cannot_display_reversed(char):
    """Is a bidi override refused, so a name cannot be shown reversed?"""
    result = parse(build({"name_ar": f"أحمد {char}يلبلحلا"}))
    assert only_error(result) == ("control_chars", 2, "name_ar")
    assert "direction" in result.errors[0].message.en


def test_joining_before_birth_is_refused_on_the_joining_date():
    """Is a joining date before the birth date refused on the joining column?"""
    result = parse(build({"birth_date": "1990-05-01", "joined_on": "1990-04-30"}))
    assert only_error(result) == ("joined_before_birth", 2, "joined_on")


@pytest.mark.parametrize(
    ("replaced", "header", "suggestion"),
    [
        ("email", "emial", "email"),
        ("phone", " Phnoe ", "phone"),
        ("birth_date", "تاريخ الميلد", "تاريخ الميلاد"),
    ],
)
def test_an_unknown_header_is_named_with_the_closest_known_name(replaced, header, suggestion):
    """Is an unknown header named, with the closest known name suggested?"""
    names = [header if name == replaced else name for name in HEADER]
    result = parse(build({}, header=names))
    assert only_error(result) == ("unknown_header", 1, header.strip())
    error = result.errors[0]
    assert f'Did you mean "{suggestion}"?' in error.message.en
    assert f"«{suggestion}»" in error.message.ar


def test_an_unknown_header_stops_the_parse():
    """Does a wrong header stop the parse before any row is read?"""
    result = parse(build({}).replace("gender", "sex", 1))
    assert only_error(result) == ("unknown_header", 1, "sex")
    assert result.rows == []


def test_the_same_column_twice_in_the_header_is_refused():
    """Is one column given twice (in English and Arabic) refused?"""
    text = ",".join([*HEADER, "البريد الالكتروني"]) + "\n"
    assert only_error(parse(text)) == ("duplicate_header", 1, "email")


def test_a_missing_required_column_is_named_in_the_header():
    """Is a header without a required column refused, naming it?"""
    text = build({}).replace("branch,", "", 1)
    text = "\n".join([text.split("\n")[0]]) + "\n"
    assert only_error(parse(text)) == ("missing_columns", 1, "branch")


@pytest.mark.parametrize("phone", ["12", "0532-abc", "+90 532 +1", "123456789012345678901"])
def test_a_malformed_phone_is_refused(phone):
    """Is a phone with letters, a second plus, or too few or many digits refused?"""
    assert only_error(parse(build({"phone": phone}))) == ("bad_phone", 2, "phone")


@pytest.mark.parametrize("gender", ["x", "man", "2"])
def test_an_unknown_gender_is_refused(gender):
    """Is a gender other than m/f/male/female/ذكر/أنثى refused?"""
    assert only_error(parse(build({"gender": gender}))) == ("bad_gender", 2, "gender")


@pytest.mark.parametrize("number", ["", "A 1", "A.1", "#12", "//", "أ-١"])
def test_a_missing_or_malformed_member_number_is_refused(number):
    """Is a missing member number, or one with other characters, refused?"""
    assert only_error(parse(build({"member_number": number}))) == (
        "bad_number",
        2,
        "member_number",
    )


def test_a_file_with_nothing_in_it_is_empty():
    """Is a file with no header at all reported as empty?"""
    for data in (b"", b"\xef\xbb\xbf", b"\r\n\n  \n", b";;;\n"):
        assert only_error(parse(data)) == ("empty_file", 0, None)


def test_a_header_alone_gives_zero_rows_and_no_error():
    """Is a header without rows a valid, empty roll?"""
    result = parse(",".join(HEADER) + "\r\n")
    assert result.ok and result.rows == [] and result.total_lines == 1


def test_an_unclosed_quote_swallowing_the_file_is_refused_not_crashed():
    """Does an unclosed quote that swallows the file give an error, not a crash?"""
    text = build({}) + 'B-2,"سارة\n' + ("x" * 100 + "\n") * 2000
    result = parse(text)
    assert only_error(result) == ("too_long", 3, None)
    assert len(result.rows) == 1


def test_an_unclosed_quote_at_the_end_reads_as_a_short_row():
    """Does an unclosed quote on the last line make a short row?"""
    result = parse(build({}) + 'B-2,"سارة\n')
    assert only_error(result) == ("missing_columns", 3, "name_latin")


def test_every_problem_of_a_row_is_listed_and_the_row_is_left_out():
    """Are all the problems of a row listed, and the row left out of `rows`?"""
    result = parse(build({}, {"member_number": "A-100", "email": "x", "branch": "ZZZ"}))
    assert [(e.code, e.line, e.column) for e in result.errors] == [
        ("bad_email", 3, "email"),
        ("unknown_branch", 3, "branch"),
        ("duplicate_number", 3, "member_number"),
    ]
    assert [r.line for r in result.rows] == [2]
    assert not result.ok


def test_line_numbers_are_physical_lines_across_blank_lines_and_multiline_fields():
    """Are line numbers those of the file, across blank lines and multi-line fields?"""
    text = build(
        {"name_latin": "Ahmad\nal-Halabi"}, {"member_number": "B-2"}, {"member_number": "C-3"}
    )
    lines = text.split("\n")
    text = "\n".join([*lines[:3], "", "   ", *lines[3:]])  # blank lines after the 2-line record
    text = text.replace("C-3", "C 3")
    result = parse(text)
    assert [r.line for r in result.rows] == [2, 6]
    assert result.rows[0].name_latin == "Ahmad al-Halabi"
    assert only_error(result) == ("bad_number", 7, "member_number")
    assert result.total_lines == 7


def test_max_errors_keeps_the_preview_of_a_huge_bad_file_small():
    """Does `max_errors` stop the parse and mark the result truncated?"""
    text = build(*({"member_number": f"N{i}", "branch": "ZZ"} for i in range(1000)))
    result = parse(text, max_errors=5)
    assert len(result.errors) == 5 and result.truncated and not result.ok
    assert [e.line for e in result.errors] == [2, 3, 4, 5, 6]
    full = parse(text)
    assert len(full.errors) == 1000 and not full.truncated


def test_max_errors_is_not_truncation_when_the_file_ends_there():
    """Is a file that ends at the error cap not marked truncated?"""
    result = parse(build({"branch": "ZZ"}), max_errors=1)
    assert len(result.errors) == 1 and not result.truncated
    with pytest.raises(ValueError):
        parse(build({}), max_errors=0)


def test_every_message_is_bilingual_short_and_uses_a_known_code():
    """Is every message in Arabic and English, short, with a documented code?"""
    bad = [
        {"member_number": "A-100", "email": "x" * 300 + "@", "birth_date": "y" * 500},
        {"member_number": "Z", "name_ar": "Ahmad", "gender": "?", "phone": "1"},
        {"member_number": "Q", "name_latin": "=" + "A" * 1000, "status": "z" * 900},
    ]
    result = parse(build({}, *bad))
    assert len(result.errors) >= 7
    for error in result.errors:
        assert error.code in ERROR_CODES
        assert re.search("[\u0621-\u064a]", error.message.ar), error
        assert not re.search("[\u0621-\u064a]", error.message.en.replace("ذكر or أنثى", ""))
        assert len(error.message.en) < 200 and len(error.message.ar) < 200, error


# --------------------------------------------------------------------------
# Good files


@pytest.mark.parametrize("delimiter", [",", ";"])
@pytest.mark.parametrize("bom", [False, True], ids=["no-bom", "bom"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_comma_or_semicolon_with_or_without_bom_and_crlf_are_read_alike(delimiter, bom, newline):
    """Are comma, semicolon, BOM and CRLF files read to the same rows?"""
    text = build({}, {"member_number": "B-2", "name_latin": "Halabi, Ahmad"}, delimiter=delimiter)
    data = ("\ufeff" if bom else "") + text.replace("\n", newline)
    result = parse(data)
    assert result.ok, result.errors
    assert result.total_lines == 3
    first, second = result.rows
    assert first == RollRow(
        line=2,
        member_number="A-100",
        name_ar="أحمد الحلبي",
        name_latin="Ahmad al-Halabi",
        email="ahmad@example.org",
        phone="+90 532 111 22 33",
        branch="IST",
        birth_date=date(1980, 4, 25),
        joined_on=date(2001, 9, 1),
        gender="m",
        status="active",
    )
    assert second.name_latin == "Halabi, Ahmad"


def test_arabic_headers_and_arabic_values_are_read():
    """Are Arabic headers, Arabic statuses/genders and Arabic-Indic digits read?"""
    text = build(
        {"gender": "أنثى", "status": "معلقة", "birth_date": "١٩٨٠-٠٤-٢٥"},
        {"member_number": "٢٠٢٤/٧", "gender": "انثى", "status": "مستقيل", "phone": "٠٥٣٢ ١١١"},
        header=AR_HEADER,
    )
    result = parse(text)
    assert result.ok, result.errors
    first, second = result.rows
    assert (first.gender, first.status, first.birth_date) == ("f", "suspended", date(1980, 4, 25))
    assert (second.member_number, second.status, second.phone) == ("2024/7", "resigned", "0532 111")


def test_header_variants_case_spaces_and_hamza_forms_are_accepted():
    """Are header names matched whatever case, separators or hamza form?"""
    header = [
        " Member Number ",
        "NAME_AR",
        "الاسم اللاتيني",
        "البريد الالكتروني",
        "رقم الهاتف",
        "Branch",
        "تاريخ الولادة",
        "joined-on",
        "الجنس",
        "حالة العضوية",
    ]
    assert parse(build({}, header=header)).ok


def test_optional_columns_may_be_left_out_of_the_header():
    """May the file hold only the required columns?"""
    result = parse("member_number;name_ar;branch;status\nA-1;سارة;dam;Active\n")
    assert result.ok
    (row,) = result.rows
    assert (row.branch, row.status, row.email, row.birth_date, row.gender) == (
        "DAM",
        "active",
        "",
        None,
        "",
    )


def test_a_quoted_field_may_hold_the_delimiter_quotes_and_newlines():
    """May a quoted field hold the delimiter, quotes and newlines?"""
    text = build(
        {"name_latin": 'Ahmad "Abu Ali", Jr.'}, {"member_number": "B", "name_ar": "سارة\r\nعلي"}
    )
    result = parse(text)
    assert result.ok
    assert result.rows[0].name_latin == 'Ahmad "Abu Ali", Jr.'
    assert result.rows[1].name_ar == "سارة علي"


def test_five_thousand_rows_parse_quickly_without_error():
    """Do 5,000 good rows parse without error in well under a second?"""
    rows = [
        {
            "member_number": f"M-{i:05d}",
            "name_ar": f"عضو رقم {i}",
            "name_latin": f"Member {i}",
            "email": f"member{i}@example.org",
            "phone": f"+90 532 {i:07d}",
            "branch": ("ist", "ANK", "dam")[i % 3],
            "birth_date": f"{1950 + i % 50}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "joined_on": "2010-01-01",
            "gender": "mf"[i % 2],
            "status": ("active", "suspended", "resigned")[i % 3],
        }
        for i in range(5000)
    ]
    data = build(*rows).encode("utf-8")
    started = time.perf_counter()
    result = parse(data)
    elapsed = time.perf_counter() - started
    assert result.ok, result.errors[:3]
    assert len(result.rows) == 5000 and result.rows[-1].line == 5001
    assert elapsed < 1.0, elapsed


# --------------------------------------------------------------------------
# The optional dues_paid column


@pytest.mark.parametrize(
    ("value", "paid"),
    [
        ("yes", True),
        ("YES", True),
        (" Yes ", True),
        ("y", True),
        ("True", True),
        ("1", True),
        ("نعم", True),
        ("no", False),
        ("N", False),
        ("FALSE", False),
        ("0", False),
        ("لا", False),
        ("", None),
        ("   ", None),
    ],
)
def test_dues_paid_is_read_from_english_and_arabic_words(value, paid):
    """Are yes/no, true/false, y/n, 1/0 and نعم/لا read in any case, and blank as unknown?"""
    result = parse(build({"dues_paid": value}, header=list(FIELDS)))
    assert result.ok, result.errors
    assert result.rows[0].dues_paid is paid


@pytest.mark.parametrize(
    "name", ["dues_paid", "Dues Paid", "dues-paid", "الاشتراك مدفوع", "دفع الاشتراك", "الاشتراك"]
)
def test_the_dues_paid_column_is_found_under_english_and_arabic_names(name):
    """Is the dues column recognised under its English and Arabic header names?"""
    text = build(
        {"dues_paid": "نعم"}, {"member_number": "B-2", "dues_paid": "no"}, header=[*AR_HEADER, name]
    )
    result = parse(text)
    assert result.ok, result.errors
    assert [row.dues_paid for row in result.rows] == [True, False]


def test_a_roll_without_the_dues_paid_column_leaves_it_unknown():
    """Is a file without the dues column read, with dues_paid None on every row?"""
    result = parse(build({}, {"member_number": "B-2"}))
    assert result.ok
    assert [row.dues_paid for row in result.rows] == [None, None]
    assert result.rows[0].as_dict()["dues_paid"] is None


def test_an_unknown_dues_paid_value_is_refused_naming_the_accepted_ones():
    """Is a dues value other than the accepted words refused on its line and column?"""
    result = parse(build({}, {"member_number": "B-2", "dues_paid": "maybe"}, header=list(FIELDS)))
    assert only_error(result) == ("bad_dues", 3, "dues_paid")
    assert [row.line for row in result.rows] == [2]
    message = result.errors[0].message
    assert '"maybe"' in message.en and "yes" in message.en and "no" in message.en
    assert "«maybe»" in message.ar and "نعم" in message.ar and "لا" in message.ar
    assert len(message.en) < 200 and len(message.ar) < 200
    assert "bad_dues" in ERROR_CODES


def test_dues_paid_is_exported_as_yes_no_or_empty_and_imported_back():
    """Is dues_paid written as yes / no / an empty cell, and read back to the same rows?"""
    first = parse(build({}, header=list(FIELDS))).rows[0]
    rows = [
        first,
        replace(first, line=3, member_number="B-2", dues_paid=False),
        replace(first, line=4, member_number="C-3", dues_paid=None),
    ]
    out = io.StringIO(newline="")
    write_roll_csv(rows, out)
    lines = out.getvalue().split("\r\n")
    assert lines[0].endswith(",status,dues_paid")
    assert [line.rsplit(",", 1)[1] for line in lines[1:4]] == ["yes", "no", ""]
    result = parse(out.getvalue())
    assert result.ok, result.errors
    assert result.rows == rows


# --------------------------------------------------------------------------
# Export escaping and round trip


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+2", "'=1+2"),
        ("+90 532", "'+90 532"),
        ("-5", "'-5"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("  =1", "'  =1"),
        ("'Abd", "''Abd"),
        ("أحمد", "أحمد"),
        ("a=b", "a=b"),
        (None, ""),
        (date(2020, 1, 2), "2020-01-02"),
        (12, "12"),
        (-3, "'-3"),
    ],
)
def test_csv_safe_prefixes_a_quote_where_a_spreadsheet_would_evaluate(value, safe):
    """Does `csv_safe` put a quote before exactly the cells that need one?"""
    assert csv_safe(value) == safe


def test_an_apostrophe_in_a_hand_made_file_is_kept_unless_it_escapes_a_formula():
    """Is a leading apostrophe kept unless it escapes what `csv_safe` escapes?"""
    assert csv_unescape("'Abd") == "'Abd"
    assert csv_unescape("''Abd") == "'Abd"
    assert csv_unescape("'+90 532") == "+90 532"
    result = parse(build({"name_latin": "'Abd al-Rahman", "phone": "'+90 532 111"}))
    assert result.ok
    assert (result.rows[0].name_latin, result.rows[0].phone) == ("'Abd al-Rahman", "+90 532 111")


def test_the_export_has_a_bom_english_headers_and_no_live_formula():
    """Does the export start with a BOM and English headers, with formulas escaped?"""
    out = io.StringIO(newline="")
    write_roll_csv(
        [{"member_number": "A-1", "name_ar": "أحمد", "phone": "+90 1", "name_latin": "=x"}], out
    )
    text = out.getvalue()
    assert text.startswith("\ufeff" + ",".join(FIELDS) + "\r\n")
    assert "'+90 1" in text and "'=x" in text


@given(st.text())
def test_unescape_undoes_csv_safe_for_any_text(value):
    """Does `csv_unescape` undo `csv_safe` for any text at all?"""
    assert csv_unescape(csv_safe(value)) == value


ARABIC = st.sampled_from("ابتثجحخدذرزسشصضطظعغفقكلمنهويأإآةىءئؤ")
LATIN = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'-.")


def words(letters, first=None):
    word = st.text(letters, min_size=1, max_size=12)
    if first is not None:
        word = st.builds(lambda a, b: a + b, first, st.text(letters, max_size=11))
    return st.lists(word, min_size=1, max_size=4).map(" ".join)


PHONES = st.builds(
    lambda plus, groups: ("+" if plus else "") + " ".join(groups),
    st.booleans(),
    st.lists(st.text("0123456789", min_size=2, max_size=4), min_size=3, max_size=5),
)
DATES = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
ROWS = st.builds(
    lambda name_ar, name_latin, phone, branch, birth, gender, status, dues: {
        "name_ar": name_ar,
        "name_latin": name_latin,
        "phone": phone,
        "branch": branch,
        "birth_date": birth,
        "joined_on": birth,
        "gender": gender,
        "status": status,
        "email": "",
        "dues_paid": dues,
    },
    words(ARABIC),
    st.one_of(st.just(""), words(LATIN, first=st.sampled_from("'ABCabc"))),
    st.one_of(st.just(""), PHONES),
    st.sampled_from(["IST", "ANK", "DAM"]),
    st.one_of(st.none(), DATES),
    st.sampled_from(["", "m", "f"]),
    st.sampled_from(["active", "suspended", "resigned"]),
    st.sampled_from([None, True, False]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(ROWS, max_size=8))
def test_an_exported_roll_imports_back_unchanged(rows):
    """Does an exported roll import back to the same rows, and export the same again?"""
    rows = [{**r, "member_number": f"M-{i}"} for i, r in enumerate(rows)]
    out = io.StringIO(newline="")
    write_roll_csv(rows, out)
    result = parse(out.getvalue())
    assert result.ok, result.errors
    assert [r.as_dict() for r in result.rows] == rows
    again = io.StringIO(newline="")
    write_roll_csv(result.rows, again)
    assert again.getvalue() == out.getvalue()
