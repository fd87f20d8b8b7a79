"""Nothing secret at rest on the server's side (issue 16).

After a whole verifiable poll (votes, a re-vote, a Benaloh audit, a voter without
JavaScript, the close, three trustees' decryptions, the count, three signatures), none of
the secrets its people keep on their own computers is anywhere the server keeps things:

- the trustees' seeds (trustee.json), and what they derive from them: the signing and
  encryption keys and the key share that decrypts;
- the delegates' credentials (credentials.json), with and without the dashes, and the
  secret each derives for the poll;
- the randomness of every ballot the voters made (the cast ones and the audited one).

Where it looks: every column of every table (through the database, whatever the
backend), the raw bytes of the SQLite file and its write-ahead log, a backup made with
`congress backup` (for PostgreSQL the pg_dump turned back into SQL with pg_restore), every
file under the server's instance folder, and the logs captured at DEBUG (SQLAlchemy then
logs every statement with its parameters). Each place is shown to hold what is public
(the public credentials), so the search does read what it searches.

The voter without JavaScript gives the server their credential to build the ballot: after
it (and after a refused attempt), that credential is nowhere at rest either.
"""

from __future__ import annotations

import json
import logging
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from verifiable_helpers import World, make_world, open_motion
from verifiable_steps import (
    audit_with_cli,
    cast_ballot,
    decrypt,
    election_of,
    tracker_on_page,
)

from congress.core import belenios as bl
from congress.core.belenios.trustees import derive_dk, derive_sk
from congress.verifiable.models import VerifiablePoll
from congress.voting.models import Poll
from support import test_settings as settings_for
from voting_steps import act, voter

YES, NO, ABSTAIN = [[1, 0, 0]], [[0, 1, 0]], [[0, 0, 1]]
WITHOUT_JAVASCRIPT = {"without_javascript": "yes"}  # what the booth's <noscript> part posts


@pytest.fixture
def app_config(db_url, tmp_path):
    return settings_for(db_url, tmp_path / "instance", LOGIN_LIMIT_PER_ADDRESS="1000 per minute")


@pytest.fixture
def world(session_with, make_browser, tmp_path, db) -> World:
    return make_world(session_with, make_browser, tmp_path / "people", db)


@dataclass
class Secrets:
    """Secrets by what they are, each in every form it could be written in."""

    found: dict[str, set[str]] = field(default_factory=dict)

    def add(self, what: str, *values: str | int) -> None:
        forms = self.found.setdefault(what, set())
        for v in values:
            if isinstance(v, int):
                forms.update({str(v), format(v, "x"), format(v, "X")})
            else:
                forms.add(v)

    def credential(self, what: str, credential: str, uuids: list[str]) -> None:
        dashed = bl.normalize_credential(credential)
        self.add(what, dashed, dashed.replace("-", ""))
        for uuid in uuids:
            self.add(what, bl.derive_secret(bl.BELENIOS_2048, uuid, credential))

    def all(self) -> dict[str, str]:
        return {form: what for what, forms in self.found.items() for form in forms}


def trustee_secrets(root: Path, secrets: Secrets) -> None:
    group = bl.BELENIOS_2048
    for n in range(1, 6):
        key = json.loads((root / f"trustee{n}" / "trustee.json").read_text())
        seed = key["seed"]
        share = bl.threshold_decryption_key(group, seed, json.loads(key["voutput"])["private_key"])
        secrets.add(f"trustee {n}'s seed or keys", seed, derive_sk(seed), derive_dk(seed), share)


def _needles(secrets: dict[str, str]) -> list[tuple[bytes, str]]:
    return [(form.encode(), what) for form, what in secrets.items()]


def search(haystack: bytes, secrets: dict[str, str], where: str) -> list[str]:
    return [f"{what} in {where}" for needle, what in _needles(secrets) if needle in haystack]


def every_cell(db) -> bytes:
    """Every value of every column of every table, as the database returns it."""
    db.session.commit()
    engine = db.engine
    out = []
    with engine.connect() as c:
        for table in sa.inspect(c).get_table_names():
            for row in c.execute(sa.text(f'SELECT * FROM "{table}"')):
                for value in row:
                    if isinstance(value, bytes | bytearray | memoryview):
                        out.append(bytes(value))
                    elif value is not None:
                        out.append(str(value).encode("utf-8"))
    return b"\n".join(out)


def sqlite_files(db_url: str) -> bytes:
    """The raw bytes of the SQLite database and whatever sits beside it (-wal, -shm)."""
    path = Path(make_url(db_url).database)
    return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))


def backup_bytes(runner, backend: str, folder: Path) -> bytes:
    """`congress backup` to a file; for PostgreSQL the dump as SQL again (pg_restore)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / ("congress.backup" if backend == "postgresql" else "congress.sqlite3")
    made = runner.invoke(args=["congress", "backup", str(out)])
    assert made.exit_code == 0, made.output
    data = out.read_bytes()
    if backend == "postgresql":
        data += subprocess.run(
            ["pg_restore", "--file=-", str(out)], capture_output=True, check=True, timeout=120
        ).stdout
    return data


def instance_files(app) -> bytes:
    folder = Path(app.instance_path)
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def watch_logs(caplog) -> None:
    """Everything logged at DEBUG, SQLAlchemy's statements with their parameters too (it
    keeps its own loggers at WARNING unless told)."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")


def at_rest(app, db, db_url, backend, runner, caplog, tmp_path) -> dict[str, bytes]:
    """Every place the server keeps things (and its logs)."""
    places = {"the database's columns": every_cell(db), "the backup": b""}
    places["the backup"] = backup_bytes(runner, backend, tmp_path / "backup")
    if backend == "sqlite":
        places["the SQLite files"] = sqlite_files(db_url)
    places["the instance folder"] = instance_files(app)
    places["the logs"] = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records).encode()
    return places


def assert_nowhere(secrets: Secrets, places: dict[str, bytes], public: list[bytes]) -> None:
    """None of the secrets in any place; each place (but the instance folder, which may
    well be empty) holds the public items, so the search reads what it searches."""
    everything = secrets.all()
    for where, haystack in places.items():
        shown = [b"INSERT INTO verifiable_ballots"] if where == "the logs" else public
        if where != "the instance folder":
            assert all(p in haystack for p in shown), f"{where}: the control is not there"
    leaks = [leak for where, data in places.items() for leak in search(data, everything, where)]
    assert not leaks, leaks


def test_after_a_whole_verifiable_poll_no_secret_is_at_rest(
    world: World, make_browser, app, db, db_url, backend, runner, caplog, tmp_path
):
    watch_logs(caplog)
    poll_id = open_motion(world)
    phones = [voter(make_browser, u) for u in world.users]
    election = election_of(phones[0], poll_id)
    raw_election = phones[0].get(f"/polls/{poll_id}/election.json").get_data(as_text=True)
    made = []

    def cast(i: int, plaintext) -> None:
        ballot = bl.create_ballot(election, world.credentials[i], plaintext)
        made.append(ballot)
        response = cast_ballot(phones[i], poll_id, ballot.raw)
        assert response.status_code == 200 and ballot.tracker in response.get_data(as_text=True)

    cast(0, NO)
    cast(0, YES)  # a re-vote
    audited = bl.create_ballot(election, world.credentials[1], NO)  # audited, never cast
    made.append(audited)
    said = audit_with_cli(audited.audit_json(), raw_election, tmp_path / "people" / "audit")
    assert "encrypts these choices" in said, said
    cast(1, YES)
    cast(2, NO)
    built = phones[3].post(
        f"/polls/{poll_id}/verifiable/without-javascript",
        {"answer": "a", "credential": world.credentials[3], **WITHOUT_JAVASCRIPT},
        page=f"/polls/{poll_id}/booth",
    )
    assert built.status_code == 200 and tracker_on_page(built.get_data(as_text=True))
    cast(4, YES)
    chair = world.committee[1]
    assert act(chair, poll_id, "close").status_code == 302
    decrypt(world.committee, (2, 3, 4), poll_id, world.root)
    assert chair.post(f"/polls/{poll_id}/tally", page=f"/polls/{poll_id}").status_code == 302
    for n in (1, 2, 5):
        world.committee[n].post(
            f"/polls/{poll_id}/sign", {"decision": "sign"}, page=f"/polls/{poll_id}/result"
        )
    db.session.expire_all()
    assert db.session.get(Poll, poll_id).state == "certified"
    vp = db.session.get(VerifiablePoll, poll_id)
    assert json.loads(vp.result)["result"] == [[3, 1, 1]]

    secrets = Secrets()
    trustee_secrets(world.root, secrets)
    issued = json.loads((world.root / "authority" / "credentials" / "credentials.json").read_text())
    for number, credential in issued.items():
        secrets.credential(f"{number}'s credential", credential, [vp.uuid])
    for ballot in made:
        for rs in ballot.randomness:
            secrets.add(f"the randomness of ballot {ballot.tracker}", *rs)
    assert len(secrets.found) == 5 + len(issued) + len(made) == 5 + 5 + 6
    public = [
        str(bl.public_credential(election.group, vp.uuid, c)).encode()
        for c in world.credentials[:2]
    ]
    assert_nowhere(secrets, at_rest(app, db, db_url, backend, runner, caplog, tmp_path), public)


def test_the_credential_given_without_javascript_is_nowhere_at_rest(
    world: World, make_browser, app, db, db_url, backend, runner, caplog, tmp_path
):
    """While the poll is still open (nothing scrubbed yet by a close): one voter types
    their credential with its dashes, one without, one types a credential that is not
    theirs (refused); none of the three is kept anywhere."""
    watch_logs(caplog)
    poll_id = open_motion(world)
    phones = [voter(make_browser, u) for u in world.users[:3]]
    stranger = bl.generate_credential()
    typed = [world.credentials[0], world.credentials[1].replace("-", ""), stranger]
    statuses = []
    for phone, credential in zip(phones, typed, strict=True):
        response = phone.post(
            f"/polls/{poll_id}/verifiable/without-javascript",
            {"answer": "y", "credential": credential, **WITHOUT_JAVASCRIPT},
            page=f"/polls/{poll_id}/booth",
        )
        statuses.append(response.status_code)
    assert statuses == [200, 200, 409]
    db.session.expire_all()
    vp = db.session.get(VerifiablePoll, poll_id)
    assert vp.server_built == 2
    secrets = Secrets()
    for i, credential in enumerate(typed):
        secrets.credential(f"credential typed by voter {i}", credential, [vp.uuid])
    assert len(secrets.all()) == 3 * 5
    public = [
        str(bl.public_credential(bl.BELENIOS_2048, vp.uuid, c)).encode()
        for c in world.credentials[:2]
    ]
    assert_nowhere(secrets, at_rest(app, db, db_url, backend, runner, caplog, tmp_path), public)
