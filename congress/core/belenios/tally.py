"""Encrypted tally, partial decryptions and the result (specification §4.15-4.16, §4.18-4.19).

An encrypted tally is one list of ciphertexts per question: the weighted product
of every counted ballot's choices for a homomorphic question, every counted
ballot's ciphertext (sorted as belenios sorts them) for a non-homomorphic one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import isqrt
from typing import Any

from . import proofs as zk
from . import serialization as ser
from .ballot import Ballot, HomomorphicAnswer, NonHomomorphicAnswer
from .election import Election, HomomorphicQuestion, NonHomomorphicQuestion
from .serialization import JSON, Ciphertext, FormatError, Proof
from .trustees import SingleTrustee, TrusteeKind

Tally = list[list[Ciphertext]]


class TallyError(ValueError):
    """Decryptions that cannot be combined, or a result that cannot be computed."""


@dataclass(frozen=True)
class EncryptedTally:
    """The encrypted tally and its size (sized_encrypted_tally)."""

    tally: Tally
    num_tallied: int
    total_weight: int

    @property
    def raw(self) -> str:
        """encrypted_tally JSON."""
        return tally_json(self.tally)

    @property
    def sized_raw(self) -> str:
        """sized_encrypted_tally JSON (payload of the EncryptedTally event)."""
        return ser.dumps(
            {
                "num_tallied": self.num_tallied,
                "total_weight": ser.weight_to_json(self.total_weight),
                "encrypted_tally": ser.sha256_hex(self.raw),
            }
        )


def last_ballots(ballots: Sequence[Ballot]) -> list[Ballot]:
    """B̂ = last(B): only the last ballot of each credential counts (§4.15)."""
    latest: dict[int, Ballot] = {}
    for b in ballots:
        latest.pop(b.credential, None)
        latest[b.credential] = b
    return list(latest.values())


def _weighted(group_p: int, c: Ciphertext, w: int) -> Ciphertext:
    if w == 1:
        return c
    return Ciphertext(pow(c.alpha, w, group_p), pow(c.beta, w, group_p))


def compute_encrypted_tally(election: Election, ballots: Sequence[Ballot]) -> EncryptedTally:
    """The encrypted tally of the ballots cast (the last per credential counts)."""
    counted = last_ballots(ballots)
    group = election.group
    p = group.p
    tally: Tally = []
    for i, q in enumerate(election.questions):
        if isinstance(q, HomomorphicQuestion):
            acc = [Ciphertext(1, 1)] * q.size
            for b in counted:
                a = b.answers[i]
                assert isinstance(a, HomomorphicAnswer)
                acc = [
                    zk.combine(group, [x, _weighted(p, c, b.weight)])
                    for x, c in zip(acc, a.choices, strict=True)
                ]
            tally.append(acc)
        else:
            cts = []
            for b in counted:
                a = b.answers[i]
                assert isinstance(a, NonHomomorphicAnswer)
                if b.weight != 1:
                    raise TallyError("weighted ballots cannot answer non-homomorphic questions")
                cts.append(a.choices)
            cts.sort(key=lambda c: (c.alpha, c.beta))
            tally.append(cts)
    return EncryptedTally(tally, len(counted), sum(b.weight for b in counted))


def tally_json(tally: Tally) -> str:
    """A tally-shaped list of ciphertexts as JSON."""
    return ser.dumps([[ser.ct_json(c) for c in row] for row in tally])


def parse_tally(election: Election, raw: str | bytes, num_tallied: int | None = None) -> Tally:
    """An encrypted_tally, its shape checked against the election."""
    rows = ser.lst(ser.loads(raw), "encrypted tally")
    if len(rows) != len(election.questions):
        raise FormatError("encrypted tally: one row per question is needed")
    tally = []
    for q, row in zip(election.questions, rows, strict=True):
        cts = [ser.ct_parse(c, "encrypted tally") for c in ser.lst(row, "encrypted tally")]
        if isinstance(q, HomomorphicQuestion) and len(cts) != q.size:
            raise FormatError("encrypted tally: wrong number of ciphertexts")
        nh = isinstance(q, NonHomomorphicQuestion)
        if nh and num_tallied is not None and len(cts) != num_tallied:
            raise FormatError("encrypted tally: one ciphertext per ballot is needed")
        tally.append(cts)
    return tally


def parse_sized_tally(raw: str | bytes) -> tuple[int, int, str]:
    """(num_tallied, total_weight, hash of the encrypted_tally) of a sized_encrypted_tally."""
    o = ser.obj(ser.loads(raw), "sized encrypted tally")
    num = ser.integer(ser.field(o, "num_tallied", "sized tally"), "num_tallied")
    weight = ser.weight_from_json(ser.field(o, "total_weight", "sized tally"), "total_weight")
    digest = ser.string(ser.field(o, "encrypted_tally", "sized tally"), "encrypted_tally")
    return num, weight, digest


def nh_ciphertexts(election: Election, tally: Tally) -> list[list[Ciphertext]]:
    """The rows of the non-homomorphic questions, which the trustees shuffle (§4.17)."""
    return [
        row
        for q, row in zip(election.questions, tally, strict=True)
        if isinstance(q, NonHomomorphicQuestion)
    ]


def merge_nh_ciphertexts(election: Election, tally: Tally, shuffled: Sequence[list]) -> Tally:
    """Put shuffled non-homomorphic rows back in place of the original ones."""
    out = list(tally)
    it = iter(shuffled)
    for i, q in enumerate(election.questions):
        if isinstance(q, NonHomomorphicQuestion):
            out[i] = list(next(it))
    return out


# -- partial decryptions -------------------------------------------------------------


@dataclass(frozen=True)
class PartialDecryption:
    """Decryption factors alpha^x and their proofs, in the tally's shape."""

    factors: list[list[int]]
    proofs: list[list[Proof]]

    @property
    def raw(self) -> str:
        """partial_decryption JSON."""
        return ser.dumps(
            {
                "decryption_factors": [[str(f) for f in row] for row in self.factors],
                "decryption_proofs": [[ser.proof_json(p) for p in row] for row in self.proofs],
            }
        )


def compute_partial_decryption(election: Election, tally: Tally, x: int) -> PartialDecryption:
    """A trustee's share of the decryption with private key (or key share) x."""
    group = election.group
    for row in tally:
        for c in row:
            if not zk.ciphertext_ok(group, c):
                raise TallyError("the tally holds an invalid ciphertext")
    factors: list[list[int]] = []
    proofs: list[list[Proof]] = []
    for row in tally:
        pairs = [zk.decryption_factor(group, election.fingerprint, x, c.alpha) for c in row]
        factors.append([f for f, _ in pairs])
        proofs.append([p for _, p in pairs])
    return PartialDecryption(factors, proofs)


def parse_partial_decryption(raw: str | bytes, tally: Tally) -> PartialDecryption:
    """A partial_decryption whose shape matches the tally's."""
    o = ser.obj(ser.loads(raw), "partial decryption")
    factors = [
        ser.numbers(row, "decryption factors")
        for row in ser.lst(ser.field(o, "decryption_factors", "pd"), "decryption factors")
    ]
    proofs = [
        ser.proofs_parse(row, "decryption proofs")
        for row in ser.lst(ser.field(o, "decryption_proofs", "pd"), "decryption proofs")
    ]
    shape = [len(row) for row in tally]
    if [len(r) for r in factors] != shape or [len(r) for r in proofs] != shape:
        raise FormatError("partial decryption: its shape differs from the tally's")
    return PartialDecryption(factors, proofs)


def check_partial_decryption(
    election: Election, tally: Tally, pd: PartialDecryption, verification_key: int
) -> bool:
    """Every factor is proved against the trustee's verification key."""
    group = election.group
    for row, frow, prow in zip(tally, pd.factors, pd.proofs, strict=True):
        for c, f, pr in zip(row, frow, prow, strict=True):
            if not zk.decryption_verify(
                group, election.fingerprint, verification_key, c.alpha, f, pr
            ):
                return False
    return True


def lagrange(indexes: Sequence[int], j: int, q: int) -> int:
    """λ_j = Π_{k≠j} k/(k−j) mod q."""
    acc = 1
    for k in indexes:
        if k != j:
            acc = acc * k * pow(k - j, -1, q) % q
    return acc


def combine_factors(
    election: Election, trustees: Sequence[TrusteeKind], pds: Mapping[int, PartialDecryption]
) -> list[list[int]]:
    """The synthetic factors F (§4.19) from partial decryptions keyed by owner number.

    The caller has checked each partial decryption against its owner's key;
    for threshold trustees the first `threshold` present (by number) are used,
    as belenios does.
    """
    group = election.group
    shape = None
    for pd in pds.values():
        shape = [len(r) for r in pd.factors]
        break
    if shape is None:
        raise TallyError("no partial decryptions")
    acc = [[1] * n for n in shape]
    owner = 0
    for item in trustees:
        if isinstance(item, SingleTrustee):
            owner += 1
            pd = pds.get(owner)
            if pd is None:
                raise TallyError(f"missing partial decryption of trustee {owner}")
            acc = _mul_rows(group.p, acc, pd.factors)
            continue
        present = [
            owner + 1 + i for i in range(len(item.verification_keys)) if owner + 1 + i in pds
        ]
        if len(present) < item.threshold:
            raise TallyError("not enough partial decryptions")
        chosen = present[: item.threshold]
        indexes = [o - owner for o in chosen]
        for o, idx in zip(chosen, indexes, strict=True):
            lam = lagrange(indexes, idx, group.q)
            powered = [[group.pow(f, lam) for f in row] for row in pds[o].factors]
            acc = _mul_rows(group.p, acc, powered)
        owner += len(item.verification_keys)
    return acc


def _mul_rows(p: int, a: list[list[int]], b: list[list[int]]) -> list[list[int]]:
    return [[x * y % p for x, y in zip(ra, rb, strict=True)] for ra, rb in zip(a, b, strict=True)]


def discrete_log(election: Election, x: int, bound: int) -> int:
    """log_g x for 0 <= log <= bound (baby-step giant-step)."""
    group = election.group
    m = isqrt(bound) + 1
    table: dict[int, int] = {}
    cur = 1
    for j in range(m):
        table.setdefault(cur, j)
        cur = cur * group.g % group.p
    step = group.inv(cur)
    gamma = x
    for i in range(m + 1):
        j = table.get(gamma)
        if j is not None:
            return i * m + j
        gamma = gamma * step % group.p
    raise TallyError("cannot compute result: a total exceeds the total weight")


# per question: totals per answer (homomorphic) or one integer list per ballot
Result = list[list[Any]]


def compute_result(
    election: Election, tally: Tally, factors: list[list[int]], total_weight: int
) -> Result:
    """Per question: totals per answer (homomorphic) or the decoded ballots (non-homomorphic)."""
    group = election.group
    out: Result = []
    for q, row, frow in zip(election.questions, tally, factors, strict=True):
        plain = [group.div(c.beta, f) for c, f in zip(row, frow, strict=True)]
        if isinstance(q, HomomorphicQuestion):
            out.append([discrete_log(election, x, total_weight) for x in plain])
        else:
            out.append([group.decode_ints(q.size, x) for x in plain])
    return out


def result_json(election: Election, result: Result) -> str:
    """The result JSON (§4.19): weights as belenios writes them, rankings as integer lists."""
    rows: list[JSON] = []
    for q, r in zip(election.questions, result, strict=True):
        if isinstance(q, HomomorphicQuestion):
            rows.append([ser.weight_to_json(x) for x in r])
        else:
            rows.append([list(x) for x in r])
    return ser.dumps({"result": rows})


def parse_result(election: Election, raw: str | bytes) -> Result:
    """A result JSON, shaped by the election's questions."""
    o = ser.obj(ser.loads(raw), "result")
    rows = ser.lst(ser.field(o, "result", "result"), "result")
    if len(rows) != len(election.questions):
        raise FormatError("result: one entry per question is needed")
    out: Result = []
    for q, row in zip(election.questions, rows, strict=True):
        items = ser.lst(row, "result")
        if isinstance(q, HomomorphicQuestion):
            out.append([ser.weight_from_json(x, "result") for x in items])
        else:
            out.append([[ser.integer(v, "result") for v in ser.lst(x, "r")] for x in items])
    return out


def check_result(
    election: Election, tally: Tally, factors: list[list[int]], result: Result
) -> bool:
    """The claimed result is what the combined factors decrypt to."""
    group = election.group
    if len(result) != len(tally):
        return False
    for q, row, frow, r in zip(election.questions, tally, factors, result, strict=True):
        if len(r) != len(row):
            return False
        plain = [group.div(c.beta, f) for c, f in zip(row, frow, strict=True)]
        if isinstance(q, HomomorphicQuestion):
            if any(not isinstance(v, int) or v < 0 for v in r):
                return False
            if any(group.g_pow(v) != x for v, x in zip(r, plain, strict=True)):
                return False
        elif [group.decode_ints(q.size, x) for x in plain] != r:
            return False
    return True


def accept_partial_decryption(
    election: Election, tally: Tally, raw: str, verification_key: int
) -> PartialDecryption:
    """The server's check of a trustee's upload: canonical JSON, the tally's shape, every proof.

    Raises TallyError saying what is wrong, as belenios' server refuses such a share.
    """
    try:
        pd = parse_partial_decryption(raw, tally)
    except FormatError as e:
        raise TallyError(f"ill-formed partial decryption: {e}") from None
    if pd.raw != raw:
        raise TallyError("partial decryption not in canonical form")
    if not check_partial_decryption(election, tally, pd, verification_key):
        raise TallyError("the partial decryption does not match this trustee's key")
    return pd
