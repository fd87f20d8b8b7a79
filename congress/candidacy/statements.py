"""The candidate's statement: plain text in Arabic and/or English, limited by the bylaws."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.conference.facts import bylaws_of
from congress.conference.models import Conference
from congress.core.rules import RuleRefused
from congress.extensions import db
from congress.models_common import utcnow

from .common import CandidacyError, nomination_window, require_member
from .models import ACTIVE, Candidacy

# Control characters other than newline and tab never belong in a statement.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BLANKS = re.compile(r"\n{3,}")


def clean(text: str | None) -> str:
    """Normalize a submitted statement: NFC, Unix newlines, no control characters.

    Markup is kept as typed: it is shown as text, never interpreted.
    """
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    lines = [line.rstrip() for line in text.split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def paragraphs(text: str) -> list[list[str]]:
    """Paragraphs separated by a blank line, each a list of its lines (for <p> and <br>)."""
    return [block.split("\n") for block in clean(text).split("\n\n") if block.strip()]


def excerpt(text: str, limit: int = 160) -> str:
    """The opening of a statement for the list page, cut at a word."""
    flat = " ".join(clean(text).split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0]
    return cut + "…"


def statement_problems(conference: Conference, statement_ar: str, statement_en: str) -> list[str]:
    """Every statement over the bylaws' length, as translated messages (empty: fine)."""
    limit = bylaws_of(conference).statement_max_chars().value
    problems = []
    for label, text in (
        (_("The Arabic statement"), statement_ar),
        (_("The English statement"), statement_en),
    ):
        if len(text) > limit:
            problems.append(
                ngettext(
                    "%(which)s has %(num)d character; the bylaws allow at most %(limit)d.",
                    "%(which)s has %(num)d characters; the bylaws allow at most %(limit)d.",
                    len(text),
                    which=label,
                    limit=limit,
                )
            )
    return problems


def editable(candidacy: Candidacy, conference: Conference, now: datetime) -> bool:
    """The candidate may change the statement and photo while nominations are open."""
    return candidacy.status in ACTIVE and nomination_window(conference, candidacy.body, now).ok


def require_editable(candidacy: Candidacy, conference: Conference, actor, now: datetime) -> None:
    require_member(candidacy, actor)
    if candidacy.status not in ACTIVE:
        raise CandidacyError(_("This candidacy is no longer active."))
    window = nomination_window(conference, candidacy.body, now)
    if not window.ok:
        raise RuleRefused.from_decision(
            window, _("Statements can be changed only while nominations are open.")
        )


def update_statement(
    candidacy: Candidacy,
    statement_ar: str,
    statement_en: str,
    *,
    actor,
    now: datetime | None = None,
) -> bool:
    """Store both texts after checking the length article; False when nothing changed."""
    conference = db.session.get(Conference, candidacy.conference_id)
    require_editable(candidacy, conference, actor, now or utcnow())
    statement_ar, statement_en = clean(statement_ar), clean(statement_en)
    problems = statement_problems(conference, statement_ar, statement_en)
    if problems:
        article = bylaws_of(conference).statement_max_chars().article
        raise RuleRefused(article, " ".join(problems))
    if (statement_ar, statement_en) == (candidacy.statement_ar, candidacy.statement_en):
        return False
    candidacy.statement_ar, candidacy.statement_en = statement_ar, statement_en
    record(
        actions.CANDIDACY_STATEMENT,
        actor=actor_label(actor),
        subject=f"candidacy:{candidacy.id}",
        data={
            "conference": conference.id,
            "body": candidacy.body,
            "ar_chars": len(statement_ar),
            "en_chars": len(statement_en),
            "sha256": hashlib.sha256(f"{statement_ar}\0{statement_en}".encode()).hexdigest(),
        },
    )
    return True
