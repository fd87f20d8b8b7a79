"""The rules API over the example bylaws: every answer is right and cites its article."""

from __future__ import annotations

import dataclasses
import datetime as dt
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from bylaws_helpers import EXAMPLE_TEXT, edit, member

from congress.core.bylaws import (
    Bylaws,
    CandidacyContext,
    Cited,
    Electorate,
    QuotaSeats,
    load_bylaws,
)
from congress.core.bylaws.rules import add_months, age_on
from congress.core.bylaws.schema import BranchCap, Quota
from congress.core.rules import Text

DAMASCUS = ZoneInfo("Asia/Damascus")
CONFERENCE = dt.datetime(2025, 5, 10, 10, 0, tzinfo=DAMASCUS)
ON = CONFERENCE.date()


# --- quorum -----------------------------------------------------------------


def test_quorum_half_plus_one(example: Bylaws) -> None:
    result = example.quorum(100, 50)
    assert (result.met, result.needed, result.article) == (False, 51, "12.2")
    assert result.message.en == "quorum is 51 of 100 accredited delegates, 50 are present"
    assert "النصاب القانوني 51 من أصل 100" in result.message.ar
    assert example.quorum(100, 51).met
    assert example.quorum(101, 51).needed == 51
    assert example.quorum(0, 0).needed == 1


def test_quorum_rejects_impossible_counts(example: Bylaws) -> None:
    with pytest.raises(ValueError):
        example.quorum(10, 11)
    with pytest.raises(ValueError):
        example.quorum(-1, 0)


# --- apportionment ----------------------------------------------------------


def test_apportionment_per_five_with_minimum(example: Bylaws) -> None:
    result = example.apportionment({"SY": 120, "TR": 37, "EU": 8, "US": 1})
    assert dict(result.delegates) == {"SY": 24, "TR": 7, "EU": 2, "US": 1}
    assert dict(result.alternates) == {"SY": 5, "TR": 2, "EU": 1, "US": 0}
    assert (result.method, result.total, result.article) == ("per_n", 34, "9.1")
    assert result.alternates_article == "9.3"


def test_apportionment_rejects_negative_counts(example: Bylaws) -> None:
    with pytest.raises(ValueError):
        example.apportionment({"SY": -1})


def test_apportionment_fixed_size_and_all_members() -> None:
    fixed = load_bylaws(
        edit(
            EXAMPLE_TEXT,
            ('method = "per_n"', 'method = "fixed_size"\nsize = 10'),
            ("members_per_delegate = 5          #", "#"),
            ("minimum_per_branch = 2            #", "#"),
            ('rounding = "down"                 #', "#"),
        )
    )
    result = fixed.apportionment({"SY": 50, "TR": 30, "EU": 15, "US": 5})
    assert dict(result.delegates) == {"SY": 5, "TR": 3, "EU": 2, "US": 0}
    assert result.total == 10
    everyone = load_bylaws(
        edit(
            EXAMPLE_TEXT,
            ('method = "per_n"', 'method = "all_members"'),
            ("members_per_delegate = 5          #", "#"),
            ("minimum_per_branch = 2            #", "#"),
            ('rounding = "down"                 #', "#"),
        )
    )
    assert dict(everyone.apportionment({"SY": 7, "US": 2}).delegates) == {"SY": 7, "US": 2}


def test_proxies_default_to_not_allowed(example: Bylaws) -> None:
    assert example.proxies_allowed() == Cited(False, "9.4")
    start = EXAMPLE_TEXT.index("[delegates.proxies]")
    end = EXAMPLE_TEXT.index("# ---", start)
    without = load_bylaws(EXAMPLE_TEXT[:start] + EXAMPLE_TEXT[end:])
    assert without.proxies_allowed() == Cited(False, "9.1")


# --- members ----------------------------------------------------------------


def test_good_standing(example: Bylaws) -> None:
    assert example.good_standing(member()).ok
    refused = example.good_standing(member(status="suspended", dues_paid=False))
    assert not refused and refused.article == "5.2"
    assert [r.message.en for r in refused.reasons] == [
        "membership status is 'suspended'; good standing requires one of: active",
        "membership dues are not paid",
    ]
    unknown = example.good_standing(member(dues_paid=None))
    assert [r.message.en for r in unknown.reasons] == ["no payment of membership dues is recorded"]
    assert all(r.article == "5.2" for r in refused.reasons + unknown.reasons)


def test_groups_on_the_conference_date(example: Bylaws) -> None:
    young = member(birth_date=dt.date(1990, 5, 11))
    assert example.groups_of(young, dt.date(2025, 5, 10)) == {"youth", "women"}
    assert example.groups_of(young, dt.date(2025, 5, 11)) == {"women"}  # 35 today
    assert example.groups_of(member(gender="male", birth_date=None), ON) == frozenset()


def test_groups_by_branch_and_extra_field() -> None:
    text = EXAMPLE_TEXT.replace(
        "[delegates.apportionment]",
        '[membership.groups.camps]\narticle = "5.7"\ntitle = { ar = "المخيمات", en = "Camps" }\n'
        'extra_field = "residence"\nextra_values = ["camp"]\nbranches = ["SY"]\n\n'
        "[delegates.apportionment]",
    )
    bylaws = load_bylaws(text)
    inside = member(extra={"residence": "camp"})
    assert "camps" in bylaws.groups_of(inside, ON)
    assert "camps" not in bylaws.groups_of(dataclasses.replace(inside, branch="TR"), ON)
    assert "camps" not in bylaws.groups_of(member(), ON)


def test_age_and_months_arithmetic() -> None:
    assert age_on(dt.date(2000, 2, 29), dt.date(2021, 2, 28)) == 20
    assert age_on(dt.date(2000, 2, 29), dt.date(2021, 3, 1)) == 21
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2023, 11, 30), 3) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 5, 10), 12) == dt.date(2025, 5, 10)


# --- candidacy --------------------------------------------------------------


def test_eligible_member(example: Bylaws) -> None:
    decision = example.eligibility(member(), "central_council", ON)
    assert decision.ok and decision.article == "20.2" and decision.reasons == ()


def test_twelve_months_exactly(example: Bylaws) -> None:
    assert example.eligibility(member(joined_on=dt.date(2024, 5, 10)), "central_council", ON)
    late = example.eligibility(member(joined_on=dt.date(2024, 5, 11)), "central_council", ON)
    (reason,) = late.reasons
    assert reason.article == "20.2"
    assert reason.message.en == (
        "member since 2024-05-11: the required 12 months of membership are only reached"
        " on 2025-05-11"
    )


def test_every_reason_is_listed_with_its_article(example: Bylaws) -> None:
    context = CandidacyContext(
        on_election_committee=True, standing_for=frozenset({"general_coordinator"})
    )
    facts = member(
        status="suspended", dues_paid=False, joined_on=dt.date(2025, 1, 1),
        birth_date=dt.date(2010, 1, 1),
    )  # fmt: skip
    decision = example.eligibility(facts, "central_council", ON, context)
    assert not decision.ok
    assert [r.article for r in decision.reasons] == ["5.2", "5.2", "20.2", "20.2", "20.2", "20.4"]
    messages = [r.message.en for r in decision.reasons]
    assert messages[3] == "must be at least 18 years old on 2025-05-10, is 15 years"
    assert messages[4] == "members of the election committee cannot stand"
    assert messages[5] == (
        "already standing for the General Coordinator; a member may stand for one body at a time"
    )
    assert all(any("\u0600" <= c <= "\u06ff" for c in r.message.ar) for r in decision.reasons)


def test_candidates_drawn_from_another_body(example: Bylaws) -> None:
    outside = example.eligibility(member(), "coordination_office", ON)
    (reason,) = outside.reasons
    assert reason.article == "16.1"
    assert reason.message.en == (
        "candidates for the Coordination Office must be members of the Central Council"
    )
    inside = CandidacyContext(bodies=frozenset({"central_council"}))
    assert example.eligibility(member(), "general_coordinator", ON, inside).ok


def test_appointed_body_takes_no_candidates(example: Bylaws) -> None:
    decision = example.eligibility(member(), "advisory_body", ON)
    assert [r.article for r in decision.reasons] == ["17.1"]
    with pytest.raises(ValueError):
        example.eligibility(member(), "senate", ON)


def test_missing_facts_are_reasons(example: Bylaws) -> None:
    decision = example.eligibility(member(joined_on=None, birth_date=None), "central_council", ON)
    assert [r.message.en for r in decision.reasons] == [
        "no membership start date is recorded",
        "no date of birth is recorded",
    ]


def test_delegates_only_pool() -> None:
    bylaws = load_bylaws(
        edit(EXAMPLE_TEXT, ('candidates_from = "members"', 'candidates_from = "delegates"'))
    )
    (reason,) = bylaws.eligibility(member(), "central_council", ON).reasons
    assert reason.message.en == "only delegates may stand for the Central Council"
    assert bylaws.eligibility(member(), "central_council", ON, CandidacyContext(is_delegate=True))


def test_endorsements_statement_several(example: Bylaws) -> None:
    cc = example.endorsements("central_council")
    assert (cc.count, cc.source, cc.endorsers, cc.article) == (
        3, "delegates", Electorate("delegates"), "20.3",
    )  # fmt: skip
    assert cc.one_per_endorser_per_body
    co = example.endorsements("coordination_office")
    assert (co.count, co.source, co.endorsers, co.article) == (
        2, "electors", Electorate("body", "central_council"), "16.5",
    )  # fmt: skip
    assert example.statement_max_chars() == Cited(2000, "20.5")
    assert example.several_bodies_allowed() == Cited(False, "20.4")


# --- motions ----------------------------------------------------------------


def test_motion_kinds_per_category(example: Bylaws) -> None:
    assert example.motion_kind("ordinary") == Cited("simple", "26.1")
    assert example.motion_kind("policy_paper") == Cited("simple", "26.2")
    assert example.motion_kind("bylaw_amendment") == Cited("two-thirds-present", "26.3")
    assert example.motion_kind("dissolution") == Cited("two-thirds-accredited", "26.4")
    with pytest.raises(ValueError):
        example.motion_kind("referendum")


def test_simple_majority(example: Bylaws) -> None:
    tied = example.motion_result(10, 10, 30, 60, 100, "simple")
    assert (tied.passed, tied.needed, tied.base, tied.base_value, tied.article) == (
        False, 11, "yes_no", 20, "25.1",
    )  # fmt: skip
    assert tied.reason.en == (
        "not passed: 10 in favour, 11 needed, that is more than half of the votes for and"
        " against (20)"
    )
    assert tied.reason.ar.startswith("لم يُقَرّ")
    assert example.motion_result(11, 10, 30, 60, 100, "simple").passed


def test_absolute_and_two_thirds(example: Bylaws) -> None:
    absolute = example.motion_result(10, 5, 6, 60, 100, "absolute")
    assert (absolute.passed, absolute.needed, absolute.base_value) == (False, 11, 21)
    present = example.motion_result(40, 10, 10, 60, 100, "two-thirds-present")
    assert (present.passed, present.needed, present.article) == (True, 40, "25.3")
    accredited = example.motion_result(66, 0, 0, 90, 100, "two-thirds-accredited")
    assert (accredited.passed, accredited.needed, accredited.article) == (False, 67, "25.4")


def test_no_quorum_at_the_vote(example: Bylaws) -> None:
    result = example.motion_result(40, 0, 0, 50, 100, "simple")
    assert not result.passed and result.article == "12.2"
    assert result.quorum is not None and not result.quorum.met
    assert result.reason.en == (
        "not passed: no quorum at the time of the vote: quorum is 51 of 100 accredited"
        " delegates, 50 are present"
    )


def test_motion_rejects_impossible_counts(example: Bylaws) -> None:
    with pytest.raises(ValueError):
        example.motion_result(60, 50, 0, 100, 100, "simple")
    with pytest.raises(ValueError):
        example.motion_result(1, 0, 0, 10, 100, "unanimity")


# --- dates ------------------------------------------------------------------


def test_timeline(example: Bylaws) -> None:
    line = example.timeline(CONFERENCE)
    assert line.latest_convening == Cited(dt.datetime(2025, 4, 10, 10, tzinfo=DAMASCUS), "11.1")
    assert line.nominations_open == Cited(dt.datetime(2025, 4, 12, 10, tzinfo=DAMASCUS), "20.1")
    assert line.nominations_close == Cited(dt.datetime(2025, 4, 30, 10, tzinfo=DAMASCUS), "20.1")
    assert line.objection_window == Cited(dt.timedelta(hours=48), "30.2")
    certified = dt.datetime(2025, 5, 11, 20, tzinfo=DAMASCUS)
    deadline = line.objection_deadline(certified)
    assert deadline == Cited(dt.datetime(2025, 5, 13, 20, tzinfo=DAMASCUS), "30.2")
    assert example.objection_deadline(certified) == deadline
    with pytest.raises(ValueError):
        example.timeline(dt.datetime(2025, 5, 10, 10))


def test_day_counts_keep_the_wall_clock_across_daylight_saving() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    bylaws = load_bylaws(edit(EXAMPLE_TEXT, ('"Asia/Damascus"', '"Europe/Berlin"')))
    line = bylaws.timeline(dt.datetime(2025, 4, 5, 10, tzinfo=berlin))
    assert line.latest_convening.value == dt.datetime(2025, 3, 6, 10, tzinfo=berlin)
    assert line.latest_convening.value.utcoffset() == dt.timedelta(hours=1)
    # 48 elapsed hours across the autumn change land at 09:00 local, not 10:00
    deadline = bylaws.objection_deadline(dt.datetime(2025, 10, 25, 10, tzinfo=berlin))
    assert deadline.value == dt.datetime(2025, 10, 27, 9, tzinfo=berlin)


def test_notice_check(example: Bylaws) -> None:
    assert example.notice_check(dt.datetime(2025, 4, 10, 10, tzinfo=DAMASCUS), CONFERENCE)
    late = example.notice_check(dt.datetime(2025, 4, 11, 9, tzinfo=DAMASCUS), CONFERENCE)
    assert not late and late.article == "11.1"
    (reason,) = late.reasons
    assert reason.message.en == (
        "convened on 2025-04-11 09:00 (+03), but 30 days of notice required convening by"
        " 2025-04-10 10:00 (+03)"
    )


def test_nomination_window(example: Bylaws) -> None:
    assert not example.nominations_open(dt.datetime(2025, 4, 12, 9, tzinfo=DAMASCUS), CONFERENCE)
    assert example.nominations_open(dt.datetime(2025, 4, 12, 10, tzinfo=DAMASCUS), CONFERENCE)
    closed = example.nominations_open(dt.datetime(2025, 4, 30, 10, tzinfo=DAMASCUS), CONFERENCE)
    assert not closed and closed.article == "20.1"


# --- ballots ----------------------------------------------------------------


def test_ballot_rules_central_council(example: Bylaws) -> None:
    rules = example.ballot_rules("central_council")
    assert rules.method == Cited("block", "15.1")
    assert rules.seats == Cited(40, "15.1")
    assert rules.max_marks == Cited(40, "15.1")
    assert rules.quotas == (QuotaSeats("youth", 10, "15.2"),)
    assert rules.branch_cap is not None and rules.branch_cap.maximum_seats == 16
    assert rules.branch_cap.article == "15.3"
    assert rules.blank_allowed == Cited(True, "15.1")
    assert rules.tie == Cited("lot", "28")
    assert rules.electorate == Cited(Electorate("present_at_opening"), "22.1")
    assert rules.order == Cited("alphabetical", "22.2")
    assert rules.title == Text("المجلس المركزي", "Central Council")


def test_ballot_rules_offices(example: Bylaws) -> None:
    office = example.ballot_rules("coordination_office")
    assert (office.method.value, office.max_marks.value) == ("stv-meek", None)
    assert office.electorate == Cited(Electorate("body", "central_council"), "15.1")
    gc = example.ballot_rules("general_coordinator")
    assert (gc.method.value, gc.max_marks.value, gc.tie) == ("single", 1, Cited("runoff", "16.2"))
    assert gc.blank_allowed == Cited(False, "16.2")
    with pytest.raises(ValueError):
        example.ballot_rules("advisory_body")


def test_rounding_rule_minimum_up_cap_down() -> None:
    quota = Quota("1", Text("", ""), "q", "youth", Fraction(1, 4))
    cap = BranchCap("2", Text("", ""), "c", Fraction(2, 5))
    assert quota.seats(10) == 3  # 2.5 rounds up
    assert cap.seats(9) == 3  # 3.6 rounds down
    assert quota.seats(40) == 10 and cap.seats(40) == 16  # exact stays exact


def test_certification(example: Bylaws) -> None:
    rules = example.certification_rules()
    assert (rules.signatures_required, rules.committee_size, rules.signatures_article) == (
        3, 5, "30.1",
    )  # fmt: skip
    assert (rules.objection_window, rules.objections_article) == (dt.timedelta(hours=48), "30.2")


def test_voting_settings(example: Bylaws) -> None:
    assert example.electorate_default() == Cited("present_at_opening", "22.1")
    assert example.totp_required() == Cited(False, "22.3")


def test_arabic_alphabetical_order_ignores_the_article(example: Bylaws) -> None:
    names = ["محمد الزعبي", "بشير", "الأحمد", "إبراهيم", "آمنة", "أحمد"]
    ordered = sorted(names, key=example.candidate_sort_key)
    assert ordered == ["إبراهيم", "الأحمد", "أحمد", "آمنة", "بشير", "محمد الزعبي"]
    assert example.candidate_sort_key("الأحمد") == example.candidate_sort_key("أحمد")
    keep = load_bylaws(
        edit(EXAMPLE_TEXT, ("ignore_definite_article = true", "ignore_definite_article = false"))
    )
    assert keep.candidate_sort_key("الأحمد") != keep.candidate_sort_key("أحمد")
