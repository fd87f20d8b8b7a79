"""Independent checks of a poll export: counts, hashes, the audit links and a recount.

Each check is a line of the verification report; the first failure is named.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from congress.core import chain, sealed, verifiable_poll
from congress.core.ballot import BallotSpec, InvalidBallot, box_digest, canonical, check_content
from congress.core.belenios.verify import verify_archive_full
from congress.core.bylaws import BylawsInvalid, load_bylaws
from congress.core.recount import report_for, report_from_totals, sha256


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""


def _ballots(export: Mapping) -> list:
    """The box: the ballots' contents, or a verifiable poll's encrypted ballots as its
    archive holds them (`_verifiable` has checked that archive first)."""
    record = export.get("_record")
    return record["ballots"] if record else export["ballots"]


def _spec(poll: Mapping) -> BallotSpec:
    s = poll["rules"]["spec"]
    return BallotSpec(s["method"], tuple(s["candidates"]), s["max_marks"], s["blank_allowed"])


def _verifiable(export: Mapping) -> tuple[Check, dict | None]:
    """A verifiable poll's archive: its fingerprint, every check belenios-tool makes, its
    trackers those on the board; what it proves (ballots, encrypted tally, totals)."""
    box = export.get("verifiable")
    if box is None:
        return Check("archive", True, "not a verifiable poll"), None
    archive = base64.b64decode(box["archive_base64"], validate=True)
    if hashlib.sha256(archive).hexdigest() != box["archive_sha256"]:
        return Check("archive", False, "the archive does not match its SHA-256"), None
    proven = verify_archive_full(archive)
    failed = next((c for c in proven.checks if not c.ok), None)
    if failed is not None or proven.result is None:
        why = f"{failed.name}: {failed.detail}" if failed else "it holds no result yet"
        return Check("archive", False, f"the Belenios archive does not verify ({why})"), None
    if proven.election.uuid != box["uuid"]:
        return Check("archive", False, "the archive is another election's"), None
    if proven.credentials.weighted or any(w != 1 for w in proven.credentials.weights.values()):
        return Check(
            "archive", False, "the public credentials carry weights: one voter, one vote"
        ), None
    for action, key, what in (
        ("poll.opened", "election_sha256", "election"),
        ("verifiable.credentials_published", "sha256", "credentials"),
    ):
        recorded = _entry(export, action).get(key)
        if recorded != _text_sha256(proven.setup_raw[what]):
            return Check(
                "archive", False, f"the archive's {what} is not the one the audit chain recorded"
            ), None
    if sorted(b.tracker for b in proven.ballots) != sorted(export["trackers"]):
        return Check("archive", False, "the archive's ballots are not the board's trackers"), None
    counted = len(proven.ballots)
    totals = verifiable_poll.totals(_spec(export["poll"]), proven.result, counted)
    record = {
        "ballots": [b.raw for b in proven.ballots],
        "encrypted_tally": proven.encrypted_tally.raw if proven.encrypted_tally else "",
        "totals": {"ballots": totals.ballots, "blank": totals.blank, "votes": totals.votes},
    }
    return Check(
        "archive",
        True,
        f"the Belenios archive verifies: {counted} ballots, their encrypted tally, "
        f"{len(proven.decryption_owners)} partial decryptions and the result",
    ), record


def _counts(export: Mapping) -> Check:
    e = export["electorate"]
    trackers, ballots = export["trackers"], _ballots(export)
    if len(set(trackers)) != len(trackers):
        return Check("counts", False, "a tracker appears twice")
    numbers = (len(trackers), len(ballots), e["voted"], e["ballots"])
    if len(set(numbers)) != 1:
        return Check("counts", False, "trackers {}, ballots {}, voted {}, box {}".format(*numbers))
    if e["voted"] > e["size"]:
        return Check("counts", False, f"{e['voted']} voted of an electorate of {e['size']}")
    return Check(
        "counts",
        True,
        f"{len(ballots)} ballots = {len(trackers)} trackers = {e['voted']} voted of {e['size']}",
    )


def _sealed(export: Mapping) -> Check:
    """A sealed box: each tracker is the hash of a ciphertext, one per opened ballot.

    Without the private key nobody can check that each ciphertext decrypts to the
    opened ballot beside it; that proof needs the next level (verifiable decryption)."""
    box = export.get("sealed")
    if box is None:
        return Check("sealed box", True, "the ballots were not sealed")
    ref = f"poll:{export['poll']['id']}"
    recomputed = sorted(sealed.tracker(ref, c) for c in box["ciphertexts"])
    if recomputed != sorted(export["trackers"]):
        return Check("sealed box", False, "the trackers are not the hashes of the ciphertexts")
    if len(box["ciphertexts"]) != len(export["ballots"]):
        return Check(
            "sealed box",
            False,
            f"{len(box['ciphertexts'])} ciphertexts but {len(export['ballots'])} opened ballots",
        )
    return Check(
        "sealed box",
        True,
        f"{len(recomputed)} trackers are the hashes of the ciphertexts; key {box['fingerprint']}",
    )


def _contents(export: Mapping) -> Check:
    poll = export["poll"]
    if poll["rules"].get("spec") is None:
        return Check("ballots", False, "the poll has no frozen ballot specification")
    spec = _spec(poll)
    if export.get("_record"):
        return Check("ballots", True, "every encrypted ballot's proofs and signature check out")
    for n, content in enumerate(export["ballots"], start=1):
        try:
            check_content(content, spec)
        except InvalidBallot as invalid:
            return Check("ballots", False, f"ballot {n}: {invalid}")
    return Check("ballots", True, f"every ballot is valid for the {spec.method} method")


def _audit(export: Mapping) -> Check:
    audit, poll = export["audit"], export["poll"]
    links = audit["links"]
    for before, after in pairwise(links):
        if after[0] != before[0] + 1 or after[1] != before[2]:
            return Check(
                "audit", False, f"the chain breaks between entries {before[0]} and {after[0]}"
            )
    by_seq = {seq: (prev, digest) for seq, prev, digest in links}
    closed, closes = None, 0
    for e in audit["entries"]:
        at = datetime.fromisoformat(e["at"])
        digest = chain.entry_hash(
            e["seq"], at, e["actor"], e["action"], e["subject"], e["data"], e["prev_hash"]
        )
        if digest != e["hash"] or by_seq.get(e["seq"]) != (e["prev_hash"], e["hash"]):
            return Check(
                "audit", False, f"entry {e['seq']} ({e['action']}) does not match its hash"
            )
        if e["action"] == "poll.closed":
            closed, closes = closed or e, closes + 1
    if closes > 1:
        return Check("audit", False, f"the poll is closed {closes} times in the chain")
    if closed is None or closed["hash"] != poll["chain_head_at_close"]:
        return Check("audit", False, "the close entry does not match the recorded chain head")
    data = json.loads(closed["data"])
    if data.get("ballots") != len(_ballots(export)):
        return Check(
            "audit",
            False,
            f"the close entry records {data.get('ballots')} ballots, "
            f"the export has {len(_ballots(export))}",
        )
    return Check(
        "audit",
        True,
        f"{len(audit['entries'])} entries chain to the head {poll['chain_head_at_close'][:16]}…",
    )


class TwoEntries(ValueError):
    """A poll's close or opening recorded twice: the second is a forgery."""


def _entry(export: Mapping, action: str) -> dict:
    found = [e for e in export["audit"]["entries"] if e["action"] == action]
    if len(found) > 1:
        raise TwoEntries(f"the chain records {len(found)} {action} entries for this poll")
    return json.loads(found[0]["data"]) if found else {}


def _box(export: Mapping) -> Check:
    """The published box is the one whose digests the close entry recorded (and, for a
    sealed box, the opened ballots those the opening recorded): a ballot changed, added
    or dropped after the close fails here. Runs after `_audit` has checked the entries."""
    try:
        closed = _entry(export, "poll.closed")
        opening = _entry(export, "sealing.box_opened")
    except TwoEntries as twice:
        return Check("box", False, str(twice))
    if "box_sha256" not in closed or "trackers_sha256" not in closed:
        return Check("box", False, "the close entry records no digest of the box")
    box, record = export.get("sealed"), export.get("_record")
    opened = [canonical(b) for b in export["ballots"]]
    stored = record["ballots"] if record else box["ciphertexts"] if box else opened
    if box_digest(stored) != closed["box_sha256"]:
        return Check("box", False, "the ballots differ from those recorded at the close")
    if box_digest(export["trackers"]) != closed["trackers_sha256"]:
        return Check("box", False, "the trackers differ from those recorded at the close")
    if record and closed.get("encrypted_tally_sha256") != _text_sha256(record["encrypted_tally"]):
        return Check("box", False, "the encrypted tally differs from the one recorded at the close")
    if box:
        if len({len(c) for c in stored}) > 1:
            return Check("box", False, "the sealed ballots are not all of one length")
        if box_digest(opened) != opening.get("opened_sha256"):
            return Check(
                "box", False, "the opened ballots differ from those recorded at the opening"
            )
    return Check(
        "box", True, f"the {len(stored)} ballots and trackers are those recorded at the close"
    )


def _recount(export: Mapping) -> Check:
    tally = export.get("tally")
    if not tally:
        return Check("recount", False, "the export has no tally")
    bylaws_text = export["bylaws"]["text"]
    if hashlib.sha256(bylaws_text.encode()).hexdigest() != export["bylaws"]["sha256"]:
        return Check("recount", False, "the bylaws text does not match its SHA-256")
    try:
        bylaws = load_bylaws(bylaws_text)
    except BylawsInvalid:
        return Check("recount", False, "the exported bylaws do not validate")
    record = export.get("_record")
    if record:  # only the decrypted sums, as the archive proves them
        report = report_from_totals(
            export["poll"], export["candidates"], record["totals"], export["quorum"], bylaws
        )
    else:
        report = report_for(
            export["poll"], export["candidates"], export["ballots"], export["quorum"], bylaws
        )
    if report != tally["report"]:
        names = {str(c["id"]): c.get("name_latin") or c["name_ar"] for c in export["candidates"]}
        detail = difference(report, tally["report"], names)
        return Check("recount", False, f"the recount differs from the recorded result: {detail}")
    if sha256(report) != tally["sha256"]:
        return Check("recount", False, "the recorded report does not match its SHA-256")
    for s in export["certification"]["signatures"]:
        if s["decision"] == "signed" and s["report_sha256"] != tally["sha256"]:
            return Check("recount", False, "a signature certifies another report")
    return Check(
        "recount",
        True,
        f"the recount equals the recorded result (report SHA-256 {tally['sha256'][:16]}…)",
    )


def _objections(export: Mapping) -> Check:
    """Each objection and each decision in the export is the one the audit chain recorded
    (a hash of its text), and no objection the chain recorded is left out."""
    listed = export.get("certification", {}).get("objections", [])
    entries = [e for e in export["audit"]["entries"] if e["action"].startswith("result.objection")]
    filed = {}
    decided = {}
    for e in entries:
        data = json.loads(e["data"])
        target = filed if e["action"] == "result.objection_filed" else decided
        target[data.get("objection")] = data
    for o in listed:
        entry = filed.get(o["id"])
        if entry is None or entry.get("reason_sha256") != _text_sha256(o["reason"]):
            return Check("objections", False, f"objection {o['id']} is not the one filed")
        decision = decided.get(o["id"])
        if o["outcome"]:
            if (
                decision is None
                or decision.get("outcome") != o["outcome"]
                or decision.get("answer_sha256") != _text_sha256(o["answer"])
            ):
                return Check(
                    "objections", False, f"the decision on objection {o['id']} is not the one made"
                )
        elif decision is not None:
            return Check("objections", False, f"the decision on objection {o['id']} is left out")
    missing = sorted(set(filed) - {o["id"] for o in listed})
    if missing:
        return Check("objections", False, f"objection {missing[0]} is in the chain, not the export")
    if not listed:
        return Check("objections", True, "no objection was filed")
    done = sum(1 for o in listed if o["outcome"])
    return Check(
        "objections",
        True,
        f"{len(listed)} objections, {done} decided, are those recorded in the audit chain",
    )


def _text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


MOTION_FIELDS = ("yes", "no", "abstain", "blank", "passed")


def difference(mine: Mapping, theirs: Mapping, names: Mapping[str, str]) -> str:
    """What differs between two reports, in words and candidate names, not internal ids."""

    def who(ids) -> str:
        return ", ".join(names.get(str(i), str(i)) for i in ids or []) or "nobody"

    if mine.get("method") == "motion":
        fields = [f for f in MOTION_FIELDS if mine.get(f) != theirs.get(f)]
        return "; ".join(
            f"{f}: {mine.get(f)} in the recount, {theirs.get(f)} recorded" for f in fields
        )
    if mine.get("winners") != theirs.get("winners"):
        return (
            f"the recount elects {who(mine.get('winners'))}; recorded: {who(theirs.get('winners'))}"
        )
    ours, recorded = mine.get("rounds") or [], theirs.get("rounds") or []
    for n, (a, b) in enumerate(zip(ours, recorded, strict=False), start=1):
        if a != b:
            return f"the same winners, but round {n} differs"
    if len(ours) != len(recorded):
        return f"{len(ours)} rounds in the recount, {len(recorded)} recorded"
    keys = sorted(k for k in set(mine) | set(theirs) if mine.get(k) != theirs.get(k))
    return "the reports differ in " + ", ".join(keys)


def verify_export(export: Mapping) -> list[Check]:
    """Run every check in order; stop at the first failure."""
    if export.get("format") != "congress-poll-export/1":
        return [Check("format", False, f"unknown format {export.get('format')!r}")]
    results = [Check("format", True, export["format"])]
    try:
        archive, record = _verifiable(export)
    except (KeyError, TypeError, ValueError, binascii.Error) as broken:
        archive, record = Check("archive", False, f"malformed export: {broken!r}"), None
    results.append(archive)
    if not archive.ok:
        return results
    export = {**export, "_record": record}
    for check in (_counts, _sealed, _contents, _audit, _box, _recount, _objections):
        try:
            result = check(export)
        except (KeyError, TypeError, ValueError) as broken:
            result = Check(check.__name__.strip("_"), False, f"malformed export: {broken!r}")
        results.append(result)
        if not result.ok:
            break
    return results
