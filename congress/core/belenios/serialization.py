"""The JSON of Belenios 2.0 (specification §4.1-4.3) byte for byte as belenios-tool writes it.

Belenios hashes serialized JSON (election fingerprint, ballot signatures, archive
records) and refuses a ballot whose bytes differ from its own re-serialization, so
the writer here mirrors Yojson/atdgen: compact, fields in the order given, numbers
of Z_q and G as decimal strings, strings escaped exactly as Yojson escapes them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

JSON = Any

_NUMBER = re.compile(r"0|[1-9][0-9]*")
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f]')
MAX_INT31 = 1073741823


class FormatError(ValueError):
    """Data that is not the JSON structure the specification defines."""


@dataclass(frozen=True, slots=True)
class Ciphertext:
    """An ElGamal ciphertext (alpha, beta) = (g^r, y^r · m)."""

    alpha: int
    beta: int


@dataclass(frozen=True, slots=True)
class Proof:
    """A Fiat-Shamir proof (challenge, response), both in Z_q."""

    challenge: int
    response: int


def _escape_char(m: re.Match[str]) -> str:
    c = m.group(0)
    return _ESCAPES.get(c) or f"\\u00{ord(c):02x}"


def dump_string(s: str) -> str:
    """A JSON string as Yojson writes it (UTF-8 kept, control characters escaped)."""
    return '"' + _NEEDS_ESCAPE.sub(_escape_char, s) + '"'


def dumps(value: JSON) -> str:
    """Compact JSON in Yojson's spelling; dict order is kept."""
    parts: list[str] = []
    _dump(value, parts)
    return "".join(parts)


def _dump(v: JSON, out: list[str]) -> None:
    if isinstance(v, str):
        out.append(dump_string(v))
    elif v is None:
        out.append("null")
    elif isinstance(v, bool):
        out.append("true" if v else "false")
    elif isinstance(v, int):
        out.append(str(v))
    elif isinstance(v, Mapping):
        out.append("{")
        first = True
        for k, x in v.items():
            if not first:
                out.append(",")
            first = False
            out.append(dump_string(k))
            out.append(":")
            _dump(x, out)
        out.append("}")
    elif isinstance(v, list | tuple):
        out.append("[")
        for i, x in enumerate(v):
            if i:
                out.append(",")
            _dump(x, out)
        out.append("]")
    else:
        raise TypeError(f"cannot serialize {type(v).__name__}")


def _no_float(text: str) -> Any:
    raise FormatError(f"unexpected JSON number {text}")


def loads(text: str | bytes) -> JSON:
    """Parse JSON, refusing floats, NaN and Infinity (Belenios has none)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as e:
            raise FormatError("not UTF-8") from e
    try:
        return json.loads(text, parse_float=_no_float, parse_constant=_no_float)
    except json.JSONDecodeError as e:
        raise FormatError(f"invalid JSON: {e}") from e
    except RecursionError:
        raise FormatError("invalid JSON: nested too deeply") from None


def sha256_hex(data: str | bytes) -> str:
    """SHA256 in hexadecimal, the hash naming archive records."""
    if isinstance(data, str):
        data = data.encode()
    return hashlib.sha256(data).hexdigest()


def sha256_b64(data: str | bytes) -> str:
    """SHA256 in Base64 without padding: election fingerprint and ballot tracker (H_JSON)."""
    if isinstance(data, str):
        data = data.encode()
    return base64.b64encode(hashlib.sha256(data).digest()).decode().rstrip("=")


# -- reading helpers: every one raises FormatError on a wrong shape -------------


def obj(x: JSON, what: str) -> dict[str, JSON]:
    """x must be a JSON object."""
    if not isinstance(x, dict):
        raise FormatError(f"{what}: object expected")
    return x


def field(o: Mapping[str, JSON], name: str, what: str) -> JSON:
    """A mandatory field."""
    if name not in o:
        raise FormatError(f"{what}: missing field {name}")
    return o[name]


def lst(x: JSON, what: str) -> list[JSON]:
    """x must be a JSON array."""
    if not isinstance(x, list):
        raise FormatError(f"{what}: array expected")
    return x


def string(x: JSON, what: str) -> str:
    """x must be a JSON string."""
    if not isinstance(x, str):
        raise FormatError(f"{what}: string expected")
    return x


def integer(x: JSON, what: str) -> int:
    """x must be a JSON integer (not a boolean)."""
    if not isinstance(x, int) or isinstance(x, bool):
        raise FormatError(f"{what}: integer expected")
    return x


def number(x: JSON, what: str) -> int:
    """A big number written as a decimal string (G, Z_q, N of §4.2)."""
    if not isinstance(x, str) or len(x) > 2000 or not _NUMBER.fullmatch(x):
        raise FormatError(f"{what}: decimal number string expected")
    return int(x)


def numbers(x: JSON, what: str) -> list[int]:
    """An array of decimal number strings."""
    return [number(v, what) for v in lst(x, what)]


def weight_from_json(x: JSON, what: str) -> int:
    """A weight: a JSON integer, or a decimal string when large."""
    if isinstance(x, str):
        return number(x, what)
    w = integer(x, what)
    if w < 0:
        raise FormatError(f"{what}: negative weight")
    return w


def weight_to_json(w: int) -> JSON:
    """Weights up to 2^30-1 are JSON integers, larger ones strings (as atdgen writes them)."""
    return w if w <= MAX_INT31 else str(w)


def ct_json(c: Ciphertext) -> dict[str, str]:
    """A ciphertext as JSON."""
    return {"alpha": str(c.alpha), "beta": str(c.beta)}


def ct_parse(x: JSON, what: str) -> Ciphertext:
    """A ciphertext from JSON."""
    o = obj(x, what)
    return Ciphertext(number(field(o, "alpha", what), what), number(field(o, "beta", what), what))


def proof_json(p: Proof) -> dict[str, str]:
    """A proof as JSON."""
    return {"challenge": str(p.challenge), "response": str(p.response)}


def proof_parse(x: JSON, what: str) -> Proof:
    """A proof from JSON."""
    o = obj(x, what)
    return Proof(
        number(field(o, "challenge", what), what), number(field(o, "response", what), what)
    )


def proofs_parse(x: JSON, what: str) -> list[Proof]:
    """A disjunctive proof (array of proofs) from JSON."""
    return [proof_parse(p, what) for p in lst(x, what)]


def proofs_json(ps: Sequence[Proof]) -> list[dict[str, str]]:
    """A disjunctive proof as JSON."""
    return [proof_json(p) for p in ps]
