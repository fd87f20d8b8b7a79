"""ElGamal and the zero-knowledge proofs of Belenios 2.0.

Proof of knowledge of a key (§4.5), Schnorr signatures of messages (§4.6.1) and
of ballots (§4.14), interval proofs (§4.12), blank proofs (§4.13), the proof of
knowledge of a non-homomorphic answer's randomness (§4.11.2), and decryption
proofs (§4.18). Each hash input is spelled exactly as the specification (and
belenios' code) spells it: numbers in base 10, verbatim prefixes and separators.
"""

from __future__ import annotations

from collections.abc import Sequence

from .groups import Group
from .serialization import Ciphertext, Proof

# -- ElGamal -------------------------------------------------------------------


def encrypt(group: Group, y: int, r: int, plain: int) -> Ciphertext:
    """(g^r, y^r · g^plain): the exponential ElGamal of homomorphic answers."""
    return Ciphertext(group.g_pow(r), group.pow(y, r) * group.g_pow(plain) % group.p)


def encrypt_element(group: Group, y: int, r: int, element: int) -> Ciphertext:
    """(g^r, y^r · element): ElGamal of a group element (non-homomorphic answers)."""
    return Ciphertext(group.g_pow(r), group.pow(y, r) * element % group.p)


def combine(group: Group, cts: Sequence[Ciphertext]) -> Ciphertext:
    """Pointwise product of ciphertexts (the homomorphic sum)."""
    a = b = 1
    p = group.p
    for c in cts:
        a = a * c.alpha % p
        b = b * c.beta % p
    return Ciphertext(a, b)


def ciphertext_ok(group: Group, c: Ciphertext) -> bool:
    """Both halves are group elements."""
    return group.is_element(c.alpha) and group.is_element(c.beta)


def _stringify(cts: Sequence[Ciphertext]) -> str:
    return ",".join(f"{c.alpha},{c.beta}" for c in cts)


def choices_prefix(s0: str, cts: Sequence[Ciphertext]) -> str:
    """S of §4.11.1: S0, a bar, and every alpha,beta separated by commas."""
    return s0 + "|" + _stringify(cts)


# -- proof of knowledge of a private key (trustee_public_key) ------------------


def prove_key(group: Group, x: int) -> tuple[int, Proof]:
    """(X = g^x, pok) with challenge H_pok(X, A) = SHA256(pok|G|X|A)."""
    big_x = group.g_pow(x)
    w = group.random_exponent()
    a = group.g_pow(w)
    challenge = group.hash_to_zq(f"pok|{group.name}|{big_x}|", [a])
    return big_x, Proof(challenge, (w - x * challenge) % group.q)


def verify_key(group: Group, big_x: int, proof: Proof) -> bool:
    """Check a trustee_public_key's proof of knowledge."""
    if not (group.is_element(big_x) and group.in_zq(proof.challenge)):
        return False
    if not group.in_zq(proof.response):
        return False
    a = group.g_pow(proof.response) * group.pow(big_x, proof.challenge) % group.p
    return proof.challenge == group.hash_to_zq(f"pok|{group.name}|{big_x}|", [a])


# -- Schnorr signatures ----------------------------------------------------------


def schnorr_sign(group: Group, sk: int, prefix: str) -> Proof:
    """Challenge = H(prefix ‖ g^w), response = w - sk·challenge: signatures and certificates."""
    w = group.random_exponent()
    challenge = group.hash_to_zq(prefix, [group.g_pow(w)])
    return Proof(challenge, (w - sk * challenge) % group.q)


def schnorr_verify(group: Group, vk: int, prefix: str, proof: Proof) -> bool:
    """Check g^response · vk^challenge hashes back to the challenge."""
    if not (group.in_zq(proof.challenge) and group.in_zq(proof.response)):
        return False
    a = group.g_pow(proof.response) * group.pow(vk, proof.challenge) % group.p
    return proof.challenge == group.hash_to_zq(prefix, [a])


# -- disjunctive (interval) proofs, §4.12 ----------------------------------------


def iprove(
    group: Group, y: int, s: str, ct: Ciphertext, r: int, index: int, values: Sequence[int]
) -> list[Proof]:
    """Prove ct encrypts g^values[index] (knowing r), hiding which disjunct is true."""
    q, p = group.q, group.p
    n = len(values)
    proofs: list[Proof | None] = [None] * n
    commitments = [0] * (2 * n)
    total = 0
    for j, m in enumerate(values):
        if j == index:
            continue
        challenge = group.random_exponent()
        response = group.random_exponent()
        proofs[j] = Proof(challenge, response)
        commitments[2 * j] = group.g_pow((response + r * challenge) % q)
        shifted = ct.beta * group.g_pow_neg(m) % p
        commitments[2 * j + 1] = group.pow(y, response) * group.pow(shifted, challenge) % p
        total += challenge
    w = group.random_exponent()
    commitments[2 * index] = group.g_pow(w)
    commitments[2 * index + 1] = group.pow(y, w)
    h = group.hash_to_zq(f"prove|{s}|{ct.alpha},{ct.beta}|", commitments)
    challenge = (h - total) % q
    proofs[index] = Proof(challenge, (w - r * challenge) % q)
    return [pr for pr in proofs if pr is not None]


def iverify(
    group: Group, y: int, s: str, ct: Ciphertext, proofs: Sequence[Proof], values: Sequence[int]
) -> bool:
    """Check an interval proof; ct's membership is the caller's business."""
    if len(proofs) != len(values):
        return False
    q, p = group.q, group.p
    commitments: list[int] = []
    total = 0
    for pr, m in zip(proofs, values, strict=True):
        if not (group.in_zq(pr.challenge) and group.in_zq(pr.response)):
            return False
        commitments.append(group.g_pow(pr.response) * group.pow(ct.alpha, pr.challenge) % p)
        shifted = ct.beta * group.g_pow_neg(m) % p
        commitments.append(group.pow(y, pr.response) * group.pow(shifted, pr.challenge) % p)
        total += pr.challenge
    h = group.hash_to_zq(f"prove|{s}|{ct.alpha},{ct.beta}|", commitments)
    return h == total % q


# -- blank proofs, §4.13 -----------------------------------------------------------


def _sim(group: Group, y: int, r: int, beta_shifted: int) -> tuple[Proof, int, int]:
    """A simulated proof for a false disjunct: random (challenge, response) and its commitments."""
    q, p = group.q, group.p
    challenge = group.random_exponent()
    response = group.random_exponent()
    a = group.g_pow((response + r * challenge) % q)
    b = group.pow(y, response) * group.pow(beta_shifted, challenge) % p
    return Proof(challenge, response), a, b


def blank_prove(
    group: Group,
    y: int,
    s: str,
    c0: Ciphertext,
    r0: int,
    m0: int,
    c_sum: Ciphertext,
    r_sum: int,
    m_sum: int,
    lo: int,
    hi: int,
) -> tuple[list[Proof], list[Proof]]:
    """(overall_proof, blank_proof) for a question where blank is allowed."""
    q, p = group.q, group.p
    ginv = group.g_pow_neg(1)
    # blank_proof: m0 = 0 or m_sum = 0
    if m0 == 0:
        sim, a_s, b_s = _sim(group, y, r_sum, c_sum.beta)
        w = group.random_exponent()
        a0, b0 = group.g_pow(w), group.pow(y, w)
        h = group.hash_to_zq(f"bproof0|{s}|", [a0, b0, a_s, b_s])
        ch = (h - sim.challenge) % q
        blank = [Proof(ch, (w - r0 * ch) % q), sim]
    else:
        sim, a0, b0 = _sim(group, y, r0, c0.beta)
        w = group.random_exponent()
        a_s, b_s = group.g_pow(w), group.pow(y, w)
        h = group.hash_to_zq(f"bproof0|{s}|", [a0, b0, a_s, b_s])
        ch = (h - sim.challenge) % q
        blank = [sim, Proof(ch, (w - r_sum * ch) % q)]
    # overall_proof: m0 = 1 or lo <= m_sum <= hi
    k = hi - lo + 1
    proofs: list[Proof | None] = [None] * (k + 1)
    commitments = [0] * (2 * (k + 1))
    true_index = 0 if m0 == 1 else m_sum - lo + 1
    total = 0
    if true_index != 0:
        sim, a, b = _sim(group, y, r0, c0.beta * ginv % p)
        proofs[0], commitments[0], commitments[1] = sim, a, b
        total += sim.challenge
    for i in range(1, k + 1):
        if i == true_index:
            continue
        shifted = c_sum.beta * group.g_pow_neg(lo + i - 1) % p
        sim, a, b = _sim(group, y, r_sum, shifted)
        proofs[i], commitments[2 * i], commitments[2 * i + 1] = sim, a, b
        total += sim.challenge
    w = group.random_exponent()
    commitments[2 * true_index] = group.g_pow(w)
    commitments[2 * true_index + 1] = group.pow(y, w)
    h = group.hash_to_zq(f"bproof1|{s}|", commitments)
    ch = (h - total) % q
    r_true = r0 if true_index == 0 else r_sum
    proofs[true_index] = Proof(ch, (w - r_true * ch) % q)
    return [pr for pr in proofs if pr is not None], blank


def blank_verify(
    group: Group,
    y: int,
    s: str,
    c0: Ciphertext,
    c_sum: Ciphertext,
    overall: Sequence[Proof],
    blank: Sequence[Proof],
    lo: int,
    hi: int,
) -> bool:
    """Check blank_proof (m0 = 0 or sum = 0) and overall_proof (m0 = 1 or lo <= sum <= hi)."""
    q, p = group.q, group.p
    if len(blank) != 2 or len(overall) != hi - lo + 2:
        return False
    if not all(group.in_zq(x.challenge) and group.in_zq(x.response) for x in (*blank, *overall)):
        return False
    pi0, pis = blank
    commitments = [
        group.g_pow(pi0.response) * group.pow(c0.alpha, pi0.challenge) % p,
        group.pow(y, pi0.response) * group.pow(c0.beta, pi0.challenge) % p,
        group.g_pow(pis.response) * group.pow(c_sum.alpha, pis.challenge) % p,
        group.pow(y, pis.response) * group.pow(c_sum.beta, pis.challenge) % p,
    ]
    if group.hash_to_zq(f"bproof0|{s}|", commitments) != (pi0.challenge + pis.challenge) % q:
        return False
    ginv = group.g_pow_neg(1)
    first = overall[0]
    commitments = [
        group.g_pow(first.response) * group.pow(c0.alpha, first.challenge) % p,
        group.pow(y, first.response) * group.pow(c0.beta * ginv % p, first.challenge) % p,
    ]
    for i in range(1, hi - lo + 2):
        pr = overall[i]
        shifted = c_sum.beta * group.g_pow_neg(lo + i - 1) % p
        commitments.append(group.g_pow(pr.response) * group.pow(c_sum.alpha, pr.challenge) % p)
        commitments.append(group.pow(y, pr.response) * group.pow(shifted, pr.challenge) % p)
    total = sum(x.challenge for x in overall) % q
    return group.hash_to_zq(f"bproof1|{s}|", commitments) == total


# -- non-homomorphic answers, §4.11.2 ------------------------------------------------


def raweg_prove(group: Group, y: int, s0: str, ct: Ciphertext, r: int) -> Proof:
    """Proof of knowledge of r in alpha = g^r, bound to S0 (hence to the credential)."""
    w = group.random_exponent()
    prefix = f"raweg|{s0}|{y},{ct.alpha},{ct.beta}|"
    challenge = group.hash_to_zq(prefix, [group.g_pow(w)])
    return Proof(challenge, (w - r * challenge) % group.q)


def raweg_verify(group: Group, y: int, s0: str, ct: Ciphertext, proof: Proof) -> bool:
    """Check a non-homomorphic answer's proof; ct's membership is the caller's business."""
    if not (group.in_zq(proof.challenge) and group.in_zq(proof.response)):
        return False
    a = group.g_pow(proof.response) * group.pow(ct.alpha, proof.challenge) % group.p
    prefix = f"raweg|{s0}|{y},{ct.alpha},{ct.beta}|"
    return proof.challenge == group.hash_to_zq(prefix, [a])


# -- decryption proofs, §4.18 -----------------------------------------------------------


def decryption_factor(group: Group, fingerprint: str, x: int, alpha: int) -> tuple[int, Proof]:
    """(alpha^x, proof that log_g X = log_alpha factor)."""
    big_x = group.g_pow(x)
    w = group.random_exponent()
    prefix = f"decrypt|{fingerprint}|{big_x}|"
    challenge = group.hash_to_zq(prefix, [group.g_pow(w), group.pow(alpha, w)])
    return group.pow(alpha, x), Proof(challenge, (w - x * challenge) % group.q)


def decryption_verify(
    group: Group, fingerprint: str, big_x: int, alpha: int, factor: int, proof: Proof
) -> bool:
    """Check a decryption factor against the trustee's verification key."""
    if not (group.is_element(factor) and group.in_zq(proof.challenge)):
        return False
    if not group.in_zq(proof.response):
        return False
    p = group.p
    a = group.g_pow(proof.response) * group.pow(big_x, proof.challenge) % p
    b = group.pow(alpha, proof.response) * group.pow(factor, proof.challenge) % p
    return proof.challenge == group.hash_to_zq(f"decrypt|{fingerprint}|{big_x}|", [a, b])
