"""Voting pages whose size says nothing of the choice, raw and compressed.

TLS hides a page's bytes but not its length: a review page listing two names is shorter
than one listing six, and "abstain" is longer than "no". The ballot, review and receipt
pages are therefore built from segments:

- the parts that are the same whatever the voter chose (the layout, the poll's text),
  compressed as usual, each ended by a full flush so no later segment depends on them;
- the parts that vary with the choice, between `<!--vary-->` and `<!--/vary-->` in the
  template, and every CSRF token (random bytes that compress unevenly), padded with
  spaces to a bound and stored in the gzip stream uncompressed.

The bound of a region is measured by rendering the page once more with the poll's
largest choice (every candidate marked or ranked), plus a margin for plural forms. The
raw page then has one length per poll and voter, and so has its gzip encoding (built
here, with `Cache-Control: no-transform`, so that a proxy does not compress it again).
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Callable

from flask import Response, request

VARY = re.compile(r'(<!--vary-->.*?<!--/vary-->|name="csrf_token" value="[^"]*")', re.S)
MARGIN = 256  # plural forms and labels of different lengths: bytes of slack per region
STORED_MAX = 65535


def segments(html: str) -> list[tuple[bool, bytes]]:
    """(varies, bytes) in page order: odd pieces of the split are the varying ones."""
    return [(i % 2 == 1, part.encode("utf-8")) for i, part in enumerate(VARY.split(html))]


def bounds(worst: str) -> list[int]:
    """The padded length of each varying region, from the page with the largest choice."""
    return [
        len(part) + (MARGIN if part.startswith(b"<!--vary-->") else 0)
        for varies, part in segments(worst)
        if varies
    ]


def _round_up(n: int, step: int = 1024) -> int:
    return -(-n // step) * step


def padded(html: str, limits: list[int]) -> list[tuple[bool, bytes]]:
    """Every varying region padded to its limit; a region longer than its limit (an invalid
    draft with many problems listed) grows to the next KiB, never shrinks the others."""
    out, k = [], 0
    for varies, part in segments(html):
        if varies:
            limit = limits[k] if k < len(limits) else len(part)
            if len(part) > limit:
                limit = _round_up(len(part))
            if part.startswith(b"<!--vary-->"):
                part = part[: -len(b"<!--/vary-->")] + b" " * (limit - len(part))
                part += b"<!--/vary-->"
            k += 1
        out.append((varies, part))
    return out


def gzip_segments(parts: list[tuple[bool, bytes]]) -> bytes:
    """A gzip member whose length depends only on the fixed parts and the regions' lengths:
    fixed parts deflated and flushed, varying parts in stored blocks."""
    body = bytearray(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff")  # no name, no mtime
    crc, size = 0, 0
    for varies, part in parts:
        crc, size = zlib.crc32(part, crc), size + len(part)
        if varies:
            for start in range(0, len(part), STORED_MAX):
                chunk = part[start : start + STORED_MAX]
                body += b"\x00" + struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF) + chunk
        else:
            deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
            body += deflate.compress(part) + deflate.flush(zlib.Z_FULL_FLUSH)
    body += b"\x03\x00"  # an empty final block (fixed Huffman, end of block)
    body += struct.pack("<II", crc, size & 0xFFFFFFFF)
    return bytes(body)


def fixed_size(render: Callable[..., str], worst: dict, status: int = 200) -> Response:
    """The page rendered as is, padded to the size of the page with the `worst` context."""
    page = render()
    parts = padded(page, bounds(render(**worst) if worst else page))
    accepts_gzip = "gzip" in request.headers.get("Accept-Encoding", "").lower()
    body = gzip_segments(parts) if accepts_gzip else b"".join(part for _, part in parts)
    response = Response(body, status=status, mimetype="text/html")
    if accepts_gzip:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = "no-store, no-transform"
    return response
