"""A native verifier of a whole Belenios archive (specification §3.5), independent of casting.

`verify_archive` performs what `belenios-tool election verify` performs, and
a little more: the archive's bytes and event chain, the setup (trustee proofs,
the election key, the credentials), every ballot as the ballot box must have
checked it, the published encrypted tally against the ballots, every shuffle,
every partial decryption, and the result. It stops at the first failure, so the
last check of a failed verification names what is wrong.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from . import serialization as ser
from .archive import Archive, ArchiveError, Event
from .ballot import Ballot, BallotRejected, check_ballot
from .credentials import PublicCredentials, parse_public_credentials
from .election import Election, parse_election
from .mixnet import check_shuffle, parse_shuffle
from .serialization import FormatError
from .tally import (
    EncryptedTally,
    PartialDecryption,
    Result,
    Tally,
    TallyError,
    check_partial_decryption,
    check_result,
    combine_factors,
    compute_encrypted_tally,
    merge_nh_ciphertexts,
    nh_ciphertexts,
    parse_partial_decryption,
    parse_result,
    parse_sized_tally,
)
from .trustees import TrusteeKind, check_trustees, combine_keys, owners, parse_trustees

_NEXT = {
    "Setup": {"Ballot", "EndBallots"},
    "Ballot": {"Ballot", "EndBallots"},
    "EndBallots": {"EncryptedTally"},
    "EncryptedTally": {"Shuffle", "EndShuffles", "PartialDecryption"},
    "Shuffle": {"Shuffle", "EndShuffles"},
    "EndShuffles": {"PartialDecryption"},
    "PartialDecryption": {"PartialDecryption", "Result"},
    "Result": set(),
}


@dataclass(frozen=True)
class Check:
    """One named verification step and its outcome."""

    name: str
    ok: bool
    detail: str = ""


class _Failed(Exception):
    pass


@dataclass
class Verification:
    """Everything the verifier established, for callers that want more than pass/fail."""

    checks: list[Check] = field(default_factory=list)
    election: Election | None = None
    trustees: list[TrusteeKind] | None = None
    credentials: PublicCredentials | None = None
    ballots: list[Ballot] = field(default_factory=list)
    encrypted_tally: EncryptedTally | None = None
    tally: Tally | None = None
    shuffle_owners: list[int] = field(default_factory=list)
    decryption_owners: list[int] = field(default_factory=list)
    result: Result | None = None
    setup_raw: dict[str, str] = field(default_factory=dict)  # the Setup event's texts
    ballot_proofs: bool = True  # False: signatures only (the server's re-check)

    @property
    def ok(self) -> bool:
        """Whether every check passed."""
        return all(c.ok for c in self.checks)

    @property
    def first_failure(self) -> Check | None:
        """The failed check, if any."""
        return next((c for c in self.checks if not c.ok), None)

    def _pass(self, name: str, detail: str = "") -> None:
        self.checks.append(Check(name, True, detail))

    def _fail(self, name: str, detail: str) -> _Failed:
        self.checks.append(Check(name, False, detail))
        return _Failed()


def verify_archive(source: str | Path | bytes) -> list[Check]:
    """Verify an archive file (path) or its bytes; the checks run, the last one failed if any."""
    return verify_archive_full(source).checks


def first_failure(checks: list[Check]) -> Check | None:
    """The first failed check of a list."""
    return next((c for c in checks if not c.ok), None)


def verify_archive_full(source: str | Path | bytes, *, ballot_proofs: bool = True) -> Verification:
    """Like verify_archive, returning also the election, ballots, tally and result.

    `ballot_proofs=False` checks each ballot's signature and credential but not its proofs
    (`check_ballot(proofs=False)`): the server's own re-check of ballots it checked in full
    on arrival. A member's or observer's verification always checks everything."""
    v = Verification()
    v.ballot_proofs = ballot_proofs
    with contextlib.suppress(_Failed):
        try:
            _run(v, source)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as e:
            # fail closed on a shape no check anticipated
            after = v.checks[-1].name if v.checks else "start"
            v.checks.append(Check("archive.unreadable", False, f"after {after}: {e!r}"))
    return v


def _run(v: Verification, source: str | Path | bytes) -> None:
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    try:
        archive = Archive.from_bytes(data)
    except ArchiveError as e:
        raise v._fail("archive.format", str(e)) from None
    v._pass("archive.format", f"{len(archive.records)} records")
    try:
        chain = archive.chain()
    except (ArchiveError, FormatError) as e:
        raise v._fail("archive.chain", str(e)) from None
    _check_sequence(v, chain)
    try:
        canonical = archive.canonical_bytes()
    except (ArchiveError, FormatError) as e:
        raise v._fail("archive.layout", str(e)) from None
    if canonical != data:
        raise v._fail("archive.layout", "the archive is not what its event chain regenerates")
    v._pass("archive.layout", "byte-identical to the regenerated archive")
    by_type: dict[str, list[Event]] = {}
    for _, event in chain:
        by_type.setdefault(event.type, []).append(event)
    _check_setup(v, archive, by_type["Setup"][0])
    _check_ballots(v, archive, by_type.get("Ballot", []))
    tally_events = by_type.get("EncryptedTally", [])
    if not tally_events:
        return
    _check_tally(v, archive, tally_events[0])
    _check_shuffles(v, archive, by_type.get("Shuffle", []), bool(by_type.get("PartialDecryption")))
    pds = _check_decryptions(v, archive, by_type.get("PartialDecryption", []))
    result_events = by_type.get("Result", [])
    if result_events:
        _check_result(v, archive, result_events[0], pds)


def _check_sequence(v: Verification, chain: list[tuple[str, Event]]) -> None:
    if not chain:
        raise v._fail("archive.chain", "no events")
    prev: str | None = None
    for height, (_, event) in enumerate(chain):
        if event.height != height:
            raise v._fail("archive.chain", f"inconsistency at height {height}")
        if prev is None and event.type != "Setup":
            raise v._fail("archive.chain", "the first event is not Setup")
        if prev is not None and event.type not in _NEXT[prev]:
            raise v._fail("archive.chain", f"{event.type} may not follow {prev} (height {height})")
        prev = event.type
    v._pass("archive.chain", f"{len(chain)} events, last {prev}")


def _text(v: Verification, archive: Archive, h: str | None, name: str) -> str:
    if h is None:
        raise v._fail(name, "missing payload")
    try:
        return archive.get_text(h)
    except (ArchiveError, UnicodeDecodeError) as e:
        raise v._fail(name, str(e)) from None


def _check_setup(v: Verification, archive: Archive, event: Event) -> None:
    try:
        setup = ser.obj(ser.loads(_text(v, archive, event.payload, "setup.data")), "setup")
        hashes = [ser.string(setup.get(k), k) for k in ("election", "trustees", "credentials")]
    except FormatError as e:
        raise v._fail("setup.data", str(e)) from None
    election_raw, trustees_raw, creds_raw = (_text(v, archive, h, "setup.data") for h in hashes)
    try:
        election = parse_election(election_raw)
    except (FormatError, ValueError) as e:
        raise v._fail("setup.election", str(e)) from None
    v.election = election
    v.setup_raw = {"election": election_raw, "trustees": trustees_raw, "credentials": creds_raw}
    v._pass("setup.election", f"{election.uuid}, {election.group.name}, {election.fingerprint}")
    group = election.group
    try:
        trustees = parse_trustees(trustees_raw)
    except (FormatError, ValueError) as e:
        raise v._fail("setup.trustees", str(e)) from None
    reason = check_trustees(group, trustees)
    if reason:
        raise v._fail("setup.trustees", reason)
    v.trustees = trustees
    v._pass("setup.trustees", f"{len(owners(trustees))} trustees, every key proved")
    if combine_keys(group, trustees) != election.public_key:
        raise v._fail("setup.public_key", "the election key is not the trustees' joint key")
    v._pass("setup.public_key", "the election key is the trustees' joint key")
    try:
        v.credentials = parse_public_credentials(group, creds_raw)
    except (FormatError, ValueError) as e:
        raise v._fail("setup.credentials", str(e)) from None
    v._pass("setup.credentials", f"{len(v.credentials.weights)} distinct public credentials")


def _check_ballots(v: Verification, archive: Archive, events: list[Event]) -> None:
    assert v.election is not None
    for i, event in enumerate(events, start=1):
        raw = _text(v, archive, event.payload, "ballots")
        try:
            v.ballots.append(check_ballot(v.election, raw, v.credentials, proofs=v.ballot_proofs))
        except BallotRejected as e:
            tracker = ser.sha256_b64(raw)
            raise v._fail("ballots", f"ballot {i} ({tracker}): {e}") from None
    counted = len({b.credential for b in v.ballots})
    v._pass("ballots", f"{len(v.ballots)} ballots valid, {counted} counted")


def _check_tally(v: Verification, archive: Archive, event: Event) -> None:
    assert v.election is not None
    try:
        num, weight, digest = parse_sized_tally(_text(v, archive, event.payload, "tally"))
    except FormatError as e:
        raise v._fail("tally.encrypted", str(e)) from None
    try:
        et = compute_encrypted_tally(v.election, v.ballots)
    except TallyError as e:
        raise v._fail("tally.encrypted", str(e)) from None
    if (num, weight) != (et.num_tallied, et.total_weight):
        raise v._fail("tally.encrypted", "the number or weight of tallied ballots is wrong")
    if digest != ser.sha256_hex(et.raw):
        raise v._fail("tally.encrypted", "the published encrypted tally is not the ballots' tally")
    v.encrypted_tally = et
    v.tally = et.tally
    v._pass("tally.encrypted", f"{num} ballots tallied, total weight {weight}")


def _check_shuffles(
    v: Verification, archive: Archive, events: list[Event], decrypted: bool
) -> None:
    assert v.election is not None and v.tally is not None
    rows = nh_ciphertexts(v.election, v.tally)
    if not v.election.has_nh_questions:
        if events:
            raise v._fail("shuffles", "shuffles in an election without non-homomorphic questions")
        return
    for i, event in enumerate(events, start=1):
        try:
            owned = ser.obj(ser.loads(_text(v, archive, event.payload, "shuffles")), "owned")
            owner = ser.integer(ser.field(owned, "owner", "owned"), "owner")
            shuffle = parse_shuffle(_text(v, archive, owned.get("payload"), "shuffles"))
        except (FormatError, TypeError) as e:
            raise v._fail("shuffles", f"shuffle {i}: {e}") from None
        if not check_shuffle(v.election, rows, shuffle):
            raise v._fail("shuffles", f"shuffle {i} (by trustee {owner}) failed its proof")
        v.shuffle_owners.append(owner)
        rows = shuffle.ciphertexts
    if decrypted and not events:
        raise v._fail("shuffles", "non-homomorphic ciphertexts decrypted without any shuffle")
    v.tally = merge_nh_ciphertexts(v.election, v.tally, rows)
    v._pass("shuffles", f"{len(events)} shuffles proved, by trustees {v.shuffle_owners}")


def _check_decryptions(
    v: Verification, archive: Archive, events: list[Event]
) -> dict[int, PartialDecryption]:
    assert v.election is not None and v.tally is not None and v.trustees is not None
    keys = dict(owners(v.trustees))
    pds: dict[int, PartialDecryption] = {}
    for i, event in enumerate(events, start=1):
        try:
            owned = ser.obj(ser.loads(_text(v, archive, event.payload, "decryptions")), "owned")
            owner = ser.integer(ser.field(owned, "owner", "owned"), "owner")
            pd_raw = _text(v, archive, owned.get("payload"), "decryptions")
            pd = parse_partial_decryption(pd_raw, v.tally)
        except (FormatError, TypeError) as e:
            raise v._fail("decryptions", f"partial decryption {i}: {e}") from None
        if owner not in keys:
            raise v._fail("decryptions", f"partial decryption {i}: no trustee {owner}")
        if owner in pds:
            raise v._fail("decryptions", f"trustee {owner} decrypted twice")
        if not check_partial_decryption(v.election, v.tally, pd, keys[owner].public_key):
            raise v._fail("decryptions", f"partial decryption {i} (trustee {owner}) is wrong")
        pds[owner] = pd
        v.decryption_owners.append(owner)
    if events:
        v._pass("decryptions", f"partial decryptions by trustees {v.decryption_owners} proved")
    return pds


def _check_result(
    v: Verification, archive: Archive, event: Event, pds: dict[int, PartialDecryption]
) -> None:
    assert v.election is not None and v.tally is not None and v.trustees is not None
    try:
        result = parse_result(v.election, _text(v, archive, event.payload, "result"))
    except FormatError as e:
        raise v._fail("result", str(e)) from None
    try:
        factors = combine_factors(v.election, v.trustees, pds)
    except TallyError as e:
        raise v._fail("result", str(e)) from None
    if not check_result(v.election, v.tally, factors, result):
        raise v._fail("result", "the published result is not the decryption of the tally")
    v.result = result
    v._pass("result", "the result is the decryption of the tally")


def verify_archive_update(old: str | Path | bytes, new: str | Path | bytes) -> list[Check]:
    """`belenios-tool election verify-diff`: the new archive extends the old one, and verifies.

    A monitor keeps the last archive it saw; nothing in it may disappear later.
    """
    old_data = old if isinstance(old, bytes) else Path(old).read_bytes()
    new_data = new if isinstance(new, bytes) else Path(new).read_bytes()
    try:
        before = Archive.from_bytes(old_data)
        if before.canonical_bytes() != old_data:
            raise ArchiveError("the earlier archive is not well-formed")
    except (ArchiveError, FormatError) as e:
        return [Check("archive.prefix", False, f"earlier archive: {e}")]
    try:
        after = Archive.from_bytes(new_data)
    except ArchiveError as e:
        return [Check("archive.prefix", False, f"later archive: {e}")]
    old_names = [r.name for r in before.records]
    if (
        before.timestamp != after.timestamp
        or [r.name for r in after.records[: len(old_names)]] != old_names
    ):
        return [Check("archive.prefix", False, "the earlier archive is not a prefix of the later")]
    kept = Check("archive.prefix", True, f"{len(old_names)} earlier records kept")
    return [kept, *verify_archive(new_data)]
