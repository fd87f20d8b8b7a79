"""What a valid ballot is, in its canonical form, and the voter's tracker.

A ballot's content is canonical JSON, the same bytes for the same choices, so
that the tracker (a hash over the poll, the content and a random salt) can be
recomputed by anyone who holds the three.

Forms of content, by method:
  block / approval   {"marks": [candidate ids, ascending]}
  single             {"marks": [candidate id]}
  stv-*              {"ranks": [candidate ids, first preference first]}
  motion             {"answer": "yes" | "no" | "abstain"}
  blank (any kind)   {"blank": true}
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from congress.core.rules import Text

RANKED = ("stv-scottish", "stv-meek")
ANSWERS = ("yes", "no", "abstain")


@dataclass(frozen=True)
class BallotSpec:
    """What a poll accepts: frozen when the poll opens."""

    method: str  # block | approval | single | stv-scottish | stv-meek | motion
    candidates: tuple[int, ...] = ()
    max_marks: int | None = None
    blank_allowed: bool = False


class InvalidBallot(Exception):
    """Every problem of a submitted ballot, each a bilingual message for the voter."""

    def __init__(self, problems: Sequence[Text]):
        self.problems = tuple(problems)
        super().__init__("; ".join(p.en for p in self.problems))


def canonical(content: Mapping) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def tracker(poll_ref: str, content: str, salt: bytes) -> str:
    """128 bits of SHA-256 over the poll, the ballot and a random salt, in hex."""
    digest = hashlib.sha256()
    for part in (poll_ref.encode(), content.encode(), salt):
        digest.update(len(part).to_bytes(4, "big"))
        digest.update(part)
    return digest.hexdigest()[:32]


def longest_content(spec: BallotSpec) -> int:
    """The length in bytes of the longest valid content of a poll: every ballot of a sealed
    box is padded to it, so a ciphertext's length says nothing of the choice."""
    forms: list[dict] = [{"blank": True}] if spec.blank_allowed else []
    by_width = sorted(spec.candidates, key=lambda c: len(str(c)), reverse=True)
    if spec.method == "motion":
        forms += [{"answer": a} for a in ANSWERS]
    elif spec.method in RANKED:
        forms.append({"ranks": list(spec.candidates)})
    else:
        limit = 1 if spec.method == "single" else spec.max_marks or len(spec.candidates)
        forms.append({"marks": sorted(by_width[:limit])})
    return max(len(canonical(f).encode("utf-8")) for f in forms)


def box_digest(items: Iterable[str]) -> str:
    """SHA-256 over a box's items sorted, each length-prefixed: the same set of ballots
    (or trackers) gives the same digest whatever order they are stored or published in."""
    digest = hashlib.sha256()
    for item in sorted(items):
        raw = item.encode("utf-8")
        digest.update(len(raw).to_bytes(4, "big"))
        digest.update(raw)
    return digest.hexdigest()


def tracker_groups(value: str) -> str:
    """'1a2b3c4d…' as '1a2b 3c4d …', readable over a phone call."""
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


def _ids(raw: Sequence[str], spec: BallotSpec, problems: list[Text]) -> list[int]:
    allowed = set(spec.candidates)
    ids = []
    for value in raw:
        try:
            ident = int(value)
        except (TypeError, ValueError):
            ident = None
        if ident not in allowed:
            problems.append(
                Text("اختيار غير معروف في الورقة.", "The ballot contains an unknown choice.")
            )
            return []
        ids.append(ident)
    return ids


def marks_ballot(raw: Sequence[str], spec: BallotSpec) -> dict:
    """Block, approval and single: a set of marks within the maximum."""
    problems: list[Text] = []
    ids = _ids(raw, spec, problems)
    if len(set(ids)) != len(ids):
        problems.append(Text("اختير مرشح أكثر من مرة.", "A candidate was marked twice."))
    limit = 1 if spec.method == "single" else spec.max_marks
    if not problems and limit is not None and len(ids) > limit:
        problems.append(
            Text(
                f"اخترت {len(ids)} مرشحًا، والحد الأقصى {limit}. "
                f"أزل {len(ids) - limit} من اختياراتك.",
                f"You chose {len(ids)} candidates; the maximum is {limit}. "
                f"Remove {len(ids) - limit}.",
            )
        )
    if not problems and not ids:
        return _blank_or_refuse(spec)
    if problems:
        raise InvalidBallot(problems)
    return {"marks": sorted(ids)}


def ranked_ballot(ranks: Mapping[str, str], spec: BallotSpec) -> dict:
    """Ranks must be 1, 2, 3... without gaps or repeats; say exactly what to fix."""
    problems: list[Text] = []
    by_rank: dict[int, list[int]] = {}
    for key, value in ranks.items():
        value = (value or "").strip()
        if not value:
            continue
        ident = _ids([key], spec, problems)
        if problems:
            raise InvalidBallot(problems)
        try:
            rank = int(value)
        except ValueError:
            raise InvalidBallot(
                [
                    Text(
                        f"الترتيب «{value[:10]}» ليس رقمًا.",
                        f"The rank “{value[:10]}” is not a number.",
                    )
                ]
            ) from None
        if rank < 1 or rank > len(spec.candidates):
            raise InvalidBallot(
                [
                    Text(
                        f"الترتيب {rank} خارج المدى: "
                        f"استخدم الأرقام من 1 إلى {len(spec.candidates)}.",
                        f"Rank {rank} is out of range: use 1 to {len(spec.candidates)}.",
                    )
                ]
            )
        by_rank.setdefault(rank, []).extend(ident)
    if not by_rank:
        return _blank_or_refuse(spec)
    for rank, ids in sorted(by_rank.items()):
        if len(ids) > 1:
            problems.append(
                Text(
                    f"أُعطي الترتيب {rank} لأكثر من مرشح ({len(ids)}).",
                    f"Rank {rank} is given to {len(ids)} candidates.",
                )
            )
    top = max(by_rank)
    missing = [r for r in range(1, top + 1) if r not in by_rank]
    if missing:
        listed = ", ".join(str(r) for r in missing)
        problems.append(
            Text(
                f"الترتيب ناقص: الأرقام {listed} غير مستخدمة؛ رقّم 1، 2، 3… دون فجوات.",
                f"Ranks {listed} are missing: number 1, 2, 3… without gaps.",
            )
        )
    if problems:
        raise InvalidBallot(problems)
    return {"ranks": [by_rank[r][0] for r in range(1, top + 1)]}


def motion_ballot(answer: str | None, spec: BallotSpec) -> dict:
    if answer in (None, ""):
        return _blank_or_refuse(spec)
    if answer not in ANSWERS:
        raise InvalidBallot(
            [
                Text(
                    "الجواب يجب أن يكون: نعم أو لا أو امتناع.",
                    "The answer must be yes, no or abstain.",
                )
            ]
        )
    return {"answer": answer}


def _blank_or_refuse(spec: BallotSpec) -> dict:
    if spec.blank_allowed:
        return {"blank": True}
    raise InvalidBallot(
        [
            Text(
                "الورقة فارغة، والورقة البيضاء غير مقبولة في هذا الاقتراع.",
                "The ballot is empty, and a blank ballot is not valid here.",
            )
        ]
    )


def build(
    spec: BallotSpec,
    *,
    marks: Sequence[str] = (),
    ranks: Mapping[str, str] | None = None,
    answer: str | None = None,
) -> dict:
    """The canonical content of a submitted ballot, or InvalidBallot with every problem."""
    if spec.method == "motion":
        return motion_ballot(answer, spec)
    if spec.method in RANKED:
        return ranked_ballot(ranks or {}, spec)
    return marks_ballot(marks, spec)


def check_content(content: Mapping, spec: BallotSpec) -> None:
    """Re-validate stored content (defence in depth before a count)."""
    if content.get("blank") is True:
        if not spec.blank_allowed:
            raise InvalidBallot([Text("ورقة بيضاء غير مقبولة.", "Blank ballot not allowed.")])
        return
    if spec.method == "motion":
        motion_ballot(content.get("answer"), spec)
    elif spec.method in RANKED:
        ranked_ballot({str(c): str(i + 1) for i, c in enumerate(content.get("ranks", []))}, spec)
    else:
        marks_ballot([str(c) for c in content.get("marks", [])], spec)
