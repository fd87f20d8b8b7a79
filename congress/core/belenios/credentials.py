"""Voter credentials (specification §4.8).

A secret credential is 14 random Base58 characters and a checksum, written
XXX-XXX-XXX-XXX-XXX. PBKDF2-HMAC-SHA256 over it with the election uuid as salt
gives the signing key, so one credential yields a different public credential in
every election. The public list is sorted by value, as belenios-tool writes it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from . import serialization as ser
from .groups import BASE58, Group
from .serialization import FormatError

TOKEN_LENGTH = 14
PBKDF2_ITERATIONS = 1000


def _checksum_digit(value: int) -> str:
    return BASE58[53 - value % 53]


def generate_credential() -> str:
    """A fresh secret credential in its printed form XXX-XXX-XXX-XXX-XXX."""
    digits = [secrets.randbelow(58) for _ in range(TOKEN_LENGTH)]
    value = 0
    for d in digits:
        value = value * 58 + d
    raw = "".join(BASE58[d] for d in digits) + _checksum_digit(value)
    return format_credential(raw)


def format_credential(raw: str) -> str:
    """Insert the dashes into a 15-character credential."""
    return "-".join(raw[i : i + 3] for i in range(0, 15, 3))


def _check_raw(raw: str) -> bool:
    if len(raw) != TOKEN_LENGTH + 1 or any(c not in BASE58 for c in raw):
        return False
    value = 0
    for c in raw[:TOKEN_LENGTH]:
        value = value * 58 + BASE58.index(c)
    return (value + BASE58.index(raw[TOKEN_LENGTH])) % 53 == 0


def normalize_credential(text: str) -> str:
    """The printed form of a credential as typed (spaces dropped, dashes added), or ValueError.

    Belenios derives the key from the string as given, and every credential it or
    we hand out carries dashes; accepting the bare 15 characters is a kindness to
    voters typing on a phone.
    """
    s = "".join(text.split())
    if len(s) == 19 and all(s[i] == "-" for i in (3, 7, 11, 15)):
        raw = s.replace("-", "")
    elif len(s) == 15:
        raw = s
    else:
        raise ValueError("a credential has 15 characters, written XXX-XXX-XXX-XXX-XXX")
    if not _check_raw(raw):
        raise ValueError("this credential is mistyped (its checksum does not match)")
    return format_credential(raw)


def check_credential(text: str) -> bool:
    """Whether a credential is well-formed with a correct checksum."""
    try:
        normalize_credential(text)
    except ValueError:
        return False
    return True


def derive_secret(group: Group, uuid: str, credential: str) -> int:
    """secret(c): PBKDF2-HMAC-SHA256(c, salt=uuid, 1000 iterations, 32 bytes) mod q."""
    c = normalize_credential(credential)
    key = hashlib.pbkdf2_hmac("sha256", c.encode(), uuid.encode(), PBKDF2_ITERATIONS, 32)
    return int.from_bytes(key, "big") % group.q


def public_credential(group: Group, uuid: str, credential: str) -> int:
    """public(c) = g^secret(c)."""
    return group.g_pow(derive_secret(group, uuid, credential))


@dataclass(frozen=True)
class PublicCredentials:
    """The published list L: public credential -> weight (1 when weights are not used)."""

    raw: str
    weights: dict[int, int]
    weighted: bool

    @property
    def total_weight(self) -> int:
        """Sum of all weights."""
        return sum(self.weights.values())


def make_public_credentials(creds: Iterable[int | tuple[int, int]]) -> str:
    """public_credentials JSON, sorted by value; weights written only if some are given."""
    items: list[tuple[int, int | None]] = []
    for c in creds:
        items.append((c, None) if isinstance(c, int) else (c[0], c[1]))
    keys = [c for c, _ in items]
    if len(set(keys)) != len(keys):
        raise ValueError("public credentials must be distinct")
    weighted = any(w is not None for _, w in items)
    items.sort(key=lambda cw: cw[0])
    if weighted:
        return ser.dumps([f"{c},{1 if w is None else w}" for c, w in items])
    return ser.dumps([str(c) for c, _ in items])


def parse_public_credentials(group: Group, raw: str | bytes) -> PublicCredentials:
    """Parse and check L: group elements, distinct, non-negative weights."""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8")
    weights: dict[int, int] = {}
    weighted = False
    for item in ser.lst(ser.loads(raw), "public credentials"):
        s = ser.string(item, "public credential")
        if "," in s:
            weighted = True
            cred_s, _, weight_s = s.partition(",")
            weight = ser.number(weight_s, "credential weight")
        else:
            cred_s, weight = s, 1
        cred = ser.number(cred_s, "public credential")
        if not group.is_element(cred):
            raise FormatError(f"{cred_s[:20]}... is not a valid public credential")
        if cred in weights:
            raise FormatError(f"duplicate credential: {cred_s[:20]}...")
        weights[cred] = weight
    return PublicCredentials(raw=raw, weights=weights, weighted=weighted)
