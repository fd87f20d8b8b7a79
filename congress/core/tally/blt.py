"""Read and write BLT ballot files (Hill, Wichmann and Woodall 1987, with extensions).

Layout, one item per line:

    4 2                 candidates, seats
    -2                  optional: withdrawn candidates as negative numbers
    [tie 3 2 1]         optional: the lot order; also [withdrawn 2] and [nick a b c d]
    3 1 3=4 0           weight, preferences (= joins equal ranks), 0
    0                   end of ballots
    "Adam"              one quoted name per candidate, in candidate-number order
    "Title"             the election's title

`/* ... */` and `#` comments are ignored outside quoted text, and so are the lines
after the title (some files carry their source or notes there). Names are kept
exactly as quoted, spaces included. Reading is strict: anything the reader cannot be sure
of (a ballot line without its closing 0, an unknown [option], a stray token) raises
`BltError` with the 1-based line number, because a misread count is worse than none.
Candidates read from a file get the ids "1", "2", ... (their numbers).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from congress.core.tally.model import Ballot, Candidate

_NUMBER = re.compile(r"-?[0-9]+")
_OPTIONS = ("tie", "withdrawn", "nick")
_MAX_DIGITS = 18


class BltError(ValueError):
    """A malformed BLT file, with the line where reading stopped."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}")


class BltFile(NamedTuple):
    """What a BLT file says: candidates, ballots, seats, title, and any lot order."""

    candidates: tuple[Candidate, ...]
    ballots: tuple[Ballot, ...]
    seats: int
    title: str
    tie_order: tuple[str, ...] | None


class _Line(NamedTuple):
    """One line's items after comments are removed: words and quoted strings."""

    number: int
    items: tuple[tuple[str, str], ...]


def _lines(text: str) -> Iterator[_Line]:
    """Split text into lines of ('word'|'quote'|'option', text) items, skipping comments."""
    in_comment = False
    opened = 1
    for number, raw in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
        line = raw.removesuffix("\r")
        items: list[tuple[str, str]] = []
        i, n = 0, len(line)
        while i < n:
            if in_comment:
                end = line.find("*/", i)
                if end < 0:
                    i = n
                    continue
                in_comment, i = False, end + 2
                continue
            ch = line[i]
            if ch.isspace():
                i += 1
            elif line.startswith("/*", i):
                in_comment, i, opened = True, i + 2, number
            elif ch == "#":
                break
            elif ch == '"':
                end = line.find('"', i + 1)
                if end < 0:
                    raise BltError(number, "a quoted name is not closed on its line")
                items.append(("quote", line[i + 1 : end]))
                i = end + 1
            elif ch == "[":
                end = line.find("]", i + 1)
                if end < 0:
                    raise BltError(number, "an [option] is not closed on its line")
                items.append(("option", line[i + 1 : end]))
                i = end + 1
            else:
                j = i
                while j < n and not line[j].isspace() and line[j] not in '"#[':
                    if line.startswith("/*", j):
                        break
                    j += 1
                items.append(("word", line[i:j]))
                i = j
        if items:
            yield _Line(number, tuple(items))
    if in_comment:
        raise BltError(opened, "a /* comment */ opened here is not closed")


def _int(item: tuple[str, str], line: int, what: str) -> int:
    """A whole number item, or a BltError naming what was expected."""
    kind, value = item
    if kind != "word" or not _NUMBER.fullmatch(value) or len(value) > _MAX_DIGITS:
        raise BltError(line, f"expected {what}, found {value[:40]!r}")
    return int(value)


class _Reader:
    """State while reading one file: candidate count, nicknames, options."""

    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines
        self.at = 0
        self.ncand = 0
        self.nicks: dict[str, int] = {}
        self.withdrawn: set[int] = set()
        self.tie: list[int] | None = None

    def next_line(self, what: str) -> _Line:
        """The next non-empty line, or a BltError saying what was still expected."""
        if self.at >= len(self.lines):
            last = self.lines[-1].number if self.lines else 1
            raise BltError(last, f"the file ends before {what}")
        line = self.lines[self.at]
        self.at += 1
        return line

    def candidate(self, word: str, line: int) -> int:
        """A candidate reference: its number or its [nick]."""
        if _NUMBER.fullmatch(word):
            number = int(word) if len(word) <= _MAX_DIGITS else 0
            if not 1 <= number <= self.ncand:
                raise BltError(line, f"{word} is not a candidate number (1 to {self.ncand})")
            return number
        if word in self.nicks:
            return self.nicks[word]
        raise BltError(line, f"{word[:40]!r} is not a candidate number or nickname")

    def option(self, body: str, line: int) -> None:
        """Apply one [option] line: nicknames, lot order, or withdrawn candidates."""
        words = body.split()
        if not words or words[0] not in _OPTIONS:
            raise BltError(line, f"unknown option [{body}]")
        name, args = words[0], words[1:]
        if name == "nick":
            if len(args) != self.ncand or len(set(args)) != len(args):
                raise BltError(line, "[nick] must give each candidate one distinct nickname")
            if any(_NUMBER.fullmatch(a) or "=" in a for a in args):
                raise BltError(line, "a nickname may not be a number or contain '='")
            self.nicks = {a: k for k, a in enumerate(args, start=1)}
            return
        refs = [self.candidate(a, line) for a in args]
        if len(set(refs)) != len(refs):
            raise BltError(line, f"[{name}] names a candidate twice")
        if name == "tie":
            if self.tie is not None:
                raise BltError(line, "a second [tie] line")
            self.tie = refs
        else:
            self.withdrawn.update(refs)

    def ballot(self, line: _Line) -> Ballot | None:
        """One ballot line, or None for the lone 0 that ends the ballots."""
        words = line.items
        weight = _int(words[0], line.number, "a ballot weight")
        if weight < 0:
            raise BltError(line.number, "withdrawn candidates must come before the ballots")
        if weight == 0:
            if len(words) != 1:
                raise BltError(line.number, "a ballot weight must be positive")
            return None
        if _int(words[-1], line.number, "0 at the end of the ballot") != 0 or len(words) < 2:
            raise BltError(line.number, "a ballot line must end with 0")
        text = " ".join(value for kind, value in words[1:-1] if kind == "word")
        if any(kind != "word" for kind, _ in words[1:-1]):
            raise BltError(line.number, "unexpected text in a ballot line")
        prefs: list[tuple[str, ...]] = []
        for rank in re.sub(r"\s*=\s*", "=", text).split():
            parts = rank.split("=")
            if "" in parts:
                raise BltError(line.number, f"'=' must join two candidates in {rank!r}")
            for p in parts:
                if p == "0":
                    raise BltError(line.number, "0 may only end a ballot line")
            prefs.append(tuple(str(self.candidate(p, line.number)) for p in parts))
        return Ballot(tuple(prefs), weight)


def read_blt(text: str) -> BltFile:
    """Parse BLT text, or raise BltError(line, message); never guess."""
    r = _Reader(list(_lines(text)))
    head = r.next_line("the header")
    if len(head.items) < 2:
        raise BltError(head.number, "the first line must give candidates and seats")
    r.ncand = _int(head.items[0], head.number, "the number of candidates")
    seats = _int(head.items[1], head.number, "the number of seats")
    if r.ncand < 1 or seats < 1:
        raise BltError(head.number, "candidates and seats must be at least 1")
    pending = list(head.items[2:])
    if any(kind != "word" or not value.startswith("-") for kind, value in pending):
        raise BltError(head.number, "the first line holds only candidates, seats, withdrawn")
    ballots: list[Ballot] = []
    started = False
    while True:
        line = _Line(head.number, tuple(pending)) if pending else r.next_line("the lone 0")
        pending = []
        first_kind, first = line.items[0]
        if first_kind == "option" and not started:
            for kind, body in line.items:
                if kind != "option":
                    raise BltError(line.number, "an [option] line may hold only options")
                r.option(body, line.number)
            continue
        if first_kind == "word" and first.startswith("-") and not started:
            for item in line.items:
                number = _int(item, line.number, "a withdrawn candidate (negative number)")
                if number >= 0:
                    raise BltError(line.number, "withdrawn candidates are negative numbers")
                r.withdrawn.add(r.candidate(str(-number), line.number))
            continue
        started = True
        ballot = r.ballot(line)
        if ballot is None:
            break
        ballots.append(ballot)
    quotes: list[tuple[int, str]] = []
    for line in r.lines[r.at :]:
        if len(quotes) > r.ncand:
            break  # after the title: notes some files carry (source, first preferences)
        for kind, value in line.items:
            if kind != "quote":
                raise BltError(line.number, f"expected a quoted name, found {value[:40]!r}")
            if len(quotes) > r.ncand:
                raise BltError(line.number, "the title must stand alone on its line")
            quotes.append((line.number, value))
    if len(quotes) < r.ncand + 1:
        last = r.lines[-1].number
        raise BltError(last, f"expected {r.ncand} names and a title, found {len(quotes)} strings")
    candidates = tuple(
        Candidate(str(k), quotes[k - 1][1], withdrawn=k in r.withdrawn)
        for k in range(1, r.ncand + 1)
    )
    tie = None if r.tie is None else tuple(str(k) for k in r.tie)
    return BltFile(candidates, tuple(ballots), seats, quotes[r.ncand][1], tie)


def _quoted(text: str, what: str) -> str:
    """Quote a name or title; BLT cannot hold a quote or a line break inside one."""
    if '"' in text or "\n" in text or "\r" in text:
        raise ValueError(f"a {what} with a quote or line break cannot be written to BLT")
    return f'"{text}"'


def write_blt(
    candidates: Sequence[Candidate],
    ballots: Sequence[Ballot],
    seats: int,
    title: str,
    tie_order: Sequence[str] | None = None,
) -> str:
    """Export a ranked poll as BLT text that `read_blt` reads back identically.

    Candidates are numbered by their position (so they read back with the ids
    "1", "2", ...), withdrawn ones as negative numbers, and `tie_order` as a
    [tie] line so a recount breaks ties by lot exactly as the original count did.
    A ballot naming an id that is not a candidate raises ValueError.
    """
    number = {c.id: k for k, c in enumerate(candidates, start=1)}
    out = [f"{len(candidates)} {seats}"]
    withdrawn = [f"-{number[c.id]}" for c in candidates if c.withdrawn]
    if withdrawn:
        out.append(" ".join(withdrawn))
    if tie_order is not None:
        out.append("[tie " + " ".join(str(number[cid]) for cid in tie_order) + "]")
    for b in ballots:
        try:
            ranks = ["=".join(str(number[cid]) for cid in group) for group in b.prefs]
        except KeyError as exc:
            raise ValueError(f"ballot names unknown candidate {exc.args[0]!r}") from None
        if any(not group for group in b.prefs):
            raise ValueError("a ballot has an empty rank, which BLT cannot hold")
        out.append(" ".join([str(b.weight), *ranks, "0"]))
    out.append("0")
    out.extend(_quoted(c.name, "name") for c in candidates)
    out.append(_quoted(title, "title"))
    return "\n".join(out) + "\n"
