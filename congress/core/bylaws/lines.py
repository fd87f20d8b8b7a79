"""Map key paths of a TOML document to the lines they are written on.

tomllib keeps no positions, so semantic errors would have no line; this small
structural scanner walks the (already valid) text once and records the line of
every key, table header and array element so an error can point at it.
"""

from __future__ import annotations

import bisect
import contextlib
import re

_BARE = re.compile(r"[A-Za-z0-9_-]+")


def join(prefix: str, key: str) -> str:
    """Key path spelling used everywhere: dotted keys, `[i]` for array items."""
    return f"{prefix}.{key}" if prefix else key


class LineIndex:
    """Line numbers by key path; lookups fall back to the nearest written ancestor."""

    def __init__(self, text: str) -> None:
        self.lines: dict[str, int] = {}
        self.order: dict[str, int] = {}
        self._text = text
        self._newlines = [i for i, c in enumerate(text) if c == "\n"]
        self._pos = 0
        with contextlib.suppress(IndexError, ValueError):  # only on text tomllib rejects
            self._document()

    def find(self, path: str) -> int | None:
        """The line of `path`, or of its closest ancestor written in the text."""
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return None

    def _line(self, pos: int) -> int:
        return bisect.bisect_left(self._newlines, pos) + 1

    def _record(self, path: str, pos: int) -> None:
        if path not in self.lines:
            self.lines[path] = self._line(pos)
            self.order[path] = len(self.order)

    def _peek(self, n: int = 1) -> str:
        return self._text[self._pos : self._pos + n]

    def _skip_blank(self, newlines: bool) -> None:
        text = self._text
        while self._pos < len(text):
            c = text[self._pos]
            if c in " \t\r" or (newlines and c == "\n"):
                self._pos += 1
            elif c == "#":
                end = text.find("\n", self._pos)
                self._pos = len(text) if end < 0 else end
            else:
                return

    def _document(self) -> None:
        prefix = ""
        counts: dict[str, int] = {}
        while True:
            self._skip_blank(newlines=True)
            if self._pos >= len(self._text):
                return
            start = self._pos
            if self._peek(2) == "[[":
                self._pos += 2
                keys = self._key()
                self._pos = self._text.index("]]", self._pos) + 2
                base = self._record_chain("", keys, start)
                index = counts.get(base, 0)
                counts[base] = index + 1
                prefix = f"{base}[{index}]"
                self._record(prefix, start)
            elif self._peek() == "[":
                self._pos += 1
                keys = self._key()
                self._pos = self._text.index("]", self._pos) + 1
                prefix = self._record_chain("", keys, start)
            else:
                keys = self._key()
                path = self._record_chain(prefix, keys, start)
                self._skip_blank(newlines=False)
                self._pos += 1  # '='
                self._skip_blank(newlines=False)
                self._value(path)

    def _record_chain(self, prefix: str, keys: list[str], pos: int) -> str:
        path = prefix
        for key in keys:
            path = join(path, key)
            self._record(path, pos)
        return path

    def _key(self) -> list[str]:
        keys: list[str] = []
        while True:
            self._skip_blank(newlines=False)
            c = self._peek()
            if c in "\"'":
                keys.append(self._string())
            else:
                match = _BARE.match(self._text, self._pos)
                if match is None:
                    return keys
                keys.append(match.group())
                self._pos = match.end()
            self._skip_blank(newlines=False)
            if self._peek() != ".":
                return keys
            self._pos += 1

    def _string(self) -> str:
        text = self._text
        quote = text[self._pos]
        delimiter = quote * 3 if self._peek(3) == quote * 3 else quote
        self._pos += len(delimiter)
        start = self._pos
        while not text.startswith(delimiter, self._pos):
            if quote == '"' and text[self._pos] == "\\":
                self._pos += 1
            self._pos += 1
        value = text[start : self._pos]
        self._pos += len(delimiter)
        while len(delimiter) == 3 and self._peek() == quote:  # up to two quotes may close
            self._pos += 1
        return value

    def _value(self, path: str) -> None:
        c = self._peek()
        if c in "\"'":
            self._string()
        elif c == "{":
            self._pos += 1
            while True:
                self._skip_blank(newlines=False)
                if self._peek() == "}":
                    self._pos += 1
                    return
                if self._peek() == ",":
                    self._pos += 1
                    continue
                start = self._pos
                keys = self._key()
                inner = self._record_chain(path, keys, start)
                self._skip_blank(newlines=False)
                self._pos += 1  # '='
                self._skip_blank(newlines=False)
                self._value(inner)
        elif c == "[":
            self._pos += 1
            index = 0
            while True:
                self._skip_blank(newlines=True)
                if self._peek() == "]":
                    self._pos += 1
                    return
                if self._peek() == ",":
                    self._pos += 1
                    continue
                item = f"{path}[{index}]"
                self._record(item, self._pos)
                self._value(item)
                index += 1
        else:
            text = self._text
            while self._pos < len(text) and text[self._pos] not in ",]}\n#":
                self._pos += 1
