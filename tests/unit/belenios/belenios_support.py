"""Elections built two ways, to check each against the other: with our code, and with
belenios-tool alone (the commands of its examples/demo*.sh, with fewer voters)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from congress.core import belenios as bl
from congress.core.belenios import serialization as ser
from congress.core.belenios.verify import first_failure

REQUIRED = os.environ.get("CONGRESS_BELENIOS_REQUIRED") == "1"


def tool_path() -> str:
    """belenios-tool, or skip (fail when CONGRESS_BELENIOS_REQUIRED=1)."""
    path = shutil.which("belenios-tool")
    if path is None:
        message = "belenios-tool is not installed (apt-get install belenios-tool)"
        if REQUIRED:
            pytest.fail(message)
        pytest.skip(message)
    return path


def tool(cwd: Path, *args: str, stdin: str = "", check: bool = True) -> str:
    """Run belenios-tool in cwd; its standard output."""
    proc = subprocess.run(
        [tool_path(), *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"belenios-tool {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout


def tool_verify(archive: bytes, workdir: Path) -> tuple[bool, str]:
    """`belenios-tool election verify` on an archive; (passed, what it said)."""
    uuid = _archive_uuid(archive)
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / f"{uuid}.bel").write_bytes(archive)
    proc = subprocess.run(
        [tool_path(), "election", "verify", "--dir", str(workdir)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return proc.returncode == 0, proc.stderr + proc.stdout


def _archive_uuid(archive: bytes) -> str:
    """The uuid of the election record (the first one in the archive), even if damaged."""
    m = re.search(rb'"uuid":"([1-9A-HJ-NP-Za-km-z]{14,})"', archive)
    assert m is not None, "no election in the archive"
    return m.group(1).decode()


def ours_verify(archive: bytes) -> tuple[bool, str]:
    """Our verifier; (passed, the failed check's name and detail)."""
    checks = bl.verify_archive(archive)
    bad = first_failure(checks)
    return bad is None, "" if bad is None else f"{bad.name}: {bad.detail}"


# -- the elections of the tests ----------------------------------------------------------

HOMOMORPHIC_QUESTIONS = [
    bl.HomomorphicQuestion("Central Council", ("Amal", "Bassel", "Dima", "Fares"), 1, 2),
    bl.HomomorphicQuestion("General Coordinator", ("Hala", "Issam", "Jana"), 1, 1),
    bl.HomomorphicQuestion("Motion 1", ("Yes", "No"), 1, 1, blank=True),
]
HOMOMORPHIC_VOTES = [
    [[1, 1, 0, 0], [1, 0, 0], [0, 1, 0]],
    [[0, 1, 0, 0], [0, 1, 0], [0, 0, 1]],
    [[0, 0, 1, 1], [0, 0, 1], [1, 0, 0]],
]
RANKED_QUESTIONS = [bl.NonHomomorphicQuestion("Coordination Office", ("A", "B", "C", "D"))]
RANKED_VOTES = [[[1, 2, 3, 4]], [[2, 1, 0, 0]], [[4, 3, 2, 1]]]

# the templates of belenios' tests/tool/templates (not shipped by Debian)
TEMPLATE = {
    "description": "Description of the election.",
    "name": "Name of the election",
    "questions": [
        {"answers": ["Answer 1", "Answer 2"], "min": 0, "max": 1, "question": "Question 1?"},
        {
            "answers": ["Answer 1", "Answer 2"],
            "blank": True,
            "min": 1,
            "max": 1,
            "question": "Question 2?",
        },
    ],
}
TEMPLATE_NH = {
    **TEMPLATE,
    "questions": [
        *TEMPLATE["questions"],
        {
            "type": "NonHomomorphic",
            "value": {"answers": ["Answer 1", "Answer 2", "Answer 3"], "question": "Question 3?"},
        },
    ],
}


# -- elections made with our code -------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """What an election publishes, step by step, so that a test can change one step."""

    election: str
    trustees: str
    credentials: str
    timestamp: int
    ballots: tuple[str, ...] = ()
    tally: tuple[str, str] | None = None
    shuffles: tuple[tuple[str, int], ...] = ()
    decryptions: tuple[tuple[str, int], ...] = ()
    result: str | None = None

    def archive(self) -> bytes:
        """The UUID.bel of these steps."""
        a = bl.Archive.create(self.election, self.trustees, self.credentials, self.timestamp)
        for b in self.ballots:
            a.add_ballot(b)
        if self.tally is not None:
            a.end_ballots()
            a.add_encrypted_tally(*self.tally)
            for raw, owner in self.shuffles:
                a.add_shuffle(raw, owner)
            if self.shuffles:
                a.end_shuffles()
            for raw, owner in self.decryptions:
                a.add_partial_decryption(raw, owner)
            if self.result is not None:
                a.add_result(self.result)
        return a.to_bytes()

    def but(self, **changes: object) -> Record:
        """A copy with some steps changed."""
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass
class OurElection:
    """An election run end to end with our code, and its secrets (for tampering)."""

    election: bl.Election
    credentials: list[str]
    keys: dict[int, int]  # owner -> decryption key (share)
    seeds: list[str]
    record: Record
    votes: list[list[list[int]]]
    result: list
    extra: dict[str, object] = field(default_factory=dict)


def threshold_trustees(
    group: bl.Group, n: int, k: int
) -> tuple[str, list[str], list[int], list[str]]:
    """Run the six steps for n trustees with threshold k; (trustees, seeds, key shares, .dkeys)."""
    seeds, certs = [], []
    for _ in range(n):
        seed, cert = bl.pedersen_step1(group)
        seeds.append(seed)
        certs.append(cert)
    polynomials = [bl.pedersen_step3(group, certs, s, k) for s in seeds]
    assert all(bl.check_polynomial(group, certs, i, p) for i, p in enumerate(polynomials))
    vinputs = bl.pedersen_step4(group, certs, polynomials)
    voutputs = [bl.pedersen_step5(group, certs, s, v) for s, v in zip(seeds, vinputs, strict=True)]
    assert all(bl.check_voutput(group, certs, polynomials, j, v) for j, v in enumerate(voutputs))
    params = bl.pedersen_step6(group, certs, polynomials, voutputs)
    keys = [
        bl.threshold_decryption_key(group, s, json.loads(v)["private_key"])
        for s, v in zip(seeds, voutputs, strict=True)
    ]
    dkeys = [json.loads(v)["private_key"] for v in voutputs]
    return bl.make_trustees([("Pedersen", params)]), seeds, keys, dkeys


def run_election(
    group: bl.Group,
    questions: list,
    votes: list[list[list[int]]],
    *,
    n: int,
    k: int,
    revotes: dict[int, list[list[int]]],
    shufflers: tuple[int, ...] = (),
    deciders: tuple[int, ...],
) -> OurElection:
    """Key generation, credentials, ballots (and re-votes), tally, shuffles, decryption, result."""
    trustees_raw, seeds, shares, dkeys = threshold_trustees(group, n, k)
    trustees = bl.parse_trustees(trustees_raw)
    uuid = bl.new_uuid()
    election_raw = bl.make_election(
        uuid=uuid,
        group=group,
        public_key=bl.combine_keys(group, trustees),
        name="Congress test",
        description="المؤتمر العام — test election",
        questions=questions,
    )
    election = bl.parse_election(election_raw)
    creds = [bl.generate_credential() for _ in votes]
    public = bl.make_public_credentials([bl.public_credential(group, uuid, c) for c in creds])
    pcs = bl.parse_public_credentials(group, public)
    ballots = []
    for i, v in enumerate(votes):
        ballots.append(bl.check_ballot(election, bl.create_ballot(election, creds[i], v).raw, pcs))
    for i, v in revotes.items():
        ballots.append(bl.check_ballot(election, bl.create_ballot(election, creds[i], v).raw, pcs))
    et = bl.compute_encrypted_tally(election, ballots)
    tally = et.tally
    rows = bl.nh_ciphertexts(election, tally)
    shuffles = []
    for owner in shufflers:
        s = bl.shuffle(election, rows)
        assert bl.check_shuffle(election, rows, s)
        shuffles.append((s.raw, owner))
        rows = s.ciphertexts
    tally = bl.merge_nh_ciphertexts(election, tally, rows)
    keys = {i + 1: x for i, x in enumerate(shares)}
    pds = {o: bl.compute_partial_decryption(election, tally, keys[o]) for o in deciders}
    factors = bl.combine_factors(election, trustees, pds)
    result = bl.compute_result(election, tally, factors, et.total_weight)
    record = Record(
        election=election_raw,
        trustees=trustees_raw,
        credentials=public,
        timestamp=1_700_000_000,
        ballots=tuple(b.raw for b in ballots),
        tally=(et.raw, et.sized_raw),
        shuffles=tuple(shuffles),
        decryptions=tuple((pds[o].raw, o) for o in deciders),
        result=bl.result_json(election, result),
    )
    final_votes = [revotes.get(i, v) for i, v in enumerate(votes)]
    return OurElection(
        election, creds, keys, seeds, record, final_votes, result, extra={"dkeys": dkeys}
    )


def expected_totals(questions: list, votes: list[list[list[int]]]) -> list[list[int]]:
    """Per homomorphic question, the column sums of the plaintexts."""
    return [[sum(v[i][j] for v in votes) for j in range(q.size)] for i, q in enumerate(questions)]


# -- elections made by belenios-tool alone --------------------------------------------------


@dataclass
class ToolElection:
    """A directory where belenios-tool ran an election; its archive at two stages."""

    dir: Path
    uuid: str
    privcreds: list[str]
    at_ballots: bytes  # archive after the votes, before EndBallots
    final: bytes
    result: str


def tool_election(
    workdir: Path,
    group: str,
    template: dict,
    votes: list[str],
    *,
    threshold: bool,
    shuffle: bool,
    weights: list[int] | None = None,
) -> ToolElection:
    """The steps of examples/demo.sh, demo-threshold.sh or demo-nh.sh with these votes."""
    d = workdir
    d.mkdir(parents=True)
    uuid = tool(d, "setup", "generate-token").strip()
    g = ["--group", group]
    if weights is None:
        who = ["--count", str(len(votes))]
    else:
        lines = [f"voter{i}@example.com,voter{i},{w}\n" for i, w in enumerate(weights, start=1)]
        (d / "voters.txt").write_text("".join(lines))
        who = ["--file", "voters.txt"]
    tool(d, "setup", "generate-credentials", "--uuid", uuid, *g, *who)
    for f in d.glob("*.pubcreds"):
        f.rename(d / "public_creds.json")
    privfile = next(d.glob("*.privcreds"))
    privcreds = [line.split()[1] for line in privfile.read_text().splitlines() if line]
    if threshold:
        tt = ["setup", "generate-trustee-key-threshold", *g]
        for _ in range(3):
            tool(d, *tt, "--step", "1")
        certs = sorted(d.glob("*.cert"))
        (d / "certs.jsons").write_text("".join(c.read_text() for c in certs))
        tool(d, *tt, "--certs", "certs.jsons", "--step", "2")
        keys = sorted(d.glob("*.key"))
        polys = "".join(
            tool(
                d, *tt, "--certs", "certs.jsons", "--key", k.name, "--step", "3", "--threshold", "2"
            )
            for k in keys
        )
        (d / "polynomials.jsons").write_text(polys)
        tool(d, *tt, "--certs", "certs.jsons", "--step", "4", "--polynomials", "polynomials.jsons")
        voutputs = ""
        for k in keys:
            vinput = (d / f"{k.stem}.vinput").read_text()
            out = tool(
                d, *tt, "--certs", "certs.jsons", "--key", k.name, "--step", "5", stdin=vinput
            )
            voutputs += out
        threshold_json = tool(
            d,
            *tt,
            "--certs",
            "certs.jsons",
            "--step",
            "6",
            "--polynomials",
            "polynomials.jsons",
            stdin=voutputs,
        )
        (d / "threshold.json").write_text(threshold_json)
        tool(d, "setup", "generate-trustee-key", *g)
    else:
        for _ in range(2):
            tool(d, "setup", "generate-trustee-key", *g)
    (d / "public_keys.jsons").write_text("".join(p.read_text() for p in sorted(d.glob("*.pubkey"))))
    tool(d, "setup", "make-trustees")
    (d / "template.json").write_text(json.dumps(template))
    tool(d, "setup", "make-election", "--uuid", uuid, *g, "--template", "template.json")
    tool(d, "archive", "init")
    for name in ("election.json", "trustees.json", "public_creds.json"):
        (d / name).unlink()
    bel = d / f"{uuid}.bel"
    for cred, vote in zip(privcreds, votes, strict=True):
        (d / "cred.txt").write_text(cred + "\n")
        (d / "vote.json").write_text(vote + "\n")
        ballot = tool(
            d, "election", "generate-ballot", "--privcred", "cred.txt", "--ballot", "vote.json"
        )
        tool(d, "archive", "add-event", "--type=Ballot", stdin=ballot)
    at_ballots = bel.read_bytes()
    tool(d, "archive", "add-event", "--type=EndBallots")
    tool(
        d,
        "archive",
        "add-event",
        "--type=EncryptedTally",
        stdin=tool(d, "election", "compute-encrypted-tally"),
    )
    if shuffle:
        for trustee in ("1", "2"):
            out = tool(d, "election", "shuffle", "--trustee-id", trustee)
            tool(d, "archive", "add-event", "--type=Shuffle", stdin=out)
        tool(d, "archive", "add-event", "--type=EndShuffles")
    if threshold:
        for i, k in enumerate(sorted(d.glob("*.key"))[:2], start=2):
            out = tool(
                d,
                "election",
                "decrypt-threshold",
                "--key",
                k.name,
                "--decryption-key",
                f"{k.stem}.dkey",
                "--trustee-id",
                str(i),
            )
            tool(d, "archive", "add-event", "--type=PartialDecryption", stdin=out)
        privkeys = sorted(d.glob("*.privkey"))
        owners = ["1"]
    else:
        privkeys = sorted(d.glob("*.privkey"))
        owners = [str(i) for i in range(1, len(privkeys) + 1)]
    for key, owner in zip(privkeys, owners, strict=True):
        out = tool(d, "election", "decrypt", "--privkey", key.name, "--trustee-id", owner)
        tool(d, "archive", "add-event", "--type=PartialDecryption", stdin=out)
    result = tool(d, "election", "compute-result")
    tool(d, "archive", "add-event", "--type=Result", stdin=result)
    return ToolElection(d, uuid, privcreds, at_ballots, bel.read_bytes(), result.strip())


def result_of(archive: bytes) -> list:
    """The result an archive publishes."""
    a = bl.Archive.from_bytes(archive)
    for _, event in a.chain():
        if event.type == "Result":
            return ser.loads(a.get(event.payload or ""))["result"]
    raise AssertionError("no result")
