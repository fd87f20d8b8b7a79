"""Verifiable shuffles of non-homomorphic ciphertexts (specification §4.17 and §6).

GenShuffle, GenShuffleProof and CheckShuffleProof of the specification (taken
there from CHVote 1.3.2, a Terelius-Wikström proof), with the challenge strings
spelled as belenios spells them, so that its verifier accepts our shuffles and
ours accepts its.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from . import serialization as ser
from .election import Election
from .groups import Group
from .serialization import JSON, Ciphertext, FormatError


@dataclass(frozen=True)
class ShuffleProof:
    """(t, s, c, ĉ) of GenShuffleProof."""

    t1: int
    t2: int
    t3: int
    t41: int
    t42: int
    t_hat: tuple[int, ...]
    s1: int
    s2: int
    s3: int
    s4: int
    s_hat: tuple[int, ...]
    s_prime: tuple[int, ...]
    c: tuple[int, ...]
    c_hat: tuple[int, ...]

    def to_json(self) -> JSON:
        """The proof as nested arrays of decimal strings, as belenios writes tuples."""

        def s(xs: Sequence[int]) -> list[str]:
            return [str(x) for x in xs]

        return [
            [str(self.t1), str(self.t2), str(self.t3), s((self.t41, self.t42)), s(self.t_hat)],
            [
                str(self.s1),
                str(self.s2),
                str(self.s3),
                str(self.s4),
                s(self.s_hat),
                s(self.s_prime),
            ],
            s(self.c),
            s(self.c_hat),
        ]


def parse_shuffle_proof(x: JSON) -> ShuffleProof:
    """A shuffle proof from its JSON."""
    parts = ser.lst(x, "shuffle proof")
    if len(parts) != 4:
        raise FormatError("shuffle proof: 4 components expected")
    t, s, c, c_hat = (ser.lst(v, "shuffle proof") for v in parts)
    if len(t) != 5 or len(s) != 6:
        raise FormatError("shuffle proof: malformed commitments or responses")
    t4 = ser.numbers(t[3], "t4")
    if len(t4) != 2:
        raise FormatError("shuffle proof: t4 is a pair")
    return ShuffleProof(
        t1=ser.number(t[0], "t1"),
        t2=ser.number(t[1], "t2"),
        t3=ser.number(t[2], "t3"),
        t41=t4[0],
        t42=t4[1],
        t_hat=tuple(ser.numbers(t[4], "t_hat")),
        s1=ser.number(s[0], "s1"),
        s2=ser.number(s[1], "s2"),
        s3=ser.number(s[2], "s3"),
        s4=ser.number(s[3], "s4"),
        s_hat=tuple(ser.numbers(s[4], "s_hat")),
        s_prime=tuple(ser.numbers(s[5], "s_prime")),
        c=tuple(ser.numbers(c, "c")),
        c_hat=tuple(ser.numbers(c_hat, "c_hat")),
    )


def _str_cts(cts: Sequence[Ciphertext]) -> str:
    return "".join(f"{e.alpha},{e.beta}," for e in cts)


def _str_elts(xs: Sequence[int]) -> str:
    return "".join(f"{x}," for x in xs)


def _challenges(group: Group, n: int, text: str) -> list[int]:
    h = hashlib.sha256(text.encode()).hexdigest()
    out = []
    for i in range(n):
        t = hashlib.sha256(str(i).encode()).hexdigest()
        out.append(int(hashlib.sha256((h + t).encode()).hexdigest(), 16) % group.q)
    return out


def _challenge(group: Group, text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest(), 16) % group.q


def _generators(group: Group, n: int) -> tuple[int, list[int]]:
    h = group.generator(-1)
    hs = [group.generator(i) for i in range(n)]
    if len({h, *hs}) != n + 1:
        raise ArithmeticError("independent generators collide")
    return h, hs


def gen_permutation(n: int) -> list[int]:
    """GenPermutation (table 2): a uniform permutation ψ."""
    tmp = list(range(n))
    psi = [0] * n
    for i in range(n):
        k = i + secrets.randbelow(n - i)
        psi[i] = tmp[k]
        tmp[k] = tmp[i]
    return psi


def shuffle_ciphertexts(
    election: Election, cts: Sequence[Ciphertext]
) -> tuple[list[Ciphertext], ShuffleProof]:
    """GenShuffle and GenShuffleProof of one question's ciphertexts."""
    group, y = election.group, election.public_key
    p, q = group.p, group.q
    n = len(cts)
    psi = gen_permutation(n)
    rr = [group.random_exponent() for _ in range(n)]
    reenc = [
        Ciphertext(e.alpha * group.g_pow(r) % p, e.beta * group.pow(y, r) % p)
        for e, r in zip(cts, rr, strict=True)
    ]
    out = [reenc[psi[i]] for i in range(n)]
    # GenShuffleProof
    h, hh = _generators(group, n)
    c = [0] * n
    r_perm = [0] * n
    for i in range(n):
        r_i = group.random_exponent()
        r_perm[psi[i]] = r_i
        c[psi[i]] = group.g_pow(r_i) * hh[i] % p
    str1 = _str_cts(cts) + _str_cts(out) + _str_elts(c)
    uu = _challenges(group, n, f"shuffle-challenges|{election.fingerprint}|{str1}")
    uu_p = [uu[psi[i]] for i in range(n)]
    rr_hat = [group.random_exponent() for _ in range(n)]
    c_hat = []
    prev = h
    for i in range(n):
        prev = group.g_pow(rr_hat[i]) * group.pow(prev, uu_p[i]) % p
        c_hat.append(prev)
    w1, w2, w3, w4 = (group.random_exponent() for _ in range(4))
    ww_hat = [group.random_exponent() for _ in range(n)]
    ww_p = [group.random_exponent() for _ in range(n)]
    t1 = group.g_pow(w1)
    t2 = group.g_pow(w2)
    t3 = group.g_pow(w3) * group.prod(group.pow(hi, wi) for hi, wi in zip(hh, ww_p, strict=True))
    t3 %= p
    t41 = group.inv(group.pow(y, w4)) * group.prod(
        group.pow(e.beta, wi) for e, wi in zip(out, ww_p, strict=True)
    )
    t41 %= p
    t42 = group.inv(group.g_pow(w4)) * group.prod(
        group.pow(e.alpha, wi) for e, wi in zip(out, ww_p, strict=True)
    )
    t42 %= p
    preds = [h, *c_hat][:n]
    t_hat = [
        group.g_pow(wh) * group.pow(ch, wp) % p
        for wh, wp, ch in zip(ww_hat, ww_p, preds, strict=True)
    ]
    str2 = _str_elts([t1, t2, t3, t41, t42]) + _str_elts(t_hat)
    str3 = str1 + _str_elts(c_hat) + str(y)
    ch = _challenge(group, f"shuffle-challenge|{election.fingerprint}|{str2}{str3}")
    r_bar = sum(r_perm) % q
    vv = [1] * n
    for i in range(n - 2, -1, -1):
        vv[i] = uu_p[i + 1] * vv[i + 1] % q
    r_hat = sum(a * b for a, b in zip(rr_hat, vv, strict=True)) % q
    r_tilde = sum(a * b for a, b in zip(r_perm, uu, strict=True)) % q
    r_prime = sum(a * b for a, b in zip(rr, uu, strict=True)) % q
    proof = ShuffleProof(
        t1=t1,
        t2=t2,
        t3=t3,
        t41=t41,
        t42=t42,
        t_hat=tuple(t_hat),
        s1=(w1 + ch * r_bar) % q,
        s2=(w2 + ch * r_hat) % q,
        s3=(w3 + ch * r_tilde) % q,
        s4=(w4 + ch * r_prime) % q,
        s_hat=tuple((a + ch * b) % q for a, b in zip(ww_hat, rr_hat, strict=True)),
        s_prime=tuple((a + ch * b) % q for a, b in zip(ww_p, uu_p, strict=True)),
        c=tuple(c),
        c_hat=tuple(c_hat),
    )
    return out, proof


def check_shuffle_proof(
    election: Election,
    cts: Sequence[Ciphertext],
    shuffled: Sequence[Ciphertext],
    proof: ShuffleProof,
) -> bool:
    """CheckShuffleProof (table 5), plus membership of every shuffled ciphertext."""
    group, y = election.group, election.public_key
    p, q = group.p, group.q
    n = len(cts)
    pr = proof
    lengths = (len(shuffled), len(pr.c), len(pr.c_hat), len(pr.t_hat), len(pr.s_hat))
    if any(x != n for x in (*lengths, len(pr.s_prime))):
        return False
    elements = [pr.t1, pr.t2, pr.t3, pr.t41, pr.t42, *pr.c, *pr.c_hat, *pr.t_hat]
    elements += [x for e in shuffled for x in (e.alpha, e.beta)]
    if not all(group.is_element(x) for x in elements):
        return False
    scalars = [pr.s1, pr.s2, pr.s3, pr.s4, *pr.s_hat, *pr.s_prime]
    if not all(group.in_zq(x) for x in scalars):
        return False
    h, hh = _generators(group, n)
    str1 = _str_cts(cts) + _str_cts(shuffled) + _str_elts(pr.c)
    uu = _challenges(group, n, f"shuffle-challenges|{election.fingerprint}|{str1}")
    str2 = _str_elts([pr.t1, pr.t2, pr.t3, pr.t41, pr.t42]) + _str_elts(pr.t_hat)
    str3 = str1 + _str_elts(pr.c_hat) + str(y)
    ch = _challenge(group, f"shuffle-challenge|{election.fingerprint}|{str2}{str3}")
    c_bar = group.prod(pr.c) * group.inv(group.prod(hh)) % p
    u = 1
    for x in uu:
        u = u * x % q
    c_hat_n = pr.c_hat[-1] if n else h
    c_hat = c_hat_n * group.inv(group.pow(h, u)) % p
    c_tilde = group.prod(group.pow(ci, ui) for ci, ui in zip(pr.c, uu, strict=True))
    a_p = group.prod(group.pow(e.beta, ui) for e, ui in zip(cts, uu, strict=True))
    b_p = group.prod(group.pow(e.alpha, ui) for e, ui in zip(cts, uu, strict=True))
    t1 = group.inv(group.pow(c_bar, ch)) * group.g_pow(pr.s1) % p
    t2 = group.inv(group.pow(c_hat, ch)) * group.g_pow(pr.s2) % p
    t3 = group.inv(group.pow(c_tilde, ch)) * group.g_pow(pr.s3) % p
    t3 = t3 * group.prod(group.pow(hi, si) for hi, si in zip(hh, pr.s_prime, strict=True)) % p
    t41 = group.inv(group.pow(a_p, ch) * group.pow(y, pr.s4) % p) * group.prod(
        group.pow(e.beta, si) for e, si in zip(shuffled, pr.s_prime, strict=True)
    )
    t42 = group.inv(group.pow(b_p, ch) * group.g_pow(pr.s4) % p) * group.prod(
        group.pow(e.alpha, si) for e, si in zip(shuffled, pr.s_prime, strict=True)
    )
    if (t1, t2, t3, t41 % p, t42 % p) != (pr.t1, pr.t2, pr.t3, pr.t41, pr.t42):
        return False
    preds = [h, *pr.c_hat][:n]
    for i in range(n):
        expected = group.inv(group.pow(pr.c_hat[i], ch)) * group.g_pow(pr.s_hat[i]) % p
        expected = expected * group.pow(preds[i], pr.s_prime[i]) % p
        if expected != pr.t_hat[i]:
            return False
    return True


@dataclass(frozen=True)
class Shuffle:
    """A shuffle of every non-homomorphic question: new ciphertexts and one proof each."""

    ciphertexts: list[list[Ciphertext]]
    proofs: list[ShuffleProof]

    @property
    def raw(self) -> str:
        """shuffle JSON."""
        return ser.dumps(
            {
                "ciphertexts": [[ser.ct_json(c) for c in row] for row in self.ciphertexts],
                "proofs": [pr.to_json() for pr in self.proofs],
            }
        )


def shuffle(election: Election, nh_rows: Sequence[Sequence[Ciphertext]]) -> Shuffle:
    """A trustee's shuffle of the current non-homomorphic ciphertexts."""
    rows, proofs = [], []
    for row in nh_rows:
        out, pr = shuffle_ciphertexts(election, row)
        rows.append(out)
        proofs.append(pr)
    return Shuffle(rows, proofs)


def parse_shuffle(raw: str | bytes) -> Shuffle:
    """A shuffle from its JSON."""
    o = ser.obj(ser.loads(raw), "shuffle")
    rows = [
        [ser.ct_parse(c, "shuffle") for c in ser.lst(row, "shuffle")]
        for row in ser.lst(ser.field(o, "ciphertexts", "shuffle"), "shuffle")
    ]
    proofs = [parse_shuffle_proof(x) for x in ser.lst(ser.field(o, "proofs", "shuffle"), "s")]
    return Shuffle(rows, proofs)


def check_shuffle(election: Election, nh_rows: Sequence[Sequence[Ciphertext]], s: Shuffle) -> bool:
    """Every question's shuffle proof holds against the previous ciphertexts."""
    if len(s.ciphertexts) != len(nh_rows) or len(s.proofs) != len(nh_rows):
        return False
    return all(
        check_shuffle_proof(election, row, out, pr)
        for row, out, pr in zip(nh_rows, s.ciphertexts, s.proofs, strict=True)
    )


class ShuffleRejected(ValueError):
    """A shuffle the server must refuse; the message says why."""


def accept_shuffle(
    election: Election, nh_rows: Sequence[Sequence[Ciphertext]], raw: str
) -> Shuffle:
    """The server's check of a trustee's shuffle: canonical JSON and every proof."""
    try:
        s = parse_shuffle(raw)
    except FormatError as e:
        raise ShuffleRejected(f"ill-formed shuffle: {e}") from None
    if s.raw != raw:
        raise ShuffleRejected("shuffle not in canonical form")
    if not check_shuffle(election, nh_rows, s):
        raise ShuffleRejected("the shuffle proof does not hold for the current ciphertexts")
    return s
