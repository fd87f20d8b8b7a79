"""The shipped example bylaws: valid, immutable, and every answer cites a real article."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from bylaws_helpers import EXAMPLE_TEXT, member

from congress.core.bylaws import Bylaws, CandidacyContext, load_bylaws, load_bylaws_file
from congress.core.bylaws.results import Cited
from congress.core.rules import Decision

ARABIC = re.compile("[\u0600-\u06ff]")


def test_example_loads_from_file_and_text(example: Bylaws) -> None:
    from congress.core.bylaws import example_path

    assert load_bylaws_file(example_path()) == example
    assert example.organization.languages == ("ar", "en")
    assert example.organization.time_zone == "Asia/Damascus"
    assert list(example.bodies) == [
        "central_council", "coordination_office", "general_coordinator",
        "deputy_general_coordinator", "advisory_body",
    ]  # fmt: skip
    assert len(example.source_sha256) == 64


def test_articles_are_unique_in_document_order_with_bilingual_titles(example: Bylaws) -> None:
    articles = example.articles()
    numbers = [a.number for a in articles]
    assert len(numbers) == len(set(numbers)) == 39
    lines = [EXAMPLE_TEXT.index(f'article = "{n}"') for n in numbers]
    assert lines == sorted(lines)  # document order, e.g. 16.5 sits before 16.2
    assert len({a.anchor for a in articles}) == len(articles)
    assert example.article("12.2").anchor == "art-12.2"
    for article in articles:
        assert article.title.ar and article.title.en
        assert ARABIC.search(article.title.ar) and ARABIC.search(article.summary.ar)
        assert article.summary.en and not ARABIC.search(article.title.en)
    with pytest.raises(KeyError):
        example.article("99")


def test_article_paths_point_at_rules(example: Bylaws) -> None:
    paths = {a.number: a.path for a in example.articles()}
    assert paths["12.2"] == "conference.quorum"
    assert paths["15.2"] == "bodies.central_council.quotas.youth"
    assert paths["16.5"] == "bodies.coordination_office.endorsements"


def test_bylaws_are_immutable(example: Bylaws) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        example.ties = example.ties  # type: ignore[misc]
    with pytest.raises(TypeError):
        example.bodies["x"] = example.bodies["central_council"]  # type: ignore[index]
    assert hash(example.bodies) == hash(load_bylaws(EXAMPLE_TEXT).bodies)


def _answers(b: Bylaws) -> list[object]:
    zone = ZoneInfo("Asia/Damascus")
    at = dt.datetime(2025, 5, 10, 10, tzinfo=zone)
    on = at.date()
    context = CandidacyContext(
        on_election_committee=True, standing_for=frozenset({"advisory_body"})
    )
    bad = member(status="gone", dues_paid=None, joined_on=None, birth_date=None)
    answers: list[object] = [
        b.quorum(10, 3), b.quorum(10, 9), b.apportionment({"SY": 12}),
        b.proxies_allowed(), b.good_standing(bad), b.good_standing(member()),
        b.statement_max_chars(), b.several_bodies_allowed(), b.certification_rules(),
        b.electorate_default(), b.totp_required(), b.objection_deadline(at),
        b.notice_check(at, at), b.nominations_open(at, at),
    ]  # fmt: skip
    line = b.timeline(at)
    answers += [line.latest_convening, line.nominations_open, line.nominations_close]
    answers.append(line.objection_window)
    for key in b.bodies:
        answers.append(b.eligibility(bad, key, on, context))
        answers.append(b.endorsements(key))
        if b.bodies[key].method is not None:
            rules = b.ballot_rules(key)
            answers += [rules.method, rules.seats, rules.max_marks, rules.blank_allowed]
            answers += [rules.tie, rules.electorate, rules.candidates_from, rules.order]
            answers += [*list(rules.quotas), rules.branch_cap]
    for category in b.motions.categories:
        answers.append(b.motion_kind(category))
    for kind in b.motions.majorities:
        answers.append(b.motion_result(5, 3, 1, 9, 10, kind))
        answers.append(b.motion_result(1, 0, 0, 1, 10, kind))
    return answers


def _articles_in(answer: object) -> list[str]:
    found = []
    for name in ("article", "alternates_article", "signatures_article", "objections_article"):
        value = getattr(answer, name, None)
        if isinstance(value, str):
            found.append(value)
    if isinstance(answer, Decision):
        found += [reason.article for reason in answer.reasons]
    quorum = getattr(answer, "quorum", None)
    if quorum is not None:
        found.append(quorum.article)
    return found


def test_every_rule_answer_carries_an_article_of_the_document(example: Bylaws) -> None:
    numbers = {a.number for a in example.articles()}
    answers = _answers(example)
    assert len(answers) > 60
    for answer in answers:
        if answer is None:
            continue
        cited = _articles_in(answer)
        assert cited, f"no article on {answer!r}"
        assert set(cited) <= numbers, f"{answer!r} cites an article not in the document"
        if isinstance(answer, Cited):
            assert answer.article in numbers


def test_the_bylaws_page_lists_articles_by_number(example: Bylaws) -> None:
    numbers = [a.number for a in example.articles_by_number()]
    assert numbers.index("16.2") < numbers.index("16.5")  # the file has 16.5 first
    as_numbers = [tuple(int(p) for p in n.split(".")) for n in numbers]
    assert as_numbers == sorted(as_numbers)  # 9.3 before 11.1, as numbers, not as text
    assert sorted(numbers) == sorted(a.number for a in example.articles())
