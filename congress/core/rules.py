"""Decisions and refusals that carry the bylaws article they come from.

Every rule the system applies is traceable to an article of the bylaws, so
every answer of the rules engine is a value that names its article, and every
refusal is a `RuleRefused` that a view can show with a link to that article.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Text:
    """A bilingual string: the core cannot ask Flask-Babel for the language."""

    ar: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.ar

    def format(self, **params: object) -> Text:
        return Text(self.ar.format(**params), self.en.format(**params))


@dataclass(frozen=True)
class Reason:
    """One unmet condition, with the article that sets it."""

    article: str
    message: Text


@dataclass(frozen=True)
class Decision:
    """A yes/no answer of the rules engine; when no, every reason is listed."""

    ok: bool
    article: str
    reasons: tuple[Reason, ...] = field(default=())

    def __bool__(self) -> bool:
        return self.ok


class RuleRefused(Exception):
    """An action the bylaws do not allow. `message` is a str (already
    translated by the caller) or a `Text` (from the core)."""

    def __init__(self, article: str, message: str | Text, *, reasons: tuple[Reason, ...] = ()):
        self.article = article
        self.message = message
        self.reasons = reasons
        super().__init__(f"{self.text('en')} - Article {article}")

    def text(self, lang: str) -> str:
        if isinstance(self.message, Text):
            return self.message.get(lang)
        return self.message

    @classmethod
    def from_decision(cls, decision: Decision, message: str | Text) -> RuleRefused:
        return cls(decision.article, message, reasons=decision.reasons)
