"""Issue 14.11: text someone typed is isolated for direction wherever it is shown inline,
so a right-to-left override (U+202E) inside a poll title or a reason cannot reorder the
words around it (a "yes" shown as a "no", a count beside the wrong name)."""

import re

from voting_steps import act

EVIL = "\u202eمقترح خبيث"


def bare(html: str, needle: str) -> list[str]:
    """Where `needle` appears in the body outside <bdi> (or U+2068...U+2069, its plain-text
    form in flash messages), <title> and attribute values."""
    body = html.split("<main", 1)[1]
    body = re.sub(r'"[^"<>]*"', '""', body)  # attribute values
    outside = re.sub(r"<bdi>.*?</bdi>|\u2068.*?\u2069", "", body, flags=re.S)
    return [m.start() for m in re.finditer(re.escape(needle), outside)]


def test_a_title_and_a_reason_with_an_override_are_isolated_on_every_page(session_with, committee):
    conference, _ = session_with(3)
    response = committee.post(
        f"/conferences/{conference.id}/polls/new",
        {"kind": "motion", "m-title_ar": EVIL, "m-text_ar": "نص", "m-category": "ordinary"},
        page=f"/conferences/{conference.id}/polls/new",
    )
    poll_id = int(response.headers["Location"].rsplit("/", 1)[1])
    act(committee, poll_id, "annul", reason=EVIL)
    for url in (f"/polls/{poll_id}", f"/conferences/{conference.id}/polls"):
        html = committee.get(url).get_data(as_text=True)
        assert EVIL in html, url
        assert bare(html, EVIL) == [], url


def test_a_key_holders_name_with_an_override_is_isolated_on_the_sealed_box_page(
    session_with, committee, db
):
    """The audit found the share list of the sealed box page left names bare."""
    from sqlalchemy import select

    from congress.auth.models import User

    conference, _ = session_with(3)
    holder = db.session.execute(
        select(User).where(User.email == "committee2@congress.test")
    ).scalar_one()
    holder.name = "Eve \u202e"
    db.session.commit()
    response = committee.post(
        f"/conferences/{conference.id}/polls/new",
        {
            "kind": "motion",
            "m-title_ar": "م",
            "m-text_ar": "نص",
            "m-category": "ordinary",
            "m-level": "sealed",
        },
        page=f"/conferences/{conference.id}/polls/new",
    )
    html = response.get_data(as_text=True)  # the refusal names who lacks a passphrase
    assert "Eve \u202e" in html and bare(html, "Eve \u202e") == []
