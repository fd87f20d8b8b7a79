"""AES-256 in CCM mode (RFC 3610; 8-byte tag, no associated data), as SJCL uses it.

Belenios' threshold key generation encrypts trustee-to-trustee messages with it
(specification §4.6.1 "Encrypting", as SJCL implements it): the key is the SHA256 of
"key|g^s", the nonce the first 15-L bytes of SHA256 of "iv|alpha", where L is the size of
the length field SJCL chooses for the message (at least 2 bytes). The cipher itself is
the `cryptography` package's (OpenSSL), not ours.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESCCM

_TAG_BYTES = 8


def _length_field_size(message_length: int) -> int:
    size = 2
    while size < 4 and message_length >> (8 * size):
        size += 1
    return size


def ccm_encrypt(key: bytes, iv: bytes, plaintext: bytes) -> bytes:
    """Ciphertext followed by the 8-byte tag."""
    nonce = iv[: 15 - _length_field_size(len(plaintext))]
    return AESCCM(key, tag_length=_TAG_BYTES).encrypt(nonce, plaintext, None)


def ccm_decrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    """Plaintext, or ValueError if the tag does not match."""
    if len(data) < _TAG_BYTES:
        raise ValueError("ccm: message too short")
    nonce = iv[: 15 - _length_field_size(len(data) - _TAG_BYTES)]
    try:
        return AESCCM(key, tag_length=_TAG_BYTES).decrypt(nonce, data, None)
    except InvalidTag:
        raise ValueError("ccm: tag does not match") from None
