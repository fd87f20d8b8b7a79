"""Read an SQLite file the way an attacker holding a copy would: b-tree pages, the byte
offset of each cell inside its page, and the frames of a write-ahead log.

Inside a page SQLite keeps the cell pointers sorted by key, but writes each cell's bytes
where free space was when it was inserted: the offsets give away the insertion order.
"""

from __future__ import annotations

import sqlite3
import struct
from dataclasses import dataclass
from pathlib import Path


def varint(data: bytes, at: int) -> tuple[int, int]:
    value = 0
    for i in range(9):
        byte = data[at + i]
        if i == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, at + i + 1
    raise AssertionError("unreachable")


def first_text(payload: bytes) -> str | None:
    """The first column of a record, when it is text."""
    header_size, at = varint(payload, 0)
    serial, _ = varint(payload, at)
    if serial < 13 or serial % 2 == 0:
        return None
    length = (serial - 13) // 2
    return payload[header_size : header_size + length].decode("utf-8", "replace")


def column_texts(payload: bytes) -> list[object]:
    """Every column of a record: text as str, integers as int, other kinds as None."""
    header_size, at = varint(payload, 0)
    serials = []
    while at < header_size:
        serial, at = varint(payload, at)
        serials.append(serial)
    values: list[object] = []
    body = header_size
    sizes = {0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8, 7: 8, 8: 0, 9: 0}
    for serial in serials:
        if serial >= 12:
            length = (serial - 12) // 2
            raw = payload[body : body + length]
            values.append(raw.decode("utf-8", "replace") if serial % 2 else None)
            body += length
        else:
            length = sizes[serial]
            if serial in (8, 9):
                values.append(serial - 8)
            elif 1 <= serial <= 6:
                values.append(int.from_bytes(payload[body : body + length], "big", signed=True))
            else:
                values.append(None)
            body += length
    return values


@dataclass(frozen=True)
class Cell:
    page: int
    offset: int
    payload: bytes


class SqliteFile:
    def __init__(self, path: Path):
        self.data = Path(path).read_bytes()
        self.page_size = struct.unpack(">H", self.data[16:18])[0] or 65536
        if self.page_size == 1:
            self.page_size = 65536

    def page(self, number: int) -> tuple[bytes, int]:
        start = (number - 1) * self.page_size
        return self.data[start : start + self.page_size], 100 if number == 1 else 0

    def index_cells(self, root: int) -> list[Cell]:
        """Every leaf cell of an index b-tree (indexes and WITHOUT ROWID tables)."""
        cells: list[Cell] = []
        stack = [root]
        while stack:
            number = stack.pop()
            page, header = self.page(number)
            kind = page[header]
            count = struct.unpack(">H", page[header + 3 : header + 5])[0]
            pointers = header + (12 if kind == 0x02 else 8)
            if kind == 0x02:
                stack.append(struct.unpack(">I", page[header + 8 : header + 12])[0])
            for i in range(count):
                offset = struct.unpack(">H", page[pointers + 2 * i : pointers + 2 * i + 2])[0]
                at = offset
                if kind == 0x02:
                    stack.append(struct.unpack(">I", page[at : at + 4])[0])
                    at += 4
                size, at = varint(page, at)
                if kind == 0x0A:
                    cells.append(Cell(number, offset, page[at : at + size]))
            assert kind in (0x02, 0x0A), f"page {number} is not an index b-tree page ({kind})"
        return cells


def root_pages(path: Path) -> dict[str, int]:
    """name -> root page, for every table and index (read through SQLite itself)."""
    con = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        return dict(con.execute("SELECT name, rootpage FROM sqlite_master WHERE rootpage > 0"))
    finally:
        con.close()


def index_on(path: Path, table: str, column: str) -> str:
    con = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        for (name,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", (table,)
        ):
            columns = [r[2] for r in con.execute(f"PRAGMA index_info('{name}')")]
            if columns[:1] == [column]:
                return name
    finally:
        con.close()
    raise AssertionError(f"no index on {table}.{column}")


def insertion_order(cells: list[Cell]) -> list[Cell]:
    """Cells as an attacker orders them: page by page, the highest offset first (SQLite
    fills a page's cell area from its end towards its start)."""
    return sorted(cells, key=lambda c: (c.page, -c.offset))


def rank_correlation(first: list[str], second: list[str]) -> float:
    """Spearman's rho between two orders of the same items."""
    common = [x for x in first if x in set(second)]
    n = len(common)
    if n < 3:
        return 0.0
    where = {x: i for i, x in enumerate(x for x in second if x in set(common))}
    d2 = sum((i - where[x]) ** 2 for i, x in enumerate(common))
    return 1 - 6 * d2 / (n * (n * n - 1))


def wal_frames(path: Path) -> list[tuple[int, bytes]]:
    """(page number, page image) of every frame in a write-ahead log, in log order."""
    wal = Path(str(path) + "-wal")
    if not wal.exists():
        return []
    data = wal.read_bytes()
    if len(data) < 32:
        return []
    page_size = struct.unpack(">I", data[8:12])[0]
    frames, at = [], 32
    while at + 24 + page_size <= len(data):
        number = struct.unpack(">I", data[at : at + 4])[0]
        frames.append((number, data[at + 24 : at + 24 + page_size]))
        at += 24 + page_size
    return frames
