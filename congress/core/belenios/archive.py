"""The election archive UUID.bel (specification §4.4): an append-only tar of data and events.

The layout is belenios-tool's to the byte: an old-style tar with a BELENIOS header
record, then records named HASH.data.json or HASH.event.json (HASH the SHA256 of
the content), every tar header stamped with the archive's timestamp, no trailing
blocks. Each event names its parent event's hash, so the events form a chain;
`belenios-tool election verify` regenerates the archive from its last event and
requires the very same bytes, which `Archive.canonical_bytes` does here too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from . import serialization as ser
from .serialization import FormatError

BLOCK = 512
ARCHIVE_VERSION = 1
EVENT_TYPES = (
    "Setup",
    "Ballot",
    "EndBallots",
    "EncryptedTally",
    "Shuffle",
    "EndShuffles",
    "PartialDecryption",
    "Result",
)


class ArchiveError(ValueError):
    """An archive that is not a well-formed Belenios archive."""


@dataclass(frozen=True)
class Event:
    """An event of the chain: its parent's hash, height, type and payload hash."""

    parent: str | None
    height: int
    type: str
    payload: str | None

    def to_json(self) -> str:
        """The event as belenios serializes it."""
        o: dict[str, ser.JSON] = {}
        if self.parent is not None:
            o["parent"] = self.parent
        o["height"] = self.height
        o["type"] = self.type
        if self.payload is not None:
            o["payload"] = self.payload
        return ser.dumps(o)


def parse_event(content: bytes) -> Event:
    """An event record's content."""
    o = ser.obj(ser.loads(content), "event")
    parent = o.get("parent")
    payload = o.get("payload")
    typ = ser.string(ser.field(o, "type", "event"), "type")
    if typ not in EVENT_TYPES:
        raise FormatError(f"unknown event type {typ!r}")
    return Event(
        parent=None if parent is None else _hash(parent),
        height=ser.integer(ser.field(o, "height", "event"), "height"),
        type=typ,
        payload=None if payload is None else _hash(payload),
    )


def _hash(x: ser.JSON) -> str:
    s = ser.string(x, "hash")
    if len(s) != 64 or any(c not in "0123456789abcdef" for c in s):
        raise FormatError(f"{s!r} is not a hex-encoded hash")
    return s


@dataclass(frozen=True)
class Record:
    """One tar member: data or event, with its content."""

    kind: str  # "data" or "event"
    content: bytes

    @property
    def hash(self) -> str:
        """The SHA256 naming the record."""
        return ser.sha256_hex(self.content)

    @property
    def name(self) -> str:
        """The tar member name."""
        return f"{self.hash}.{self.kind}.json"


def _tar_header(name: str, size: int, timestamp: int) -> bytes:
    buf = bytearray(BLOCK)

    def put(offset: int, text: str) -> None:
        b = text.encode()
        buf[offset : offset + len(b)] = b

    put(0, name)
    put(100, "0000644")
    put(108, "0000000")
    put(116, "0000000")
    put(124, f"{size:011o}")
    put(136, f"{timestamp:011o}")
    put(148, "        ")
    put(156, "0")
    put(148, f"{sum(buf):06o}\0 ")
    return bytes(buf)


def _tar_member(name: str, content: bytes, timestamp: int) -> bytes:
    pad = (-len(content)) % BLOCK
    return _tar_header(name, len(content), timestamp) + content + b"\0" * pad


def header_json(timestamp: int) -> bytes:
    """The BELENIOS header record."""
    return ser.dumps({"version": ARCHIVE_VERSION, "timestamp": str(timestamp)}).encode()


def write_tar(timestamp: int, records: list[Record]) -> bytes:
    """The archive bytes for these records."""
    out = [_tar_member("BELENIOS", header_json(timestamp), timestamp)]
    out.extend(_tar_member(r.name, r.content, timestamp) for r in records)
    return b"".join(out)


def read_tar(data: bytes) -> tuple[int, list[Record]]:
    """(timestamp, records) of an archive; ArchiveError if the tar or a name is wrong."""
    pos = 0
    members: list[tuple[str, bytes]] = []
    while pos < len(data):
        if pos + BLOCK > len(data):
            raise ArchiveError("truncated tar header")
        head = data[pos : pos + BLOCK]
        name = head[:100].split(b"\0", 1)[0].decode("ascii", "replace")
        try:
            size = int(head[124:135].decode("ascii"), 8)
        except ValueError:
            raise ArchiveError(f"bad size in tar header of {name!r}") from None
        start = pos + BLOCK
        if start + size > len(data):
            raise ArchiveError(f"truncated member {name!r}")
        members.append((name, data[start : start + size]))
        pos = start + size + (-size) % BLOCK
    if not members or members[0][0] != "BELENIOS":
        raise ArchiveError("the archive does not start with a BELENIOS header")
    try:
        header = ser.obj(ser.loads(members[0][1]), "archive header")
        version = ser.integer(ser.field(header, "version", "header"), "version")
        ts = ser.field(header, "timestamp", "header")
        timestamp = int(ts) if isinstance(ts, str) and ts.isdigit() else ser.integer(ts, "ts")
    except FormatError as e:
        raise ArchiveError(f"bad archive header: {e}") from None
    if version != ARCHIVE_VERSION:
        raise ArchiveError(f"unsupported archive version {version}")
    records = []
    for name, content in members[1:]:
        parts = name.split(".")
        if len(parts) != 3 or parts[1] not in ("data", "event") or parts[2] != "json":
            raise ArchiveError(f"unexpected member {name!r}")
        record = Record(parts[1], content)
        if record.hash != parts[0]:
            raise ArchiveError(f"member {name} does not match its hash")
        records.append(record)
    return timestamp, records


class Archive:
    """An election archive being written or read: records in order, the event chain on top."""

    def __init__(self, timestamp: int | None = None, records: list[Record] | None = None) -> None:
        self.timestamp = int(time.time()) if timestamp is None else timestamp
        self.records: list[Record] = []
        self._by_hash: dict[str, bytes] = {}
        self.last_event: Event | None = None
        self.last_event_hash: str | None = None
        for r in records or []:
            self._append(r)

    # -- building ---------------------------------------------------------------

    def _append(self, record: Record) -> str:
        self.records.append(record)
        h = record.hash
        self._by_hash.setdefault(h, record.content)
        if record.kind == "event":
            self.last_event = parse_event(record.content)
            self.last_event_hash = h
        return h

    def add_data(self, content: str | bytes) -> str:
        """Append a data record; its hash."""
        return self._append(Record("data", _bytes(content)))

    def add_event(self, typ: str, payload: str | None = None) -> str:
        """Append an event chained to the last one; its hash."""
        if typ not in EVENT_TYPES:
            raise ValueError(f"unknown event type {typ}")
        if self.last_event is None:
            event = Event(None, 0, typ, payload)
        else:
            event = Event(self.last_event_hash, self.last_event.height + 1, typ, payload)
        return self._append(Record("event", event.to_json().encode()))

    @classmethod
    def create(
        cls,
        election: str,
        trustees: str,
        public_credentials: str,
        timestamp: int | None = None,
    ) -> Archive:
        """A new archive with its Setup event, as `belenios-tool archive init`."""
        a = cls(timestamp)
        setup = ser.dumps(
            {
                "election": a.add_data(election),
                "trustees": a.add_data(trustees),
                "credentials": a.add_data(public_credentials),
            }
        )
        a.add_event("Setup", a.add_data(setup))
        return a

    def add_ballot(self, ballot: str) -> str:
        """A Ballot event; its hash."""
        return self.add_event("Ballot", self.add_data(ballot))

    def end_ballots(self) -> str:
        """The EndBallots event."""
        return self.add_event("EndBallots")

    def add_encrypted_tally(self, encrypted_tally: str, sized_encrypted_tally: str) -> str:
        """The EncryptedTally event (the tally, then its sized wrapper as payload)."""
        self.add_data(encrypted_tally)
        return self.add_event("EncryptedTally", self.add_data(sized_encrypted_tally))

    def _owned(self, typ: str, content: str, owner: int) -> str:
        owned = ser.dumps({"owner": owner, "payload": self.add_data(content)})
        return self.add_event(typ, self.add_data(owned))

    def add_shuffle(self, shuffle: str, owner: int) -> str:
        """A Shuffle event by trustee `owner`."""
        return self._owned("Shuffle", shuffle, owner)

    def end_shuffles(self) -> str:
        """The EndShuffles event."""
        return self.add_event("EndShuffles")

    def add_partial_decryption(self, partial_decryption: str, owner: int) -> str:
        """A PartialDecryption event by trustee `owner`."""
        return self._owned("PartialDecryption", partial_decryption, owner)

    def add_result(self, result: str) -> str:
        """The Result event."""
        return self.add_event("Result", self.add_data(result))

    # -- reading ----------------------------------------------------------------

    def get(self, h: str) -> bytes:
        """The content of the record with hash h."""
        try:
            return self._by_hash[h]
        except KeyError:
            raise ArchiveError(f"hash {h} not found") from None

    def get_text(self, h: str) -> str:
        """The content of a record as text."""
        return self.get(h).decode("utf-8")

    def events(self) -> list[tuple[str, Event]]:
        """Every event record in archive order, with its hash."""
        return [(r.hash, parse_event(r.content)) for r in self.records if r.kind == "event"]

    def chain(self) -> list[tuple[str, Event]]:
        """The events from the first to the last, following parent hashes back."""
        if self.last_event is None or self.last_event_hash is None:
            return []
        out = [(self.last_event_hash, self.last_event)]
        event = self.last_event
        while event.parent is not None:
            h = event.parent
            event = parse_event(self.get(h))
            out.append((h, event))
        out.reverse()
        return out

    def canonical_records(self) -> list[Record]:
        """The records belenios would write for this chain, in its order (its fsck)."""
        out: list[Record] = []
        for height, (_, event) in enumerate(self.chain()):
            if event.height != height:
                raise ArchiveError(f"inconsistency at height {height}")
            if event.type in ("EndBallots", "EndShuffles"):
                if event.payload is not None:
                    raise ArchiveError(f"extra payload found at height {height}")
            else:
                if event.payload is None:
                    raise ArchiveError(f"missing payload in event {event.type}")
                payload = self.get(event.payload)
                if event.type == "Setup":
                    setup = ser.obj(ser.loads(payload), "setup data")
                    for k in ("election", "trustees", "credentials"):
                        out.append(Record("data", self.get(_hash(setup.get(k)))))
                elif event.type == "EncryptedTally":
                    sized = ser.obj(ser.loads(payload), "sized encrypted tally")
                    out.append(Record("data", self.get(_hash(sized.get("encrypted_tally")))))
                elif event.type in ("Shuffle", "PartialDecryption"):
                    owned = ser.obj(ser.loads(payload), "owned")
                    out.append(Record("data", self.get(_hash(owned.get("payload")))))
                out.append(Record("data", payload))
            out.append(Record("event", event.to_json().encode()))
        return out

    def to_bytes(self) -> bytes:
        """The archive file's bytes."""
        return write_tar(self.timestamp, self.records)

    def canonical_bytes(self) -> bytes:
        """The bytes belenios-tool regenerates from the last event."""
        return write_tar(self.timestamp, self.canonical_records())

    def write(self, path: str | Path) -> None:
        """Write the archive file."""
        Path(path).write_bytes(self.to_bytes())

    @classmethod
    def from_bytes(cls, data: bytes) -> Archive:
        """Read an archive's bytes (ArchiveError if malformed)."""
        timestamp, records = read_tar(data)
        try:
            return cls(timestamp, records)
        except FormatError as e:
            raise ArchiveError(f"bad event: {e}") from None

    @classmethod
    def read(cls, path: str | Path) -> Archive:
        """Read an archive file."""
        return cls.from_bytes(Path(path).read_bytes())


def _bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content
