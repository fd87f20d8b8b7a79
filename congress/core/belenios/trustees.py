"""Trustees: single keys and the threshold ("Pedersen") key establishment (§3.1.1, §4.5-4.7).

Each threshold trustee derives a signing and an encryption key from a secret seed
(§4.6.1) and talks to the others only through the server, by signed and
AES-CCM-encrypted messages (§4.6.3). The functions below are the six steps of
`belenios-tool setup generate-trustee-key-threshold`; those marked "trustee"
need the trustee's seed and run on the trustee's side, the others are the
server's relaying and checking. Every message is the JSON string belenios writes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from . import proofs as zk
from . import serialization as ser
from .aesccm import ccm_decrypt, ccm_encrypt
from .groups import Group, random_token
from .serialization import JSON, FormatError, Proof

SEED_LENGTH = 22


class TrusteeError(ValueError):
    """A key-establishment message that does not check out."""


# -- trustee public keys (§4.5) --------------------------------------------------


@dataclass(frozen=True)
class TrusteePublicKey:
    """A public key with its proof of knowledge (and an optional name)."""

    public_key: int
    pok: Proof
    name: str | None = None

    def to_json(self) -> dict[str, JSON]:
        """trustee_public_key in belenios' field order."""
        o: dict[str, JSON] = {"pok": ser.proof_json(self.pok), "public_key": str(self.public_key)}
        if self.name is not None:
            o["name"] = self.name
        return o


def parse_trustee_public_key(x: JSON) -> TrusteePublicKey:
    """A trustee_public_key from JSON."""
    o = ser.obj(x, "trustee public key")
    name = o.get("name")
    return TrusteePublicKey(
        public_key=ser.number(ser.field(o, "public_key", "trustee key"), "public_key"),
        pok=ser.proof_parse(ser.field(o, "pok", "trustee key"), "pok"),
        name=None if name is None else ser.string(name, "name"),
    )


def key_proof(group: Group, x: int, name: str | None = None) -> TrusteePublicKey:
    """The trustee_public_key of private key x."""
    big_x, pok = zk.prove_key(group, x)
    return TrusteePublicKey(big_x, pok, name)


def generate_trustee_key(group: Group, name: str | None = None) -> tuple[int, str]:
    """A "Single" trustee's (private key, public key JSON), as `generate-trustee-key`."""
    x = group.random_exponent()
    return x, ser.dumps(key_proof(group, x, name).to_json())


def check_trustee_public_key(group: Group, k: TrusteePublicKey) -> bool:
    """The key is a group element and its proof of knowledge holds."""
    return zk.verify_key(group, k.public_key, k.pok)


# -- PKI and channels (§4.6.1, §4.6.3) --------------------------------------------


def generate_seed() -> str:
    """A trustee's secret seed: 22 Base58 characters."""
    return random_token(SEED_LENGTH)


def derive_sk(seed: str) -> int:
    """The signing key: SHA256("sk|" ‖ seed) as a number."""
    return int(hashlib.sha256(f"sk|{seed}".encode()).hexdigest(), 16)


def derive_dk(seed: str) -> int:
    """The decryption key: SHA256("dk|" ‖ seed) as a number."""
    return int(hashlib.sha256(f"dk|{seed}".encode()).hexdigest(), 16)


def sign_message(group: Group, sk: int, message: str) -> dict[str, JSON]:
    """signed_msg: the message and a Schnorr signature with prefix "sigmsg|M|"."""
    proof = zk.schnorr_sign(group, sk, f"sigmsg|{message}|")
    return {"message": message, "signature": ser.proof_json(proof)}


def verify_signed(group: Group, vk: int, signed: JSON) -> bool:
    """Whether a signed_msg is signed by the key vk."""
    try:
        o = ser.obj(signed, "signed message")
        message = ser.string(ser.field(o, "message", "signed message"), "message")
        proof = ser.proof_parse(ser.field(o, "signature", "signed message"), "signature")
    except FormatError:
        return False
    return zk.schnorr_verify(group, vk, f"sigmsg|{message}|", proof)


def _sym_key(element: int) -> bytes:
    return hashlib.sha256(f"key|{element}".encode()).digest()


def _iv(alpha: int) -> bytes:
    return hashlib.sha256(f"iv|{alpha}".encode()).digest()


def encrypt_message(group: Group, ek: int, plaintext: str) -> dict[str, JSON]:
    """encrypted_msg: ElGamal of g^s to ek, AES-CCM of the text under SHA256("key|g^s")."""
    r = group.random_exponent()
    gs = group.g_pow(group.random_exponent())
    alpha = group.g_pow(r)
    beta = group.pow(ek, r) * gs % group.p
    data = ccm_encrypt(_sym_key(gs), _iv(alpha), plaintext.encode())
    return {"alpha": str(alpha), "beta": str(beta), "data": data.hex()}


def decrypt_message(group: Group, dk: int, encrypted: JSON) -> str:
    """The text of an encrypted_msg, or TrusteeError."""
    try:
        o = ser.obj(encrypted, "encrypted message")
        alpha = ser.number(ser.field(o, "alpha", "encrypted message"), "alpha")
        beta = ser.number(ser.field(o, "beta", "encrypted message"), "beta")
        data = bytes.fromhex(ser.string(ser.field(o, "data", "encrypted message"), "data"))
        gs = group.div(beta, group.pow(alpha, dk))
        return ccm_decrypt(_sym_key(gs), _iv(alpha), data).decode("utf-8")
    except (FormatError, ValueError) as e:
        raise TrusteeError(f"cannot decrypt message: {e}") from None


def send(group: Group, sk: int, recipient: int, message: str) -> str:
    """send(sk, recipient, message): sign a channel_msg, encrypt it to recipient, serialize."""
    channel = ser.dumps({"recipient": str(recipient), "message": message})
    signed = ser.dumps(sign_message(group, sk, channel))
    return ser.dumps(encrypt_message(group, recipient, signed))


def recv(group: Group, dk: int, sender_vk: int, msg: str) -> str:
    """Open a message from sender_vk to us (dk): decrypt, check signature and recipient."""
    signed = ser.loads(decrypt_message(group, dk, ser.loads(msg)))
    if not verify_signed(group, sender_vk, signed):
        raise TrusteeError("invalid signature on received message")
    channel = ser.obj(ser.loads(signed["message"]), "channel message")
    recipient = ser.number(ser.field(channel, "recipient", "channel message"), "recipient")
    if recipient != group.g_pow(dk):
        raise TrusteeError("invalid recipient on received message")
    return ser.string(ser.field(channel, "message", "channel message"), "message")


# -- threshold key establishment (§3.1.1 "Pedersen", §4.6.2-4.6.7) --------------------


@dataclass(frozen=True)
class CertKeys:
    """The public keys a certificate carries."""

    verification: int
    encryption: int


def _cert_keys(cert: JSON) -> CertKeys:
    o = ser.obj(cert, "certificate")
    keys = ser.obj(ser.loads(ser.string(ser.field(o, "message", "cert"), "cert")), "cert_keys")
    return CertKeys(
        ser.number(ser.field(keys, "verification", "cert_keys"), "verification"),
        ser.number(ser.field(keys, "encryption", "cert_keys"), "encryption"),
    )


def _as_json(x: str | JSON) -> JSON:
    return ser.loads(x) if isinstance(x, str) else x


def check_certificate(group: Group, cert: str | JSON) -> bool:
    """A certificate is well-formed, its keys are group elements, and it is self-signed."""
    try:
        c = _as_json(cert)
        keys = _cert_keys(c)
    except FormatError:
        return False
    if not (group.is_element(keys.verification) and group.is_element(keys.encryption)):
        return False
    return verify_signed(group, keys.verification, c)


def _checked_certs(group: Group, certs: Sequence[str | JSON]) -> list[CertKeys]:
    out = []
    for i, cert in enumerate(certs):
        if not check_certificate(group, cert):
            raise TrusteeError(f"certificate {i + 1} does not validate")
        out.append(_cert_keys(_as_json(cert)))
    return out


def make_certificate(group: Group, seed: str) -> str:
    """Step 1 (trustee): the certificate of the keys derived from the seed."""
    sk, dk = derive_sk(seed), derive_dk(seed)
    keys = ser.dumps({"verification": str(group.g_pow(sk)), "encryption": str(group.g_pow(dk))})
    return ser.dumps(sign_message(group, sk, keys))


def pedersen_step1(group: Group) -> tuple[str, str]:
    """Step 1 (trustee): a fresh secret seed and its certificate."""
    seed = generate_seed()
    return seed, make_certificate(group, seed)


def _my_index(group: Group, certs: Sequence[CertKeys], seed: str) -> int:
    vk, ek = group.g_pow(derive_sk(seed)), group.g_pow(derive_dk(seed))
    for i, c in enumerate(certs):
        if c.verification == vk and c.encryption == ek:
            return i
    raise TrusteeError("could not find my certificate")


def pedersen_step3(group: Group, certs: Sequence[str | JSON], seed: str, threshold: int) -> str:
    """Step 3 (trustee): a random polynomial of degree threshold-1, its shares sent to all."""
    keys = _checked_certs(group, certs)
    if not 0 < threshold <= len(keys):
        raise TrusteeError("the threshold must be between 1 and the number of trustees")
    me = _my_index(group, keys, seed)
    sk = derive_sk(seed)
    coeffs = [group.random_exponent() for _ in range(threshold)]
    raw_poly = ser.dumps({"polynomial": [str(a) for a in coeffs]})
    coefexps = ser.dumps({"coefexps": [str(group.g_pow(a)) for a in coeffs]})
    secrets_ = []
    for j, k in enumerate(keys, start=1):
        s = sum(a * pow(j, e, group.q) for e, a in enumerate(coeffs)) % group.q
        secrets_.append(send(group, sk, k.encryption, ser.dumps({"secret": str(s)})))
    return ser.dumps(
        {
            "polynomial": send(group, sk, keys[me].encryption, raw_poly),
            "secrets": secrets_,
            "coefexps": sign_message(group, sk, coefexps),
        }
    )


def _coefexps(group: Group, keys: CertKeys, signed: JSON, what: str) -> list[int]:
    if not verify_signed(group, keys.verification, signed):
        raise TrusteeError(f"{what} does not validate")
    raw = ser.obj(ser.loads(signed["message"]), "coefexps")
    values = ser.numbers(ser.field(raw, "coefexps", "coefexps"), "coefexps")
    if not values or not all(group.is_element(v) for v in values):
        raise TrusteeError(f"{what} is not a list of group elements")
    return values


def check_polynomial(
    group: Group,
    certs: Sequence[str | JSON],
    i: int,
    polynomial: str,
    threshold: int | None = None,
) -> bool:
    """Server check of trustee i's (0-based) polynomial: coefexps signed, one share per
    trustee, and (given the threshold) of degree threshold-1: one trustee's polynomial of
    another degree would make the joint key need another number of trustees."""
    try:
        keys = _checked_certs(group, certs)
        o = ser.obj(ser.loads(polynomial), "polynomial")
        ser.string(ser.field(o, "polynomial", "polynomial"), "polynomial")
        shares = ser.lst(ser.field(o, "secrets", "polynomial"), "secrets")
        coefexps = _coefexps(group, keys[i], ser.field(o, "coefexps", "polynomial"), "coefexps")
    except (FormatError, TrusteeError, IndexError):
        return False
    if threshold is not None and len(coefexps) != threshold:
        return False
    return len(shares) == len(keys) and all(isinstance(s, str) for s in shares)


def pedersen_step4(
    group: Group, certs: Sequence[str | JSON], polynomials: Sequence[str]
) -> list[str]:
    """Step 4 (server): route the shares, giving each trustee its vinput."""
    keys = _checked_certs(group, certs)
    if len(polynomials) != len(keys):
        raise TrusteeError("one polynomial per trustee is needed")
    polys = [ser.obj(ser.loads(p), "polynomial") for p in polynomials]
    coefexps = [p["coefexps"] for p in polys]
    for i, (k, c) in enumerate(zip(keys, coefexps, strict=True)):
        _coefexps(group, k, c, f"coefexps {i + 1}")
    return [
        ser.dumps(
            {
                "polynomial": polys[j]["polynomial"],
                "secrets": [polys[i]["secrets"][j] for i in range(len(keys))],
                "coefexps": coefexps,
            }
        )
        for j in range(len(keys))
    ]


def verification_keys(group: Group, coefexps: Sequence[Sequence[int]]) -> list[int]:
    """g^(S_j) for every trustee j, computed from the public coefficient commitments."""
    out = []
    for j in range(1, len(coefexps) + 1):
        vk = 1
        for c in coefexps:
            for k, a in enumerate(c):
                vk = vk * group.pow(a, j**k) % group.p
        out.append(vk)
    return out


def pedersen_step5(group: Group, certs: Sequence[str | JSON], seed: str, vinput: str) -> str:
    """Step 5 (trustee): check every share received, keep the sum as own key share (voutput)."""
    keys = _checked_certs(group, certs)
    me = _my_index(group, keys, seed)
    sk, dk = derive_sk(seed), derive_dk(seed)
    o = ser.obj(ser.loads(vinput), "vinput")
    raw_poly = ser.loads(recv(group, dk, keys[me].verification, o["polynomial"]))
    threshold = len(ser.numbers(ser.field(raw_poly, "polynomial", "polynomial"), "polynomial"))
    shares = ser.lst(ser.field(o, "secrets", "vinput"), "secrets")
    signed_coefexps = ser.lst(ser.field(o, "coefexps", "vinput"), "coefexps")
    if len(shares) != len(keys) or len(signed_coefexps) != len(keys):
        raise TrusteeError("one share and one coefexps per trustee are needed")
    total = 0
    j = me + 1
    for i, k in enumerate(keys):
        secret_json = ser.obj(ser.loads(recv(group, dk, k.verification, shares[i])), "secret")
        s = ser.number(ser.field(secret_json, "secret", "secret"), "secret")
        c = _coefexps(group, k, signed_coefexps[i], f"coefexps {i + 1}")
        if len(c) != threshold:
            raise TrusteeError(f"coefexps {i + 1} has the wrong length")
        expected = group.prod(group.pow(a, j**e) for e, a in enumerate(c))
        if group.g_pow(s) != expected:
            raise TrusteeError(f"secret {i + 1} does not validate")
        total += s
    total %= group.q
    pdk = ser.dumps({"decryption_key": str(total)})
    return ser.dumps(
        {
            "private_key": send(group, sk, keys[me].encryption, pdk),
            "public_key": key_proof(group, total).to_json(),
        }
    )


def _polynomial_coefexps(
    group: Group, keys: Sequence[CertKeys], polynomials: Sequence[str]
) -> list[list[int]]:
    if len(polynomials) != len(keys):
        raise TrusteeError("one polynomial per trustee is needed")
    out = []
    for i, (k, p) in enumerate(zip(keys, polynomials, strict=True)):
        o = ser.obj(ser.loads(p), "polynomial")
        out.append(_coefexps(group, k, o.get("coefexps"), f"coefexps {i + 1}"))
    if len({len(c) for c in out}) != 1:
        raise TrusteeError("polynomials of different degrees")
    return out


def check_voutput(
    group: Group, certs: Sequence[str | JSON], polynomials: Sequence[str], j: int, voutput: str
) -> bool:
    """Server check of trustee j's (0-based) voutput: proof of its key share, the right key."""
    try:
        keys = _checked_certs(group, certs)
        vks = verification_keys(group, _polynomial_coefexps(group, keys, polynomials))
        o = ser.obj(ser.loads(voutput), "voutput")
        ser.string(ser.field(o, "private_key", "voutput"), "private_key")
        tpk = parse_trustee_public_key(ser.field(o, "public_key", "voutput"))
    except (FormatError, TrusteeError, IndexError):
        return False
    return check_trustee_public_key(group, tpk) and tpk.public_key == vks[j]


def pedersen_step6(
    group: Group, certs: Sequence[str | JSON], polynomials: Sequence[str], voutputs: Sequence[str]
) -> dict[str, JSON]:
    """Step 6 (server): the threshold_parameters, after checking every voutput."""
    keys = _checked_certs(group, certs)
    coefexps = _polynomial_coefexps(group, keys, polynomials)
    vks = verification_keys(group, coefexps)
    if len(voutputs) != len(keys):
        raise TrusteeError("one voutput per trustee is needed")
    public_keys = []
    for j, v in enumerate(voutputs):
        tpk = parse_trustee_public_key(ser.obj(ser.loads(v), "voutput").get("public_key"))
        if not check_trustee_public_key(group, tpk):
            raise TrusteeError(f"pok {j + 1} does not validate")
        if tpk.public_key != vks[j]:
            raise TrusteeError(f"verification key {j + 1} is incorrect")
        public_keys.append(tpk.to_json())
    return {
        "threshold": len(coefexps[0]),
        "certs": [_as_json(c) for c in certs],
        "coefexps": [ser.loads(p)["coefexps"] for p in polynomials],
        "verification_keys": public_keys,
    }


def threshold_decryption_key(group: Group, seed: str, private_key: str) -> int:
    """A threshold trustee's key share, opened from its voutput's private_key (the .dkey)."""
    dk = derive_dk(seed)
    vk = group.g_pow(derive_sk(seed))
    o = ser.obj(ser.loads(recv(group, dk, vk, private_key)), "partial decryption key")
    return ser.number(ser.field(o, "decryption_key", "partial decryption key"), "key")


# -- the trustees structure (§4.7) -----------------------------------------------------


@dataclass(frozen=True)
class SingleTrustee:
    """A mandatory trustee: its share is always needed."""

    key: TrusteePublicKey


@dataclass(frozen=True)
class ThresholdTrustees:
    """threshold_parameters: any `threshold` of the verification keys suffice."""

    threshold: int
    certs: tuple[JSON, ...]
    coefexps: tuple[JSON, ...]
    verification_keys: tuple[TrusteePublicKey, ...]


TrusteeKind = SingleTrustee | ThresholdTrustees


def make_trustees(items: Sequence[tuple[str, JSON]]) -> str:
    """The trustees JSON: [["Single", trustee_public_key] | ["Pedersen", threshold_parameters]]."""
    out: list[JSON] = []
    for kind, value in items:
        if kind not in ("Single", "Pedersen"):
            raise ValueError(f"unknown trustee kind {kind}")
        out.append([kind, _as_json(value)])
    return ser.dumps(out)


def parse_trustees(raw: str | bytes) -> list[TrusteeKind]:
    """Parse the trustees structure (checked separately by `check_trustees`)."""
    out: list[TrusteeKind] = []
    for item in ser.lst(ser.loads(raw), "trustees"):
        pair = ser.lst(item, "trustee")
        if len(pair) != 2:
            raise FormatError("trustee: [kind, value] expected")
        kind, value = pair
        if kind == "Single":
            out.append(SingleTrustee(parse_trustee_public_key(value)))
        elif kind == "Pedersen":
            o = ser.obj(value, "threshold parameters")
            out.append(
                ThresholdTrustees(
                    threshold=ser.integer(ser.field(o, "threshold", "params"), "threshold"),
                    certs=tuple(ser.lst(ser.field(o, "certs", "params"), "certs")),
                    coefexps=tuple(ser.lst(ser.field(o, "coefexps", "params"), "coefexps")),
                    verification_keys=tuple(
                        parse_trustee_public_key(k)
                        for k in ser.lst(ser.field(o, "verification_keys", "params"), "keys")
                    ),
                )
            )
        else:
            raise FormatError(f"trustee: unknown kind {kind!r}")
    return out


def _threshold_coefexps(group: Group, t: ThresholdTrustees) -> list[list[int]]:
    keys = _checked_certs(group, t.certs)
    if len(t.coefexps) != len(keys):
        raise TrusteeError("one coefexps per certificate is needed")
    return [
        _coefexps(group, k, c, f"coefexps {i + 1}")
        for i, (k, c) in enumerate(zip(keys, t.coefexps, strict=True))
    ]


def check_trustees(group: Group, trustees: Sequence[TrusteeKind]) -> str:
    """Empty when every key proof, certificate and verification key checks; else the reason."""
    if not trustees:
        return "no trustees"
    owner = 0
    for item in trustees:
        if isinstance(item, SingleTrustee):
            owner += 1
            if not check_trustee_public_key(group, item.key):
                return f"trustee {owner}: invalid key or proof of knowledge"
            continue
        try:
            coefexps = _threshold_coefexps(group, item)
        except (TrusteeError, FormatError) as e:
            return f"threshold trustees {owner + 1}-: {e}"
        if len(item.verification_keys) != len(coefexps):
            return f"threshold trustees {owner + 1}-: one verification key per trustee is needed"
        if any(len(c) != item.threshold for c in coefexps):
            return f"threshold trustees {owner + 1}-: threshold does not match the polynomials"
        vks = verification_keys(group, coefexps)
        for k, vk in zip(item.verification_keys, vks, strict=True):
            owner += 1
            if not check_trustee_public_key(group, k):
                return f"trustee {owner}: invalid key or proof of knowledge"
            if k.public_key != vk:
                return f"trustee {owner}: verification key does not match the polynomials"
    return ""


def combine_keys(group: Group, trustees: Sequence[TrusteeKind]) -> int:
    """The election public key: product of the single keys and of every g^(a_i0).

    It reads the structure as it is; `check_trustees` is what checks it.
    """
    y = 1
    for item in trustees:
        if isinstance(item, SingleTrustee):
            y = y * item.key.public_key % group.p
            continue
        for signed in item.coefexps:
            raw = ser.obj(ser.loads(ser.obj(signed, "coefexps")["message"]), "coefexps")
            values = ser.numbers(ser.field(raw, "coefexps", "coefexps"), "coefexps")
            if not values:
                raise FormatError("empty coefexps")
            y = y * values[0] % group.p
    return y


def owners(trustees: Sequence[TrusteeKind]) -> list[tuple[int, TrusteePublicKey]]:
    """(owner number, key) of every trustee, numbered from 1 as partial decryptions are."""
    out = []
    for item in trustees:
        keys = [item.key] if isinstance(item, SingleTrustee) else list(item.verification_keys)
        for k in keys:
            out.append((len(out) + 1, k))
    return out
