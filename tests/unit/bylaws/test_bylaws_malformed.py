"""Malformed bylaws: each edit of the example must produce exactly the stated errors.

Every case names the error code, the key path, the line (found from a marker
snippet in the edited text) and the full English message.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from bylaws_helpers import EXAMPLE_TEXT, MALFORMED, edit, errors_of, line_of

from congress.core.bylaws import BylawsInvalid, load_bylaws_file

BODIES = '"central_council", "coordination_office", "general_coordinator", "deputy_general_coordinator", "advisory_body"'
ELECTED_CO = (
    'elected_by = "central_council"\ncandidates_from = "central_council"\nmethod = "stv-meek"'
)
GC_SEATS = 'seats = 1\nterm_months = 24\nelected_by = "central_council"\ncandidates_from = "central_council"\nmethod = "single"                 #'
CC_ELECTED = 'elected_by = "conference"         #'
ADVISORY = 'appointed_by = "central_council"  #'
MEN_GROUP = '[membership.groups.men]\narticle = "5.6"\ntitle = { ar = "الرجال", en = "Men" }\ngenders = ["male"]\n\n'


def quota(group: str, article: str, share: str) -> str:
    return f'[bodies.central_council.quotas.{group}]\narticle = "{article}"\ntitle = {{ ar = "حصة", en = "Quota" }}\nat_least = {share}\n\n'


@dataclass(frozen=True)
class Expected:
    code: str
    path: str
    marker: str | None  # a snippet on the error's line in the edited text; None: no line
    message: str


@dataclass(frozen=True)
class Case:
    name: str
    edits: tuple[tuple[str, str], ...]
    errors: tuple[Expected, ...]


def case(name: str, edits: list[tuple[str, str]], *errors: Expected) -> Case:
    return Case(name, tuple(edits), errors)


CASES = [
    case(
        "seats is a string",
        [("seats = 40", 'seats = "forty"')],
        Expected(
            "wrong_type",
            "bodies.central_council.seats",
            'seats = "forty"',
            'expected an integer of at least 1, found a string "forty"',
        ),
    ),
    case(
        "negative seats",
        [("seats = 9", "seats = -9")],
        Expected(
            "out_of_range",
            "bodies.coordination_office.seats",
            "seats = -9",
            "value out of range: expected an integer of at least 1, found -9",
        ),
    ),
    case(
        "a misspelt key is reported with the closest known key",
        [(CC_ELECTED, 'elected_bye = "conference"  #')],
        Expected(
            "elected_xor_appointed",
            "bodies.central_council",
            "[bodies.central_council]\n",
            "a body needs exactly one of 'elected_by' or 'appointed_by'",
        ),
        Expected(
            "unknown_key",
            "bodies.central_council.elected_bye",
            "elected_bye",
            "unknown key 'elected_bye'; did you mean 'elected_by'?",
        ),
    ),
    case(
        "a misspelt section",
        [("[certification.signatures]", "[certificaton.signatures]")],
        Expected(
            "unknown_key",
            "certificaton",
            "[certificaton.signatures]",
            "unknown key 'certificaton'; did you mean 'certification'?",
        ),
        Expected(
            "missing_key",
            "certification.signatures",
            "[certification.objections]",
            "missing required key 'signatures'; expected a table",
        ),
    ),
    case(
        "a missing required key points at its table",
        [("seats = 40\nterm_months = 24\n", "seats = 40\n")],
        Expected(
            "missing_key",
            "bodies.central_council.term_months",
            "[bodies.central_council]\n",
            "missing required key 'term_months'; expected an integer of at least 1",
        ),
    ),
    case(
        "a title without English",
        [('title = { ar = "النساء", en = "Women" }', 'title = { ar = "النساء" }')],
        Expected(
            "missing_key",
            "membership.groups.women.title.en",
            'title = { ar = "النساء" }',
            "missing required key 'en'; expected a non-empty string",
        ),
    ),
    case(
        "a title in a third language",
        [
            (
                'title = { ar = "النساء", en = "Women" }',
                'title = { ar = "النساء", en = "Women", fr = "Femmes" }',
            )
        ],
        Expected(
            "unknown_key",
            "membership.groups.women.title.fr",
            'fr = "Femmes"',
            'unknown key \'fr\'; the keys allowed here are: "ar", "en"',
        ),
    ),
    case(
        "an electing body that does not exist",
        [(ELECTED_CO, ELECTED_CO.replace('"central_council"\ncand', '"central_counsil"\ncand'))],
        Expected(
            "unknown_body",
            "bodies.coordination_office.elected_by",
            "central_counsil",
            "no body named 'central_counsil' is defined; did you mean 'central_council'?;"
            f' expected "conference", {BODIES}',
        ),
    ),
    case(
        "an appointing body that does not exist",
        [(ADVISORY, 'appointed_by = "conference"  #')],
        Expected(
            "unknown_body",
            "bodies.advisory_body.appointed_by",
            'appointed_by = "conference"',
            f"no body named 'conference' is defined; expected {BODIES}",
        ),
    ),
    case(
        "a misspelt candidate pool",
        [('candidates_from = "members"', 'candidates_from = "member"')],
        Expected(
            "unknown_body",
            "bodies.central_council.candidates_from",
            'candidates_from = "member"',
            "no body named 'member' is defined; did you mean 'members'?;"
            f' expected "members", "delegates", {BODIES}',
        ),
    ),
    case(
        "a body drawing candidates from itself",
        [
            (
                ELECTED_CO,
                ELECTED_CO.replace('from = "central_council"', 'from = "coordination_office"'),
            )
        ],
        Expected(
            "self_reference",
            "bodies.coordination_office.candidates_from",
            'candidates_from = "coordination_office"',
            "body 'coordination_office' cannot draw its candidates from its own members",
        ),
    ),
    case(
        "an electing-body cycle",
        [(CC_ELECTED, 'elected_by = "coordination_office"  #')],
        Expected(
            "cycle",
            "bodies.central_council.elected_by",
            'elected_by = "coordination_office"',
            "electing bodies form a cycle: central_council → coordination_office → central_council",
        ),
    ),
    case(
        "a body both elected and appointed",
        [(ADVISORY, 'elected_by = "conference"\nappointed_by = "central_council"  #')],
        Expected(
            "elected_xor_appointed",
            "bodies.advisory_body",
            "[bodies.advisory_body]",
            "a body needs exactly one of 'elected_by' or 'appointed_by'",
        ),
    ),
    case(
        "an appointed body with a counting method",
        [(ADVISORY, 'method = "block"\nappointed_by = "central_council"  #')],
        Expected(
            "not_applicable",
            "bodies.advisory_body.method",
            'method = "block"\nappointed',
            "the key 'method' does not apply to an appointed body",
        ),
    ),
    case(
        "a quota for a group that is never defined",
        [("[bodies.central_council.quotas.youth]", "[bodies.central_council.quotas.yuoth]")],
        Expected(
            "unknown_group",
            "bodies.central_council.quotas.yuoth",
            "quotas.yuoth]",
            "group 'yuoth' is not defined under membership.groups; did you mean 'youth'?;"
            ' defined groups: "youth", "women"',
        ),
    ),
    case(
        "a quota above one",
        [('at_least = "25%"', 'at_least = "125%"')],
        Expected(
            "out_of_range",
            "bodies.central_council.quotas.youth.at_least",
            "125%",
            "value out of range: expected a fraction above 0 and at most 1, found 125%",
        ),
    ),
    case(
        "a quota of more seats than the body has",
        [('at_least = "25%"', "at_least = 41")],
        Expected(
            "quota_exceeds_seats",
            "bodies.central_council.quotas.youth.at_least",
            "at_least = 41",
            "the quota for group 'youth' (41 seats) exceeds the body's 40 seats",
        ),
    ),
    case(
        "quotas of two disjoint groups that cannot both be met",
        [
            ("[delegates.apportionment]", MEN_GROUP + "[delegates.apportionment]"),
            (
                "[bodies.central_council.branch_cap]",
                quota("women", "15.5", '"60%"')
                + quota("men", "15.6", '"1/2"')
                + "[bodies.central_council.branch_cap]",
            ),
        ],
        Expected(
            "quotas_disjoint",
            "bodies.central_council.quotas.men.at_least",
            'at_least = "1/2"',
            "the quotas for groups 'women' (24 seats) and 'men' (20 seats) cannot both be"
            " met: the groups share no member and the body has 40 seats",
        ),
    ),
    case(
        "a branch cap written as a decimal number",
        [('at_most = "40%"', "at_most = 0.4")],
        Expected(
            "float_not_allowed",
            "bodies.central_council.branch_cap.at_most",
            "at_most = 0.4",
            'expected a whole number of seats or a fraction such as "1/4" or "25%",'
            " found the decimal number 0.4; write exact values as a string such as"
            ' "2/5" or "40%"',
        ),
    ),
    case(
        "a branch cap in words",
        [('at_most = "40%"', 'at_most = "two fifths"')],
        Expected(
            "invalid_fraction",
            "bodies.central_council.branch_cap.at_most",
            "two fifths",
            'expected a fraction between 0 and 1 such as "1/4" or "25%",'
            ' found a string "two fifths"',
        ),
    ),
    case(
        "a branch cap of more seats than the body has",
        [('at_most = "40%"', "at_most = 41")],
        Expected(
            "out_of_range",
            "bodies.central_council.branch_cap.at_most",
            "at_most = 41",
            "value out of range: expected an integer between 1 and the number of seats"
            " (40), found 41",
        ),
    ),
    case(
        "a branch cap that rounds down to no seat",
        [
            (
                "blank_ballot_valid = false\n\n[bodies.coordination_office.endorsements]",
                'blank_ballot_valid = false\n\n[bodies.coordination_office.branch_cap]\narticle = "16.4"'
                '\ntitle = { ar = "سقف", en = "Cap" }\nat_most = "10%"\n\n'
                "[bodies.coordination_office.endorsements]",
            )
        ],
        Expected(
            "cap_below_one",
            "bodies.coordination_office.branch_cap.at_most",
            '"10%"',
            "a cap of 10% rounds down to 0 seats; at least 1 seat per branch is needed"
            " to fill the body",
        ),
    ),
    case(
        "a branch cap that leaves seats unfillable with the declared branches",
        [('at_most = "40%"', 'at_most = "20%"')],
        Expected(
            "cap_unfillable",
            "bodies.central_council.branch_cap.at_most",
            '"20%"',
            "with 4 branches and at most 8 seats each, only 32 of the 40 seats can be filled",
        ),
    ),
    case(
        "a quota for a one-branch group above the branch cap",
        [
            ('genders = ["female"]', 'branches = ["SY"]'),
            (
                "[bodies.central_council.branch_cap]",
                quota("women", "15.5", '"1/2"') + "[bodies.central_council.branch_cap]",
            ),
        ],
        Expected(
            "cap_quota_conflict",
            "bodies.central_council.branch_cap.at_most",
            'at_most = "40%"',
            "group 'women' lies in 1 branch that can hold at most 16 seats, fewer than"
            " its quota of 20 seats",
        ),
    ),
    case(
        "an article number used twice",
        [('article = "5.5"', 'article = "5.4"')],
        Expected(
            "duplicate_article",
            "membership.groups.women.article",
            'article = "5.4"\ntitle = { ar = "النساء"',
            "article 5.4 is already used by 'membership.groups.youth'",
        ),
    ),
    case(
        "an article that is not a number",
        [('article = "12.4"', 'article = "Art. 12"')],
        Expected(
            "bad_article",
            "conference.chair.article",
            "Art. 12",
            'expected an article number such as "12.2", found a string "Art. 12"',
        ),
    ),
    case(
        "an article written as a decimal number",
        [('article = "12.4"', "article = 12.4")],
        Expected(
            "wrong_type",
            "conference.chair.article",
            "article = 12.4",
            'expected an article number such as "12.2", found a decimal number 12.4',
        ),
    ),
    case(
        "a certification threshold above the committee size",
        [("required = 3", "required = 6")],
        Expected(
            "threshold_exceeds_committee",
            "certification.signatures.required",
            "required = 6",
            "6 signatures are required but the committee has 5 members",
        ),
    ),
    case(
        "a nomination window that closes before it opens",
        [
            (
                "opens_days_before = 28\ncloses_days_before = 10",
                "opens_days_before = 10\ncloses_days_before = 28",
            )
        ],
        Expected(
            "window_order",
            "candidacy.window.opens_days_before",
            "opens_days_before = 10",
            "the nomination window opens 10 days before the conference and closes 28 days"
            " before it; it must open before it closes",
        ),
    ),
    case(
        "a single-seat method with two seats",
        [(GC_SEATS, GC_SEATS.replace("seats = 1", "seats = 2"))],
        Expected(
            "single_needs_one_seat",
            "bodies.general_coordinator.seats",
            "seats = 2",
            "method 'single' elects one seat, found seats = 2",
        ),
    ),
    case(
        "a misspelt counting method",
        [('method = "stv-meek"', 'method = "stv-meak"')],
        Expected(
            "invalid_choice",
            "bodies.coordination_office.method",
            "stv-meak",
            'invalid value: expected one of "block", "approval", "single", "stv-scottish",'
            ' "stv-meek", found a string "stv-meak"; did you mean \'stv-meek\'?',
        ),
    ),
    case(
        "a motion category with an undefined majority kind",
        [('kind = "two-thirds-accredited"', 'kind = "two-thirds-acredited"')],
        Expected(
            "unknown_majority",
            "motions.categories.dissolution.kind",
            "acredited",
            "majority kind 'two-thirds-acredited' is not defined under motions.majorities;"
            " did you mean 'two-thirds-accredited'?; defined kinds: \"simple\","
            ' "absolute", "two-thirds-present", "two-thirds-accredited"',
        ),
    ),
    case(
        "a required motion category missing",
        [
            (
                '[motions.categories.dissolution]\narticle = "26.4"\ntitle = { ar = "حلّ إحدى الهيئات",'
                ' en = "Dissolution of a body" }\nkind = "two-thirds-accredited"\n',
                "",
            )
        ],
        Expected(
            "missing_key",
            "motions.categories.dissolution",
            "[motions.categories.ordinary]",
            "missing required key 'dissolution'; expected a table",
        ),
    ),
    case(
        "a majority kind with two thresholds",
        [
            (
                'base = "present"\nat_least = "2/3"',
                'base = "present"\nat_least = "2/3"\nmore_than = "1/2"',
            )
        ],
        Expected(
            "threshold_kind",
            "motions.majorities.two-thirds-present",
            "[motions.majorities.two-thirds-present]",
            "a majority kind needs exactly one of 'more_than' or 'at_least'",
        ),
    ),
    case(
        "more than the whole",
        [('base = "cast"\nmore_than = "1/2"', 'base = "cast"\nmore_than = "1"')],
        Expected(
            "out_of_range",
            "motions.majorities.absolute.more_than",
            'more_than = "1"',
            "value out of range: expected a fraction below 1, found 1",
        ),
    ),
    case(
        "an unknown time zone",
        [('time_zone = "Asia/Damascus"', 'time_zone = "Asia/Damascas"')],
        Expected(
            "invalid_time_zone",
            "organization.time_zone",
            "Damascas",
            'unknown time zone "Asia/Damascas"; expected an IANA name such as "Asia/Damascus"',
        ),
    ),
    case(
        "an unsupported language",
        [('languages = ["ar", "en"]', 'languages = ["ar", "fr"]')],
        Expected(
            "invalid_choice",
            "organization.languages[1]",
            '"fr"]',
            'invalid value: expected one of "ar", "en", found a string "fr"',
        ),
    ),
    case(
        "a language listed twice",
        [('languages = ["ar", "en"]', 'languages = ["ar", "ar"]')],
        Expected(
            "duplicate_value",
            "organization.languages[1]",
            '"ar"]',
            "the value 'ar' is listed twice",
        ),
    ),
    case(
        "a key that does not apply to the apportionment method",
        [('rounding = "down"', 'rounding = "down"\nsize = 100')],
        Expected(
            "not_applicable",
            "delegates.apportionment.size",
            "size = 100",
            "the key 'size' does not apply to the apportionment method 'per_n'",
        ),
    ),
    case(
        "per-N apportionment without its rounding",
        [('rounding = "down"                 #', "#")],
        Expected(
            "missing_key",
            "delegates.apportionment.rounding",
            "[delegates.apportionment]",
            'missing required key \'rounding\'; expected one of "down", "up", "nearest"',
        ),
    ),
    case(
        "a group without any criterion",
        [('genders = ["female"]              #', "#")],
        Expected(
            "group_no_criterion",
            "membership.groups.women",
            "[membership.groups.women]",
            'a group needs at least one criterion among: "age_under", "age_at_least",'
            ' "genders", "branches", "extra_field", "extra_values"',
        ),
    ),
    case(
        "a group with contradictory ages",
        [("age_under = 35", "age_under = 35\nage_at_least = 40")],
        Expected(
            "age_contradiction",
            "membership.groups.youth.age_under",
            "age_under = 35",
            "contradictory ages: nobody is under 35 and at least 40 years old",
        ),
    ),
    case(
        "a group on an undeclared branch",
        [('genders = ["female"]', 'branches = ["XX"]')],
        Expected(
            "unknown_branch",
            "membership.groups.women.branches[0]",
            '["XX"]',
            "branch 'XX' is not declared under organization.branches; declared branches:"
            ' "SY", "TR", "EU", "US"',
        ),
    ),
    case(
        "a group field without its values",
        [('genders = ["female"]', 'extra_field = "residence"')],
        Expected(
            "extra_pair",
            "membership.groups.women",
            "[membership.groups.women]",
            "'extra_field' and 'extra_values' go together",
        ),
    ),
    case(
        "a boolean written as a word",
        [("at_voting = true", 'at_voting = "yes"')],
        Expected(
            "wrong_type",
            "conference.quorum.at_voting",
            'at_voting = "yes"',
            'expected a boolean (true or false), found a string "yes"',
        ),
    ),
    case(
        "a quorum threshold in words",
        [('threshold = "half_plus_one"', 'threshold = "half plus one"')],
        Expected(
            "invalid_fraction",
            "conference.quorum.threshold",
            "half plus one",
            'expected a fraction between 0 and 1 such as "1/4" or "25%",'
            ' found a string "half plus one"',
        ),
    ),
    case(
        "a chair that is neither a rule nor a body",
        [('chaired_by = "elected"', 'chaired_by = "presidium"')],
        Expected(
            "unknown_body",
            "conference.chair.chaired_by",
            "presidium",
            "no body named 'presidium' is defined;"
            f' expected "elected", "eldest_delegate", {BODIES}',
        ),
    ),
    case(
        "a minimum age above the maximum",
        [("min_age = 18", "min_age = 18\nmax_age = 16")],
        Expected(
            "age_order",
            "candidacy.eligibility.min_age",
            "min_age = 18",
            "min_age (18) must be below max_age (16)",
        ),
    ),
    case(
        "an adoption date written as a string",
        [("adopted_on = 2025-03-15", 'adopted_on = "2025-03-15"')],
        Expected(
            "wrong_type",
            "bylaws.adopted_on",
            "adopted_on",
            'expected a date such as 2025-05-01, found a string "2025-03-15"',
        ),
    ),
    case(
        "a misspelt kind of endorser",
        [('from = "delegates"', 'from = "delegate"')],
        Expected(
            "invalid_choice",
            "candidacy.endorsements.from",
            'from = "delegate"',
            'invalid value: expected one of "delegates", "members", "electors",'
            " found a string \"delegate\"; did you mean 'delegates'?",
        ),
    ),
    case(
        "a section missing entirely has no line",
        [("[ties]\narticle", "[tiess]\narticle")],
        Expected("unknown_key", "tiess", "[tiess]", "unknown key 'tiess'; did you mean 'ties'?"),
        Expected("missing_key", "ties", None, "missing required key 'ties'; expected a table"),
    ),
]


@pytest.mark.parametrize("c", CASES, ids=[c.name for c in CASES])
def test_malformed_document_gives_exactly_its_errors(c: Case) -> None:
    text = edit(EXAMPLE_TEXT, *c.edits)
    found = [(e.code, e.path, e.line, e.message.en) for e in errors_of(text)]
    wanted = [
        (x.code, x.path, None if x.marker is None else line_of(text, x.marker), x.message)
        for x in c.errors
    ]
    assert found == wanted


def test_there_are_at_least_thirty_malformed_cases() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("c", CASES, ids=[c.name for c in CASES])
def test_every_error_has_real_arabic(c: Case) -> None:
    for error in errors_of(edit(EXAMPLE_TEXT, *c.edits)):
        assert any("\u0600" <= ch <= "\u06ff" for ch in error.message.ar)
        assert error.message.ar != error.message.en


def test_toml_syntax_error_reports_tomllib_line() -> None:
    text = edit(EXAMPLE_TEXT, ("seats = 40", "seats = "))
    (error,) = errors_of(text)
    assert (error.code, error.path) == ("toml_syntax", "")
    assert error.line == line_of(text, "seats = \n")
    assert error.message.en.startswith("TOML syntax error: Invalid value (at line")


def test_syntax_error_file_has_its_line() -> None:
    with pytest.raises(BylawsInvalid) as caught:
        load_bylaws_file(MALFORMED / "syntax.toml")
    (error,) = caught.value.errors
    assert (error.code, error.path, error.line) == ("toml_syntax", "", 7)


def test_non_utf8_file_is_reported() -> None:
    path = MALFORMED / "latin1.toml"
    with pytest.raises(BylawsInvalid) as caught:
        load_bylaws_file(path)
    (error,) = caught.value.errors
    assert (error.code, error.path, error.line) == ("not_utf8", "", None)


def test_many_errors_are_all_collected_in_line_order() -> None:
    with pytest.raises(BylawsInvalid) as caught:
        load_bylaws_file(MALFORMED / "many_errors.toml")
    found = [(e.code, e.path, e.line) for e in caught.value.errors]
    assert found == [
        ("missing_key", "bylaws.version", 1),
        ("missing_key", "organization.name.en", 7),
        ("invalid_choice", "organization.languages[1]", 8),
        ("invalid_time_zone", "organization.time_zone", 9),
        ("elected_xor_appointed", "bodies.council", 11),
        ("duplicate_article", "bodies.council.article", 12),
        ("out_of_range", "bodies.council.seats", 14),
        ("unknown_key", "bodies.council.elected_bye", 16),
        ("unknown_key", "bodies.council.metod", 17),
        ("missing_key", "membership", None),
        ("missing_key", "delegates", None),
        ("missing_key", "conference", None),
        ("missing_key", "candidacy", None),
        ("missing_key", "voting", None),
        ("missing_key", "motions", None),
        ("missing_key", "ties", None),
        ("missing_key", "certification", None),
    ]
    assert "15 problem(s)" not in str(caught.value)
    assert str(caught.value).startswith("17 problem(s) in the bylaws:")


def test_empty_document_lists_every_missing_section() -> None:
    errors = errors_of("")
    assert [e.path for e in errors] == [
        "bylaws", "organization", "membership", "delegates", "conference", "bodies",
        "candidacy", "voting", "motions", "ties", "certification",
    ]  # fmt: skip
    assert {e.code for e in errors} == {"missing_key"}


def test_a_section_of_the_wrong_type() -> None:
    start = EXAMPLE_TEXT.index("[ties]")
    end = EXAMPLE_TEXT.index("[certification.signatures]")
    text = 'ties = "lot"\n' + EXAMPLE_TEXT[:start] + EXAMPLE_TEXT[end:]
    (error,) = errors_of(text)
    assert (error.code, error.path, error.line) == ("wrong_type", "ties", 1)
    assert error.message.en == 'expected a table, found a string "lot"'
