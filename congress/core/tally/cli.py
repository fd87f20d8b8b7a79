"""`congress tally FILE.blt --method ...`: recount a BLT file from the command line.

A pure function (argv and streams in, exit status out) so the click command that
wraps it stays one line and tests need no subprocess.

Ties by lot follow the file's `[tie ...]` line when it has one (Congress writes it
into every export), else the order of `--seed HEX` (SHA-256 lot, see `lot`), else
the order the candidates are listed in the file, as Droop and OpenSTV do.
For block and approval, the candidates listed on a ballot line are its marks;
a block ballot may mark at most as many candidates as there are seats.
"""

from __future__ import annotations

import argparse
import json
from typing import NoReturn, TextIO

from congress.core.tally import count
from congress.core.tally.blt import BltError, read_blt
from congress.core.tally.lot import lot_order
from congress.core.tally.model import METHODS, CountRules, TallyError

USAGE_ERROR = 2


class _Stop(Exception):
    """argparse wants to exit; we return a status instead."""

    def __init__(self, status: int) -> None:
        self.status = status


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that writes to the given streams and never exits."""

    def __init__(self, out: TextIO, err: TextIO) -> None:
        super().__init__(prog="congress tally", description="Count a BLT ballot file.")
        self.out = out
        self.err = err

    def _print_message(self, message: str, file: object = None) -> None:
        """Write argparse messages to our streams, not the process ones."""
        if message:
            (self.err if file is not None and file is not self.out else self.out).write(message)

    def print_help(self, file: object = None) -> None:
        """Help goes to our stdout."""
        self.out.write(self.format_help())

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        """Stop parsing with a status instead of ending the process."""
        if message:
            self.err.write(message)
        raise _Stop(status)

    def error(self, message: str) -> NoReturn:
        """Usage errors: message on stderr, status 2, like argparse but without exiting."""
        self.err.write(f"{self.format_usage()}{self.prog}: error: {message}\n")
        raise _Stop(USAGE_ERROR)


def _parser(stdout: TextIO, stderr: TextIO) -> _Parser:
    """The command line: file, method, seats, seed, json."""
    parser = _Parser(stdout, stderr)
    parser.add_argument("file", help="the BLT file to count")
    parser.add_argument("--method", required=True, choices=METHODS, help="counting method")
    parser.add_argument("--seats", type=int, help="seats to fill (default: as in the file)")
    parser.add_argument("--seed", help="hex seed for ties by lot (when the file has no [tie])")
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    return parser


def run(argv: list[str], stdout: TextIO, stderr: TextIO) -> int:
    """Count the file named in `argv`; print winners (or JSON); return the exit status."""
    parser = _parser(stdout, stderr)
    try:
        args = parser.parse_args(argv)
    except _Stop as stop:
        return stop.status
    try:
        with open(args.file, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as exc:
        stderr.write(f"congress tally: cannot read {args.file}: {exc}\n")
        return USAGE_ERROR
    try:
        blt = read_blt(text)
    except BltError as exc:
        stderr.write(f"congress tally: {args.file}: line {exc.line}: {exc.message}\n")
        return USAGE_ERROR
    try:
        seed = bytes.fromhex(args.seed) if args.seed else b""
    except ValueError:
        stderr.write("congress tally: --seed must be hexadecimal\n")
        return USAGE_ERROR
    seats = args.seats if args.seats is not None else blt.seats
    ids = tuple(c.id for c in blt.candidates)
    order = blt.tie_order or (lot_order(seed, ids) if args.seed else ids)
    rules = CountRules(
        method=args.method,
        seats=seats,
        max_marks=seats if args.method == "block" else None,
        seed=seed,
        tie_order=order,
    )
    try:
        report = count(blt.candidates, blt.ballots, rules)
    except TallyError as exc:
        stderr.write(f"congress tally: {exc}\n")
        return USAGE_ERROR
    names = {c.id: c.name for c in blt.candidates}
    if args.json:
        data = report.to_dict()
        data["winners"] = [names[w] for w in report.winners]
        data["winner_ids"] = list(report.winners)
        data["names"] = names
        data["title"] = blt.title
        data["report_sha256"] = report.sha256()
        stdout.write(json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n")
    else:
        for w in report.winners:
            stdout.write(names[w] + "\n")
        if report.runoff_needed:
            stderr.write("no absolute majority; runoff between:\n")
            for cid in report.runoff_candidates:
                stderr.write(names[cid] + "\n")
    return 0
