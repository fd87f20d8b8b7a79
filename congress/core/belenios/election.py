"""Questions and the election structure (specification §4.9, §4.10).

An election is kept as the exact string that was published: its fingerprint
(the Base64 SHA256 of that string) enters every proof and every ballot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from . import serialization as ser
from .groups import Group, get_group, is_uuid, random_token, register_fixed_base
from .serialization import JSON, FormatError

ELECTION_VERSION = 1


@dataclass(frozen=True)
class HomomorphicQuestion:
    """question_h: choose between min and max answers (optionally blank); only totals revealed."""

    question: str
    answers: tuple[str, ...]
    min: int
    max: int
    blank: bool | None = None

    @property
    def size(self) -> int:
        """Number of ciphertexts in an answer (one more when blank is allowed)."""
        return len(self.answers) + (1 if self.blank else 0)

    def to_json(self) -> dict[str, JSON]:
        """question_h in belenios' field order."""
        o: dict[str, JSON] = {"answers": list(self.answers)}
        if self.blank is not None:
            o["blank"] = self.blank
        o["min"] = self.min
        o["max"] = self.max
        o["question"] = self.question
        return o


@dataclass(frozen=True)
class NonHomomorphicQuestion:
    """question_gen of type NonHomomorphic: one small integer per answer, each ballot revealed."""

    question: str
    answers: tuple[str, ...]
    extra: JSON = None

    @property
    def size(self) -> int:
        """Number of integers in an answer."""
        return len(self.answers)

    def to_json(self) -> dict[str, JSON]:
        """question_gen wrapping question_nh, as belenios writes it."""
        o: dict[str, JSON] = {
            "type": "NonHomomorphic",
            "value": {"answers": list(self.answers), "question": self.question},
        }
        if self.extra is not None:
            o["extra"] = self.extra
        return o


Question = HomomorphicQuestion | NonHomomorphicQuestion


def parse_question(x: JSON) -> Question:
    """A question from its JSON (either alternative of §4.9)."""
    o = ser.obj(x, "question")
    if "type" not in o:
        answers = tuple(ser.string(a, "answer") for a in ser.lst(ser.field(o, "answers", "q"), "q"))
        blank = o.get("blank")
        if blank is not None and not isinstance(blank, bool):
            raise FormatError("question: blank must be a boolean")
        q = HomomorphicQuestion(
            question=ser.string(ser.field(o, "question", "question"), "question"),
            answers=answers,
            min=ser.integer(ser.field(o, "min", "question"), "min"),
            max=ser.integer(ser.field(o, "max", "question"), "max"),
            blank=blank,
        )
        if not 0 <= q.min <= q.max:
            raise FormatError("question: need 0 <= min <= max")
        return q
    if o["type"] != "NonHomomorphic":
        raise FormatError(f"question: unexpected type {o['type']!r}")
    v = ser.obj(ser.field(o, "value", "question"), "question value")
    answers = tuple(ser.string(a, "answer") for a in ser.lst(ser.field(v, "answers", "q"), "q"))
    return NonHomomorphicQuestion(
        question=ser.string(ser.field(v, "question", "question"), "question"),
        answers=answers,
        extra=o.get("extra"),
    )


@dataclass(eq=False)
class Election:
    """A parsed election; `raw` is the published string everything is bound to."""

    raw: str
    uuid: str
    name: str
    description: str
    group: Group
    public_key: int
    questions: tuple[Question, ...]
    administrator: str | None = None
    credential_authority: str | None = None
    fingerprint: str = field(init=False)

    def __post_init__(self) -> None:
        self.fingerprint = ser.sha256_b64(self.raw)
        register_fixed_base(self.group, self.public_key)

    @property
    def has_nh_questions(self) -> bool:
        """Whether the tally needs shuffles."""
        return any(isinstance(q, NonHomomorphicQuestion) for q in self.questions)


def parse_election(raw: str | bytes) -> Election:
    """Parse a published election, keeping its exact bytes."""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8")
    o = ser.obj(ser.loads(raw), "election")
    version = ser.integer(ser.field(o, "version", "election"), "version")
    if version != ELECTION_VERSION:
        raise FormatError(f"election: unsupported version {version}")
    group = get_group(ser.string(ser.field(o, "group", "election"), "group"))
    uuid = ser.string(ser.field(o, "uuid", "election"), "uuid")
    if not is_uuid(uuid):
        raise FormatError(f"election: {uuid!r} is not a valid uuid")
    public_key = ser.number(ser.field(o, "public_key", "election"), "public_key")
    if not group.is_element(public_key):
        raise FormatError("election: public key is not in the group")
    questions = tuple(
        parse_question(q) for q in ser.lst(ser.field(o, "questions", "election"), "questions")
    )
    if any(isinstance(q, NonHomomorphicQuestion) for q in questions) and group.embedding is None:
        raise FormatError(f"election: group {group.name} cannot embed non-homomorphic answers")
    admin = o.get("administrator")
    authority = o.get("credential_authority")
    return Election(
        raw=raw,
        uuid=uuid,
        name=ser.string(ser.field(o, "name", "election"), "name"),
        description=ser.string(ser.field(o, "description", "election"), "description"),
        group=group,
        public_key=public_key,
        questions=questions,
        administrator=None if admin is None else ser.string(admin, "administrator"),
        credential_authority=None if authority is None else ser.string(authority, "authority"),
    )


def make_election(
    *,
    uuid: str,
    group: Group,
    public_key: int,
    name: str,
    description: str,
    questions: Sequence[Question],
    administrator: str | None = None,
    credential_authority: str | None = None,
) -> str:
    """The election JSON exactly as `belenios-tool setup make-election` writes it."""
    if not is_uuid(uuid):
        raise ValueError(f"{uuid!r} is not a valid uuid")
    if any(isinstance(q, NonHomomorphicQuestion) for q in questions) and group.embedding is None:
        raise ValueError(f"group {group.name} cannot embed non-homomorphic answers; use RFC-3526")
    o: dict[str, JSON] = {
        "version": ELECTION_VERSION,
        "description": description,
        "name": name,
        "group": group.name,
        "public_key": str(public_key),
        "questions": [q.to_json() for q in questions],
        "uuid": uuid,
    }
    if administrator is not None:
        o["administrator"] = administrator
    if credential_authority is not None:
        o["credential_authority"] = credential_authority
    return ser.dumps(o)


def new_uuid() -> str:
    """A fresh election uuid (14 Base58 characters, as belenios generates)."""
    return random_token(14)
