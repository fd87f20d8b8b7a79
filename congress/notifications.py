"""Messages that tell people their work is waiting: a poll opened for them, a count awaiting
their signature. Each goes in the recipient's own language, by mail or to the outbox, and
only after the transaction that caused it has committed (a refused action sends nothing;
the database is not held while mail is sent). Links need a request to build them from, so
actions taken from the command line (the demo) send no messages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from sqlalchemy import select

from congress.auth.models import User
from congress.database import after_commit
from congress.extensions import db
from congress.i18n import language
from congress.mail import send


def _to(people: list[tuple[str, str | None]], subject: Callable[[], str], body: Callable[[], str]):
    def task() -> None:
        for email, lang in people:
            with force_locale(lang or current_app.config["DEFAULT_LANGUAGE"]):
                send(email, subject(), body())

    after_commit(task)


def poll_opened(poll, member_ids: Iterable[int]) -> None:
    """To everyone on the roll: the poll is open, here is the ballot."""
    if not has_request_context():
        return
    from congress.members.models import Member

    ids = list(member_ids)
    rows = db.session.execute(
        select(Member.email, User.language)
        .outerjoin(User, User.member_id == Member.id)
        .where(Member.id.in_(ids), Member.email != "")
    ).all()
    link = url_for("voting.ballot", poll_id=poll.id, _external=True)
    closes = poll.closes_at

    def body() -> str:
        from congress.i18n import language

        lines = [
            _("The poll “%(title)s” is open: you are on its roll.", title=poll.title(language()))
        ]
        if closes is not None:
            lines.append(_("It closes at %(when)s.", when=format_datetime(closes, "medium")))
        return "\n".join([*lines, "", link, ""])

    _to([(e, lang) for e, lang in rows], lambda: _("A poll is open: your vote"), body)


def signature_awaited(poll, committee: Iterable[User], actor) -> None:
    """To the committee members (but the one who counted): a count awaits their signature."""
    if not has_request_context():
        return
    link = url_for("results.result", poll_id=poll.id, _external=True)
    people = [(u.email, u.language) for u in committee if actor is None or u.id != actor.id]

    def body() -> str:
        return "\n".join(
            [
                _(
                    "The ballots of “%(title)s” are counted. Review the count and sign it, or "
                    "refuse with a reason:",
                    title=poll.title(language()),
                ),
                "",
                link,
                "",
            ]
        )

    _to(people, lambda: _("A count awaits your signature"), body)
