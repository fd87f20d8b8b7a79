"""The sealed ballot box: ballots encrypted to a poll key that only k of n committee
members together can open.

- The poll key is an X25519 key pair (PyNaCl). Ballots are NaCl sealed boxes
  (libsodium `crypto_box_seal`), the format a browser with libsodium.js produces
  too, so sealing can later move into the voter's browser without changing the box.
- The private key is split with SLIP-39 (`shamir-mnemonic`): k-of-n word shares
  that a person can write on paper and type back; each share carries a checksum
  and the identifier of its split, so a mistyped word or a share of another poll
  is recognised before anything is tried.
- Each share reaches its holder sealed to a key derived from the holder's own
  passphrase (Argon2id), and is deleted once the holder confirms it is written down.
- To open the box, shares arrive one request at a time. Each arriving share is
  sealed to the "relay keys" of the other holders (public keys derived from their
  shares at the ceremony), so what waits in the database can be read only by
  someone who brings another share. When k shares are in one request's memory the
  key is rebuilt, the ballots decrypted, and the key dropped.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import shamir_mnemonic
from nacl import pwhash
from nacl.encoding import RawEncoder
from nacl.exceptions import CryptoError
from nacl.hash import blake2b
from nacl.public import Box, PrivateKey, PublicKey, SealedBox
from shamir_mnemonic.share import Share

PASSPHRASE_SALT_BYTES = pwhash.argon2id.SALTBYTES


class ShareError(ValueError):
    """A share that is malformed, of another poll, or does not open this key."""


@dataclass(frozen=True)
class Ceremony:
    """What a key ceremony hands out. The private key itself is not in it."""

    public_key: bytes
    shares: tuple[str, ...]  # one mnemonic per holder, in holder order
    digests: tuple[str, ...]  # sha256 of each mnemonic, kept to recognise shares
    relay_keys: tuple[bytes, ...]  # public keys derived from each share
    identifier: int  # the SLIP-39 identifier of this split


def fingerprint(public_key: bytes) -> str:
    """A short, readable fingerprint of a public key (shown on the poll page)."""
    digest = hashlib.sha256(public_key).hexdigest()[:32]
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def share_digest(mnemonic: str) -> str:
    return hashlib.sha256(normalize(mnemonic).encode()).hexdigest()


def normalize(mnemonic: str) -> str:
    return " ".join(mnemonic.lower().split())


def _relay_private(mnemonic: str) -> PrivateKey:
    seed = hashlib.sha256(b"congress relay key\x00" + normalize(mnemonic).encode()).digest()
    return PrivateKey(seed)


def key_ceremony(threshold: int, holders: int) -> Ceremony:
    """Generate a poll key and split it; the private key does not leave this function."""
    if not 1 <= threshold <= holders <= 16:
        raise ValueError("need 1 <= threshold <= holders <= 16")
    private = PrivateKey.generate()
    groups = shamir_mnemonic.generate_mnemonics(
        group_threshold=1,
        groups=[(threshold, holders)],
        master_secret=bytes(private),
        extendable=False,
        iteration_exponent=0,
    )
    shares = tuple(groups[0])
    return Ceremony(
        public_key=bytes(private.public_key),
        shares=shares,
        digests=tuple(share_digest(s) for s in shares),
        relay_keys=tuple(bytes(_relay_private(s).public_key) for s in shares),
        identifier=Share.from_mnemonic(shares[0]).identifier,
    )


def parse_share(mnemonic: str) -> Share:
    """Checksum and word list are checked here: a typo is named, nothing is tried."""
    try:
        return Share.from_mnemonic(normalize(mnemonic))
    except (shamir_mnemonic.MnemonicError, ValueError) as bad:
        raise ShareError(str(bad)) from None


def open_key(mnemonics: Sequence[str], public_key: bytes) -> PrivateKey:
    """Rebuild the private key from k shares and check it against the poll's public key."""
    try:
        secret = shamir_mnemonic.combine_mnemonics([normalize(m) for m in mnemonics])
    except (shamir_mnemonic.MnemonicError, ValueError) as bad:
        raise ShareError(str(bad)) from None
    private = PrivateKey(secret)
    if bytes(private.public_key) != public_key:
        raise ShareError("the shares do not open this poll's key")
    return private


# --- ballots --------------------------------------------------------------------------


PAD_MARK = b"\x80"


def pad(content: str, longest: int) -> bytes:
    """ISO/IEC 7816-4 padding to one length per poll (the longest valid content + 1):
    every ciphertext of a box is then as long as every other, whatever the choice."""
    raw = content.encode("utf-8")
    if len(raw) > longest:
        raise ValueError(f"a ballot of {len(raw)} bytes is longer than the poll's {longest}")
    return raw + PAD_MARK + b"\x00" * (longest - len(raw))


def unpad(padded: bytes, longest: int) -> str:
    """The content inside the padding; a wrong length or a broken pad is refused."""
    body = padded.rstrip(b"\x00")
    if len(padded) != longest + 1 or not body.endswith(PAD_MARK):
        raise ShareError("a ballot's padding is not the poll's")
    return body[:-1].decode("utf-8")


def seal(public_key: bytes, content: str, longest: int, seed: bytes | None = None) -> str:
    """A sealed box of the ballot's canonical JSON padded to the poll's length, in base64.

    With a `seed` (32 secret bytes) the ephemeral key is derived from it, so the same seed
    seals the same ballot to the same ciphertext: a repeated cast form finds its receipt.
    The format is libsodium's `crypto_box_seal` either way (ephemeral public key, then the
    box under the nonce BLAKE2b(ephemeral key || poll key))."""
    padded = pad(content, longest)
    if seed is None:
        return base64.b64encode(SealedBox(PublicKey(public_key)).encrypt(padded)).decode("ascii")
    ephemeral = PrivateKey(hashlib.sha256(b"congress sealing key\x00" + seed).digest())
    ephemeral_public = bytes(ephemeral.public_key)
    nonce = blake2b(ephemeral_public + public_key, digest_size=24, encoder=RawEncoder)
    boxed = Box(ephemeral, PublicKey(public_key)).encrypt(padded, nonce).ciphertext
    return base64.b64encode(ephemeral_public + boxed).decode("ascii")


def unseal(private: PrivateKey, sealed: str, longest: int) -> str:
    try:
        padded = SealedBox(private).decrypt(base64.b64decode(sealed))
        return unpad(padded, longest)
    except (CryptoError, ValueError, UnicodeDecodeError) as bad:
        raise ShareError(f"a ballot does not decrypt: {bad}") from None


def tracker(poll_ref: str, sealed: str) -> str:
    """For a sealed ballot the tracker is a hash of its ciphertext: anyone can recompute
    it from the published box, and it reveals nothing without the private key."""
    return hashlib.sha256(f"{poll_ref}\x00{sealed}".encode()).hexdigest()[:32]


# --- moving shares between holders ----------------------------------------------------

KDF_COST = (pwhash.argon2id.OPSLIMIT_MODERATE, pwhash.argon2id.MEMLIMIT_INTERACTIVE)
KDF_COST_TEST = (pwhash.argon2id.OPSLIMIT_MIN, pwhash.argon2id.MEMLIMIT_MIN)


def holder_keypair(passphrase: str, salt: bytes, cost: tuple[int, int] = KDF_COST) -> PrivateKey:
    """A key pair only the holder can re-derive: Argon2id over their passphrase."""
    opslimit, memlimit = cost
    seed = pwhash.argon2id.kdf(
        32, passphrase.encode("utf-8"), salt, opslimit=opslimit, memlimit=memlimit
    )
    return PrivateKey(seed)


def seal_to(public_key: bytes, text: str) -> bytes:
    return SealedBox(PublicKey(public_key)).encrypt(text.encode("utf-8"))


def open_envelope(private: PrivateKey, sealed: bytes) -> str:
    try:
        return SealedBox(private).decrypt(sealed).decode("utf-8")
    except CryptoError:
        raise ShareError("wrong passphrase") from None


def relay_open(mnemonic: str, sealed: bytes) -> str:
    """A share waiting for this holder, opened with the key derived from their own share."""
    return open_envelope(_relay_private(mnemonic), sealed)
