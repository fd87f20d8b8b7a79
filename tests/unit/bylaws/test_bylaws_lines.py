"""The line index that gives semantic errors a line, on TOML that is easy to misread."""

from __future__ import annotations

import tomllib

from congress.core.bylaws.lines import LineIndex

TRICKY = '''# comment with [brackets] and key = "value"
title = """
[not.a.table]
fake = 1
"""
"quoted.key" = "it's"
a.b.c = 1   # dotted
inline = { x = 1, y = { z = "}" } }
list = [
  { code = "SY" },  # first
  { code = "TR" },
]

[[items]]
name = "one"

[[items]]
name = "two"
'literal' = 'C:\\path'

[table."with dots".inner]
key = """multi
line"""
after = true
'''


def test_tricky_document_is_valid_toml() -> None:
    assert tomllib.loads(TRICKY)["items"][1]["literal"] == "C:\\path"


def test_lines_of_keys_headers_and_items() -> None:
    index = LineIndex(TRICKY)
    assert index.find("title") == 2
    assert index.find("fake") is None and index.find("not.a.table") is None
    assert index.find("quoted.key") == 6
    assert index.find("a.b.c") == 7 and index.find("a") == 7
    assert index.find("inline.y.z") == 8
    assert index.find("list[0].code") == 10
    assert index.find("list[1].code") == 11
    assert index.find("items[0].name") == 15
    assert index.find("items[1].name") == 18
    assert index.find("items[1].literal") == 19
    assert index.find("table.with dots.inner.key") == 22
    assert index.find("table.with dots.inner.after") == 24


def test_missing_paths_fall_back_to_the_nearest_ancestor() -> None:
    index = LineIndex(TRICKY)
    assert index.find("items[1].missing") == 17
    assert index.find("table.with dots.inner.nothing.deeper") == 21
    assert index.find("nowhere") is None
    assert index.find("") is None
