"""The member roll as a CSV file: parse and validate an import, escape an export.

The credentials officer keeps the roll in a spreadsheet, so the import must
accept what spreadsheets write (UTF-8 with or without BOM, comma or semicolon,
Arabic or English headers, CRLF, quoted fields with newlines) and refuse, line
by line and in both languages, anything the web layer should not store. This
module only reads bytes and returns values: comparing with the database and
applying the rows in one transaction is the web layer's job.

Rules worth knowing:

* Line numbers are physical lines of the file (1 = header) where a record
  starts; a quoted field with newlines spans several lines.
* File-level problems (`too_large`, `empty_file`) are on line 0; a file that is
  not UTF-8 yields one `encoding` error on the line of the first bad byte.
* A header problem (unknown, duplicate or missing column) stops the parse: no
  row can be read reliably with a wrong header.
* A row with an error is left out of `rows`; every problem of the row is listed.
* Cells that are empty at the end of a row, and unnamed empty header cells at
  the end of the header, are ignored (spreadsheet residue); any other
  difference in the number of fields is `extra_columns` / `missing_columns`.
* Export/import escaping (see `csv_safe`): a cell that a spreadsheet could run
  as a formula, or that starts with `'`, is exported with one `'` in front;
  the import removes that `'` only in front of such a cell, so
  `parse_roll(write_roll_csv(rows))` gives back the same rows.

The package is split by responsibility: `model` (fields, error codes and the
result types), `messages` (the bilingual texts), `values` (one check per
column), `header` (header names to fields), `parse` (decoding and the row
loop) and `export` (escaping and writing the CSV).
"""

from congress.core.roll.export import csv_safe, csv_unescape, write_roll_csv
from congress.core.roll.model import (
    ERROR_CODES,
    FIELDS,
    REQUIRED_FIELDS,
    RollError,
    RollParse,
    RollRow,
)
from congress.core.roll.parse import parse_roll

__all__ = [
    "ERROR_CODES",
    "FIELDS",
    "REQUIRED_FIELDS",
    "RollError",
    "RollParse",
    "RollRow",
    "csv_safe",
    "csv_unescape",
    "parse_roll",
    "write_roll_csv",
]
