"""Counting a poll from plain data: the same code counts a closed poll in the
application and recounts an exported poll in `congress verify`, so the two
can only agree or reveal a difference in the data.

A poll here is the dict of an export's "poll" section; candidates, contents
and the quorum snapshot are as exported.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence

from congress.core.bylaws import Bylaws
from congress.core.tally import (
    Ballot,
    BallotSummary,
    BranchCap,
    Candidate,
    CountRules,
    GroupQuota,
    count,
    count_totals,
    lot_order,
    write_blt,
)


def seed(chain_head_at_close: str, poll_id: int) -> bytes:
    """Nobody knows it before the close; anyone can recompute it after."""
    return hashlib.sha256(f"{chain_head_at_close}:poll:{poll_id}".encode()).digest()


def _ballot(content: Mapping) -> Ballot:
    if content.get("blank"):
        return Ballot(())
    if "ranks" in content:
        return Ballot(tuple((str(c),) for c in content["ranks"]))
    return Ballot(tuple((str(c),) for c in content.get("marks", [])))


def _count_rules(poll: Mapping) -> CountRules:
    rules = poll["rules"]
    cap = rules.get("cap")
    count_rules = CountRules(
        method=poll["method"],
        seats=poll["seats"],
        quotas=tuple(
            GroupQuota(q["group"], q["min_seats"], q["article"]) for q in rules.get("quotas", [])
        ),
        cap=BranchCap(cap["max_seats"], cap["article"]) if cap else None,
        max_marks=poll.get("max_marks"),
        seed=seed(poll["chain_head_at_close"], poll["id"]),
    )
    return count_rules


def _people(candidates: Sequence[Mapping]) -> list[Candidate]:
    return [
        Candidate(
            id=str(c["id"]),
            name=c["name_ar"],
            branch=c.get("branch") or None,
            groups=frozenset(g for g in c.get("groups", "").split(",") if g),
            withdrawn=bool(c.get("withdrawn")),
        )
        for c in candidates
    ]


def election_report(
    poll: Mapping, candidates: Sequence[Mapping], contents: Sequence[Mapping]
) -> dict:
    return count(_people(candidates), [_ballot(c) for c in contents], _count_rules(poll)).to_dict()


def report_from_totals(
    poll: Mapping,
    candidates: Sequence[Mapping],
    totals: Mapping,
    quorum: Mapping,
    bylaws: Bylaws,
) -> dict:
    """A verifiable poll's report from its decrypted totals: {"ballots": n, "blank": b,
    "votes": {option: count}} where an option is a candidate id or yes/no/abstain. The
    same rules as counting ballots; no single ballot is ever opened."""
    ballots, blank, votes = int(totals["ballots"]), int(totals["blank"]), totals["votes"]
    if poll["kind"] == "motion":
        contents = [{"blank": True}] * blank + [
            {"answer": a} for a in ("yes", "no", "abstain") for _ in range(int(votes[a]))
        ]
        if len(contents) != ballots:
            raise ValueError("the motion's totals do not add up to its ballots")
        return motion_report(poll, contents, quorum, bylaws)
    summary = BallotSummary(total=ballots, valid=ballots - blank, blank=blank, invalid=0)
    return count_totals(
        _people(candidates), {str(k): int(v) for k, v in votes.items()}, summary, _count_rules(poll)
    ).to_dict()


def motion_report(
    poll: Mapping, contents: Sequence[Mapping], quorum: Mapping, bylaws: Bylaws
) -> dict:
    answers = Counter(c.get("answer", "blank") for c in contents)
    kind = poll["rules"]["majority"]
    result = bylaws.motion_result(
        answers["yes"],
        answers["no"],
        answers["abstain"],
        quorum["present"],
        quorum["accredited"],
        kind,
    )
    return {
        "method": "motion",
        "kind": kind,
        "passed": result.passed,
        "yes": result.yes,
        "no": result.no,
        "abstain": result.abstain,
        "blank": answers["blank"],
        "base": result.base,
        "base_value": result.base_value,
        "needed": result.needed,
        "article": result.article,
        "reason": {"ar": result.reason.ar, "en": result.reason.en},
        "ballots": {
            "total": len(contents),
            "valid": len(contents) - answers["blank"],
            "blank": answers["blank"],
            "invalid": 0,
        },
    }


def report_for(
    poll: Mapping,
    candidates: Sequence[Mapping],
    contents: Sequence[Mapping],
    quorum: Mapping,
    bylaws: Bylaws,
) -> dict:
    if poll["kind"] == "motion":
        return motion_report(poll, contents, quorum, bylaws)
    return election_report(poll, candidates, contents)


def canonical(report: Mapping) -> bytes:
    return json.dumps(report, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def sha256(report: Mapping) -> str:
    return hashlib.sha256(canonical(report)).hexdigest()


def to_blt(poll: Mapping, candidates: Sequence[Mapping], contents: Sequence[Mapping]) -> str:
    """A ranked poll as BLT. Candidates keep the ballot order; the lot order of the poll's
    seed is written as a [tie] line so any BLT counter breaks ties the same way."""
    people = [
        Candidate(id=str(c["id"]), name=c["name_ar"], withdrawn=bool(c["withdrawn"]))
        for c in candidates
    ]
    ballots = [Ballot(tuple((str(c),) for c in content.get("ranks") or [])) for content in contents]
    lot = lot_order(seed(poll["chain_head_at_close"], poll["id"]), [p.id for p in people])
    return write_blt(people, ballots, poll["seats"], poll["title"]["ar"], tie_order=lot)
