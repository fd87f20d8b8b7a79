"""A Congress poll as a Belenios election, and back: questions, plaintexts, totals.

Pure mapping, no database: the poll's method and frozen candidates become one Belenios
question, a ballot's canonical content becomes its plaintext (for the voter without
JavaScript, whose ballot the server builds), and the decrypted result becomes the
totals the counting rules take.

- motion: one homomorphic question, answers (yes, no, abstain), exactly one; blank as
  the bylaws say;
- single office: the candidates, exactly one;
- block: the candidates, one to `max_marks`;
- approval: the candidates, one to all.
With blank allowed, Belenios adds a blank flag in front of the answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from congress.core import belenios as bl
from congress.core.ballot import ANSWERS, RANKED, BallotSpec


class NotVerifiable(ValueError):
    """A method the verifiable level does not run yet (ranked ballots need shuffles)."""


def question_for(spec: BallotSpec, title: str, names: Sequence[str]) -> bl.HomomorphicQuestion:
    if spec.method in RANKED:
        raise NotVerifiable("ranked ballots are verifiable with shuffles: not yet here")
    if spec.method == "motion":
        return bl.HomomorphicQuestion(title, tuple(ANSWERS), 1, 1, blank=spec.blank_allowed)
    if spec.method == "single":
        top = 1
    elif spec.method == "block":
        top = min(spec.max_marks or len(names), len(names))
    else:
        top = len(names)
    return bl.HomomorphicQuestion(title, tuple(names), 1, top, blank=spec.blank_allowed)


def plaintext(spec: BallotSpec, content: Mapping) -> tuple[tuple[int, ...], ...]:
    """The plaintext of a valid canonical content (congress.core.ballot.build's output)."""
    options = list(ANSWERS) if spec.method == "motion" else list(spec.candidates)
    blank = bool(content.get("blank"))
    chosen = set()
    if spec.method == "motion" and not blank:
        chosen = {content["answer"]}
    elif not blank:
        chosen = set(content.get("marks", []))
    vector = [1 if o in chosen else 0 for o in options]
    if spec.blank_allowed:
        vector = [1 if blank else 0, *vector]
    return (tuple(vector),)


@dataclass(frozen=True)
class Totals:
    """What the decryption says: ballots counted, blank ones, votes per option."""

    ballots: int
    blank: int
    votes: dict[str, int]  # an answer (motion) or a candidate id, as a string


def totals(spec: BallotSpec, result: Sequence[Sequence[int]], ballots: int) -> Totals:
    """The per-option sums of the decrypted result of the poll's one question."""
    row = list(result[0])
    blank = row.pop(0) if spec.blank_allowed else 0
    options = list(ANSWERS) if spec.method == "motion" else [str(c) for c in spec.candidates]
    return Totals(ballots, blank, dict(zip(options, row, strict=True)))
